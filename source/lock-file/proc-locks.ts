// Who holds a lock, as far as Linux will tell: /proc/locks names the lock (kind, pid for
// POSIX, -1 for OFD), /proc/PID/fdinfo/FD `lock:` lines name the process behind an OFD lock.
import fs from 'node:fs';
import process from 'node:process';
import {decodeBytes} from '../text/sanitize.js';
import {deviceToProc} from './device-number.js';
import {readProcFile} from './proc-read.js';

export type ProcLock = {
	kind: 'OFD' | 'POSIX' | 'FLOCK' | 'unknown';
	type: 'read' | 'write';
	pid: number | undefined;
	device: string;
	inode: number;
	start: number;
	/** undefined = to end of file */
	end: number | undefined;
	line: string;
};

const kinds: Record<string, ProcLock['kind']> = {POSIX: 'POSIX', OFDLCK: 'OFD', FLOCK: 'FLOCK'};

/** Parses one /proc/locks line (also the text after `lock:\t` in fdinfo). */
export function parseProcLockLine(line: string): ProcLock | undefined {
	// "2: OFDLCK ADVISORY  WRITE -1 fe:00:2146446 1 1", blocked waiters start with "2: ->"
	const match = /^\s*\d+:\s+(\w+)\s+\w+\s+(READ|WRITE)\s+(-?\d+)\s+([\da-f]+:[\da-f]+):(\d+)\s+(\d+)\s+(\d+|EOF)\s*$/i.exec(line);
	if (!match) return undefined;
	const [, kind, type, pid, device, inode, start, end] = match;
	return {
		kind: kinds[kind] ?? 'unknown',
		type: type === 'WRITE' ? 'write' : 'read',
		pid: Number(pid) > 0 ? Number(pid) : undefined,
		device,
		inode: Number(inode),
		start: Number(start),
		end: end === 'EOF' ? undefined : Number(end),
		line: line.trim(),
	};
}

function covers(lock: ProcLock, offset: number): boolean {
	return lock.start <= offset && (lock.end === undefined || offset <= lock.end);
}

export type FileIdentity = {readonly device: number; readonly inode: number};

/**
 * Every lock /proc/locks lists on these files; undefined where it cannot be read (not Linux).
 * `waiters`, when given, receives the blocked requests ("N: -> OFDLCK …" lines: a process
 * waiting in F_OFD_SETLKW / F_SETLKW / flock), which are not locks anybody holds.
 */
export function readProcLocksOn(files: readonly FileIdentity[], waiters?: ProcLock[], read: () => string | undefined = readProcLocksText): ProcLock[] | undefined {
	const text = read();
	if (text === undefined) return undefined;

	const byFile = linesByFile(text);
	const locks: ProcLock[] = [];
	for (const key of new Set(files.map(file => `${deviceToProc(file.device)}:${file.inode}`))) {
		for (const line of byFile.get(key) ?? []) {
			const blocked = /^(\s*\d+:)\s+->\s+/.exec(line);
			if (blocked && !waiters) continue;
			const lock = parseProcLockLine(blocked ? `${blocked[1]} ${line.slice(blocked[0].length)}` : line);
			if (!lock || `${lock.device}:${lock.inode}` !== key) continue;
			(blocked ? waiters! : locks).push(lock);
		}
	}

	return locks;
}

/**
 * The lines of one /proc/locks text by the "maj:min:inode" they name, kept for the last text:
 * it lists every lock on the host (hundreds of lines beside a fleet), and the probes of one turn
 * (fleet/shared-holders.ts: one read for all) look up a few files each instead of each scanning it.
 */
let indexed: {readonly text: string; readonly byFile: ReadonlyMap<string, readonly string[]>} | undefined;

function linesByFile(text: string): ReadonlyMap<string, readonly string[]> {
	if (indexed?.text === text) return indexed.byFile;
	const byFile = new Map<string, string[]>();
	for (const line of text.split('\n')) {
		// "1: OFDLCK ADVISORY  WRITE -1 fe:00:2146446 0 EOF" (or "1: -> OFDLCK …"): the one maj:min:inode field.
		const key = /\s([\da-f]+:[\da-f]+:\d+)\s/i.exec(line)?.[1];
		if (key === undefined) continue;
		const lines = byFile.get(key);
		if (lines) lines.push(line);
		else byFile.set(key, [line]);
	}

	indexed = {text, byFile};
	return byFile;
}

