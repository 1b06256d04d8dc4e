// Issue 19: `status` over 50 groups in one process against 50 separate `status` runs. The
// groups are held by one process taking OFD locks (as ha-tui nodes do: finding their owner
// needs the /proc fdinfo scan, the costly part of a probe) and python peers (POSIX locks, as a
// JVM). Also a fleet `watch` at rest: CPU and memory for 100 groups.
// Run alone: node dist/test/bench/fleet.js
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {cliPath, run} from '../helpers/spawned.js';
import {cpuMs, monotonicMs, rssMb, sleep, table} from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** One process holding the live (serverlock.1) and backup (serverlock.2) locks of every group, OFD. */
async function holdAll(directories: readonly string[]): Promise<ReturnType<typeof spawn>> {
	const fcntl = path.join(here, '../../source/lock-file/fcntl.js');
	const child = spawn(process.execPath, ['--input-type=module', '-e', `
import fs from 'node:fs';
import path from 'node:path';
import {tryLock, WHOLE_FILE} from ${JSON.stringify(fcntl)};
for (const dir of JSON.parse(process.argv[1])) {
	for (const name of ['serverlock.1', 'serverlock.2']) {
		const fd = fs.openSync(path.join(dir, name), 'a+');
		if (!tryLock(fd, WHOLE_FILE)) process.exit(9);
	}
	const fd = fs.openSync(path.join(dir, 'server.lock'), 'r+');
	fs.writeSync(fd, Buffer.from('L'), 0, 1, 0);
	fs.closeSync(fd);
}
console.log('locked');
process.stdin.resume();
`, JSON.stringify(directories)], {stdio: ['pipe', 'pipe', 'inherit']});
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (chunk: Buffer) => {
			if (chunk.toString().includes('locked')) resolve();
		});
		child.once('exit', code => reject(new Error(`holder exited ${code}`)));
	});
	return child;
}

/** CPU (% of a core) and RSS of a process over `seconds`, after `settleMs` (start-up excluded). */
async function atRest(pid: number, seconds: number, settleMs = 5000): Promise<{cpu: number; rss: number}> {
	await sleep(settleMs);
	const cpuBefore = cpuMs(pid);
	const wallBefore = monotonicMs();
	await sleep(seconds * 1000);
	return {cpu: (cpuMs(pid) - cpuBefore) / (monotonicMs() - wallBefore) * 100, rss: rssMb(pid)};
}

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/**
 * The fleet at rest (issue 19 §2: 100 groups ≤ 2 % of a core, ≤ 150 MB): `watch` over every
 * group, and the fleet screen in a real terminal (tmux, 120×40, its own socket).
 */
export async function measureFleetRest(directories: readonly string[], restSeconds: number): Promise<string[][]> {
	const count = directories.length;
	const rows: string[][] = [];
	const watch = spawn(process.execPath, [cliPath(), 'watch', ...directories], {stdio: ['ignore', 'ignore', 'ignore']});
	try {
		const {cpu, rss} = await atRest(watch.pid!, restSeconds);
		rows.push([`[fleet] watch over ${count} groups at rest: CPU (${restSeconds} s)`, `${cpu.toFixed(2)} % of a core`, count >= 100 ? '≤ 2 %' : '', count >= 100 ? (cpu <= 2 ? 'yes' : 'NO') : '']);
		rows.push([`[fleet] watch over ${count} groups at rest: RSS`, `${rss.toFixed(0)} MB`, '≤ 150 MB', rss <= 150 ? 'yes' : 'NO']);
	} finally {
		watch.kill('SIGTERM');
	}

	if (!hasTmux) {
		rows.push([`[fleet] fleet screen over ${count} groups at rest`, 'not measured: no tmux', '', '']);
		return rows;
	}

	const socket = `ha-tui-bench-${process.pid}`;
	const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	// The screen reads its targets from a file (a command line of 100 paths is long for tmux).
	const list = path.join(os.tmpdir(), `ha-tui-bench-fleet-${process.pid}.args`);
	fs.writeFileSync(list, directories.join('\n'));
	// Temp paths: no spaces, so the shell's word splitting of $(cat …) gives one argument each.
	const command = `exec '${process.execPath}' '${cliPath()}' $(cat '${list}')`;
	tmux('new-session', '-d', '-s', 'fleet', '-x', '120', '-y', '40', command);
	try {
		let pid: number | undefined;
		for (let attempt = 0; attempt < 100 && pid === undefined; attempt++) {
			await sleep(100);
			const listed = tmux('list-panes', '-t', 'fleet', '-F', '#{pane_pid}').stdout.trim();
			if (listed) pid = Number(listed);
		}

		if (pid === undefined) throw new Error('the fleet screen did not start in tmux');
		// At rest means nothing changed for a while: past the first minute, when the ages on screen
		// tick each second ("12s"), to the minutes (a frame a minute).
		const {cpu, rss} = await atRest(pid, restSeconds, Number(process.env.HA_TUI_BENCH_SETTLE_MS ?? 62_000));
		const screen = tmux('capture-pane', '-p', '-t', 'fleet').stdout;
		if (!screen.includes(`ha-tui fleet — ${count} groups`)) throw new Error(`the fleet screen is not on the terminal:\n${screen}`);
		rows.push([`[fleet] fleet screen over ${count} groups at rest: CPU (${restSeconds} s)`, `${cpu.toFixed(2)} % of a core`, count >= 100 ? '≤ 2 %' : '', count >= 100 ? (cpu <= 2 ? 'yes' : 'NO') : '']);
		rows.push([`[fleet] fleet screen over ${count} groups at rest: RSS`, `${rss.toFixed(0)} MB`, '≤ 150 MB', rss <= 150 ? 'yes' : 'NO']);
	} finally {
		tmux('kill-server');
		fs.rmSync(list, {force: true});
	}

	return rows;
}

