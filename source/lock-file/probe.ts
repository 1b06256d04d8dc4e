// One look at a group's lock files: the bytes of server.lock, which layout the directory
// uses, and who holds each lock. A probe asks the kernel (F_OFD_GETLK / F_GETLK for fcntl
// locks) and /proc (/proc/locks for everything, the only source for flock locks, which have no
// "get lock"); it never takes a lock, never creates, writes or touches a file.
// Which files and locks it looks at comes from the layout descriptions (layout.ts).
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {getConflictingLock, isWholeFile, type ConflictingLock, type LockKind, type LockRange} from './fcntl.js';
import {FILE_SIZE, STATE, SEGMENTS, decodeLockFile, type DecodedLockFile, type Segment} from './format.js';
import {FRESH_SERVER_LOCK_MS, LAYOUTS, LAYOUT_FILES, LAYOUT_NAMES, SERVER_LOCK, describeLayout, describeTargets, detectLayout, mixedLayouts, whereLabel, type DetectedLayout, type Layout, type LayoutDecision, type LayoutDescription, type StateLockSpec, type TargetSpec} from './layout.js';
import {LockFileInputError, openForReading, readBytes} from './lock-file.js';
import {readProcFile} from './proc-read.js';
import {commandLine, isWholeFileLock, ofdOwnerStillHolds, ofdOwnersAmong, rangeKey, readProcLocksOn, scanOfdOwners, type FileIdentity, type OfdOwner, type ProcLock} from './proc-locks.js';

export type Holder = {
	/** undefined: the kernel says the lock is held, but not by whom we can see. */
	readonly pid: number | undefined;
	/** undefined: not readable (hidepid, another user's process, another host). */
	readonly command: string | undefined;
	/** FLOCK: a flock(2) lock (the flock layout); the others are fcntl locks. */
	readonly kind: LockKind | 'FLOCK' | 'unknown';
	readonly sameProcess: boolean;
	/** Who, in words (the store seam's display identity): "pid 2795", or not visible. */
	readonly identity: string;
	/**
	 * /proc/PID/stat's state letter when readable: R, S, D, … T (stopped), t (traced), Z (zombie).
	 * A stopped holder keeps its locks: the assessment (verdict.ts) reads it.
	 */
	readonly state?: string;
	/**
	 * For an OFD lock whose owner was found: "pid:fd", the open file description behind it.
	 * Two nodes in one process (the TUI) are two holders: the pid alone cannot tell them apart.
	 */
	readonly ofd?: string;
};

