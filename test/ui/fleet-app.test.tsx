// Issue 19 §2: the fleet screen at every size, worst first, filter, select and open.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {FleetApp, age, nextAgeChange, type FleetSource} from '../../source/ui/fleet-app.js';
import {fleetColumns} from '../../source/ui/fleet-layout.js';
import type {FleetRow} from '../../source/fleet/fleet-view.js';
import {stripAnsi} from '../helpers/pty.js';
import {until} from './fixtures.js';

const row = (name: string, verdict: FleetRow['verdict'], exitCode: number): FleetRow => ({
	group: {label: `/srv/${name}/journal`, target: `/srv/${name}/journal`, lockPath: `/srv/${name}/journal/server.lock`, foundBy: 'argument'},
	name: `/srv/${name}/journal`, verdict, exitCode, live: exitCode === 2 ? '—' : 'pid 10', backup: exitCode === 0 ? 'pid 11' : '—', state: 'live', changedAt: Date.now() - 5000, note: '',
	finding: exitCode === 2 ? '✖ no live: the primary lock is free' : exitCode === 1 ? '▲ pid 10 is live and no backup holds the backup lock' : '',
	findingLevel: exitCode === 2 ? 'critical' : exitCode === 1 ? 'warning' : 'ok',
});

const rows = [row('orders', 'healthy', 0), row('billing', 'no-backup', 1), row('audit', 'no-live', 2), ...Array.from({length: 40}, (_, index) => row(`app${index}`, 'healthy', 0))];
const source: FleetSource = {rows: () => rows, subscribe: () => () => {}};
const strip = stripAnsi;
// Every screen is unmounted even when an assertion fails: a mounted FleetApp's age timer would
// keep the test process alive (a failed test hung the file for minutes under load).
afterEach(cleanup);
const screenOf = (frame: () => string | undefined) => strip(frame() ?? '');

for (const [columns, height] of [[60, 16], [80, 24], [100, 30], [200, 60]] as const) {
	test(`fleet screen at ${columns}×${height}: fits, worst first, counts`, () => {
		const {lastFrame, unmount} = render(<FleetApp source={source} size={{columns, rows: height}} onOpen={() => {}} onQuit={() => {}}/>);
		const lines = strip(lastFrame() ?? '').split('\n');
		unmount();
		assert.ok(lines.length <= height, `${lines.length} lines`);
		for (const line of lines) assert.ok([...line].length <= columns, `too long at ${columns}: ${line}`);
		assert.match(lines[0], columns >= 80 ? /43 groups: 41 healthy · 1 no-backup · 1 no-live/ : /43 groups: 41 healthy/);
		// A long name keeps its end ("…dit/journal"): the distinctive part of a path.
		assert.match(lines[2], /no-live +(\/srv\/audit\/journal|…[a-z/]*journal) .* ✖ no/);
		assert.match(lines[3], /no-backup +(\/srv\/billing\/journal|…[a-z/]*journal) .* ▲ pid/);
		if (columns >= 200) assert.match(lines[2], /\/srv\/audit\/journal/);
		assert.match(lines[1], /verdict +group +live +doctor +backup +since/, 'the doctor column at every size from 60');
		assert.match(lines.at(-1) ?? '', /q quit/);
		const {hidden} = fleetColumns(columns);
		if (columns === 60) assert.deepEqual(hidden, ['state', 'note']);
		if (hidden.length > 0) assert.equal(lines.at(-2)?.trim(), `… not shown at ${columns} columns: ${hidden.join(', ')}`);
	});
}

test('fleet columns: by priority, each at its least width before the next hides; exactly the width', () => {
	for (let width = 20; width <= 250; width++) {
		const {shown, hidden} = fleetColumns(width);
		const used = shown.reduce((sum, column) => sum + column.width, 0) + shown.length - 1;
		assert.ok(used <= width, `${used} > ${width}`);
		assert.deepEqual([...shown.map(column => column.column), ...hidden], ['verdict', 'name', 'live', 'finding', 'backup', 'since', 'state', 'note']);
		if (width >= 60) assert.deepEqual(shown.slice(0, 6).map(column => column.column), ['verdict', 'name', 'live', 'finding', 'backup', 'since']);
		if (width >= 90) assert.equal(hidden.length, 0, `all at ${width}`);
		if (width >= 60 && hidden.length === 0) assert.equal(used, width, `the whole width at ${width}`);
	}
});

