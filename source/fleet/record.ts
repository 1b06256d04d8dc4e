// The record (`watch --record FILE`, issue 18 §3): NDJSON, one object per line, each one
// self-contained — the group, the time (wall clock and CLOCK_MONOTONIC), the verdict, the state
// byte and who held each lock, and the holders' brokers — so `history` can replay any file,
// any slice of one, or several concatenated, without the watcher that wrote it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {brokerOf, readProcStat} from '../broker/index.js';
import {haTuiProcess, haTuiTitle} from '../broker/holder-text.js';
import type {Segment} from '../lock-file/index.js';
import type {Holder} from '../lock-file/probe.js';
import type {Snapshot} from '../watch/index.js';
import type {Group} from './groups.js';
import type {FleetUpdate} from './fleet-watcher.js';

export const RECORD_VERSION = 1;

/** id: a table's lease holder (its holder_id), where there is no pid to tell holders apart. */
/**
 * broker: its broker.xml name; process: ha-tui's own process by its title ("ha-tui node DIR"),
 * where there is no broker (kept apart: the TUI's timeline labels brokers by name, ha-tui's
 * processes by pid); role: the broker's ha-policy, or the node's --role.
 */
export type RecordHolder = {pid: number | null; kind: string; id?: string; broker?: string; process?: string; role?: string; frozen?: true};
export type RecordLock = {locked: boolean; holders: RecordHolder[]};

export type RecordEvent =
	| {v: 1; type: 'start'; time: string; mono: number; host: string; pid: number; groups: string[]}
	| {v: 1; type: 'stop'; time: string; mono: number; host: string; pid: number; why: string}
	| {
		v: 1;
		type: 'group';
		time: string;
		mono: number;
		/** The change came after this moment (the last kernel pulse that saw the locks as before). */
		after?: number;
		/**
		 * A table: the old live's lease expiry (monotonic), when its lease stopped being held in
		 * this event; `after` is then its last renew. The time without a live is at least from
		 * here, at most from `after` (store/jdbc/no-live.ts).
		 */
		leaseExpiry?: number;
		host: string;
		group: string;
		status: Snapshot['status'];
		error?: string;
		verdict: string;
		exitCode: number;
		summary: string;
		state: string | null;
		stateName: string | null;
		nodeId: string | null;
		layout: string | null;
		inode: number | null;
		replaced: boolean;
		locks: Record<Segment, RecordLock>;
		changes: Array<{kind: string; segment?: string; message: string}>;
		/** The previous holders of the live lock, gone from it in this event, and whether their process still runs. */
		releasedBy?: Array<{pid: number; alive: boolean}>;
	};

export type GroupEvent = Extract<RecordEvent, {type: 'group'}>;

/**
 * Running: not a zombie (killed, not yet reaped by its parent, holding no lock) and not on its
 * way out. A killed process closes its files — releasing its locks — early in its exit, while
 * /proc still shows it R or D; the watcher can see the free lock in that window (under load it
 * lasts milliseconds), so PF_EXITING counts as gone, or a kill would be recorded as "forced".
 */
export function stillRunning(pid: number): boolean {
	const stat = readProcStat(pid);
	return stat !== undefined && !stat.exiting && stat.state !== 'Z' && stat.state !== 'X' && stat.state !== 'x';
}

/**
 * A holder as the record keeps it: named as watch names it (holder-text.ts) — a broker by its
 * broker.xml, an ha-tui node by its title (`ha-tui node DIR --role R`), so `history` says
 * "ha-tui node d (primary) pid N" where watch did, and knows the role a failback is told by.
 */
export function recordHolder(holder: Pick<Holder, 'pid' | 'command' | 'kind'>, frozen: readonly number[], broker = brokerOf(holder.pid)): RecordHolder {
	const own = broker ? undefined : haTuiProcess(holder.command);
	const title = own ? haTuiTitle(own) : undefined;
	const role = broker ? broker.role : own?.kind === 'node' ? own.role : undefined;
	return {
		pid: holder.pid ?? null,
		kind: holder.kind,
		...(broker?.name ? {broker: broker.name} : {}),
		...(title ? {process: title} : {}),
		...(role ? {role} : {}),
		...(holder.pid !== undefined && frozen.includes(holder.pid) ? {frozen: true as const} : {}),
	};
}

function recordLock(snapshot: Snapshot, segment: Segment, frozen: readonly number[]): RecordLock {
	const lock = snapshot.probe?.locks[segment];
	if (!lock) return {locked: false, holders: []};
	// (The state lock's holders are momentary reads and writes: no broker looked up for them.)
	return {locked: lock.locked, holders: lock.holders.map(holder => segment === 'state' ? recordHolder({pid: holder.pid, kind: holder.kind, command: undefined}, frozen, undefined) : recordHolder(holder, frozen))};
}