export type SegmentLock = {
	readonly locked: boolean;
	/** The file this lock lives in (server.lock in the ranges layout, serverlock.N in files). */
	readonly file: string;
	/** Where, for a person: "byte 1", "serverlock.1", "server.1.lock (flock)" (layout.ts whereLabel). */
	readonly where: string;
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
	/** The store seam's tag (source/store/store.ts): a directory in some layout. */
	readonly store: 'directory';
	/** What the user pointed at, resolved: the path of server.lock. */
	readonly target: string;
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

/** Where a probe learns which process holds each OFD lock: a HolderCache, or one scan shared by many groups (source/fleet). */
export type OwnerLookup = {
	ofdOwners(files: readonly FileIdentity[], locks: readonly ProcLock[], waiters?: readonly ProcLock[]): Map<string, OfdOwner[]>;
	/** Where the probe reads /proc/locks (default: the file; a fleet reads it once for the probes of one turn). */
	procLocksText?(): string | undefined;
};

/**
 * Remembers the OFD owner scan while /proc/locks shows the same OFD locks on the files and
 * every remembered owner still holds its lock (checked in its own fdinfo: one small read each).
 * A lock with no owner found is looked for again, at most every ownerRetryMs: a scan that ran
 * while the lock moved between two holders finds nobody, and /proc/locks (pid -1 for every OFD
 * lock) looks the same before and after, so the key alone would keep "nobody" for good. Where
 * owners are hidden for real (hidepid, another user), that retry is all it costs.
 *
 * The full scan stats every descriptor of every process (20–40 ms on a busy box), so when the
 * locks change, the descriptors the last scan found open on these files are asked first (a
 * lock goes to a process that waited for it, which has the file open): when they account for
 * every OFD lock, that is the answer. A new blocked waiter in /proc/locks ("->") asks for a
 * full scan, so that it is among the descriptors known before it takes the lock.
 */
export class HolderCache implements OwnerLookup {
	private key = '';
	private waitersKey = '';
	private owners = new Map<string, OfdOwner[]>();
	private openers: OfdOwner[] = [];
	private scannedAt = 0;
	/** Full scans so far (tests, the bench). */
	scans = 0;

	/**
	 * `scan`: the full scan (default scanOfdOwners on these files); the fleet gives every
	 * group's cache one shared scan (fleet/shared-holders.ts), so a change in any group costs one
	 * scan of /proc for all of them, not one per group.
	 */
	constructor(
		private readonly ownerRetryMs = 250,
		private readonly scan: (files: readonly FileIdentity[]) => {owners: Map<string, OfdOwner[]>; openers: OfdOwner[]} = scanOfdOwners,
		/** Where to read /proc/locks (the fleet's one read per turn); undefined: the file, each probe. */
		readonly procLocksText?: () => string | undefined,
	) {}

	ofdOwners(files: readonly FileIdentity[], locks: readonly ProcLock[], waiters: readonly ProcLock[] = []): Map<string, OfdOwner[]> {
		const ofd = locks.filter(lock => lock.kind === 'OFD');
		const text = (lock: ProcLock) => lock.line.replace(/^\d+:\s*(->\s*)?/, '');
		const filesKey = files.map(file => `${file.device}:${file.inode}`).join(',');
		const key = `${filesKey}|${ofd.map(text).sort().join('|')}`;
		const waitersKey = `${filesKey}|${waiters.filter(lock => lock.kind === 'OFD').map(text).sort().join('|')}`;
		// A waiter not seen before: learn its descriptor now, while nothing hurries.
		const newWaiter = waitersKey !== this.waitersKey && waitersKey.split('|').slice(1).some(one => one && !this.waitersKey.split('|').includes(one));
		this.waitersKey = waitersKey;
		const ownerless = ofd.some(lock => (this.owners.get(rangeKey(lock.inode, lock)) ?? []).length === 0);
		const moved = key !== this.key || [...this.owners].some(([range, owners]) => owners.some(owner => !ofdOwnerStillHolds(owner, files, range)));
		const retry = ownerless && Date.now() - this.scannedAt >= this.ownerRetryMs;
		if (!moved && !retry && !newWaiter) return this.owners;
		const sameFiles = this.key.split('|')[0] === filesKey;
		this.key = key;
		if (ofd.length === 0) {
			this.owners = new Map();
			if (!newWaiter) return this.owners;
		}

		if (moved && !retry && !newWaiter && sameFiles && ofd.length > 0) {
			const known = [...this.openers, ...[...this.owners.values()].flat()];
			const found = ofdOwnersAmong(known, files);
			const accounted = ofd.every(lock => (found.get(rangeKey(lock.inode, lock)) ?? []).length >= ofd.filter(other => rangeKey(other.inode, other) === rangeKey(lock.inode, lock)).length);
			if (accounted) {
				this.owners = found;
				return this.owners;
			}
		}

		const scan = this.scan(files);
		this.scans++;
		this.owners = ofd.length > 0 ? scan.owners : new Map();
		this.openers = scan.openers;
		this.scannedAt = Date.now();
		return this.owners;
	}
}

/**
 * Where the kernel says locked but will not say who (hidepid, another user's process, another NFS
 * host): the one wording, used by every renderer through broker/holder-text.ts.
 */
export const HIDDEN_HOLDER = 'holder not visible (hidepid / other user / other host)';

/** The state letter of /proc/PID/stat (after the last ')': the command may hold one). */
export function processState(pid: number): string | undefined {
	return processFacts(pid)?.state;
}

/**
 * What /proc/PID/stat says of a holder in one read: its state letter, and what names this very
 * process image — the start time (a pid is reused: never by a process started at the same
 * tick) and the command name (exec keeps pid and start time, and changes it: bin/artemis is a
 * shell that execs java).
 */
function processFacts(pid: number): {state: string; image: string} | undefined {
	try {
		const text = readProcFile(`/proc/${pid}/stat`, 'latin1', true);
		const close = text.lastIndexOf(')');
		const fields = text.slice(close + 1).trim().split(' ');
		// fields[0] is field 3 (state), fields[19] field 22 (starttime); the command is field 2.
		if (close < 0 || !fields[0]) return undefined;
		return {state: fields[0], image: `${fields[19] ?? ''}:${text.slice(text.indexOf('(') + 1, close)}`};
	} catch {
		return undefined;
	}
}

/**
 * Command lines by process image (pid, start time, command name): a holder at rest is probed
 * every few seconds in a fleet, and its command line (up to 64 KiB) would be read every time.
 * An unreadable one is not remembered (it may become readable).
 */
const commands = new Map<string, string>();
const MAX_COMMANDS = 1024;

function commandOf(pid: number, image: string | undefined): string | undefined {
	if (image === undefined) return commandLine(pid);
	const key = `${pid}:${image}`;
	const known = commands.get(key);
	if (known !== undefined) return known;
	const command = commandLine(pid);
	if (command === undefined) return undefined;
	if (commands.size >= MAX_COMMANDS) commands.delete(commands.keys().next().value!);
	commands.set(key, command);
	return command;
}

/** What /proc says of one holder's process: read once per look, whatever it holds. */
type ProcessRead = {readonly facts: {state: string; image: string} | undefined; readonly command: string | undefined};

function readProcess(pid: number): ProcessRead {
	const facts = process.platform === 'linux' ? processFacts(pid) : undefined;
	return {facts, command: commandOf(pid, facts?.image)};
}

function holderOf(pid: number | undefined, kind: Holder['kind'], look: Look, fd?: string): Holder {
	if (pid === undefined) return {pid, command: undefined, kind, sameProcess: false, identity: HIDDEN_HOLDER};
	const read = look.processes.get(pid) ?? readProcess(pid);
	const state = read.facts?.state;
	return {pid, command: read.command, kind, sameProcess: pid === process.pid, identity: `pid ${pid}`, ...(state ? {state} : {}), ...(fd === undefined ? {} : {ofd: `${pid}:${fd}`})};
}

type OpenFile = LockFileEntry & {fd?: number};

function openIfThere(directory: string, name: string): OpenFile {
	const file = path.join(directory, name);
	let fd: number | undefined;
	try {
		// No throw for a file that is not there (most layout files, at every probe): building
		// the ENOENT error costs several times the stat itself. Other errors still throw.
		const stat = fs.statSync(file, {throwIfNoEntry: false});
		if (stat === undefined) return {name, path: file, exists: false};
		if (!stat.isFile()) return {name, path: file, exists: true, device: stat.dev, inode: stat.ino, size: stat.size};
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
		const opened = fs.fstatSync(fd);
		if (!opened.isFile()) {
			fs.closeSync(fd);
			return {name, path: file, exists: true, device: opened.dev, inode: opened.ino, size: opened.size};
		}

		return {name, path: file, exists: true, device: opened.dev, inode: opened.ino, size: opened.size, mtimeMs: opened.mtimeMs, fd};
	} catch {
		// fstat failing right after open must not leak the descriptor.
		if (fd !== undefined) {
			try {
				fs.closeSync(fd);
			} catch {}
		}

		return {name, path: file, exists: false};
	}
}

/**
 * Everything one look read from the kernel and /proc: the probe's result is built from this
 * alone (and whether server.lock is fresh), so an identical reading builds an identical probe.
 */
type Look = {
	readonly procLocks: readonly ProcLock[] | undefined;
	readonly owners: Map<string, OfdOwner[]>;
	/** F_OFD_GETLK's answer for each fcntl target of every layout on the files that are open, by conflictKey. */
	readonly conflicts: ReadonlyMap<string, ConflictingLock | undefined>;
	/** Each pid the locks name: its state, image and command line, read once. */
	readonly processes: ReadonlyMap<number, ProcessRead>;
};

const conflictKey = (name: string, range: LockRange) => `${name}@${range.start}+${range.length}`;

type Found = {locked: boolean; holders: Holder[]};
const FREE: Found = {locked: false, holders: []};

/**
 * Who holds an fcntl lock over `range` of one file. `ignoreWholeFile`: a whole-file lock on
 * server.lock is the files layout's momentary state lock, not a byte-1/2 live or backup lock.
 */
function fcntlLockOn(file: OpenFile, range: LockRange, look: Look, ignoreWholeFile = false): Found {
	if (file.fd === undefined || file.inode === undefined) return FREE;
	const key = conflictKey(file.name, range);
	const conflict = look.conflicts.has(key) ? look.conflicts.get(key) : getConflictingLock(file.fd, range);
	if (!conflict) return FREE;
	const relevant = (lock: ProcLock) => lock.kind !== 'FLOCK' && lock.inode === file.inode && overlaps(lock, range) && !(ignoreWholeFile && isWholeFileLock(lock));
	if (look.procLocks === undefined) {
		// No /proc/locks (not Linux): the kernel's one answer is all there is.
		if (ignoreWholeFile && isWholeFile(conflict.range)) return FREE;
		return {locked: true, holders: [fromConflict(conflict, look)]};
	}

	const listed = look.procLocks.filter(relevant);
	if (listed.length === 0) {
		// The kernel named only a lock we ignore, or the holder is on another NFS host
		// (/proc/locks lists only this host's locks).
		if (ignoreWholeFile && isWholeFile(conflict.range)) return FREE;
		return {locked: true, holders: [fromConflict(conflict, look)]};
	}

	const holders: Holder[] = [];
	for (const lock of listed) {
		if (lock.kind === 'POSIX') {
			holders.push(holderOf(lock.pid, 'POSIX', look));
		} else if (lock.kind === 'OFD') {
			const owners = look.owners.get(rangeKey(file.inode, lock)) ?? [];
			if (owners.length === 0) holders.push(holderOf(undefined, 'OFD', look));
			for (const owner of owners) {
				// Several descriptors of one process on one lock are dup()s of one open file description.
				if (!holders.some(holder => holder.pid === owner.pid && holder.kind === 'OFD')) holders.push(holderOf(owner.pid, 'OFD', look, owner.fd));
			}
		}
	}

	return {locked: true, holders};
}

/**
 * Who holds a flock on one file: /proc/locks alone (FLOCK lines name the pid that took it). A
 * flock has no "get lock", and trying one would take it. Without /proc/locks: unknowable, free.
 */
function flockOn(file: OpenFile, look: Look): Found {
	if (file.inode === undefined || !file.exists || look.procLocks === undefined) return FREE;
	const listed = look.procLocks.filter(lock => lock.kind === 'FLOCK' && lock.inode === file.inode);
	if (listed.length === 0) return FREE;
	const holders: Holder[] = [];
	for (const lock of listed) if (!holders.some(holder => holder.pid === lock.pid)) holders.push(holderOf(lock.pid, 'FLOCK', look));
	return {locked: true, holders};
}

function fromConflict(conflict: ConflictingLock, look: Look): Holder {
	return holderOf(conflict.pid, conflict.kind, look);
}

function overlaps(lock: Pick<ProcLock, 'start' | 'end'>, range: LockRange): boolean {
	const rangeEnd = range.length === 0 ? Number.POSITIVE_INFINITY : range.start + range.length - 1;
	const lockEnd = lock.end ?? Number.POSITIVE_INFINITY;
	return lock.start <= rangeEnd && range.start <= lockEnd;
}

function merge(found: readonly Found[]): Found {
	return {locked: found.some(one => one.locked), holders: found.flatMap(one => one.holders)};
}

/** One layout's three locks as the directory shows them, and whether its own files are there. */
type LayoutLook = {locks: Record<Segment, Found & {file: string}>; present: boolean; held: boolean};

function lookAtLayout(description: LayoutDescription, files: ReadonlyMap<string, OpenFile>, look: Look): LayoutLook {
	const fileOf = (spec: TargetSpec) => files.get(spec.name)!;
	const lockOf = (spec: TargetSpec, ignoreWholeFile: boolean): Found => spec.primitive === 'flock'
		? flockOn(fileOf(spec), look)
		: fcntlLockOn(fileOf(spec), spec.range, look, ignoreWholeFile);
	// A byte of server.lock is a live/backup lock only as a byte lock: a whole-file lock there is a state lock.
	const segmentLock = (spec: TargetSpec) => ({...lockOf(spec, spec.name === SERVER_LOCK), file: fileOf(spec).path});
	const stateSpecs = description.stateLocks.filter((spec: StateLockSpec) => !spec.optional || fileOf(spec).exists);
	const state = stateSpecs.length === 0
		? {...FREE, file: files.get(SERVER_LOCK)!.path}
		: {...merge(stateSpecs.map(spec => lockOf(spec, false))), file: fileOf(stateSpecs[0]).path};
	const live = segmentLock(description.live);
	const backup = segmentLock(description.backup);
	return {
		locks: {state, live, backup},
		present: description.files.some(name => files.get(name)?.exists === true),
		held: live.locked || backup.locked,
	};
}

/**
 * The last probe of one store and the key of the reading it was built from: a probe whose
 * reading has the same key returns that probe (the same object) instead of building it again —
 * a fleet at rest reads the same thing every time, and the build (three layouts' looks, the
 * holders, the files) was half of a probe's time. Everything the build reads is in the key
 * (see Look): the files' identities, sizes and times, the bytes, /proc/locks' lines on the
 * files, every OFD owner by pid AND descriptor (two nodes of one process hand a lock over with
 * /proc/locks unchanged), F_OFD_GETLK's answers, each holder's state, process image and command.
 */
export type ProbeMemo = {key?: string; commands?: ReadonlyArray<string | undefined>; probe?: Probe};

/** A reading's key (commands apart: compared one by one, they may be long). */
function readingKey(opened: {path: string}, stat: fs.Stats, bytes: Uint8Array, files: ReadonlyMap<string, OpenFile>, look: Look, fresh: boolean): string {
	let key = `${opened.path}\0${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.nlink}:${fresh ? 1 : 0}:${Buffer.from(bytes).toString('hex')}`;
	for (const file of files.values()) key += `|${file.name}:${file.exists ? 1 : 0}:${file.device}:${file.inode}:${file.size}:${file.mtimeMs}:${file.fd === undefined ? 0 : 1}`;
	key += '|L';
	if (look.procLocks === undefined) key += '-';
	else for (const lock of look.procLocks) key += `${lock.line.replace(/^\d+:\s*/, '')};`;
	key += '|O';
	for (const [range, owners] of look.owners) {
		key += `${range}=`;
		for (const owner of owners) key += `${owner.pid}:${owner.fd},`;
		key += ';';
	}

	key += '|C';
	for (const [target, conflict] of look.conflicts) key += `${target}=${conflict ? `${conflict.kind}:${conflict.type}:${conflict.pid}:${conflict.range.start}+${conflict.range.length}` : '-'};`;
	key += '|P';
	for (const [pid, read] of look.processes) key += `${pid}=${read.facts?.state}:${read.facts?.image};`;
	return key;
}

const sameCommands = (a: ReadonlyArray<string | undefined> | undefined, b: ReadonlyArray<string | undefined>) => a?.length === b.length && a.every((command, index) => command === b[index]);

/** Probes a server.lock opened read-only and the lock files of every layout beside it. */
export function probeOpenFile(opened: {path: string; fd: number}, cache: OwnerLookup = new HolderCache(), memo?: ProbeMemo): Probe {
	const stat = fs.fstatSync(opened.fd);
	const bytes = readBytes(opened.fd, FILE_SIZE);
	const directory = path.dirname(opened.path);
	const server: OpenFile = {name: SERVER_LOCK, path: opened.path, exists: true, device: stat.dev, inode: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, fd: opened.fd};
	const files = new Map<string, OpenFile>([[SERVER_LOCK, server]]);
	for (const name of LAYOUT_FILES) if (name !== SERVER_LOCK) files.set(name, openIfThere(directory, name));
	try {
		const all = [...files.values()];
		const identities = all.filter(file => file.fd !== undefined || file.inode !== undefined).map(file => ({device: file.device!, inode: file.inode!}));
		const waiters: ProcLock[] = [];
		const procLocks = process.platform === 'linux' ? readProcLocksOn(identities, waiters, cache.procLocksText ? () => cache.procLocksText!() : undefined) : undefined;
		const owners = cache.ofdOwners(identities, procLocks ?? [], waiters);
		// Every fcntl target of every layout, asked once (what the layouts' looks below read).
		const conflicts = new Map<string, ConflictingLock | undefined>();
		for (const name of LAYOUT_NAMES) {
			for (const spec of describeTargets(name)) {
				const file = files.get(spec.name)!;
				const key = conflictKey(spec.name, spec.range);
				if (spec.primitive === 'fcntl' && file.fd !== undefined && file.inode !== undefined && !conflicts.has(key)) conflicts.set(key, getConflictingLock(file.fd, spec.range));
			}
		}

		// Each process the locks name, read once (a holder of the live and the backup lock is one read).
		const processes = new Map<number, ProcessRead>();
		const see = (pid: number | undefined) => {
			if (pid !== undefined && !processes.has(pid)) processes.set(pid, readProcess(pid));
		};

		for (const lock of procLocks ?? []) see(lock.pid);
		for (const list of owners.values()) for (const owner of list) see(owner.pid);
		for (const conflict of conflicts.values()) see(conflict?.pid);
		const look: Look = {procLocks, owners, conflicts, processes};
		const fresh = Date.now() - stat.mtimeMs < FRESH_SERVER_LOCK_MS;
		const key = memo ? readingKey(opened, stat, bytes, files, look, fresh) : '';
		const commands = memo ? [...processes.values()].map(read => read.command) : [];
		if (memo?.probe && memo.key === key && sameCommands(memo.commands, commands)) return memo.probe;
		const decoded = decodeLockFile(bytes);
		const looks = new Map<Layout, LayoutLook>(LAYOUT_NAMES.map(name => [name, lookAtLayout(LAYOUTS[name], files, look)]));
		const present: Partial<Record<Layout, boolean>> = {};
		const held: Partial<Record<Layout, boolean>> = {};
		for (const [name, one] of looks) {
			present[name] = one.present;
			held[name] = one.held;
		}

		const alone = LAYOUT_NAMES.every(name => !present[name] && !held[name]);
		const freshServerLock = alone && !looks.get('ranges')!.locks.state.locked
			&& (decoded.state === undefined || decoded.state === STATE.firstStart)
			&& fresh;
		const layoutDecision = detectLayout({serverLockExists: true, present, held, freshServerLock});
		const {layout} = layoutDecision;
		const optionalPresent = (name: Layout) => LAYOUTS[name].optionalFiles.some(file => files.get(file)?.exists === true);
		const involved: Layout[] = layout === 'mixed' ? mixedLayouts(layoutDecision) : [layout];
		const locks = {} as Record<Segment, SegmentLock>;
		for (const segment of SEGMENTS) {
			const parts = involved.map(name => looks.get(name)!.locks[segment]);
			const where = involved.map(name => whereLabel(name, segment, optionalPresent(name))).join(' + ');
			const paths = [...new Set(parts.map(part => part.file))];
			locks[segment] = {...merge(parts), file: paths.join(' + '), where};
		}

		// server.lock and the files layout's serverlock files always (what `status` has always
		// listed); another layout's files where they exist or the layout is in play.
		const listed = all.filter(file => file.name === SERVER_LOCK
			|| LAYOUTS.files.files.includes(file.name) || LAYOUTS.files.optionalFiles.includes(file.name)
			|| file.exists || involved.some(name => LAYOUTS[name].files.includes(file.name)));
		const probe: Probe = {
			...decoded,
			store: 'directory',
			target: opened.path,
			size: stat.size,
			path: opened.path,
			directory,
			device: stat.dev,
			inode: stat.ino,
			mtimeMs: stat.mtimeMs,
			links: stat.nlink,
			layout,
			layoutDecision,
			generation: layout === 'mixed' ? describeLayout(layout, false, layoutDecision) : describeLayout(layout, optionalPresent(layout)),
			files: listed.map(({fd, ...entry}) => entry),
			locks,
		};
		if (memo) {
			memo.key = key;
			memo.commands = commands;
			memo.probe = probe;
		}

		return probe;
	} finally {
		for (const file of files.values()) if (file !== server && file.fd !== undefined) fs.closeSync(file.fd);
	}
}

/** Opens, probes and closes. Throws LockFileInputError for anything that is not a lock file. */
export function probeLockFile(file: string, cache?: OwnerLookup, memo?: ProbeMemo): Probe {
	const opened = openForReading(file);
	try {
		const probe = probeOpenFile(opened, cache, memo);
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
		const present: Partial<Record<Layout, boolean>> = {};
		for (const name of LAYOUT_NAMES) present[name] = LAYOUTS[name].files.some(one => fs.existsSync(path.join(directory, one)));
		return detectLayout({serverLockExists: false, present, held: {}});
	}

	try {
		return probeOpenFile(opened).layoutDecision;
	} finally {
		fs.closeSync(opened.fd);
	}
}
