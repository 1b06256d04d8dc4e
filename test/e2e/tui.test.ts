// The real TUI in tmux on a real temp file, driven by keys, read through capture-pane.
// Skipped where tmux is missing. Every wait is a poll with a deadline, never a fixed sleep.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {after, before, test} from 'node:test';
import {cliPath, startNode} from '../helpers/cli.js';
import {checkScreen} from '../helpers/screen-lines.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// A private tmux server: nobody else's sessions, and killing ours touches nothing else.
const socket = `ha-tui-e2e-${process.pid}`;
const session = `tui-${process.pid}-${Date.now().toString(36)}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const screen = () => tmux('capture-pane', '-p', '-t', session);
// Box borders and wrapping out of the way.
const flat = () => screen().replaceAll(/[│╭╮╰╯]/g, ' ').replaceAll(/\s+/g, ' ');
const keys = (...names: string[]) => tmux('send-keys', '-t', session, ...names);
const see = (what: string, pattern: RegExp, timeoutMs = 5000) => waitFor(`${what} (${pattern})`, () => pattern.test(flat()), {timeoutMs, everyMs: 20})
	.catch((error: Error) => {
		throw new Error(`${error.message}\n--- screen:\n${screen()}`);
	});

let temp: ReturnType<typeof tempDir>;
const processes = new ProcessGroup();

before(() => {
	temp = tempDir('ha-tui-tui-');
});

after(async () => {
	if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
	await processes.killAll();
	temp.cleanup();
});

test('tmux: outside live seen with its pid; b; kill the live; the backup is live; p; q', {skip: !hasTmux && 'tmux not installed', timeout: 60_000}, async () => {
	const live = startNode(processes, temp.file, 'live', ['--create-dir']);
	await live.next('live');
	const livePid = live.child.pid!;
	// CI=… makes Ink print only the last frame: the screen must be live here.
	const command = `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} ${JSON.stringify(temp.file)}; echo TUI-EXIT=$?; sleep 60`;
	tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', command);

	await see('the outside live and its pid', new RegExp(`primary \\(live\\) ● held pid ${livePid} OFD — ha-tui node.*state 'L' \\(0x4c\\) live`));
	await see('read-only until a key', /none: read-only/);
	await see('the verdict', /WARNING: no backup/);

	keys('b');
	await see('the in-process backup queued', /#1 backup waiting for live lock/);
	await see('its backup lock, held by this process', /backup ● held this process \(OFD\) — #1 backup/);
	await see('healthy', /OK: healthy/);

	live.child.kill('SIGKILL');
	await live.exited;
	await see('the in-process backup is live', /#1 backup live \(activated backup\)/);
	await see('the live lock held here', /primary \(live\) ● held this process \(OFD\) — #1 backup/);
	await see('the takeover in the event log', new RegExp(`#1 backup became LIVE as soon as pid ${livePid} let go of the live lock`));

	keys('p');
	await see('a confirmation naming what happens', /pause #1 backup \(live\): it writes P and releases the live lock\. Backups will NOT take over/);
	keys('y');
	await see('paused', /state 'P' \(0x50\) paused/);
	await see('no live', /CRITICAL: NO LIVE/);
	assert.equal(fs.readFileSync(temp.file)[0], 'P'.charCodeAt(0));
	// The doctor (issue 10 §2): the worst finding in the header, all of them behind d.
	await see('the doctor in the header', /doctor: CRITICAL paused — the primary stopped cleanly/);
	keys('d');
	await see('the doctor panel', /Doctor .*CRITICAL paused — the primary stopped cleanly.* fix: Start the primary again/);
	keys('d');
	await see('the panels again', /Locks .*Lock file/);

	// One more backup, so that q has a node to stop.
	keys('b');
	await see('a new backup', /#2 backup (waiting for live lock|backup)/);
	keys('q');
	await see('the quit confirmation', /Quit\? quit: 1 in-process node running \(#2 backup\)/);
	const confirmedAt = Date.now();
	keys('y');
	await see('a clean exit', /TUI-EXIT=0/, 3000);
	const elapsed = Date.now() - confirmedAt;
	assert.ok(elapsed < 1500, `exit took ${elapsed} ms (goal: within 1 s, plus capture-pane polling)`);
	assert.equal(fs.readFileSync(temp.file)[0], 'P'.charCodeAt(0), 'a stopped backup writes nothing');
	assert.doesNotMatch(screen(), /at .*\.js:\d+/, 'no stack trace on screen');
});

for (const [how, send] of [
	// One send-keys: both keys in one write to the terminal, the way a fast typist's arrive.
	['in one write', (name: string) => tmux('send-keys', '-t', name, 'l', 'q')],
	// Two writes a few ms apart: q lands while l's action waits for its frame (40 ms).
	['in two writes', (name: string) => {
		tmux('send-keys', '-t', name, 'l');
		tmux('send-keys', '-t', name, 'q');
	}],
] as const) {
	test(`tmux: l and q ${how} on a free lock: the screen quits and no live ever starts`, {skip: !hasTmux && 'tmux not installed', timeout: 30_000}, async () => {
		const directory = fs.mkdtempSync(path.join(temp.dir, 'lq-'));
		const file = path.join(directory, 'server.lock');
		const name = `${session}-lq-${how.length}`;
		const capture = () => tmux('capture-pane', '-p', '-t', name);
		const shows = (what: string, pattern: RegExp) => waitFor(what, () => pattern.test(capture().replaceAll(/\s+/g, ' ')), {timeoutMs: 5000, everyMs: 20})
			.catch((error: Error) => {
				throw new Error(`${error.message}\n--- screen:\n${capture()}`);
			});
		const command = `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} ${JSON.stringify(file)}; echo TUI-EXIT=$?; sleep 60`;
		tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', command);
		await shows('the screen, waiting for the file', /waiting for .*server\.lock/);
		send(name);
		await shows('a clean exit', /TUI-EXIT=0/);
		// The process is gone: nothing can start after this. Before the fix the deferred l started
		// a live after the screen was gone (the file created, L, the primary lock held), or the
		// keys of one write were dropped whole.
		assert.equal(fs.existsSync(file), false, `a live was started after quit: ${fs.existsSync(file) ? fs.readFileSync(file).toString('latin1') : ''}`);
		tmux('kill-session', '-t', name);
	});
}

test('tmux: resized 200×60 → 60×16 → 100×30 while running, every line is one of the screen\'s texts (no leftovers)', {skip: !hasTmux && 'tmux not installed', timeout: 60_000}, async () => {
	const live = startNode(processes, temp.file, 'live', ['--create-dir']);
	await live.next('live');
	const name = `${session}-resize`;
	const capture = () => tmux('capture-pane', '-p', '-t', name).replace(/\n$/, '');
	const command = `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} ${JSON.stringify(temp.file)}; echo TUI-EXIT=$?; sleep 60`;
	tmux('new-session', '-d', '-s', name, '-x', '200', '-y', '60', command);
	try {
		for (const [columns, rows] of [[200, 60], [60, 16], [100, 30]] as const) {
			tmux('resize-window', '-t', name, '-x', String(columns), '-y', String(rows));
			// The frame for this size: the key bar at the bottom line but one, and every line valid.
			 
			await waitFor(`a clean ${columns}×${rows} screen`, () => {
				const text = capture();
				const lines = text.split('\n');
				if (lines.length !== rows || !/\? help +q quit\s*$/.test(lines[rows - 2] ?? '')) return false;
				try {
					checkScreen(lines.slice(0, rows - 1).map(line => line.trimEnd()).join('\n'), columns, `${columns}×${rows}`);
					return true;
				} catch {
					return false;
				}
			}, {timeoutMs: 5000, everyMs: 50}).catch((error: Error) => {
				const text = capture();
				// Say which line is wrong.
				checkScreen(text.split('\n').slice(0, rows - 1).map(line => line.trimEnd()).join('\n'), columns, `${columns}×${rows}`);
				throw new Error(`${error.message}\n--- screen:\n${text}`);
			});
		}
	} finally {
		tmux('kill-session', '-t', name);
		live.child.kill('SIGKILL');
		await live.exited;
	}
});
