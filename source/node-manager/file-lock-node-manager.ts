// NodeManager on real lock files, lock-compatible with Artemis' FileLockNodeManager in both
// layouts (docs/protocol.md). The layout decides only which file and range each lock is
// (lockTargets); everything else is shared:
// - ranges (HornetQ, Artemis ≤ 2.9): 1-byte locks at offsets 0 (state), 1 (live), 2 (backup)
//   of server.lock;
// - files (Artemis ≥ 2.10): whole-file locks on server.lock or serverlock.0 (state),
//   serverlock.1 (live) and serverlock.2 (backup).
// Each lock has its own open file description, so OFD locks of one node never merge or
// replace each other, and two nodes in one process contend like two processes.
import fs from 'node:fs';
import path from 'node:path';
import {
	LayoutConflictError,
	LockFileInputError,
	SERVER_LOCK,
	STATE,
	chooseLayout,
	closeDescriptor,
	confirmOpened,
	pinGroupDirectory,
	releasePinned,
	decodeLockFile,
	getConflictingLock,
	isSameFile,
	layoutOfDirectory,
	lockKind,
	lockTargets,
	openForNode,
	openServerlockFile,
	readBytes,
	readStateByte,
	reopen,
	setFileTimesNs,
	tryLock,
	unlock,
	waitForLock,
	writeStateByte,
	type Layout,
	type LayoutChoice,
	type LockTarget,
	type OpenedLockFile,
	type PinnedDirectory,
} from '../lock-file/index.js';
import type {LockSegment, NodeManager} from './node-manager.js';
import {waitForChangeOrTimeout} from './wait-for-change.js';

export type FileLockNodeManagerOptions = {
	/** auto (default): what the directory shows; a new directory gets the files layout. */
	layout?: LayoutChoice;
	/** Create the lock file's directory when it is missing. */
	createDirectory?: boolean;
};

type Lock = 'state' | LockSegment;

type Opened = {
	layout: Layout;
	/** server.lock: state byte, node id, times. */
	server: OpenedLockFile;
	targets: Readonly<Record<Lock, LockTarget>>;
	/** One descriptor (one open file description) per lock. */
	lockFds: Record<Lock, number>;
	/** 2.10.x's state lock (serverlock.0), where that file exists: taken before the 2.11+ one. */
	oldState?: {fd: number; range: LockTarget['range']};
	/** Read-only descriptor on the live lock's file: F_OFD_GETLK through it sees our own lock. */
	liveProbeFd: number;
	liveFile: OpenedLockFile;
	/** server.lock's mtime after our own last write or touch (ns). */
	ownMtimeNs: bigint;
	/** Our last state write, to undo it (see undoLastWrite). */
	lastWrite?: {state: number; atimeNs: bigint; mtimeNs: bigint; ownMtimeNs: bigint};
	watcher?: fs.FSWatcher;
	changeListeners: Set<() => void>;
};

const mtimeNs = (fd: number): bigint => fs.fstatSync(fd, {bigint: true}).mtimeNs;

export class FileLockNodeManager implements NodeManager {
	nodeId: string | undefined;
	private opened: Opened | undefined;
	private readonly held = new Set<LockSegment>();
	private chosen: Layout | undefined;

	constructor(readonly path: string, private readonly options: FileLockNodeManagerOptions = {}) {}

	/** The layout in use once open (or last used). */
	get layout(): Layout | undefined {
		return this.chosen;
	}

	get description(): string {
		const layout = this.chosen ?? this.options.layout ?? 'auto';
		return layout === 'files' ? `${lockKind()} whole-file locks (files layout)` : layout === 'ranges' ? `${lockKind()} byte-range locks (ranges layout)` : `${lockKind()} locks`;
	}

	open(options: {create?: boolean} = {}): void {
		if (this.opened) return;
		const directory = path.dirname(this.path);
		if (this.options.createDirectory) {
			try {
				fs.mkdirSync(directory, {recursive: true});
			} catch (error) {
				throw new LockFileInputError(directory, (error as Error).message);
			}
		}

		if (!fs.existsSync(directory)) throw new LockFileInputError(this.path, 'no such file or directory (its directory is missing; --create-dir creates it)');
		// Is this the group's one directory? Checked before anything is created (group-directory.ts).
		const pinned = pinGroupDirectory(this.path);
		try {
			this.openIn(directory, pinned, options);
		} finally {
			releasePinned(pinned);
		}
	}

