// One look at the lock file: bytes, identity and who holds each segment. A probe asks the
// kernel (F_OFD_GETLK / F_GETLK) and /proc; it never takes a lock and never writes.
import fs from 'node:fs';
import process from 'node:process';
import {getLockOnByte, type LockKind} from './fcntl.js';
import {FILE_SIZE, SEGMENTS, SEGMENT_OFFSET, decodeLockFile, type DecodedLockFile, type Segment} from './format.js';
import {LockFileInputError, openForReading, readBytes} from './lock-file.js';
import {commandLine, findOfdOwners, locksCovering, ofdOwnerStillHolds, readProcLocks, type OfdOwner, type ProcLock} from './proc-locks.js';

export type Holder = {
	readonly pid: number | undefined;
	readonly command: string | undefined;
	readonly kind: LockKind | 'unknown';
	readonly sameProcess: boolean;
};

export type SegmentLock = {
	readonly locked: boolean;
	readonly holders: readonly Holder[];
};

export type Probe = DecodedLockFile & {
	readonly path: string;
	readonly device: number;
	readonly inode: number;
	readonly locks: Readonly<Record<Segment, SegmentLock>>;
};

/**
 * Remembers the OFD owner scan while /proc/locks shows the same locks on the file and every
 * remembered owner still holds its lock (checked in its own fdinfo: one small read each).
 */
export class HolderCache {
	private key = '';
	private owners = new Map<string, OfdOwner[]>();

	ofdOwners(device: number, inode: number, locks: readonly ProcLock[]): Map<string, OfdOwner[]> {
		const ofd = locks.filter(lock => lock.kind === 'OFD');
		const key = `${device}:${inode}|${ofd.map(lock => lock.line.replace(/^\d+:/, '')).sort().join('|')}`;
		const stale = key !== this.key || [...this.owners].some(([range, owners]) => owners.some(owner => !ofdOwnerStillHolds(owner, device, inode, range)));
		if (stale) {
			this.key = key;
			this.owners = ofd.length > 0 ? findOfdOwners(device, inode) : new Map();
		}

		return this.owners;
	}
}

function holderOf(pid: number | undefined, kind: Holder['kind']): Holder {
	return {pid, command: pid === undefined ? undefined : commandLine(pid), kind, sameProcess: pid === process.pid};
}

function holdersFor(offset: number, procLocks: readonly ProcLock[], ofdOwners: Map<string, OfdOwner[]>): Holder[] {
	const holders: Holder[] = [];
	for (const lock of locksCovering(procLocks, offset)) {
		if (lock.kind === 'POSIX') {
			holders.push(holderOf(lock.pid, 'POSIX'));
		} else if (lock.kind === 'OFD') {
			const owners = ofdOwners.get(`${lock.start}-${lock.end ?? 'EOF'}`) ?? [];
			if (owners.length === 0) holders.push(holderOf(undefined, 'OFD'));
			for (const owner of owners) holders.push(holderOf(owner.pid, 'OFD'));
		}
	}

	return holders;
}

export function probeOpenFile(opened: {path: string; fd: number}, cache = new HolderCache()): Probe {
	const stat = fs.fstatSync(opened.fd);
	const decoded = decodeLockFile(readBytes(opened.fd, FILE_SIZE));
	const procLocks = process.platform === 'linux' ? readProcLocks(stat.dev, stat.ino) : [];
	const owners = cache.ofdOwners(stat.dev, stat.ino, procLocks);
	const locks = {} as Record<Segment, SegmentLock>;
	for (const segment of SEGMENTS) {
		const offset = SEGMENT_OFFSET[segment];
		const conflict = getLockOnByte(opened.fd, offset);
		let holders = conflict ? holdersFor(offset, procLocks, owners) : [];
		if (conflict && holders.length === 0) {
			// /proc/locks had nothing (not Linux, or a holder on another NFS host): say what fcntl said.
			holders = [holderOf(conflict.pid, conflict.kind)];
		}

		locks[segment] = {locked: conflict !== undefined, holders};
	}

	return {...decoded, size: stat.size, path: opened.path, device: stat.dev, inode: stat.ino, locks};
}

/** Opens, probes and closes. Throws LockFileInputError for anything that is not a lock file. */
export function probeLockFile(file: string, cache?: HolderCache): Probe {
	const opened = openForReading(file);
	try {
		const probe = probeOpenFile(opened, cache);
		if (probe.size === 0) throw new LockFileInputError(file, 'is empty (0 bytes); a lock file has 19');
		if (probe.size < FILE_SIZE) throw new LockFileInputError(file, `is too short (${probe.size} bytes); a lock file has 19`);
		return probe;
	} finally {
		fs.closeSync(opened.fd);
	}
}
