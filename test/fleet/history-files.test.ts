// `ha-tui history FILE…` on the files users have (issue 18 §3), through the shipped bin: a
// record still being written (its last line cut) is read with one warning; records in several
// files — in any order, overlapping — are one history; bad input is one line naming the file and
// its cause, exit 3, never a stack trace; control characters from the file never reach the terminal.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {runCli} from '../helpers/cli.js';
import {repoRoot} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const NIGHT = fs.readFileSync(path.join(repoRoot(), 'test/fixtures/records/artemis-2.40-night.ndjson'), 'utf8');
const LINES = NIGHT.trimEnd().split('\n');
let temp: ReturnType<typeof tempDir>;
before(() => {
	temp = tempDir('ha-tui-history-files-');
});
after(() => temp.cleanup());

function write(name: string, text: string | Buffer): string {
	const file = path.join(temp.dir, name);
	fs.writeFileSync(file, text);
	return file;
}

async function history(args: string[]) {
	const result = await runCli(['history', ...args]);
	assert.doesNotMatch(result.stderr, /\n\s+at |TypeError|Cannot read/, 'no stack trace, no raw error');
	return result;
}

test('a record being written: its cut last line is left out with one warning line, the rest is read (exit 0)', async () => {
	const whole = await history([write('whole.ndjson', NIGHT)]);
	// The night's last group event, cut where the writer was (its stop line never came).
	const cut = LINES.at(-2)!.slice(0, 200);
	const file = write('being-written.ndjson', `${LINES.slice(0, -2).join('\n')}\n${cut}`);
	const result = await history([file]);
	assert.equal(result.code, 0, result.stderr);
	const warnings = result.stderr.trim().split('\n');
	assert.equal(warnings.length, 1, result.stderr);
	assert.match(warnings[0], /^ha-tui: warning: .*being-written\.ndjson: its last line \(200 bytes, no newline\) is not a whole event/);
	assert.equal(result.stdout.split('\n').filter(line => / failover | failback /.test(line)).length, 4);
	assert.doesNotMatch(result.stdout, /not record events skipped/, 'the cut line is the warning, not a skipped line');
	const json = await history([file, '--json']);
	assert.equal((JSON.parse(json.stdout) as {warnings: string[]}).warnings.length, 1);
	// A last line that is a whole event without its newline is an event.
	const noNewline = await history([write('no-newline.ndjson', NIGHT.trimEnd())]);
	assert.equal(noNewline.stderr, '');
	assert.equal(noNewline.stdout, whole.stdout);
});

test('several files, in any order and overlapping, are one history sorted by time', async () => {
	const whole = await history([write('night.ndjson', NIGHT)]);
	const first = write('night.1', `${LINES.slice(0, 12).join('\n')}\n`);
	const second = write('night.2', `${LINES.slice(12).join('\n')}\n`);
	for (const order of [[first, second], [second, first]]) {
		const result = await history(order);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, whole.stdout, `order ${order.map(file => path.basename(file)).join(' ')}`);
	}

	// A copy beside its original (rotated, or given twice): each event counted once, and said so.
	const overlap = write('night.overlap', `${LINES.slice(8, 16).join('\n')}\n`);
	const twice = await history([second, overlap, first]);
	const episodes = (text: string) => text.split('\n').filter(line => /^\d{4}-/.test(line));
	assert.deepEqual(episodes(twice.stdout), episodes(whole.stdout));
	assert.equal(twice.stdout.split('\n').find(line => line.startsWith('/srv/')), whole.stdout.split('\n').find(line => line.startsWith('/srv/')));
	assert.match(twice.stdout, /\(8 events found twice — files that overlap — counted once\)/);
	// --since: only what reaches into the window, from every file.
	const since = await history([second, first, '--since', '2026-12-01T23:32:30Z']);
	assert.deepEqual(episodes(since.stdout).map(line => line.split(/ {2,}/)[2]), ['failback', 'frozen', 'pause']);
});

