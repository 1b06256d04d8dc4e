// NodeManager on real lock files, lock-compatible with Artemis' and HornetQ's node managers in
// every file layout (docs/protocol.md). The layout's description (lock-file/layout.ts) says
// which file and range each lock is and which primitive takes it (lock-file/primitives.ts);
// everything else is shared:
// - ranges (HornetQ, Artemis ≤ 2.9): 1-byte fcntl locks at offsets 0 (state), 1 (live),
//   2 (backup) of server.lock;
// - files (Artemis ≥ 2.10): whole-file fcntl locks on server.lock and serverlock.0 where it
//   exists (state), serverlock.1 (live) and serverlock.2 (backup);
// - flock (HornetQ / Artemis ≤ 2.0 with an AIO journal): flock on server.1.lock (live) and
//   server.2.lock (backup); no state lock: the state byte is read and written bare.
// Each lock has its own open file description, so locks of one node never merge or replace
// each other, and two nodes in one process contend like two processes (OFD locks and flocks
// both belong to the open file description).
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {
	LAYOUTS,
	LayoutConflictError,
	LockFileInputError,
	PRIMITIVES,
	SERVER_LOCK,
	STATE,
	chooseLayout,
	closeDescriptor,
	confirmOpened,
	pinGroupDirectory,
	releasePinned,
	decodeLockFile,
	isSameFile,
	layoutOfDirectory,
	lockKind,
	checkNodeTarget,
	openForNode,
	openServerlockFile,
	readBytes,
	readStateByte,
	reopen,
	setFileTimesNs,
	targetIn,
	writeStateByte,
	type Layout,
	type LayoutChoice,
	type LayoutDecision,
	type LockTarget,
	type OpenedLockFile,
	type PinnedDirectory,
	type PrimitiveOps,
	type StateLockSpec,
} from '../lock-file/index.js';
import type {LockSegment, NodeManager} from './node-manager.js';
import {waitForChangeOrTimeout} from './wait-for-change.js';

export type FileLockNodeManagerOptions = {
	/** auto (default): what the directory shows; a new directory gets the files layout. */
	layout?: LayoutChoice;
	/** Create the lock file's directory when it is missing. */
	createDirectory?: boolean;
};

/** A lock with its own descriptor (its own open file description). */
type HeldLock = {readonly fd: number; readonly target: LockTarget; readonly ops: PrimitiveOps};

/**
 * One state lock. A mandatory one has its descriptor from the start; an optional one
 * (serverlock.0) is looked for at every state access: a 2.10.x broker may create it after we
 * started, and it never deletes it.
 */
type StateLockSlot = {readonly spec: StateLockSpec; readonly target: LockTarget; fd?: number; device?: number; inode?: number};

