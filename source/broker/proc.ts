// Read-only views of one process in /proc. Every reader returns undefined when the process is
// gone or we may not look (another user's process, hidepid): callers must cope with not knowing.
import fs from 'node:fs';
import {readProcArgs} from '../lock-file/proc-locks.js';

/** One letter from /proc/PID/stat: R running, S sleeping, D disk wait, T stopped, t traced, Z zombie, … */
export type ProcessState = string;

export type ProcStat = {
	readonly pid: number;
	readonly state: ProcessState;
	readonly ppid: number;
	/** Clock ticks after boot: with the pid, names one process for its whole life. */
	readonly startTime: number;
	/**
	 * The kernel has begun to end it (PF_EXITING in the task flags, field 9): set at the start of
	 * do_exit, before its files are closed — so before its locks are released and long before it
	 * is a zombie. A SIGKILLed holder whose lock is already free can still read R or D here.
	 */
	readonly exiting: boolean;
};

/** include/linux/sched.h: "getting shut down". */
const PF_EXITING = 0x4;

/** Parses /proc/PID/stat. The command (field 2) may hold spaces and parentheses: split after the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
	const open = text.indexOf('(');
	const close = text.lastIndexOf(')');
	if (open < 0 || close < open) return undefined;
	const pid = Number(text.slice(0, open).trim());
	const fields = text.slice(close + 1).trim().split(/\s+/);
	// fields[0] is field 3 (state); flags is field 9, starttime field 22.
	const state = fields[0];
	const ppid = Number(fields[1]);
	const startTime = Number(fields[19]);
	const flags = Number(fields[6]);
	if (!state || !Number.isInteger(pid) || !Number.isFinite(startTime)) return undefined;
	return {pid, state, ppid, startTime, exiting: Number.isInteger(flags) && (flags & PF_EXITING) !== 0};
}

export function readProcStat(pid: number): ProcStat | undefined {
	try {
		return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return undefined;
	}
}

/** A broker's argv is a few KiB; a hostile one may be megabytes: read no more than this. */
const MAX_ARGV_BYTES = 256 * 1024;

/** argv as the process was started (NUL-separated), or undefined when unreadable or a kernel thread. */
export function readArgv(pid: number): string[] | undefined {
	const argv = readProcArgs(pid, MAX_ARGV_BYTES)?.args.map(arg => arg.toString('utf8'));
	return argv && argv.length > 0 ? argv : undefined;
}

export type Credentials = {
	/** Effective uid and gid: what the kernel checks when the process opens a file. */
	readonly uid: number;
	readonly gid: number;
	readonly groups: readonly number[];
};

export function parseProcStatus(text: string): Credentials | undefined {
	const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim().split(/\s+/).filter(Boolean).map(Number);
	const uids = field('Uid');
	const gids = field('Gid');
	if (!uids || !gids || uids.length < 2 || gids.length < 2) return undefined;
	return {uid: uids[1], gid: gids[1], groups: field('Groups') ?? []};
}

export function readCredentials(pid: number): Credentials | undefined {
	try {
		return parseProcStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	} catch {
		return undefined;
	}
}

/** The process's working directory: what a JVM resolves relative paths against without artemis.instance. */
export function readCwd(pid: number): string | undefined {
	try {
		return fs.readlinkSync(`/proc/${pid}/cwd`);
	} catch {
		return undefined;
	}
}

/**
 * Only the named variables of the process environment (Artemis resolves `${X}` from the
 * environment too). The rest is never kept: an environment often holds secrets.
 */
export function readEnvironment(pid: number, names: ReadonlySet<string>): Map<string, string> | undefined {
	if (names.size === 0) return new Map();
	let raw: string;
	try {
		raw = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
	} catch {
		return undefined;
	}

	const found = new Map<string, string>();
	for (const entry of raw.split('\0')) {
		const equals = entry.indexOf('=');
		if (equals > 0 && names.has(entry.slice(0, equals))) found.set(entry.slice(0, equals), entry.slice(equals + 1));
	}

	return found;
}

/** Every numeric entry of /proc (processes we can see). */
export function listPids(): number[] {
	try {
		return fs.readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number);
	} catch {
		return [];
	}
}
