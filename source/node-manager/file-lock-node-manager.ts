// NodeManager on a real server.lock, lock-compatible with Artemis' FileLockNodeManager.
import fs from 'node:fs';
import {
	BACKUP_LOCK_OFFSET,
	LIVE_LOCK_OFFSET,
	decodeLockFile,
	getLockOnByte,
	isSameFile,
	lockKind,
	openForNode,
	readBytes,
	readStateByte,
	tryLockByte,
	unlockByte,
	waitForByteLock,
	writeStateByte,
	type OpenedLockFile,
} from '../lock-file/index.js';
import type {LockSegment, NodeManager} from './node-manager.js';

const offsets: Record<LockSegment, number> = {live: LIVE_LOCK_OFFSET, backup: BACKUP_LOCK_OFFSET};

export type FileLockNodeManagerOptions = {
	/** Create the lock file's directory when it is missing. */
	createDirectory?: boolean;
};

export class FileLockNodeManager implements NodeManager {
	readonly description = `${lockKind()} byte-range locks`;
	nodeId: string | undefined;
	private file: OpenedLockFile | undefined;
	// A second, read-only descriptor: F_OFD_GETLK through it sees our own lock as a conflict,
	// which is how we check the lock is still there without touching it.
	private probeFd: number | undefined;
	private readonly held = new Set<LockSegment>();

	constructor(readonly path: string, private readonly options: FileLockNodeManagerOptions = {}) {}

	open(options: {create?: boolean} = {}): void {
		if (this.file) return;
		this.file = openForNode(this.path, {createDirectory: this.options.createDirectory, create: options.create});
		this.probeFd = fs.openSync(this.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
		this.nodeId = decodeLockFile(readBytes(this.file.fd)).nodeId;
	}

	private get fd(): number {
		if (!this.file) throw new Error('the lock file is not open');
		return this.file.fd;
	}

	readState(): number | undefined {
		return readStateByte(this.fd);
	}

	writeState(state: number): void {
		writeStateByte(this.fd, state);
	}

	touch(): void {
		try {
			const now = new Date();
			fs.futimesSync(this.fd, now, now);
		} catch {}
	}

	tryLock(segment: LockSegment): boolean {
		const taken = tryLockByte(this.fd, offsets[segment]);
		if (taken) this.held.add(segment);
		return taken;
	}

	async waitLock(segment: LockSegment, signal: AbortSignal): Promise<void> {
		await waitForByteLock(this.fd, offsets[segment], {signal});
		this.held.add(segment);
	}

	unlock(segment: LockSegment): void {
		if (!this.file) return;
		unlockByte(this.fd, offsets[segment]);
		this.held.delete(segment);
	}

	sameFile(): boolean {
		return this.file !== undefined && isSameFile(this.file);
	}

	stillOwns(segment: LockSegment): boolean {
		if (!this.file || this.probeFd === undefined || !this.held.has(segment)) return false;
		if (!this.sameFile()) return false;
		// POSIX locks (not Linux) are invisible to their own process's F_GETLK: there the
		// same-inode check is all we can do.
		if (lockKind() !== 'OFD') return true;
		return getLockOnByte(this.probeFd, offsets[segment]) !== undefined;
	}

	close(): void {
		// Closing the only descriptor of the open file drops its OFD locks, as a dying process would.
		if (this.file) fs.closeSync(this.file.fd);
		if (this.probeFd !== undefined) fs.closeSync(this.probeFd);
		this.file = undefined;
		this.probeFd = undefined;
		this.held.clear();
	}
}
