// Engine figures (issue 3): failover latency against a kernel-blocked waiter in the same run,
// CPU of a waiting backup, failback time. Real processes on a real temp file.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import {once} from 'node:events';
import readline from 'node:readline';
import path from 'node:path';
import {startNode as startLayoutNode} from '../helpers/cli.js';
import {ProcessGroup, type Spawned} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';
import {cpuMs, monotonicMs, percentile, sleep} from './stats.js';

export type EngineFigures = {
	haTui: number[];
	kernel: number[];
	pythonOnly: number[];
	waitingBackupCpuPercent: number;
	liveCpuPercent: number;
	failback: number[];
};

async function kill(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = once(child, 'exit');
	child.kill('SIGKILL');
	await exited;
}

export type Layout = 'files' | 'ranges';

// Each measurement kills its own processes; the group only names them in failures.
const processes = new ProcessGroup();

/** Where the live lock is: byte 1 of server.lock, or the whole of serverlock.1. */
function liveLockOf(file: string, layout: Layout): {path: string; start: number; length: number} {
	return layout === 'ranges' ? {path: file, start: 1, length: 1} : {path: path.join(path.dirname(file), 'serverlock.1'), start: 0, length: 0};
}

/** ha-tui: kill the live, time until the waiting backup says live (it holds the lock and L is there). */
async function haTuiFailovers(file: string, count: number, layout: Layout): Promise<number[]> {
	const startNode = (f: string, role: 'live' | 'backup') => startLayoutNode(processes, f, role, ['--layout', layout]);
	const latencies: number[] = [];
	let live = startNode(file, 'live');
	await live.next('live');
	const all: Spawned[] = [live];
	try {
		for (let i = 0; i < count; i++) {
			const backup = startNode(file, 'backup');
			all.push(backup);
			await backup.next('waiting-live-lock');
			await sleep(20); // let it settle into the blocking wait
			const killedAt = monotonicMs();
			live.child.kill('SIGKILL');
			const event = await backup.next('live');
			latencies.push(Number(event.mono) - killedAt);
			await live.exited;
			live = backup;
		}
	} finally {
		await Promise.all(all.map(async node => kill(node.child)));
	}

	return latencies;
}

const pythonWaiter = `
import fcntl, os, sys, time
f = open(sys.argv[1], 'r+b')
start, length = int(sys.argv[2]), int(sys.argv[3])
if len(sys.argv) > 4:   # hold: take the lock at once
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start, 0)
    print('held', flush=True)
    sys.stdin.read()
print('waiting', flush=True)
fcntl.lockf(f, fcntl.LOCK_EX, length, start, 0)   # F_SETLKW: the kernel wakes us
print('acquired %.6f' % (time.clock_gettime(time.CLOCK_MONOTONIC) * 1000), flush=True)
sys.stdin.read()
`;

function python(lock: {path: string; start: number; length: number}, hold = false): {child: ChildProcess; line: () => Promise<string>} {
	const child = spawn('python3', ['-c', pythonWaiter, lock.path, String(lock.start), String(lock.length), ...(hold ? ['hold'] : [])], {stdio: ['pipe', 'pipe', 'inherit']});
	const lines = readline.createInterface({input: child.stdout!});
	const queue: string[] = [];
	const waiters: Array<(line: string) => void> = [];
	lines.on('line', line => {
		const waiter = waiters.shift();
		if (waiter) waiter(line);
		else queue.push(line);
	});
	return {child, line: async () => queue.shift() ?? new Promise<string>(resolve => waiters.push(resolve))};
}

/**
 * The floor: a python process blocked in F_SETLKW on the same byte, and the same kill of the
 * same kind of holder (an ha-tui live: the kernel frees locks only after tearing down the
 * dying process's memory, so the holder's size is part of every failover).
 */
async function kernelFailovers(file: string, count: number, layout: Layout): Promise<number[]> {
	const latencies: number[] = [];
	for (let i = 0; i < count; i++) {
		const live = startLayoutNode(processes, file, 'live', ['--layout', layout]);
		await live.next('live');
		const waiter = python(liveLockOf(file, layout));
		try {
			await waiter.line();
			await sleep(20);
			const killedAt = monotonicMs();
			live.child.kill('SIGKILL');
			const acquired = await waiter.line();
			latencies.push(Number(acquired.split(' ')[1]) - killedAt);
		} finally {
			await kill(live.child);
			await kill(waiter.child);
		}
	}

	return latencies;
}