type Opened = {
	layout: Layout;
	/** server.lock: state byte, node id, times. */
	server: OpenedLockFile;
	locks: Record<LockSegment, HeldLock>;
	/** In the order they are taken; empty in the flock layout. */
	stateLocks: StateLockSlot[];
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

/** How often a node starting beside a fresh, lone server.lock looks again (see open). */
const FRESH_RELOOK_MS = 50;

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
		if (layout === 'files') return `${lockKind()} whole-file locks (files layout)`;
		if (layout === 'ranges') return `${lockKind()} byte-range locks (ranges layout)`;
		if (layout === 'flock') return 'flock locks on server.1.lock / server.2.lock (flock layout)';
		return `${lockKind()} locks`;
	}

	/**
	 * Opens the lock files in the layout the directory shows (or --layout). A server.lock alone
	 * that is only seconds old and in state '0' says nothing yet (Artemis creates it before its
	 * serverlock files, HornetQ before its first lock): then open waits, looking again every
	 * 50 ms, until the directory shows a layout or the file is old enough to be a ranges group
	 * at rest — and returns a promise. (With an explicit layout it does not wait.)
	 */
	open(options: {create?: boolean; signal?: AbortSignal} = {}): void | Promise<void> {
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
		let waiting = false;
		try {
			const decision = layoutOfDirectory(directory);
			// Only when the directory decides: an explicit --layout is the user's word.
			if (decision.because !== 'fresh' || (this.options.layout ?? 'auto') !== 'auto') {
				this.openIn(directory, this.decide(directory, decision), pinned, options);
				return;
			}

			waiting = true;
			return (async () => {
				try {
					let now = decision;
					while (now.because === 'fresh') {
						await sleep(FRESH_RELOOK_MS, undefined, {signal: options.signal});
						now = layoutOfDirectory(directory);
					}

					if (this.opened) return;
					this.openIn(directory, this.decide(directory, now), pinned, options);
				} finally {
					releasePinned(pinned);
				}
			})();
		} finally {
			if (!waiting) releasePinned(pinned);
		}
	}

	private decide(directory: string, decision: LayoutDecision): Layout {
		try {
			return chooseLayout(this.options.layout ?? 'auto', decision);
		} catch (error) {
			if (error instanceof LayoutConflictError) throw new LockFileInputError(directory, `refusing to start a node: ${error.message}`);
			throw error;
		}
	}

	private openIn(directory: string, layout: Layout, pinned: PinnedDirectory, options: {create?: boolean}): void {
		const description = LAYOUTS[layout];
		const changeListeners = new Set<() => void>();
		const watcher = this.watchDirectory(directory, changeListeners);
		const fds: number[] = [];
		const track = <T extends {fd: number}>(file: T): T => {
			fds.push(file.fd);
			return file;
		};

		try {
			// Nothing is created beside a server.lock that is not one (a device, somebody's file).
			checkNodeTarget(this.path);
			// The layout's own files first, so that a node starting beside us never sees a
			// server.lock alone (which would read as the ranges layout).
			const lockFiles = new Map<string, OpenedLockFile>();
			for (const name of description.files) {
				const file = path.join(directory, name);
				lockFiles.set(file, track(openServerlockFile(file, {create: options.create !== false})));
			}

			const server = track(openForNode(this.path, {create: options.create}));
			lockFiles.set(path.join(directory, SERVER_LOCK), server);
			const own = (target: LockTarget): number => track({fd: reopen(lockFiles.get(target.file)!, 'write')}).fd;
			const lockOf = (segment: LockSegment): HeldLock => {
				const target = targetIn(directory, description[segment]);
				return {fd: own(target), target, ops: PRIMITIVES[target.primitive]};
			};

			const locks = {live: lockOf('live'), backup: lockOf('backup')};
			const stateLocks: StateLockSlot[] = description.stateLocks.map(spec => {
				const target = targetIn(directory, spec);
				return spec.optional ? {spec, target} : {spec, target, fd: own(target)};
			});
			const liveFile = lockFiles.get(locks.live.target.file)!;
			const liveProbeFd = track({fd: reopen(liveFile, 'read')}).fd;
			confirmOpened(pinned, [...lockFiles.values()]);
			this.nodeId = decodeLockFile(readBytes(server.fd)).nodeId;
			this.opened = {layout, server, locks, stateLocks, liveProbeFd, liveFile, ownMtimeNs: mtimeNs(server.fd), watcher, changeListeners};
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

	/**
	 * An optional state lock's descriptor, looked for now: opened when its file has appeared (or
	 * was replaced), dropped when it is gone. Never creates it.
	 */
	private refreshSlot(slot: StateLockSlot): number | undefined {
		const stat = fs.lstatSync(slot.target.file, {throwIfNoEntry: false});
		// As every lock file of the group (group-directory.ts): a plain file beside server.lock.
		if (stat && (stat.isSymbolicLink() || stat.dev !== this.files.server.device)) {
			throw new LockFileInputError(slot.target.file, `${stat.isSymbolicLink() ? 'is a symbolic link' : 'is on another device than server.lock'}: it cannot be this group's state lock`);
		}

		if (stat && slot.fd !== undefined && stat.ino === slot.inode && stat.dev === slot.device) return slot.fd;
		if (slot.fd !== undefined) closeDescriptor(slot.fd);
		slot.fd = undefined;
		if (!stat) return undefined;
		const opened = openServerlockFile(slot.target.file, {create: false});
		slot.fd = opened.fd;
		slot.device = opened.device;
		slot.inode = opened.inode;
		return slot.fd;
	}

	/**
	 * Holds the layout's state locks around fn, as Artemis ≥ 2.4 does around every state read
	 * and write (none in the flock layout, as HornetQ's AIO node manager).
	 */
	private async withStateLock<T>(fn: (server: OpenedLockFile) => T, signal?: AbortSignal): Promise<T> {
		const files = this.files;
		const taken: HeldLock[] = [];
		try {
			// Always in the layout's order (serverlock.0, then server.lock): no two ha-tui nodes
			// can deadlock, and an Artemis node only ever takes one of them.
			for (const slot of files.stateLocks) {
				const fd = slot.spec.optional ? this.refreshSlot(slot) : slot.fd;
				if (fd === undefined) continue;
				const lock: HeldLock = {fd, target: slot.target, ops: PRIMITIVES[slot.target.primitive]};
				if (!lock.ops.tryLock(fd, lock.target.range)) await lock.ops.wait(fd, lock.target.range, {signal});
				taken.push(lock);
			}

			return fn(files.server);
		} finally {
			for (const lock of taken.reverse()) {
				try {
					lock.ops.unlock(lock.fd, lock.target.range);
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
		const lock = this.files.locks[segment];
		const taken = lock.ops.tryLock(lock.fd, lock.target.range);
		if (taken) this.held.add(segment);
		return taken;
	}

	async waitLock(segment: LockSegment, signal: AbortSignal): Promise<void> {
		const lock = this.files.locks[segment];
		await lock.ops.wait(lock.fd, lock.target.range, {signal});
		this.held.add(segment);
	}

	unlock(segment: LockSegment): void {
		const files = this.opened;
		if (!files) return;
		const lock = files.locks[segment];
		lock.ops.unlock(lock.fd, lock.target.range);
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
		// identity checks are all we can do (stillHeld says undefined).
		const live = files.locks.live;
		if (live.ops.stillHeld(live.fd, files.liveProbeFd, live.target.range) === false) return 'the live lock vanished (NFS lock recovery?)';
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
		// Closing a lock's only descriptor drops its OFD lock or flock, as a dying process would. A
		// descriptor with a wait in flight closes once the kernel call has returned.
		const stateFds = files.stateLocks.flatMap(slot => slot.fd === undefined ? [] : [slot.fd]);
		for (const fd of [files.locks.live.fd, files.locks.backup.fd, ...stateFds, files.liveProbeFd, files.server.fd]) closeDescriptor(fd);
	}
}

