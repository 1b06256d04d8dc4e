// Issue 19 §2: the fleet screen at every size, worst first, filter, select and open.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import React from 'react';
import {render} from 'ink-testing-library';
import {FleetApp, type FleetSource} from '../../source/ui/fleet-app.js';
import type {FleetRow} from '../../source/fleet/fleet-view.js';
import {stripAnsi} from '../helpers/pty.js';

const row = (name: string, verdict: FleetRow['verdict'], exitCode: number): FleetRow => ({
	group: {label: `/srv/${name}/journal`, target: `/srv/${name}/journal`, lockPath: `/srv/${name}/journal/server.lock`, foundBy: 'argument'},
	name: `/srv/${name}/journal`, verdict, exitCode, live: exitCode === 2 ? '—' : 'pid 10', backup: exitCode === 0 ? 'pid 11' : '—', state: 'live', changedAt: Date.now() - 5000, note: '',
});

const rows = [row('orders', 'healthy', 0), row('billing', 'no-backup', 1), row('audit', 'no-live', 2), ...Array.from({length: 40}, (_, index) => row(`app${index}`, 'healthy', 0))];
const source: FleetSource = {rows: () => rows, subscribe: () => () => {}};
const strip = stripAnsi;
const tick = async () => new Promise(resolve => setTimeout(resolve, 30));

for (const [columns, height] of [[60, 16], [80, 24], [100, 30], [200, 60]] as const) {
	test(`fleet screen at ${columns}×${height}: fits, worst first, counts`, () => {
		const {lastFrame, unmount} = render(<FleetApp source={source} size={{columns, rows: height}} onOpen={() => {}} onQuit={() => {}}/>);
		const lines = strip(lastFrame() ?? '').split('\n');
		unmount();
		assert.ok(lines.length <= height, `${lines.length} lines`);
		for (const line of lines) assert.ok([...line].length <= columns, `too long at ${columns}: ${line}`);
		assert.match(lines[0], columns >= 80 ? /43 groups: 41 healthy · 1 no-backup · 1 no-live/ : /43 groups: 41 healthy/);
		assert.match(lines[2], /no-live .*\/srv\/audit/);
		assert.match(lines[3], /no-backup .*\/srv\/billing/);
		assert.match(lines.at(-1) ?? '', /q quit/);
	});
}

test('fleet screen: / filters, ↓ selects, enter opens, q quits; below 60×16 one line', async () => {
	const opened: string[] = [];
	let quit = 0;
	const {lastFrame, stdin, unmount} = render(<FleetApp source={source} size={{columns: 100, rows: 30}} onOpen={chosen => opened.push(chosen.name)} onQuit={() => quit++}/>);
	await tick();
	stdin.write('/');
	await tick();
	stdin.write('app1');
	await tick();
	stdin.write('\r');
	await tick();
	assert.match(strip(lastFrame() ?? ''), /filter "app1": 11 of 43/);
	stdin.write('\u001B[B');
	await tick();
	stdin.write('\r');
	await tick();
	assert.equal(opened.length, 1);
	assert.match(opened[0], /\/srv\/app1\d?\/journal/);
	stdin.write('q');
	await tick();
	assert.equal(quit, 1);
	unmount();
	const small = render(<FleetApp source={source} size={{columns: 50, rows: 12}} onOpen={() => {}} onQuit={() => {}}/>);
	assert.match(strip(small.lastFrame() ?? ''), /needs at least 60×16/);
	small.unmount();
});
