// One look at a group's lock files: the bytes of server.lock, which layout the directory
// uses, and who holds each lock. A probe asks the kernel (F_OFD_GETLK / F_GETLK) and /proc;
// it never takes a lock, never creates, writes or touches a file.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {WHOLE_FILE, byteAt, getConflictingLock, isWholeFile, type ConflictingLock, type LockKind, type LockRange} from './fcntl.js';
import {BACKUP_LOCK_OFFSET, FILE_SIZE, LIVE_LOCK_OFFSET, SEGMENTS, STATE_OFFSET, decodeLockFile, type DecodedLockFile, type Segment} from './format.js';
import {SERVERLOCK_FILES, SERVER_LOCK, describeLayout, detectLayout, type DetectedLayout, type LayoutDecision} from './layout.js';
import {LockFileInputError, openForReading, readBytes} from './lock-file.js';
import {commandLine, findOfdOwners, isWholeFileLock, ofdOwnerStillHolds, rangeKey, readProcLocksOn, type FileIdentity, type OfdOwner, type ProcLock} from './proc-locks.js';

export type Holder = {
	/** undefined: the kernel says the lock is held, but not by whom we can see. */
	readonly pid: number | undefined;
	/** undefined: not readable (hidepid, another user's process, another host). */
	readonly command: string | undefined;
	readonly kind: LockKind | 'unknown';
	readonly sameProcess: boolean;
};

export type SegmentLock = {
	readonly locked: boolean;
	/** The file this lock lives in (server.lock in the ranges layout, serverlock.N in files). */
	readonly file: string;
	readonly holders: readonly Holder[];
};

export type LockFileEntry = {
	readonly name: string;
	readonly path: string;
	readonly exists: boolean;
	readonly device?: number;
	readonly inode?: number;
	readonly size?: number;
	readonly mtimeMs?: number;
};

export type Probe = DecodedLockFile & {
	readonly path: string;
	readonly directory: string;
	readonly device: number;
	readonly inode: number;
	/** server.lock's mtime: Artemis 2.29+ primaries read a newer one while L as a lost lock. */
	readonly mtimeMs: number;
	/** server.lock's hard links: more than one, and this directory may not be the group's. */
	readonly links?: number;
	readonly layout: DetectedLayout;
	readonly layoutDecision: LayoutDecision;
	/** The generation(s) the layout belongs to, in words. */
	readonly generation: string;
	readonly files: readonly LockFileEntry[];
	readonly locks: Readonly<Record<Segment, SegmentLock>>;
};

/**
 * Remembers the OFD owner scan while /proc/locks shows the same OFD locks on the files and
 * every remembered owner still holds its lock (checked in its own fdinfo: one small read each).
 * A lock with no owner found is looked for again, at most every ownerRetryMs: a scan that ran
 * while the lock moved between two holders finds nobody, and /proc/locks (pid -1 for every OFD
 * lock) looks the same before and after, so the key alone would keep "nobody" for good. Where
 * owners are hidden for real (hidepid, another user), that retry is all it costs.
 */
/** Where a probe learns which process holds each OFD lock: a HolderCache, or one scan shared by many groups (source/fleet). */
export type OwnerLookup = {ofdOwners(files: readonly FileIdentity[], locks: readonly ProcLock[]): Map<string, OfdOwner[]>};

export class HolderCache implements OwnerLookup {
	private key = '';
	private owners = new Map<string, OfdOwner[]>();
	private scannedAt = 0;

	constructor(private readonly ownerRetryMs = 250) {}

	ofdOwners(files: readonly FileIdentity[], locks: readonly ProcLock[]): Map<string, OfdOwner[]> {
		const ofd = locks.filter(lock => lock.kind === 'OFD');
		const key = `${files.map(file => `${file.device}:${file.inode}`).join(',')}|${ofd.map(lock => lock.line.replace(/^\d+:/, '')).sort().join('|')}`;
		const ownerless = ofd.some(lock => (this.owners.get(rangeKey(lock.inode, lock)) ?? []).length === 0);
		const stale = key !== this.key
			|| [...this.owners].some(([range, owners]) => owners.some(owner => !ofdOwnerStillHolds(owner, files, range)))
			|| (ownerless && Date.now() - this.scannedAt >= this.ownerRetryMs);
		if (stale) {
			this.key = key;
			this.owners = ofd.length > 0 ? findOfdOwners(files) : new Map();
			this.scannedAt = Date.now();
		}

		return this.owners;
	}
}

