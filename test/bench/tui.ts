// TUI figures (issue 4): first frame, lock change → updated frame, idle CPU, RSS with three
// in-process nodes. The real CLI on a pseudo-terminal, a real lock file, python lock holders.
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import readline from 'node:readline';
import {encodeNewLockFile} from '../../source/lock-file/format.js';
import {cliPath} from '../helpers/cli.js';
import {openPty, type Pty} from '../helpers/pty.js';
import {tempDir} from '../helpers/temp.js';
import {cpuMs, monotonicMs, ms, percentile, rssMb, sleep} from './stats.js';

const ansi = /\u001B\[[\d;?]*[A-Za-z]/g;

/** Waits until the screen, after `from`, shows the pattern; returns the monotonic time it did. */
async function shows(pty: Pty, pattern: RegExp, from: number, timeoutMs = 5000): Promise<number> {
	const deadline = monotonicMs() + timeoutMs;
	for (;;) {
		if (pattern.test(pty.output().slice(from).replaceAll(ansi, ''))) return monotonicMs();
		if (monotonicMs() > deadline) throw new Error(`screen never showed ${pattern}`);
		await new Promise(resolve => setImmediate(resolve));
	}
}

const holderScript = `
import fcntl, sys, time
f = open(sys.argv[1], 'r+b')
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 1, 0)
print('%.6f' % (time.clock_gettime(time.CLOCK_MONOTONIC) * 1000), flush=True)
sys.stdin.read()
`;

async function holdLiveLock(file: string): Promise<{child: ChildProcess; lockedAt: number}> {
	const child = spawn('python3', ['-c', holderScript, file], {stdio: ['pipe', 'pipe', 'inherit']});
	const [line] = await once(readline.createInterface({input: child.stdout!}), 'line') as [string];
	return {child, lockedAt: Number(line)};
}

async function quit(pty: Pty): Promise<void> {
	pty.write('q');
	await sleep(200);
	pty.write('y');
	const exited = once(pty.child, 'exit');
	const timer = setTimeout(() => pty.child.kill('SIGKILL'), 3000);
	await exited;
	clearTimeout(timer);
}

export async function measureTui(options: {trials?: number; idleSeconds?: number} = {}): Promise<string[][]> {
	const trials = options.trials ?? 20;
	const temp = tempDir('ha-tui-bench-tui-');
	const rows: string[][] = [];
	const check = (value: boolean) => (value ? 'yes' : 'NO');
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());

		const firstFrames: number[] = [];
		for (let i = 0; i < 5; i++) {
			const started = monotonicMs();
			const pty = openPty([cliPath, temp.file]);
			firstFrames.push(await shows(pty, /Locks/, 0) - started);
			await quit(pty);
		}

		const pty = openPty([cliPath, temp.file]);
		const pid = await pty.pid;
		await shows(pty, /Locks/, 0);
		await sleep(500);
		const changes: number[] = [];
		for (let i = 0; i < trials; i++) {
			let from = pty.output().length;
			const holder = await holdLiveLock(temp.file);
			changes.push(await shows(pty, new RegExp(`pid ${holder.child.pid}\\b`), from) - holder.lockedAt);
			await sleep(100 + (i * 37) % 150);
			from = pty.output().length;
			const killedAt = monotonicMs();
			holder.child.kill('SIGKILL');
			changes.push(await shows(pty, /live\s+○ free/, from) - killedAt);
			await sleep(100 + (i * 53) % 150);
		}

		await sleep(1500);
		const idleSeconds = options.idleSeconds ?? 10;
		const before = cpuMs(pid);
		await sleep(idleSeconds * 1000);
		const idle = ((cpuMs(pid) - before) / (idleSeconds * 1000)) * 100;

		for (const key of ['l', 'b', 'b']) {
			pty.write(key);
			await sleep(400);
		}

		await shows(pty, /#3/, 0);
		await sleep(1500);
		const rss = rssMb(pid);
		await quit(pty);

		const first = percentile(firstFrames, 50);
		const p95 = percentile(changes, 95);
		rows.push([`TUI first frame, median of ${firstFrames.length} (max ${ms(Math.max(...firstFrames))})`, ms(first), '≤ 500 ms', check(first <= 500)]);
		rows.push([`lock change → updated frame, p50 / p95 (n=${changes.length})`, `${ms(percentile(changes, 50))} / ${ms(p95)}`, 'p95 ≤ 100 ms', check(p95 <= 100)]);
		rows.push([`TUI idle CPU over ${idleSeconds} s`, `${idle.toFixed(2)} % of a core`, '≤ 1 %', check(idle <= 1)]);
		rows.push(['TUI RSS with three in-process nodes', `${rss.toFixed(0)} MB`, '≤ 100 MB', check(rss <= 100)]);
		return rows;
	} finally {
		temp.cleanup();
	}
}
