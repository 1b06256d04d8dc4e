// The directory store's pulse: which of the layout's locks are held, by what kind, as one
// string, cheaply enough to ask every few tens of ms (three F_OFD_GETLK are ~8 µs). fcntl
// targets are asked through read-only descriptors (F_OFD_GETLK takes nothing); flock targets
// have no "get lock", and trying one would TAKE it, so they are read from /proc/locks (FLOCK
// lines on the files' inodes), which costs one small read per look.
// An OFD lock reads the same (kind OFD, pid -1) whoever holds it: when a holder dies and a
// waiting process takes the lock, nothing above changes, and no file need change either. So
// the pulse also asks each OFD owner the last probe named whether it still holds its lock
// (its /proc/PID/fdinfo/FD: one small read per owner), and the signature changes when one
// no longer does (issue 14 §5: the screen kept a dead pid for ~215 ms). The fdinfo file stays
// open between looks and is read again from offset 0 (one pread, ~3× cheaper than opening it
// each time: a fleet of 100 groups asks ~1000 times a second); a process that died, a descriptor
// closed, or reused for another file, all read as "no longer holds", as before.
// That read also lists the owner's lock and its range: where it is a write lock over the whole
// target, F_OFD_GETLK could only answer "OFD" (nobody else can hold any of the range), so it is
// not asked — at rest in a fleet of ha-tui nodes, one syscall per lock instead of two.
// Why not ask the owners only when /proc/locks changed: an OFD lock handed to a new OFD that
// lands where the old one was in the kernel's list (the newest lock of its CPU) leaves the text
// byte for byte the same (tried on Linux 6.18), so that would miss the hand-over.
import fs from 'node:fs';
import path from 'node:path';
import {describeTargets, getConflictingLock, mixedLayouts, type Layout, type LockRange, type Probe} from '../lock-file/index.js';
import {deviceToProc} from '../lock-file/device-number.js';
import {readProcFile} from '../lock-file/proc-read.js';
import {parseProcLockLine, type FileIdentity} from '../lock-file/proc-locks.js';
import type {StorePulse} from './store.js';

type FcntlLook = {readonly fd: number; readonly range: LockRange; readonly inode: number};
/** An OFD owner the last probe named: its process and descriptor, and the file it locks. */
type OfdOwnerLook = {readonly pid: number; readonly fd: string; readonly file: FileIdentity};

/** Every OFD owner a probe named ("pid:fd" holders), with the identity of the file it holds. */
export function ofdOwnersOf(probe: Probe): OfdOwnerLook[] {
	const owners: OfdOwnerLook[] = [];
	for (const lock of Object.values(probe.locks)) {
		// A mixed layout's lock spans two files ("a + b"): its owners are not checked here.
		const entry = probe.files.find(file => file.path === lock.file);
		if (entry?.device === undefined || entry.inode === undefined) continue;
		for (const holder of lock.holders) {
			const match = holder.kind === 'OFD' && holder.ofd ? /^(\d+):(\d+)$/.exec(holder.ofd) : null;
			if (!match) continue;
			const owner = {pid: Number(match[1]), fd: match[2], file: {device: entry.device, inode: entry.inode}};
			if (!owners.some(one => one.pid === owner.pid && one.fd === owner.fd && one.file.inode === owner.file.inode)) owners.push(owner);
		}
	}

	return owners;
}

/**
 * Does the probe show an OFD lock held by nobody it could name? A killed holder's descriptors
 * are gone before its lock is (the file's last reference is dropped a moment later), and
 * another user's process has an fdinfo we cannot read: no owner for the pulse to ask.
 */
function hasUnnamedOfdHolder(probe: Probe): boolean {
	return Object.values(probe.locks).some(lock => lock.locked && lock.holders.some(holder => holder.kind === 'OFD' && holder.pid === undefined));
}

/** An fdinfo file is a few lines; a descriptor with many locks on it still fits. */
const FDINFO_BYTES = 4096;
const fdinfoBuffer = Buffer.alloc(FDINFO_BYTES);

/** An OFD lock an owner's fdinfo lists on its file: its type and range (end undefined: to EOF). */
type OwnedLock = {readonly write: boolean; readonly start: number; readonly end: number | undefined};

/** Asks one owner's /proc/PID/fdinfo/FD, kept open, which OFD locks it still holds on its file. */
class OwnerAsk {
	private fd: number | undefined;
	private failed = false;
	private readonly wanted: string;
	/** The bytes of the last read and what they said: the same bytes say the same (no parse at rest). */
	private lastBytes: Buffer | undefined;
	private lastLocks: OwnedLock[] = [];

