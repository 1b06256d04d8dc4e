// Brokers of this group that run on this host but hold no lock: a second backup polls for the
// backup lock every 500 ms and holds nothing in between, a primary that starts has not got the
// primary lock yet. /proc shows no lock for them; their broker.xml names this directory.
import fs from 'node:fs';
import {ARTEMIS_MAIN, HORNETQ_MAIN} from './cmdline.js';
import type {BrokerInfo} from './config.js';
import {holderIdentity} from './holder-text.js';
import {brokerOf} from './index.js';
import {listPids, readArgv, readProcStat} from './proc.js';

export type WaitingBroker = {
	readonly pid: number;
	readonly broker: BrokerInfo;
	/** "broker-c (backup)". */
	readonly label: string;
	/** /proc/PID/stat state letter. */
	readonly state?: string;
	/** One line: who, and what it waits for. */
	readonly text: string;
};

type Identity = {dev: number; ino: number};

function identityOf(directory: string | null | undefined): Identity | undefined {
	if (!directory) return undefined;
	try {
		const stat = fs.statSync(directory);
		return {dev: stat.dev, ino: stat.ino};
	} catch {
		return undefined;
	}
}

const MAINS = [Buffer.from(`\0${ARTEMIS_MAIN}\0`), Buffer.from(`\0${HORNETQ_MAIN}\0`)];

/** Cheap filter: the main class as a whole argument anywhere in /proc/PID/cmdline (sized to its content). */
function mentionsBrokerMain(pid: number): boolean {
	try {
		const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`);
		return MAINS.some(main => cmdline.includes(main));
	} catch {
		return false;
	}
}

/**
 * Pids of broker processes on this host (Artemis' or HornetQ's main class in the argv), among
 * `candidates` (default: every process in /proc).
 */
export function localBrokerPids(candidates: Iterable<number> = listPids()): number[] {
	const pids: number[] = [];
	for (const pid of candidates) {
		if (!mentionsBrokerMain(pid)) continue;
		const argv = readArgv(pid);
		if (argv?.some(argument => argument === ARTEMIS_MAIN || argument === HORNETQ_MAIN)) pids.push(pid);
	}

	return pids;
}

function waitsFor(broker: BrokerInfo): string {
	if (broker.role === 'backup') return 'holds no lock: a backup starting, or waiting for the backup lock (Artemis tries every 500 ms and holds nothing in between)';
	if (broker.role === 'primary') return 'holds no lock: a primary starting, or waiting for the primary lock (Artemis tries every 500 ms)';
	return 'holds no lock';
}

/**
 * The brokers whose configured lock directory is `directory` (same device and inode: symlinks and
 * bind mounts do not fool it) and whose pid holds none of `holding`.
 */
export function waitingBrokers(directory: string, holding: ReadonlySet<number>, pids: readonly number[] = localBrokerPids()): WaitingBroker[] {
	const here = identityOf(directory);
	if (!here) return [];
	const waiting: WaitingBroker[] = [];
	for (const pid of pids) {
		if (holding.has(pid)) continue;
		const broker = brokerOf(pid);
		const theirs = identityOf(broker?.lockDirectory);
		if (!broker || !theirs || theirs.dev !== here.dev || theirs.ino !== here.ino) continue;
		const label = holderIdentity({pid, command: undefined}, broker) ?? `pid ${pid}`;
		const state = readProcStat(pid)?.state;
		waiting.push({pid, broker, label, ...(state ? {state} : {}), text: `${label} pid ${pid} — ${waitsFor(broker)}${state === 'T' || state === 't' || state === 'Z' ? ` (${state === 'Z' ? 'a zombie' : 'STOPPED'})` : ''}`});
	}

	return waiting.sort((a, b) => a.pid - b.pid);
}

/** The pids holding any lock of a probe. */
export function holdingPids(probe: {readonly locks: Readonly<Record<string, {readonly holders: ReadonlyArray<{readonly pid: number | undefined}>}>>}): Set<number> {
	const pids = new Set<number>();
	for (const lock of Object.values(probe.locks)) for (const holder of lock.holders) if (holder.pid !== undefined) pids.add(holder.pid);
	return pids;
}