function holderOf(pid: number | undefined, kind: Holder['kind']): Holder {
	return {pid, command: pid === undefined ? undefined : commandLine(pid), kind, sameProcess: pid === process.pid};
}

type OpenFile = LockFileEntry & {fd?: number};

function openIfThere(directory: string, name: string): OpenFile {
	const file = path.join(directory, name);
	try {
		const stat = fs.statSync(file);
		if (!stat.isFile()) return {name, path: file, exists: true, device: stat.dev, inode: stat.ino, size: stat.size};
		const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
		const opened = fs.fstatSync(fd);
		if (!opened.isFile()) {
			fs.closeSync(fd);
			return {name, path: file, exists: true, device: opened.dev, inode: opened.ino, size: opened.size};
		}

		return {name, path: file, exists: true, device: opened.dev, inode: opened.ino, size: opened.size, mtimeMs: opened.mtimeMs, fd};
	} catch {
		return {name, path: file, exists: false};
	}
}

type Look = {
	readonly procLocks: readonly ProcLock[] | undefined;
	readonly owners: Map<string, OfdOwner[]>;
};

/**
 * Who holds a lock over `range` of one file. `ignoreWholeFile`: a whole-file lock on
 * server.lock is the files layout's momentary state lock, not a byte-1/2 live or backup lock.
 */
function lockOn(file: OpenFile, range: LockRange, look: Look, ignoreWholeFile = false): {locked: boolean; holders: Holder[]} {
	if (file.fd === undefined || file.inode === undefined) return {locked: false, holders: []};
	const conflict = getConflictingLock(file.fd, range);
	if (!conflict) return {locked: false, holders: []};
	const relevant = (lock: ProcLock) => lock.inode === file.inode && overlaps(lock, range) && !(ignoreWholeFile && isWholeFileLock(lock));
	if (look.procLocks === undefined) {
		// No /proc/locks (not Linux): the kernel's one answer is all there is.
		if (ignoreWholeFile && isWholeFile(conflict.range)) return {locked: false, holders: []};
		return {locked: true, holders: [fromConflict(conflict)]};
	}

	const listed = look.procLocks.filter(relevant);
	if (listed.length === 0) {
		// The kernel named only a lock we ignore, or the holder is on another NFS host
		// (/proc/locks lists only this host's locks).
		if (ignoreWholeFile && isWholeFile(conflict.range)) return {locked: false, holders: []};
		return {locked: true, holders: [fromConflict(conflict)]};
	}

	const holders: Holder[] = [];
	for (const lock of listed) {
		if (lock.kind === 'POSIX') {
			holders.push(holderOf(lock.pid, 'POSIX'));
		} else if (lock.kind === 'OFD') {
			const owners = look.owners.get(rangeKey(file.inode, lock)) ?? [];
			if (owners.length === 0) holders.push(holderOf(undefined, 'OFD'));
			for (const owner of owners) {
				if (!holders.some(holder => holder.pid === owner.pid && holder.kind === 'OFD')) holders.push(holderOf(owner.pid, 'OFD'));
			}
		}
	}

	return {locked: true, holders};
}

function fromConflict(conflict: ConflictingLock): Holder {
	return holderOf(conflict.pid, conflict.kind);
}

function overlaps(lock: Pick<ProcLock, 'start' | 'end'>, range: LockRange): boolean {
	const rangeEnd = range.length === 0 ? Number.POSITIVE_INFINITY : range.start + range.length - 1;
	const lockEnd = lock.end ?? Number.POSITIVE_INFINITY;
	return lock.start <= rangeEnd && range.start <= lockEnd;
}

function merge(a: {locked: boolean; holders: Holder[]}, b: {locked: boolean; holders: Holder[]}): {locked: boolean; holders: Holder[]} {
	return {locked: a.locked || b.locked, holders: [...a.holders, ...b.holders]};
}