test('ages: floored; the next frame comes when one on screen would read differently', () => {
	const since = 1_000_000;
	assert.equal(age(59_999), '59s');
	assert.equal(age(60_000), '1m');
	assert.equal(nextAgeChange(since, since + 1500), since + 2000);
	assert.equal(nextAgeChange(since, since + 61_000), since + 120_000);
	assert.equal(nextAgeChange(since, since + 3_700_000), since + 7_200_000);
});

test('ages keep ticking when a timer fires before Date.now() reaches its moment', async t => {
	// libuv counts a timer from the loop's time, taken before the frame was drawn, and the screen
	// its delay from Date.now() after it: the timer can fire a few ms early by Date.now(). That
	// `now` gave the same next frame, so no new timer was set and every age stopped (seen in tmux:
	// "4s" for minutes). Here every timer's callback runs with Date.now() 3 ms short.
	const realNow = Date.now.bind(Date);
	let lag = 0;
	t.mock.method(Date, 'now', () => realNow() - lag);
	const realSetTimeout = globalThis.setTimeout;
	t.mock.method(globalThis, 'setTimeout', (callback: () => void, ms?: number) => realSetTimeout(() => {
		lag = 3;
		try {
			callback();
		} finally {
			lag = 0;
		}
	}, ms));
	const changedAt = realNow() - 500;
	const young: FleetSource = {rows: () => [{...row('orders', 'healthy', 0), changedAt}], subscribe: () => () => {}};
	const {lastFrame} = render(<FleetApp source={young} size={{columns: 100, rows: 30}} onOpen={() => {}} onQuit={() => {}}/>);
	await until('the age to reach 3s', () => / 3s /.test(screenOf(lastFrame)), 6000);
});

test('ages: at most a frame a second, however the rows\' seconds fall', async () => {
	// A fleet's first looks land over a few hundred ms: each row's age ticks at its own moment.
	const start = Date.now() - 5000;
	const spread = Array.from({length: 20}, (_, index) => ({...row(`app${index}`, 'healthy', 0), changedAt: start + index * 37}));
	const {frames} = render(<FleetApp source={{rows: () => spread, subscribe: () => () => {}}} size={{columns: 100, rows: 30}} onOpen={() => {}} onQuit={() => {}}/>);
	const first = frames.length;
	await new Promise(resolve => setTimeout(resolve, 2500));
	const drawn = frames.length - first;
	assert.ok(drawn >= 1 && drawn <= 3, `${drawn} frames in 2.5 s`);
});

test('fleet screen: the filter finds a group by its doctor finding', async () => {
	const {lastFrame, stdin} = render(<FleetApp source={source} size={{columns: 100, rows: 30}} onOpen={() => {}} onQuit={() => {}} initialFilter='backup lock'/>);
	const screen = await until('the filtered screen', () => {
		const text = screenOf(lastFrame);
		return /filter "backup lock": 1 of 43/.test(text) && text;
	});
	assert.match(screen, /billing/);
	stdin.write('q');
});

test('fleet screen: / filters, ↓ selects, enter opens, q quits; below 60×16 one line', async () => {
	const opened: string[] = [];
	let quit = 0;
	const {lastFrame, stdin} = render(<FleetApp source={source} size={{columns: 100, rows: 30}} onOpen={chosen => opened.push(chosen.name)} onQuit={() => quit++}/>);
	await until('the first frame', () => /groups:/.test(screenOf(lastFrame)));
	stdin.write('/');
	await until('the filter prompt', () => /filter/.test(screenOf(lastFrame)));
	stdin.write('app1');
	await until('the typed filter', () => /app1/.test(screenOf(lastFrame)));
	stdin.write('\r');
	await until('the filter applied', () => /filter "app1": 11 of 43/.test(screenOf(lastFrame)));
	const before = screenOf(lastFrame);
	stdin.write('\u001B[B');
	await until('the selection moved', () => screenOf(lastFrame) !== before);
	stdin.write('\r');
	await until('a group opened', () => opened.length === 1);
	assert.match(opened[0], /\/srv\/app1\d?\/journal/);
	stdin.write('q');
	await until('quit', () => quit === 1);
	const small = render(<FleetApp source={source} size={{columns: 50, rows: 12}} onOpen={() => {}} onQuit={() => {}}/>);
	assert.match(strip(small.lastFrame() ?? ''), /needs at least 60×16/);
});