/** The text of /proc/locks; undefined where it cannot be read (not Linux). */
export function readProcLocksText(): string | undefined {
	try {
		return readProcFile('/proc/locks');
	} catch {
		return undefined;
	}
}

export function readProcLocks(device: number, inode: number): ProcLock[] {
	return readProcLocksOn([{device, inode}]) ?? [];
}

/** A lock from 0 to the end of the file: Java's whole-file tryLock(). */
export function isWholeFileLock(lock: Pick<ProcLock, 'start' | 'end'>): boolean {
	return lock.start === 0 && lock.end === undefined;
}

export function locksCovering(locks: readonly ProcLock[], offset: number): ProcLock[] {
	return locks.filter(lock => covers(lock, offset));
}

/**
 * A process's arguments as the kernel keeps them (/proc/PID/cmdline, NUL-separated), reading
 * at most `limit` bytes: a command line is chosen by whoever started the process, and may be
 * megabytes. undefined where it cannot be read (gone, hidepid, another user's).
 */
export function readProcArgs(pid: number, limit: number): {args: Buffer[]; truncated: boolean} | undefined {
	let fd: number | undefined;
	try {
		fd = fs.openSync(`/proc/${pid}/cmdline`, 'r');
		const buffer = Buffer.alloc(limit);
		let length = 0;
		for (let read; length < buffer.length && (read = fs.readSync(fd, buffer, length, buffer.length - length, null)) > 0;) length += read;
		const args: Buffer[] = [];
		let start = 0;
		for (let index = 0; index < length; index++) {
			if (buffer[index] !== 0) continue;
			args.push(buffer.subarray(start, index));
			start = index + 1;
		}

		if (start < length) args.push(buffer.subarray(start, length)); // the last one, cut or unterminated
		return {args, truncated: length === buffer.length};
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) fs.closeSync(fd);
	}
}

/** What a holder's command line shows: at most this much of it. */
const COMMAND_LINE_LIMIT = 64 * 1024;

/**
 * The process's arguments joined by spaces, undefined where not readable. Bytes that are not
 * UTF-8 stay visible (\xff) instead of turning into U+FFFD; control characters are left to
 * sanitize() at the terminal, as everything from outside.
 */
export function commandLine(pid: number): string | undefined {
	const read = readProcArgs(pid, COMMAND_LINE_LIMIT);
	if (!read) return undefined;
	const command = read.args.filter(arg => arg.length > 0).map(arg => decodeBytes(arg)).join(' ') + (read.truncated ? ' …' : '');
	return command.trim() || undefined;
}

/** Where an OFD lock was seen: the process and the descriptor whose fdinfo lists it. */
/** `inode`: the file the descriptor is open on, where a scan of several files tells (openers). */
export type OfdOwner = {pid: number; fd: string; inode?: number};

/** The key of one lock range on one file: "inode|start-end". */
export const rangeKey = (inode: number, lock: Pick<ProcLock, 'start' | 'end'>): string => `${inode}|${lock.start}-${lock.end ?? 'EOF'}`;

/** The OFD locks one fdinfo file lists on these files, as rangeKey keys. */
function ofdRangesIn(info: string, wanted: ReadonlySet<string>): string[] {
	const ranges: string[] = [];
	for (const line of info.split('\n')) {
		if (!line.startsWith('lock:')) continue;
		const lock = parseProcLockLine(line.slice(5));
		if (lock && lock.kind === 'OFD' && wanted.has(`${lock.device}:${lock.inode}`)) ranges.push(rangeKey(lock.inode, lock));
	}

	return ranges;
}

const identities = (files: readonly FileIdentity[]) => new Set(files.map(file => `${deviceToProc(file.device)}:${file.inode}`));

/**
 * Finds which processes hold OFD locks on these files by reading every process's fdinfo.
 * Costly on a busy box, so callers cache the answer and re-check it with ofdOwnerStillHolds.
 * Returns rangeKey → owners. Processes we may not look into (hidepid, other users) are absent.
 */