/** Probes a server.lock opened read-only and the serverlock files beside it. */
export function probeOpenFile(opened: {path: string; fd: number}, cache: OwnerLookup = new HolderCache()): Probe {
	const stat = fs.fstatSync(opened.fd);
	const decoded = decodeLockFile(readBytes(opened.fd, FILE_SIZE));
	const directory = path.dirname(opened.path);
	const server: OpenFile = {name: SERVER_LOCK, path: opened.path, exists: true, device: stat.dev, inode: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, fd: opened.fd};
	const [zero, one, two] = SERVERLOCK_FILES.map(name => openIfThere(directory, name));
	try {
		const all = [server, zero, one, two];
		const identities = all.filter(file => file.fd !== undefined).map(file => ({device: file.device!, inode: file.inode!}));
		const procLocks = process.platform === 'linux' ? readProcLocksOn(identities) : undefined;
		const look: Look = {procLocks, owners: cache.ofdOwners(identities, procLocks ?? [])};
		const byte = {
			state: lockOn(server, byteAt(STATE_OFFSET), look),
			live: lockOn(server, byteAt(LIVE_LOCK_OFFSET), look, true),
			backup: lockOn(server, byteAt(BACKUP_LOCK_OFFSET), look, true),
		};
		const whole = {
			state: merge(lockOn(server, WHOLE_FILE, look), lockOn(zero, WHOLE_FILE, look)),
			live: lockOn(one, WHOLE_FILE, look),
			backup: lockOn(two, WHOLE_FILE, look),
		};
		const layoutDecision = detectLayout({
			serverLockExists: true,
			serverlockFilesExist: one.exists || two.exists,
			filesLocksHeld: whole.live.locked || whole.backup.locked,
			rangeLocksHeld: byte.live.locked || byte.backup.locked,
		});
		const {layout} = layoutDecision;
		const locks = {} as Record<Segment, SegmentLock>;
		for (const segment of SEGMENTS) {
			const fileOf = segment === 'state' ? (layout === 'files' && zero.exists ? zero : server) : segment === 'live' ? one : two;
			if (layout === 'ranges') locks[segment] = {...byte[segment], file: server.path};
			else if (layout === 'files') locks[segment] = {...whole[segment], file: fileOf.path};
			else locks[segment] = {...merge(byte[segment], whole[segment]), file: `${server.path} + ${fileOf.path}`};
		}

		const files = all.map(({fd, ...entry}) => entry);
		return {
			...decoded,
			size: stat.size,
			path: opened.path,
			directory,
			device: stat.dev,
			inode: stat.ino,
			mtimeMs: stat.mtimeMs,
			links: stat.nlink,
			layout,
			layoutDecision,
			generation: describeLayout(layout, zero.exists),
			files,
			locks,
		};
	} finally {
		for (const file of [zero, one, two]) if (file.fd !== undefined) fs.closeSync(file.fd);
	}
}

/** Opens, probes and closes. Throws LockFileInputError for anything that is not a lock file. */
export function probeLockFile(file: string, cache?: OwnerLookup): Probe {
	const opened = openForReading(file);
	try {
		const probe = probeOpenFile(opened, cache);
		if (probe.size === 0) throw new LockFileInputError(file, 'is empty (0 bytes); a lock file has 19');
		if (probe.size < FILE_SIZE) throw new LockFileInputError(file, `is too short (${probe.size} bytes); a lock file has 19`);
		// Artemis writes exactly 19 bytes, and so does every node: a longer file is somebody else's.
		if (probe.size > FILE_SIZE) throw new LockFileInputError(file, `is not a lock file: ${probe.size} bytes (a server.lock has 19)`);
		return probe;
	} finally {
		fs.closeSync(opened.fd);
	}
}

/**
 * The layout a directory shows, for a starting node: the probe's decision where server.lock
 * is there; otherwise the serverlock files alone say "files", and an empty directory is new.
 */
export function layoutOfDirectory(directory: string): LayoutDecision {
	const file = path.join(directory, SERVER_LOCK);
	let opened: ReturnType<typeof openForReading> | undefined;
	try {
		opened = openForReading(file);
	} catch {
		const serverlockFilesExist = ['serverlock.1', 'serverlock.2'].some(name => fs.existsSync(path.join(directory, name)));
		return detectLayout({serverLockExists: false, serverlockFilesExist, filesLocksHeld: false, rangeLocksHeld: false});
	}

	try {
		return probeOpenFile(opened).layoutDecision;
	} finally {
		fs.closeSync(opened.fd);
	}
}