/** The pure kernel figure: python holder, python waiter, nothing of ours involved. */
async function pythonFailovers(file: string, count: number, layout: Layout): Promise<number[]> {
	const lock = liveLockOf(file, layout);
	const latencies: number[] = [];
	let holder = python(lock, true);
	await holder.line();
	const all = [holder.child];
	try {
		for (let i = 0; i < count; i++) {
			const waiter = python(lock);
			all.push(waiter.child);
			await waiter.line();
			await sleep(20);
			const killedAt = monotonicMs();
			holder.child.kill('SIGKILL');
			const acquired = await waiter.line();
			latencies.push(Number(acquired.split(' ')[1]) - killedAt);
			holder = waiter;
		}
	} finally {
		await Promise.all(all.map(kill));
	}

	return latencies;
}

async function waitingCpu(file: string, seconds: number, layout: Layout): Promise<{backup: number; live: number}> {
	const startNode = (f: string, role: 'live' | 'backup') => startLayoutNode(processes, f, role, ['--layout', layout]);
	const live = startNode(file, 'live');
	await live.next('live');
	const backup = startNode(file, 'backup');
	await backup.next('waiting-live-lock');
	await sleep(500); // past start-up
	try {
		const before = {backup: cpuMs(backup.child.pid!), live: cpuMs(live.child.pid!)};
		await sleep(seconds * 1000);
		return {
			backup: ((cpuMs(backup.child.pid!) - before.backup) / (seconds * 1000)) * 100,
			live: ((cpuMs(live.child.pid!) - before.live) / (seconds * 1000)) * 100,
		};
	} finally {
		await kill(live.child);
		await kill(backup.child);
	}
}

/** F written (the ex-live's failing-back event) → the ex-live holds the live lock. */
async function failbacks(file: string, count: number, layout: Layout): Promise<number[]> {
	const startNode = (f: string, role: 'live' | 'backup') => startLayoutNode(processes, f, role, ['--layout', layout]);
	const times: number[] = [];
	const all: Spawned[] = [];
	try {
		let live = startNode(file, 'live');
		all.push(live);
		await live.next('live');
		for (let i = 0; i < count; i++) {
			const backup = startNode(file, 'backup');
			all.push(backup);
			await backup.next('waiting-live-lock');
			live.child.kill('SIGKILL');
			await backup.next('live');
			const exLive = startNode(file, 'live');
			all.push(exLive);
			const failing = await exLive.next('failing-back');
			const back = await exLive.next('live', 5000);
			times.push(Number(back.mono) - Number(failing.mono));
			await kill(backup.child);
			live = exLive;
		}
	} finally {
		await Promise.all(all.map(async node => kill(node.child)));
	}

	return times;
}

export async function measureEngine(options: {failovers: number; cpuSeconds: number; failbacks: number; layout: Layout}): Promise<EngineFigures> {
	const {layout} = options;
	const hasPython = spawnSync('python3', ['--version']).status === 0;
	const temp = tempDir('ha-tui-bench-');
	// The live lock's file must be there for a python waiter before any node made it.
	if (layout === 'files') for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(temp.dir, name), '');
	try {
		// Interleave the two kinds in rounds so machine noise hits both alike.
		const haTui: number[] = [];
		const kernel: number[] = [];
		const pythonOnly: number[] = [];
		const rounds = 3;
		for (let round = 0; round < rounds; round++) {
			const n = Math.ceil(options.failovers / rounds);
			haTui.push(...await haTuiFailovers(temp.file, n, layout));
			if (hasPython) kernel.push(...await kernelFailovers(temp.file, n, layout));
			if (hasPython) pythonOnly.push(...await pythonFailovers(temp.file, n, layout));
		}

		const cpu = await waitingCpu(temp.file, options.cpuSeconds, layout);
		const failback = await failbacks(temp.file, options.failbacks, layout);
		return {haTui, kernel, pythonOnly, waitingBackupCpuPercent: cpu.backup, liveCpuPercent: cpu.live, failback};
	} finally {
		temp.cleanup();
	}
}

export function summarize(values: number[]): {p50: number; p99: number; max: number} {
	return {p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values)};
}
