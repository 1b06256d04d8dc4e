// Samples the lock file from outside the nodes, in a worker so the harness' event loop stays
// responsive: probeLockFile never takes a lock, /proc/locks is read once per sample (atomic).
import fs from 'node:fs';
import process from 'node:process';
import {parentPort, workerData} from 'node:worker_threads';
import {probeLockFile} from '../../source/lock-file/index.js';
import {deviceToProc, parseProcLockLine} from '../../source/lock-file/proc-locks.js';

export type ProbeSample = {
	/** CLOCK_MONOTONIC ms before and after the sample. */
	t0: number;
	t1: number;
	error?: string;
	state?: number;
	nodeId?: string;
	/** Granted (not waiting) write locks covering byte 1 in one read of /proc/locks. */
	liveLockLines: number;
	livePids: number[];
	backupLocked: boolean;
};

import {monotonicMs} from '../../source/time.js';
const {file, everyMs} = workerData as {file: string; everyMs: number};
let running = true;
parentPort!.on('message', message => {
	if (message === 'stop') running = false;
});

function liveLockLines(device: number, inode: number): number {
	const dev = deviceToProc(device);
	let count = 0;
	for (const line of fs.readFileSync('/proc/locks', 'utf8').split('\n')) {
		const lock = parseProcLockLine(line); // waiters ("N: ->") do not parse: only granted locks
		if (!lock || lock.inode !== inode || lock.device !== dev || lock.type !== 'write') continue;
		if (lock.start <= 1 && (lock.end === undefined || lock.end >= 1)) count++;
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
				liveLockLines: liveLockLines(probe.device, probe.inode),
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