export function groupEvent(update: FleetUpdate, wall = new Date(update.snapshot.takenAt)): GroupEvent {
	const {snapshot, previous, group, frozen} = update;
	const probe = snapshot.probe;
	const event: GroupEvent = {
		v: RECORD_VERSION,
		type: 'group',
		time: wall.toISOString(),
		mono: Math.round(update.mono * 1000) / 1000,
		...(update.quietMono === undefined ? {} : {after: Math.round(update.quietMono * 1000) / 1000}),
		host: os.hostname(),
		group: group.label,
		status: snapshot.status,
		...(snapshot.error ? {error: snapshot.error} : {}),
		verdict: snapshot.assessment.verdict,
		exitCode: snapshot.assessment.exitCode,
		summary: snapshot.assessment.summary,
		state: probe?.state === undefined ? null : String.fromCharCode(probe.state),
		stateName: probe?.stateName ?? null,
		nodeId: probe?.nodeId ?? null,
		layout: probe?.layout ?? null,
		inode: probe?.inode ?? null,
		replaced: snapshot.replaced,
		locks: {state: recordLock(snapshot, 'state', frozen), live: recordLock(snapshot, 'live', frozen), backup: recordLock(snapshot, 'backup', frozen)},
		changes: update.changes.map(change => ({kind: change.kind, ...(change.segment ? {segment: change.segment} : {}), message: change.message})),
	};
	// Was the live lock dropped by a process that is still running (a forced failover, a clean
	// stop) or by one that is gone (killed, crashed)? Only now can anybody tell.
	// (Also when the hand-over was seen in one look: the old holder is no longer among the new.)
	const before = previous?.probe?.locks.live;
	const now = new Set((probe?.locks.live.holders ?? []).map(holder => holder.pid));
	const released = (before?.locked ? before.holders : []).filter(holder => holder.pid !== undefined && !now.has(holder.pid));
	if (released.length > 0) event.releasedBy = released.map(holder => ({pid: holder.pid!, alive: stillRunning(holder.pid!)}));

	return event;
}

export class RecordTargetError extends Error {
	override name = 'RecordTargetError';
}

const inside = (file: string, directory: string) => file === directory || file.startsWith(directory.endsWith('/') ? directory : `${directory}/`);

/** Where a record must not go: into (or under) a group's directory, or onto a lock file. */
export function checkRecordTarget(file: string, groups: readonly Group[]): string {
	const absolute = path.resolve(file);
	let directory: string;
	try {
		directory = fs.realpathSync(path.dirname(absolute));
	} catch (error) {
		throw new RecordTargetError(`--record ${file}: the directory ${path.dirname(absolute)} does not exist or is unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
	}

	const real = path.join(directory, path.basename(absolute));
	for (const group of groups) {
		let groupDirectory = path.dirname(group.lockPath);
		try {
			groupDirectory = fs.realpathSync(groupDirectory);
		} catch {}

		if (inside(real, groupDirectory) || inside(absolute, path.dirname(group.lockPath))) {
			throw new RecordTargetError(`--record ${file}: inside the group directory ${group.label}; a record is never written next to lock files (choose another directory)`);
		}
	}

	return real;
}

/** Appends events, one line each, to a file opened once (O_APPEND: several writers interleave whole lines). */
export class RecordWriter {
	private fd: number | undefined;

	constructor(readonly file: string) {
		// O_NOFOLLOW: the last component may not be a symlink planted to redirect the write.
		this.fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW | fs.constants.O_NOCTTY, 0o640);
		const stat = fs.fstatSync(this.fd);
		if (!stat.isFile()) {
			fs.closeSync(this.fd);
			this.fd = undefined;
			throw new RecordTargetError(`--record ${file}: not a regular file`);
		}
	}

	write(event: RecordEvent): void {
		if (this.fd === undefined) return;
		fs.writeSync(this.fd, `${JSON.stringify(event)}\n`);
	}

	/** wall/mono: when the watching began (before a table's first look, which is written after this). */
	start(groups: ReadonlyArray<{readonly label: string}>, mono: number, wall = new Date()): void {
		this.write({v: RECORD_VERSION, type: 'start', time: wall.toISOString(), mono, host: os.hostname(), pid: process.pid, groups: groups.map(group => group.label)});
	}

	close(why: string, mono: number): void {
		if (this.fd === undefined) return;
		this.write({v: RECORD_VERSION, type: 'stop', time: new Date().toISOString(), mono, host: os.hostname(), pid: process.pid, why});
		fs.closeSync(this.fd);
		this.fd = undefined;
	}
}