	constructor(readonly owner: OfdOwnerLook) {
		this.wanted = ` ${deviceToProc(owner.file.device)}:${owner.file.inode} `;
	}

	/**
	 * Its OFD locks on the file now: none when it let go, died, or closed or reused the
	 * descriptor. Read every time (the kernel's answer now); parsed only when its bytes differ
	 * from the last read's — the parse is a function of the bytes alone, so this hides nothing.
	 * The same array is returned while the bytes stay the same (callers only read it).
	 */
	locks(): readonly OwnedLock[] {
		if (this.failed) return [];
		try {
			this.fd ??= fs.openSync(`/proc/${this.owner.pid}/fdinfo/${this.owner.fd}`, 'r');
			const length = fs.readSync(this.fd, fdinfoBuffer, 0, FDINFO_BYTES, 0);
			if (this.lastBytes?.length === length && fdinfoBuffer.compare(this.lastBytes, 0, length, 0, length) === 0) return this.lastLocks;
			this.lastLocks = this.parse(length);
			this.lastBytes = Buffer.from(fdinfoBuffer.subarray(0, length));
		} catch {
			// Gone (ESRCH, ENOENT): it stays gone until the next probe names the owners again.
			this.close();
			this.failed = true;
			return [];
		}

		return this.lastLocks;
	}

	private parse(length: number): OwnedLock[] {
		const locks: OwnedLock[] = [];
		// "lock:\t1: OFDLCK ADVISORY  WRITE -1 fe:00:2146446 0 EOF" lines, found by the file's
		// " maj:min:inode " (no split, no regex on the hot path: ~1000 looks a second in a fleet).
		const text = fdinfoBuffer.toString('latin1', 0, length);
		for (let at = text.indexOf(this.wanted); at >= 0; at = text.indexOf(this.wanted, at + 1)) {
			const start = text.lastIndexOf('\n', at) + 1;
			const end = text.indexOf('\n', at);
			const line = text.slice(start, end < 0 ? text.length : end);
			if (!line.startsWith('lock:') || !line.includes(' OFDLCK ')) continue;
			const [from, to] = line.slice(at - start + this.wanted.length).trim().split(' ');
			locks.push({write: line.includes(' WRITE '), start: Number(from), end: to === 'EOF' ? undefined : Number(to)});
		}

		return locks;
	}

	close(): void {
		this.lastBytes = undefined;
		this.lastLocks = [];
		if (this.fd === undefined) return;
		try {
			fs.closeSync(this.fd);
		} catch {}

		this.fd = undefined;
	}
}

/** Does an owner's write lock cover the whole range? Then nobody else can hold any of it. */
function coversWrite(locks: readonly OwnedLock[], range: LockRange): boolean {
	const rangeEnd = range.length === 0 ? Number.POSITIVE_INFINITY : range.start + range.length - 1;
	return locks.some(lock => lock.write && lock.start <= range.start && (lock.end ?? Number.POSITIVE_INFINITY) >= rangeEnd);
}

const ownerKey = (owner: OfdOwnerLook) => `${owner.pid}:${owner.fd}@${owner.file.inode}`;
const ownersKey = (owners: readonly OfdOwnerLook[]) => owners.map(owner => ownerKey(owner)).join(',');
type Target = {readonly path: string; readonly inode: number; readonly device: number; readonly range: LockRange; readonly primitive: 'fcntl' | 'flock'};

/** The targets of the layout(s) the probe saw, on the files that exist (by inode). */
export function pulseTargets(probe: Probe): Target[] {
	const layouts: Layout[] = probe.layout === 'mixed' ? mixedLayouts(probe.layoutDecision) : [probe.layout];
	const targets: Target[] = [];
	const seen = new Set<string>();
	for (const layout of layouts) {
		for (const spec of describeTargets(layout)) {
			const entry = probe.files.find(file => file.name === spec.name);
			if (!entry?.exists || entry.inode === undefined || entry.device === undefined) continue;
			const key = `${entry.inode}@${spec.range.start}+${spec.range.length}/${spec.primitive}`;
			if (seen.has(key)) continue;
			seen.add(key);
			targets.push({path: entry.path ?? path.join(probe.directory, spec.name), inode: entry.inode, device: entry.device, range: spec.range, primitive: spec.primitive});
		}
	}

	return targets;
}

export class DirectoryPulse implements StorePulse<Probe> {
	private fcntl: FcntlLook[] = [];
	/** "maj:min:inode" of the flock targets. */
	private flock = new Set<string>();
	private key = '';
	private owners: OfdOwnerLook[] = [];
	private followed: Probe | undefined;
	/** The followed probe saw an OFD lock held by an owner it could not name. */
	private unnamed = false;
	private asks: OwnerAsk[] = [];
	/** What each ask said this tick (by index), reused from tick to tick. */
	private owned: Array<readonly OwnedLock[]> = [];

