// Two builds side by side at rest (issue 19): on a shared machine the load moves between two
// runs, so alternating them compares two moments; here `watch` and the fleet screen of BOTH
// builds run at once over the same 100 held groups (read-only: they do not disturb each other),
// settle past the first minute, and their CPU is taken over the same window.
// node dist/test/bench/fleet-ab.js BEFORE_REPO AFTER_REPO [ROUNDS=3] [SECONDS=60]
// (each repo with its own dist: a clone of the build before, and this one)
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {heldGroups} from './fleet.js';
import {cpuMs, monotonicMs, rssMb, sleep} from './stats.js';

const [before, after] = process.argv.slice(2, 4).map(repo => path.resolve(repo));
if (!before || !after) {
	process.stderr.write('usage: node dist/test/bench/fleet-ab.js BEFORE_REPO AFTER_REPO [ROUNDS] [SECONDS]\n');
	process.exit(3);
}

const rounds = Number(process.argv[4] ?? 3);
const seconds = Number(process.argv[5] ?? 60);
const builds = {before, after};
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const socket = `ha-tui-bench-ab-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const {root, directories, holder} = await heldGroups(100);
// The screens read their targets from a file (a command line of 100 paths is long for tmux).
const list = path.join(os.tmpdir(), `ha-tui-bench-ab-${process.pid}.args`);
fs.writeFileSync(list, directories.join('\n'));
const watches: number[] = [];
const stop = (pid: number) => {
	try {
		process.kill(pid, 'SIGTERM');
	} catch {}
};

try {
	for (let round = 1; round <= rounds; round++) {
		const pids: Record<string, number> = {};
		for (const [name, repo] of Object.entries(builds)) {
			const cli = path.join(repo, 'dist', 'bin', 'cli.js');
			pids[`${name} watch`] = spawn(process.execPath, [cli, 'watch', ...directories], {stdio: 'ignore'}).pid!;
			watches.push(pids[`${name} watch`]);
			tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', `exec '${process.execPath}' '${cli}' $(cat '${list}')`);
		}

		await sleep(1500);
		for (const name of Object.keys(builds)) pids[`${name} fleet screen`] = Number(tmux('list-panes', '-t', name, '-F', '#{pane_pid}').stdout.trim());
		// Past the first minute: the screens' ages tick by the minute, the JIT has settled.
		await sleep(62_000);
		const loadBefore = loadavg();
		const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
		const wallStart = monotonicMs();
		await sleep(seconds * 1000);
		const wall = monotonicMs() - wallStart;
		const cells = Object.entries(pids).map(([name, pid]) => `${name} ${((cpuMs(pid) - start[name]) / wall * 100).toFixed(2)} % / ${rssMb(pid).toFixed(0)} MB`);
		for (const name of Object.keys(builds)) {
			const screen = tmux('capture-pane', '-p', '-t', name).stdout;
			if (!screen.includes('ha-tui fleet — 100 groups')) throw new Error(`the ${name} fleet screen is not on the terminal:\n${screen}`);
		}

		process.stdout.write(`round ${round} (load ${loadBefore} → ${loadavg()}, ${seconds} s): ${cells.join(' | ')}\n`);
		for (const [name, pid] of Object.entries(pids)) if (name.endsWith('watch')) stop(pid);

		for (const name of Object.keys(builds)) tmux('kill-session', '-t', name);
		await sleep(1000);
	}
} finally {
	for (const pid of watches) stop(pid);
	tmux('kill-server');
	holder.kill('SIGKILL');
	fs.rmSync(root, {recursive: true, force: true});
	fs.rmSync(list, {force: true});
}