/** Groups in temp directories, every one held (live and backup) by one OFD holder process. */
export async function heldGroups(count: number): Promise<{root: string; directories: string[]; holder: ReturnType<typeof spawn>}> {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-bench-fleet-'));
	const directories = Array.from({length: count}, (_, index) => {
		const dir = path.join(root, `g${index}`);
		fs.mkdirSync(dir);
		fs.writeFileSync(path.join(dir, 'server.lock'), encodeNewLockFile());
		return dir;
	});
	return {root, directories, holder: await holdAll(directories)};
}

export async function measureFleet(options: {groups?: number; trials?: number; restSeconds?: number} = {}): Promise<string[][]> {
	const count = options.groups ?? 50;
	const trials = options.trials ?? 3;
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-bench-fleet-'));
	const directories = Array.from({length: count}, (_, index) => {
		const dir = path.join(root, `g${index}`);
		fs.mkdirSync(dir);
		fs.writeFileSync(path.join(dir, 'server.lock'), encodeNewLockFile());
		return dir;
	});
	const holder = await holdAll(directories);
	const rows: string[][] = [];
	try {
		const one: number[] = [];
		const separate: number[] = [];
		for (let trial = 0; trial < trials; trial++) {
			let started = monotonicMs();
			const result = await run(process.execPath, [cliPath(), 'status', ...directories], {timeoutMs: 120_000});
			one.push(monotonicMs() - started);
			if (result.code !== 0) throw new Error(`status over ${count} groups: exit ${result.code}\n${result.stdout}${result.stderr}`);
			started = monotonicMs();
			for (const dir of directories) {
				const single = await run(process.execPath, [cliPath(), 'status', dir], {timeoutMs: 60_000});
				if (single.code !== 0) throw new Error(`status ${dir}: exit ${single.code}`);
			}

			separate.push(monotonicMs() - started);
		}

		const best = (values: number[]) => Math.min(...values);
		const ratio = best(separate) / best(one);
		rows.push([`[fleet] status over ${count} groups, one process (best of ${trials})`, `${best(one).toFixed(0)} ms`, '', '']);
		rows.push([`[fleet] ${count} separate status runs (best of ${trials})`, `${best(separate).toFixed(0)} ms`, '', '']);
		rows.push(['[fleet] ratio: separate runs / one run', `${ratio.toFixed(1)}×`, '≥ 20×', ratio >= 20 ? 'yes' : 'NO']);

	} finally {
		holder.kill('SIGKILL');
		fs.rmSync(root, {recursive: true, force: true});
	}

	return rows;
}

/** At rest: 100 groups (the goal), watch and the fleet screen. */
export async function measureFleetAtRest(options: {groups?: number; restSeconds?: number} = {}): Promise<string[][]> {
	const {root, directories, holder} = await heldGroups(options.groups ?? 100);
	try {
		return await measureFleetRest(directories, options.restSeconds ?? 20);
	} finally {
		holder.kill('SIGKILL');
		fs.rmSync(root, {recursive: true, force: true});
	}
}