	follow(probe: Probe | undefined): boolean {
		// The same probe object as last time (a store at rest gives back the probe it built from
		// the same reading): the same targets and owners, nothing to do.
		if (probe !== undefined && probe === this.followed) return false;
		this.followed = probe;
		this.unnamed = probe !== undefined && hasUnnamedOfdHolder(probe);
		const targets = probe ? pulseTargets(probe) : [];
		const key = targets.map(target => `${target.inode}@${target.range.start}+${target.range.length}/${target.primitive}`).join(',');
		const owners = probe ? ofdOwnersOf(probe) : [];
		if (key === this.key) {
			// Same files: only the owners to ask may have changed (the signature then differs).
			if (ownersKey(owners) === ownersKey(this.owners)) return false;
			this.setOwners(owners);
			return true;
		}

		const unnamed = this.unnamed;
		this.close();
		this.followed = probe;
		this.unnamed = unnamed;
		this.key = key;
		this.setOwners(owners);
		for (const target of targets) {
			if (target.primitive === 'flock') {
				this.flock.add(`${deviceToProc(target.device)}:${target.inode}`);
				continue;
			}

			let fd: number | undefined;
			try {
				fd = fs.openSync(target.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
				const stat = fs.fstatSync(fd);
				if (!stat.isFile() || stat.ino !== target.inode) {
					fs.closeSync(fd);
					continue;
				}

				this.fcntl.push({fd, range: target.range, inode: target.inode});
			} catch {
				if (fd !== undefined) {
					try {
						fs.closeSync(fd);
					} catch {}
				}
			}
		}

		return true;
	}

	unnamedHolder(): boolean {
		return this.unnamed;
	}

	signature(): string | undefined {
		try {
			// Each owner the last probe named, asked once: its fdinfo says what it still holds.
			// Loops and string concatenation, no arrays of objects: ~500 of these a second in a
			// fleet of 100 groups at rest, and what they allocate is collected on the same thread.
			let gone = '';
			for (let index = 0; index < this.asks.length; index++) {
				const ask = this.asks[index];
				const locks = ask.locks();
				this.owned[index] = locks;
				// The owners the last probe named that no longer hold their lock (usually none).
				if (locks.length === 0) gone = `${gone}${gone ? ',' : ''}${ownerKey(ask.owner)}`;
			}

			let signature = '';
			for (let index = 0; index < this.fcntl.length; index++) {
				signature = index === 0 ? this.fcntlPart(this.fcntl[index]) : `${signature}|${this.fcntlPart(this.fcntl[index])}`;
			}

			if (this.flock.size > 0) signature = `${signature}|${this.flockSignature()}`;
			return gone ? `${signature}|gone ${gone}` : signature;
		} catch {
			return undefined;
		}
	}

	/** One fcntl target's part of the signature (after the owners were asked this tick). */
	private fcntlPart(look: FcntlLook): string {
		// An owner's write lock over the whole range is what F_OFD_GETLK would report ("OFD",
		// no pid): the fdinfo read just made says so, one syscall fewer per lock.
		for (let index = 0; index < this.asks.length; index++) {
			if (this.asks[index].owner.file.inode === look.inode && coversWrite(this.owned[index], look.range)) return 'OFD:';
		}

		const lock = getConflictingLock(look.fd, look.range);
		return lock ? `${lock.kind}:${lock.pid ?? ''}` : '-';
	}

	private flockSignature(): string {
		const text = readProcFile('/proc/locks');
		const held: string[] = [];
		for (const line of text.split('\n')) {
			if (!line.includes('FLOCK')) continue;
			const lock = parseProcLockLine(line);
			if (lock?.kind === 'FLOCK' && this.flock.has(`${lock.device}:${lock.inode}`)) held.push(`${lock.inode}:${lock.pid ?? ''}`);
		}

		return held.sort().join(',') || '-';
	}

	close(): void {
		for (const look of this.fcntl) {
			try {
				fs.closeSync(look.fd);
			} catch {}
		}

		this.fcntl = [];
		this.flock = new Set();
		this.setOwners([]);
		this.key = '';
		this.followed = undefined;
		this.unnamed = false;
	}

	private setOwners(owners: OfdOwnerLook[]): void {
		for (const ask of this.asks) ask.close();
		this.owners = owners;
		this.asks = owners.map(owner => new OwnerAsk(owner));
		this.owned = owners.map(() => []);
	}
}