	private openIn(directory: string, pinned: PinnedDirectory, options: {create?: boolean}): void {
		let layout: Layout;
		try {
			layout = chooseLayout(this.options.layout ?? 'auto', layoutOfDirectory(directory));
		} catch (error) {
			if (error instanceof LayoutConflictError) throw new LockFileInputError(directory, `refusing to start a node: ${error.message}`);
			throw error;
		}

		const changeListeners = new Set<() => void>();
		const watcher = this.watchDirectory(directory, changeListeners);
		const fds: number[] = [];
		const track = <T extends {fd: number}>(file: T): T => {
			fds.push(file.fd);
			return file;
		};

		try {
			// Files layout: the serverlock files first, so that a node starting beside us never
			// sees a server.lock alone (which would read as the ranges layout).
			const serverlock0 = path.join(directory, 'serverlock.0');
			const hasServerlock0 = layout === 'files' && fs.existsSync(serverlock0);
			// The state lock of 2.11+ (the whole of server.lock) always; where serverlock.0 exists
			// — a directory a 2.10.x broker ever ran on: nobody deletes it — that of 2.10.x too,
			// taken first, so brokers of both generations are kept out while we read or write.
			const targets = lockTargets(layout, directory);
			const oldStateTarget = hasServerlock0 ? lockTargets(layout, directory, {serverlock0: true}).state : undefined;
			const lockFiles = new Map<string, OpenedLockFile>();
			if (layout === 'files') {
				for (const name of ['serverlock.1', 'serverlock.2', ...(hasServerlock0 ? ['serverlock.0'] : [])]) {
					const file = path.join(directory, name);
					lockFiles.set(file, track(openServerlockFile(file, {create: options.create !== false})));
				}
			}

			const server = track(openForNode(this.path, {create: options.create}));
			lockFiles.set(path.join(directory, SERVER_LOCK), server);
			const descriptorFor = (lock: Lock): number => track({fd: reopen(lockFiles.get(targets[lock].file)!, 'write')}).fd;
			const lockFds = {state: descriptorFor('state'), live: descriptorFor('live'), backup: descriptorFor('backup')};
			const oldState = oldStateTarget ? {fd: track({fd: reopen(lockFiles.get(oldStateTarget.file)!, 'write')}).fd, range: oldStateTarget.range} : undefined;
			const liveFile = lockFiles.get(targets.live.file)!;
			const liveProbeFd = track({fd: reopen(liveFile, 'read')}).fd;
			confirmOpened(pinned, [...lockFiles.values()]);
			this.nodeId = decodeLockFile(readBytes(server.fd)).nodeId;
			this.opened = {layout, server, targets, lockFds, oldState, liveProbeFd, liveFile, ownMtimeNs: mtimeNs(server.fd), watcher, changeListeners};
			this.chosen = layout;
			// The lock files opened above are not lock descriptors themselves (except server.lock's
			// for the state byte): close the extra ones; the locks have their own descriptors.
			for (const file of lockFiles.values()) {
				if (file !== server) closeDescriptor(file.fd);
			}
		} catch (error) {
			watcher?.close();
			for (const fd of fds) closeDescriptor(fd);
			throw error;
		}
	}

	private get files(): Opened {
		if (!this.opened) throw new Error('the lock files are not open');
		return this.opened;
	}

	/** Holds the state lock around fn, as Artemis ≥ 2.4 does around every state read and write. */
	private async withStateLock<T>(fn: (server: OpenedLockFile) => T, signal?: AbortSignal): Promise<T> {
		const files = this.files;
		const locks = [...(files.oldState ? [files.oldState] : []), {fd: files.lockFds.state, range: files.targets.state.range}];
		const taken: typeof locks = [];
		try {
			// Always in the same order (serverlock.0, then server.lock): no two ha-tui nodes can
			// deadlock, and an Artemis node only ever takes one of them.
			for (const lock of locks) {
				if (!tryLock(lock.fd, lock.range)) await waitForLock(lock.fd, lock.range, {signal});
				taken.push(lock);
			}

			return fn(files.server);
		} finally {
			for (const lock of taken.reverse()) {
				try {
					unlock(lock.fd, lock.range);
				} catch {}
			}
		}
	}

	async readState(signal?: AbortSignal): Promise<number | undefined> {
		return this.withStateLock(server => readStateByte(server.fd), signal);
	}

	async writeState(state: number, signal?: AbortSignal): Promise<void> {
		await this.withStateLock(server => {
			const before = fs.fstatSync(server.fd, {bigint: true});
			writeStateByte(server.fd, state);
			this.files.ownMtimeNs = mtimeNs(server.fd);
			this.files.lastWrite = {state, atimeNs: before.atimeNs, mtimeNs: before.mtimeNs, ownMtimeNs: this.files.ownMtimeNs};
		}, signal);
	}

	async undoLastWrite(previous: number, signal?: AbortSignal): Promise<boolean> {
		return this.withStateLock(server => {
			const last = this.files.lastWrite;
			// Only our own write, untouched since: same byte, same mtime as our write left it.
			if (!last || readStateByte(server.fd) !== last.state || mtimeNs(server.fd) !== last.ownMtimeNs) return false;
			writeStateByte(server.fd, previous);
			// The times it had before our write, within the same hold of the state lock: an
			// Artemis 2.29+ primary reads a newer mtime with L as a takeover and would stop.
			setFileTimesNs(server.fd, last.atimeNs, last.mtimeNs);
			this.files.ownMtimeNs = mtimeNs(server.fd);
			this.files.lastWrite = undefined;
			return true;
		}, signal);
	}

