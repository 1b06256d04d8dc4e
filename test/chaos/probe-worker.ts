// Samples the lock file from outside the nodes, in a worker so the harness' event loop stays
// responsive: probeLockFile never takes a lock, /proc/locks is read once per sample (atomic).
import fs from 'node:fs';
import {parentPort, workerData} from 'node:worker_threads';
import {probeLockFile, type Probe} from '../../source/lock-file/index.js';
import {deviceToProc, parseProcLockLine} from '../../source/lock-file/proc-locks.js';

export type ProbeSample = {
	/** CLOCK_MONOTONIC ms before and after the sample. */
	t0: number;
	t1: number;
	error?: string;
	state?: number;
	nodeId?: string;
	/** Granted (not waiting) write locks on the live lock in one read of /proc/locks. */
	liveLockLines: number;
	/** The layout the probe saw (must be the one the nodes use, never mixed). */
	layout?: string;
	livePids: number[];
	backupLocked: boolean;
};

import {monotonicMs} from '../../source/time.js';
const {file, everyMs, layout} = workerData as {file: string; everyMs: number; layout: 'files' | 'ranges'};
let running = true;
parentPort!.on('message', message => {
	if (message === 'stop') running = false;
});

/** Granted write locks on the live lock: byte 1 of server.lock (ranges) or serverlock.1 (files). */
function liveLockLines(probe: Probe): number {
	const target = layout === 'files' ? probe.files.find(entry => entry.name === 'serverlock.1') : {device: probe.device, inode: probe.inode};
	if (target?.inode === undefined || target.device === undefined) return 0;
	const dev = deviceToProc(target.device);
	let count = 0;
	for (const line of fs.readFileSync('/proc/locks', 'utf8').split('\n')) {
		const lock = parseProcLockLine(line); // waiters ("N: ->") do not parse: only granted locks
		if (!lock || lock.inode !== target.inode || lock.device !== dev || lock.type !== 'write') continue;
		if (layout === 'files' || (lock.start <= 1 && (lock.end === undefined || lock.end >= 1))) count++;
	}

	return count;
}

async function loop(): Promise<void> {
	while (running) {
		const t0 = monotonicMs();
		let sample: ProbeSample;
		try {
			const probe = probeLockFile(file); // a fresh HolderCache: always rescans the owners
			sample = {
				t0,
				t1: 0,
				state: probe.state,
				nodeId: probe.nodeId,
				liveLockLines: liveLockLines(probe),
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