// A python whole-file OFD lock on serverlock.1, blocking (F_OFD_SETLKW): a live, or a waiting backup.
const ofdWaiter = `
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
print('opened', flush=True)
fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 0, 0))
print('locked', flush=True)
sys.stdin.read()
`;

/**
 * The fleet's latency at rest (issue 19: cheaper at rest must not mean slower): GROUPS - 1 groups
 * held by the OFD holder, one by a python live with a python waiter; the live SIGKILLed, the time
 * until the fleet's update names the waiter as the new holder (ms, from the kill).
 */
export async function measureFleetLatency(options: {groups?: number; trials?: number} = {}): Promise<string[][]> {
	const {FleetWatcher} = await import('../../source/fleet/fleet-watcher.js');
	const {groupOf} = await import('../../source/fleet/groups.js');
	const count = options.groups ?? 100;
	const trials = options.trials ?? 8;
	const {root, directories, holder} = await heldGroups(count - 1);
	const directory = path.join(root, 'python');
	fs.mkdirSync(directory);
	for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(directory, name), '');
	fs.writeFileSync(path.join(directory, 'server.lock'), encodeNewLockFile());
	const python = () => {
		const child = spawn('python3', ['-c', ofdWaiter, path.join(directory, 'serverlock.1')], {stdio: ['pipe', 'pipe', 'inherit']});
		let text = '';
		child.stdout.on('data', (chunk: Buffer) => {
			text += chunk.toString();
		});
		const said = async (word: string) => {
			while (!text.includes(word)) await sleep(2);
		};

		return {child, said};
	};

	const fleet = new FleetWatcher([...directories, directory].map(one => groupOf(one)));
	const named: Array<{pid: number | undefined; mono: number}> = [];
	fleet.on('update', update => {
		if (update.group.lockPath.startsWith(directory)) named.push({pid: update.snapshot.probe?.locks.live.holders[0]?.pid, mono: update.mono});
	});
	const results: number[] = [];
	let live = python();
	try {
		fleet.start();
		await live.said('locked');
		for (let trial = 0; trial < trials; trial++) {
			const waiter = python();
			await waiter.said('opened');
			// At rest first: past the timed probes of the hand-over before.
			await sleep(1500 + Math.random() * 500);
			named.length = 0;
			const killed = monotonicMs();
			live.child.kill('SIGKILL');
			await waiter.said('locked');
			let seen: {mono: number} | undefined;
			while (!(seen = named.find(one => one.pid === waiter.child.pid))) await sleep(2);
			results.push(seen.mono - killed);
			live = waiter;
		}
	} finally {
		live.child.kill('SIGKILL');
		await fleet.close();
		holder.kill('SIGKILL');
		fs.rmSync(root, {recursive: true, force: true});
	}

	const sorted = [...results].sort((a, b) => a - b);
	if (process.env.BENCH_ALL) process.stderr.write(`trials (ms, sorted): ${sorted.map(ms => ms.toFixed(0)).join(' ')}\n`);
	return [[`[fleet] ${count} groups at rest: python OFD live SIGKILLed → the fleet names its waiter, median / max (n=${trials})`, `${sorted[Math.floor(trials / 2)].toFixed(0)} / ${sorted.at(-1)!.toFixed(0)} ms`, '≈ the pulse (2 ms a group)', '']];
}

// node dist/test/bench/fleet.js [GROUPS]            status 50 groups vs 50 runs, then at rest
// node dist/test/bench/fleet.js 100 --rest-only     watch and the fleet screen at rest only
// node dist/test/bench/fleet.js 100 --latency       a live killed in one group of a fleet at rest (python)
//                                  [--trials N]    that many kills (8 by default)
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	const groups = Number(process.argv[2] ?? 50);
	if (process.argv.includes('--latency')) {
		const at = process.argv.indexOf('--trials');
		const trials = at > 0 ? Number(process.argv[at + 1]) : undefined;
		process.stdout.write(`${table([['measure', 'result', 'goal', 'ok'], ...await measureFleetLatency({groups, ...(trials ? {trials} : {})})])}\n`);
		process.exit(0);
	}

	const rows = process.argv.includes('--rest-only') ? [] : await measureFleet({groups});
	rows.push(...await measureFleetAtRest({groups: process.argv.includes('--rest-only') ? groups : 100}));
	process.stdout.write(`${table([['measure', 'result', 'goal', 'ok'], ...rows])}\n`);
}
