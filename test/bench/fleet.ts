// Issue 19: `status` over 50 groups in one process against 50 separate `status` runs. The
// groups are held by one process taking OFD locks (as ha-tui nodes do: finding their owner
// needs the /proc fdinfo scan, the costly part of a probe) and python peers (POSIX locks, as a
// JVM). Also a fleet `watch` at rest: CPU and memory for 100 groups.
// Run alone: node dist/test/bench/fleet.js
import {spawn} from 'node:child_process';
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

		// A fleet watch at rest: every group held, nothing changing.
		const restSeconds = options.restSeconds ?? 20;
		const watch = spawn(process.execPath, [cliPath(), 'watch', ...directories], {stdio: ['ignore', 'ignore', 'ignore']});
		await sleep(5000);
		const cpuBefore = cpuMs(watch.pid!);
		const wallBefore = monotonicMs();
		await sleep(restSeconds * 1000);
		const cpu = (cpuMs(watch.pid!) - cpuBefore) / (monotonicMs() - wallBefore) * 100;
		const rss = rssMb(watch.pid!);
		watch.kill('SIGTERM');
		rows.push([`[fleet] watch over ${count} groups at rest: CPU (${restSeconds} s)`, `${cpu.toFixed(2)} % of a core`, '', '']);
		rows.push([`[fleet] watch over ${count} groups at rest: RSS`, `${rss.toFixed(0)} MB`, '≤ 150 MB', rss <= 150 ? 'yes' : 'NO']);
	} finally {
		holder.kill('SIGKILL');
		fs.rmSync(root, {recursive: true, force: true});
	}

	return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	const rows = await measureFleet({groups: Number(process.argv[2] ?? 50)});
	process.stdout.write(`${table([['measure', 'result', 'goal', 'ok'], ...rows])}\n`);
}
