// Samples the lock file from outside the nodes, in a worker so the harness' event loop stays
// responsive: probeLockFile never takes a lock, /proc/locks is read once per sample (atomic).
import fs from 'node:fs';
import {parentPort, workerData} from 'node:worker_threads';
import {HolderCache, probeLockFile, type Probe} from '../../source/lock-file/index.js';
import {deviceToProc} from '../../source/lock-file/device-number.js';
import {parseProcLockLine} from '../../source/lock-file/proc-locks.js';

export type ProbeSample = {
	/** CLOCK_MONOTONIC ms before and after the sample. */
	t0: number;
	t1: number;
	error?: string;
	state?: number;
	nodeId?: string;
	/** Granted (not waiting) write locks on the live lock in one page (one read) of /proc/locks. */
	liveLockLines: number;
	/** How many reads /proc/locks took (over one, the pages are not one instant). */
	procLocksPages?: number;
	/** The layout the probe saw (must be the one the nodes use, never mixed). */
	layout?: string;
	livePids: number[];
	backupLocked: boolean;
};

import {monotonicMs} from '../../source/time.js';
const {file, everyMs, layout} = workerData as {file: string; everyMs: number; layout: 'files' | 'ranges'};
let running = true;
const cache = new HolderCache(0);
parentPort!.on('message', message => {
	if (message === 'stop') running = false;
});

/**
 * /proc/locks as the kernel hands it out: one read() returns at most a page of whole lines,
 * each page consistent in itself, but a longer table comes in several reads with the locks
 * free to move in between (a lock handed from A to B can show in two pages). Kept per page.
 */
function procLocksPages(): string[] {
	const pages: string[] = [];
	const fd = fs.openSync('/proc/locks', 'r');
	try {
		const buffer = Buffer.alloc(65_536);
		for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) pages.push(buffer.toString('utf8', 0, read));
	} finally {
		fs.closeSync(fd);
	}

	return pages;
}

/**
 * Granted write locks on the live lock — byte 1 of server.lock (ranges) or serverlock.1 (files)
 * — in the page of /proc/locks that shows the most of them (two in one page is two holders at
 * one instant; across pages it may be one lock that moved), and how many pages the table took.
 */
function liveLockLines(probe: Probe): {lines: number; pages: number} {
	const target = layout === 'files' ? probe.files.find(entry => entry.name === 'serverlock.1') : {device: probe.device, inode: probe.inode};
	const pages = procLocksPages();
	if (target?.inode === undefined || target.device === undefined) return {lines: 0, pages: pages.length};
	const dev = deviceToProc(target.device);
	let most = 0;
	for (const page of pages) {
		let count = 0;
		for (const line of page.split('\n')) {
			const lock = parseProcLockLine(line); // waiters ("N: ->") do not parse: only granted locks
			if (!lock || lock.inode !== target.inode || lock.device !== dev || lock.type !== 'write') continue;
			if (layout === 'files' || (lock.start <= 1 && (lock.end === undefined || lock.end >= 1))) count++;
		}

		most = Math.max(most, count);
	}

	return {lines: most, pages: pages.length};
}

async function loop(): Promise<void> {
	while (running) {
		const t0 = monotonicMs();
		let sample: ProbeSample;
		try {
			// One HolderCache that looks again whenever a lock has no known owner (ownerRetryMs 0):
			// it rescans every process's fds only when /proc/locks changes or an owner is missing,
			// and re-checks each remembered owner in its own fdinfo otherwise. A fresh cache per
			// sample rescanned /proc/*/fd every 5 ms: most of a core on this 2-core machine, taken
			// from the nodes whose failover times the run measures.
			const probe = probeLockFile(file, cache);
			sample = {
				t0,
				t1: 0,
				state: probe.state,
				nodeId: probe.nodeId,
				...(({lines, pages}) => ({liveLockLines: lines, procLocksPages: pages}))(liveLockLines(probe)),
				layout: probe.layout,
				livePids: [...new Set(probe.locks.live.holders.map(holder => holder.pid ?? -1))],
				backupLocked: probe.locks.backup.locked,
			};
		} catch (error) {
			sample = {t0, t1: 0, error: error instanceof Error ? error.message : String(error), liveLockLines: 0, livePids: [], backupLocked: false};
		}

		sample.t1 = monotonicMs();
		parentPort!.postMessage(sample);
		await new Promise(resolve => setTimeout(resolve, everyMs));
	}

	parentPort!.postMessage('stopped');
}

void loop();