test('bad input: one line naming the file and its cause, exit 3', async () => {
	const cases: Array<[string, string, RegExp]> = [
		['missing', path.join(temp.dir, 'missing.ndjson'), /missing\.ndjson: no such file or directory$/],
		['garbage', write('garbage.txt', 'hello\n\u0000\u0001garbage\n'), /garbage\.txt: no ha-tui record events in it/],
		['a directory', temp.dir, /: is a directory \(history reads the record files/],
		['a huge line', write('huge.ndjson', `${LINES[0]}\n${'x'.repeat(300 * 1024)}\n`), /huge\.ndjson: line 2 is longer than 256 KiB: not a record/],
		['a huge last line, no newline', write('huge-tail.ndjson', `${LINES[0]}\n${'{'.repeat(2 * 1024 * 1024)}`), /huge-tail\.ndjson: line 2 is longer than 256 KiB/],
		['binary', write('binary.dat', Buffer.from(Array.from({length: 70_000}, (_, index) => (index * 7919) % 256))), /binary\.dat: /],
	];
	const fifo = path.join(temp.dir, 'fifo');
	execFileSync('mkfifo', [fifo]);
	cases.push(['a FIFO (no hang)', fifo, /fifo: not a regular file$/]);
	for (const [name, file, cause] of cases) {
		for (const args of [[file], [write('good.ndjson', NIGHT), file]]) {
			const result = await history(args);
			assert.equal(result.code, 3, `${name}: ${result.stderr}`);
			const lines = result.stderr.trim().split('\n');
			assert.equal(lines.length, 1, `${name}: one line: ${result.stderr}`);
			assert.match(lines[0], /^ha-tui: /);
			assert.ok(lines[0].includes(file), `${name}: names the file: ${lines[0]}`);
			assert.match(lines[0], cause, name);
			assert.equal(result.stdout, '', `${name}: no partial history`);
		}
	}
});

test('events of the right shape but wrong types are skipped, not a crash', async () => {
	const group = JSON.parse(LINES[1]) as Record<string, unknown>;
	const broken = [
		{...group, locks: {live: {locked: true}}},
		{...group, locks: {live: {locked: true, holders: 'pid 1'}, backup: {locked: false, holders: []}}},
		{...group, changes: undefined},
		{...group, releasedBy: [{pid: 'x'}]},
		{...group, time: '1'},
		{...group, mono: 'soon'},
		{v: 1, type: 'start', time: group.time, mono: 1, host: 'h', pid: 1, groups: 'all'},
	];
	const file = write('typed.ndjson', `${LINES.slice(0, 2).join('\n')}\n${broken.map(value => JSON.stringify(value)).join('\n')}\n${LINES.slice(2).join('\n')}\n`);
	const result = await history([file]);
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, /\(7 lines that are not record events skipped\)/);
	assert.equal(result.stdout.split('\n').filter(line => / failover /.test(line)).length, 2);
});

test('control characters in a record never reach the terminal; the columns still line up', async () => {
	const evil = '/srv/\u001b]0;PWNED\u0007\u001b[2J\u009b31m\u202e';
	const events = LINES.map(line => JSON.parse(line) as Record<string, unknown>).map(event => ({
		...event,
		...(typeof event.group === 'string' ? {group: evil} : {}),
		...(Array.isArray(event.groups) ? {groups: [evil]} : {}),
		...(event.locks ? {locks: JSON.parse(JSON.stringify(event.locks).replaceAll('"broker":"backup"', `"broker":${JSON.stringify('back\nup\u001b[1m')}`))} : {}),
	}));
	const file = write('evil.ndjson', `${events.map(event => JSON.stringify(event)).join('\n')}\n`);
	for (const args of [[file], [file, '--json']]) {
		const result = await history(args);
		assert.equal(result.code, 0, result.stderr);
		// eslint-disable-next-line no-control-regex
		assert.doesNotMatch(result.stdout, /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202E]/, 'no raw control character');
		assert.match(result.stdout, args.length === 1 ? /\/srv\/\\x1b\]0;PWNED\\x07/ : /\/srv\/\\u001b\]0;PWNED\\u0007/);
	}

	const rows = (await history([file])).stdout.split('\n').filter(line => /^\d{4}-/.test(line));
	const column = (line: string) => line.indexOf(' failover ') + line.indexOf(' failback ') + line.indexOf(' frozen ') + line.indexOf(' pause ') + 3;
	assert.equal(new Set(rows.map(column)).size, 1, rows.join('\n'));
});