	touch(): void {
		const files = this.opened;
		if (!files) return;
		try {
			const now = new Date();
			fs.futimesSync(files.server.fd, now, now);
			files.ownMtimeNs = mtimeNs(files.server.fd);
		} catch {}
	}

	tryLock(segment: LockSegment): boolean {
		const files = this.files;
		const taken = tryLock(files.lockFds[segment], files.targets[segment].range);
		if (taken) this.held.add(segment);
		return taken;
	}

	async waitLock(segment: LockSegment, signal: AbortSignal): Promise<void> {
		const files = this.files;
		await waitForLock(files.lockFds[segment], files.targets[segment].range, {signal});
		this.held.add(segment);
	}

	unlock(segment: LockSegment): void {
		const files = this.opened;
		if (!files) return;
		unlock(files.lockFds[segment], files.targets[segment].range);
		this.held.delete(segment);
	}

	sameFile(): boolean {
		const files = this.opened;
		if (!files) return false;
		return isSameFile(files.server) && (files.liveFile === files.server || isSameFile(files.liveFile));
	}

	async lostLock(signal?: AbortSignal): Promise<string | undefined> {
		const files = this.opened;
		if (!files || !this.held.has('live')) return 'the live lock is not held';
		if (!isSameFile(files.server)) return `${files.server.path} was deleted or replaced`;
		if (files.liveFile !== files.server && !isSameFile(files.liveFile)) return `${files.liveFile.path} was deleted or replaced`;
		// POSIX locks (not Linux) are invisible to their own process's F_GETLK: there the
		// identity checks are all we can do.
		if (lockKind() === 'OFD' && !getConflictingLock(files.liveProbeFd, files.targets.live.range)) return 'the live lock vanished (NFS lock recovery?)';
		// As an Artemis 2.29+ primary: a newer mtime than our own last write, with the state
		// still L, means a backup took over (it touches the file) while we thought we were live.
		let stat: fs.BigIntStats;
		try {
			stat = fs.statSync(files.server.path, {bigint: true});
		} catch {
			return `${files.server.path} is gone`;
		}

		if (stat.mtimeNs > files.ownMtimeNs) {
			// Look again under the state lock, at the state and the mtime together: every state
			// write (and an undone F, whose mtime is put back) happens under that lock.
			const now = await this.withStateLock(server => ({state: readStateByte(server.fd), mtimeNs: mtimeNs(server.fd)}), signal);
			if (now.mtimeNs > files.ownMtimeNs && now.state === STATE.live) return `${files.server.path} was modified by another node while the state is L (a backup took over?)`;
			// F from a failing-back primary, or P, or nothing left to see: not a takeover.
			if (now.mtimeNs > files.ownMtimeNs) files.ownMtimeNs = now.mtimeNs;
		}

		return undefined;
	}

	async waitForChange(timeoutMs: number, signal: AbortSignal): Promise<void> {
		const {changeListeners} = this.files;
		await waitForChangeOrTimeout(wake => {
			changeListeners.add(wake);
			return () => changeListeners.delete(wake);
		}, timeoutMs, signal);
	}

	/**
	 * inotify on the directory, filtered to server.lock: every write and touch from this host.
	 * Other NFS clients' writes raise no event: the callers' timeouts are the fallback.
	 * Made before any lock descriptor is opened, on purpose: a dying process releases its files
	 * last-closed-first, and tearing down an inotify instance waits for an RCU grace period
	 * (~10–20 ms here). With the inotify descriptor numbered below the lock descriptors, the
	 * locks go first and a backup takes over in ~1 ms instead of ~15 ms (measured).
	 */
	private watchDirectory(directory: string, listeners: Set<() => void>): fs.FSWatcher | undefined {
		try {
			const watcher = fs.watch(directory, {persistent: false}, (_event, name) => {
				if (name !== null && name !== SERVER_LOCK) return;
				for (const listener of [...listeners]) listener();
			});
			watcher.on('error', () => watcher.close());
			return watcher;
		} catch {
			// No inotify watches left, or a file system without them: timeouts only.
			return undefined;
		}
	}

	close(): void {
		const files = this.opened;
		this.opened = undefined;
		this.held.clear();
		if (!files) return;
		files.watcher?.close();
		for (const listener of [...files.changeListeners]) listener();
		// Closing a lock's only descriptor drops its OFD lock, as a dying process would. A
		// descriptor with a wait in flight closes once the kernel call has returned.
		for (const fd of [files.lockFds.live, files.lockFds.backup, files.lockFds.state, ...(files.oldState ? [files.oldState.fd] : []), files.liveProbeFd, files.server.fd]) closeDescriptor(fd);
	}
}