export function findOfdOwners(files: readonly FileIdentity[]): Map<string, OfdOwner[]> {
	return scanOfdOwners(files).owners;
}

/**
 * findOfdOwners, and every descriptor found open on these files (`openers`: holders, waiters,
 * readers): where a lock goes next is almost always one of them (see ofdOwnersAmong).
 */
export function scanOfdOwners(files: readonly FileIdentity[]): {owners: Map<string, OfdOwner[]>; openers: OfdOwner[]} {
	const owners = new Map<string, OfdOwner[]>();
	const openers: OfdOwner[] = [];
	const wanted = identities(files);
	const inodes = new Set(files.map(file => file.inode));
	let pids: string[];
	try {
		pids = fs.readdirSync('/proc').filter(name => /^\d+$/.test(name));
	} catch {
		return {owners, openers};
	}

	// Our own process first: it is the likeliest owner and always readable.
	pids.sort((a, b) => (Number(a) === process.pid ? -1 : Number(b) === process.pid ? 1 : 0));
	for (const pid of pids) {
		let fds: string[];
		try {
			fds = fs.readdirSync(`/proc/${pid}/fdinfo`);
		} catch {
			continue;
		}

		for (const fd of fds) {
			let info: string;
			let inode: number;
			try {
				// Cheap filter before reading: the fd must point at this inode.
				inode = fs.statSync(`/proc/${pid}/fd/${fd}`).ino;
				if (!inodes.has(inode)) continue;
				info = readProcFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8', true);
			} catch {
				continue;
			}

			openers.push({pid: Number(pid), fd, inode});
			for (const key of ofdRangesIn(info, wanted)) {
				const list = owners.get(key) ?? [];
				if (!list.some(owner => owner.pid === Number(pid))) list.push({pid: Number(pid), fd});
				owners.set(key, list);
			}
		}
	}

	return {owners, openers};
}

/**
 * The OFD locks these descriptors hold on these files, as findOfdOwners would name them (one
 * small fdinfo read each, instead of a stat of every descriptor of every process).
 */
export function ofdOwnersAmong(candidates: readonly OfdOwner[], files: readonly FileIdentity[]): Map<string, OfdOwner[]> {
	const owners = new Map<string, OfdOwner[]>();
	const wanted = identities(files);
	for (const candidate of candidates) {
		let info: string;
		try {
			info = readProcFile(`/proc/${candidate.pid}/fdinfo/${candidate.fd}`, 'utf8', true);
		} catch {
			continue;
		}

		for (const key of ofdRangesIn(info, wanted)) {
			const list = owners.get(key) ?? [];
			if (!list.some(owner => owner.pid === candidate.pid)) list.push(candidate);
			owners.set(key, list);
		}
	}

	return owners;
}

/**
 * Does this process's descriptor still hold that OFD lock? /proc/locks shows every OFD lock
 * as pid -1, so a handover from one holder to another leaves it unchanged: a cached owner
 * must be re-checked at the source.
 */
export function ofdOwnerStillHolds(owner: OfdOwner, files: readonly FileIdentity[], key: string): boolean {
	try {
		return ofdRangesIn(readProcFile(`/proc/${owner.pid}/fdinfo/${owner.fd}`, 'utf8', true), identities(files)).includes(key);
	} catch {
		return false;
	}
}

/**
 * Does this descriptor still hold an OFD lock on this file (any range)? For the cheap pulse:
 * one small read of /proc/PID/fdinfo/FD. A dead process, a closed descriptor or a released
 * lock all read as false.
 */
export function ofdDescriptorHolds(pid: number, fd: string, file: FileIdentity): boolean {
	const wanted = `${deviceToProc(file.device)}:${file.inode}`;
	try {
		for (const line of readProcFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8', true).split('\n')) {
			if (!line.startsWith('lock:')) continue;
			const lock = parseProcLockLine(line.slice(5));
			if (lock?.kind === 'OFD' && `${lock.device}:${lock.inode}` === wanted) return true;
		}
	} catch {}

	return false;
}
