// Every screen at every size from 60×16 up: no line wider than the terminal, no line that is
// not one of the screen's own texts (nothing overlaps, nothing left over), dialogs whole with
// their choices, the key bar with q and ?; below 60×16 one centred line.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import type {SessionView} from '../../source/session/types.js';
import {checkScreen} from '../helpers/screen-lines.js';
import {FakeSession, TIMELINE_T, doctorFor, entry, listening, makeNode, makeSnapshot, makeView, nightTimeline, ours, outside, until} from './fixtures.js';

afterEach(cleanup);

const SIZES = [[60, 16], [80, 24], [100, 30], [200, 60]] as const;

const busy: Partial<SessionView> = {
	snapshot: makeSnapshot({live: ours, backup: outside(4264)}),
	nodes: Array.from({length: 6}, (_, index) => makeNode(index + 1, index === 0 ? 'live' : 'backup', index === 0 ? 'live' : 'waiting-backup-lock')),
	log: Array.from({length: 40}, (_, index) => entry(index + 1, `event number ${index + 1} with some words so that it is long enough to be cut at sixty columns`)),
	banner: 'DEMO · k on the live: failover · then l: failback · p: pause · ? help',
	timeline: nightTimeline(),
};

async function screen(columns: number, rows: number, view: Partial<SessionView>, keys: readonly string[] = []) {
	const session = new FakeSession(makeView(view));
	session.set({doctor: doctorFor(session.view.snapshot)});
	const app = render(<App session={session} onExit={() => {}} size={{columns, rows}} timelineEnd={TIMELINE_T + 60_000}/>);
	for (const key of keys) {
		 
		await listening(app.stdin);
		const before = app.frames.length;
		app.stdin.write(key);
		 
		await until(`a frame for ${JSON.stringify(key)}`, () => app.frames.length > before);
	}

	return {app, frame: () => app.lastFrame() ?? ''};
}

for (const [columns, rows] of SIZES) {
	test(`${columns}×${rows}: main, help, doctor and every dialog fit, each line one of the screen's texts`, async () => {
		const main = await screen(columns, rows, busy);
		const lines = checkScreen(main.frame(), columns, 'main');
		assert.ok(lines.length <= rows - 1, `${lines.length} lines on ${rows} rows`);
		assert.match(main.frame(), /▶ #1 +live/, 'the selected node is on screen');
		cleanup();

		const help = await screen(columns, rows, busy, ['?']);
		checkScreen(help.frame(), columns, 'help');
		assert.match(help.frame(), /Help ─/);
		cleanup();

		// The strip: shown where it fits, else named on the "…" line; the full view on t, back on t and esc.
		const few = {...busy, nodes: busy.nodes!.slice(0, 2)};
		const strip = await screen(columns, rows, few);
		checkScreen(strip.frame(), columns, 'strip');
		if (rows >= 24) assert.match(strip.frame(), /^Timeline ─+.*\n^primary {3}█/m, strip.frame());
		else assert.match(strip.frame(), /^Timeline ─|the timeline \(t/m, strip.frame());
		cleanup();

		for (const back of ['t', '\u001B']) {
			const full = await screen(columns, rows, few, ['t', '+', '-', back]);
			checkScreen(full.frame(), columns, `t then ${JSON.stringify(back)}`);
			assert.doesNotMatch(full.frame(), /├-1 min/, 'back on the main screen');
			cleanup();
		}

		const full = await screen(columns, rows, few, ['t']);
		const fullLines = checkScreen(full.frame(), columns, 'timeline');
		assert.ok(fullLines.length <= rows - 1, `${fullLines.length} lines on ${rows} rows`);
		assert.match(full.frame(), /^Timeline ─/m);
		assert.match(full.frame(), /├-1 min─/);
		assert.match(full.frame(), /no live 0\.4 ms/);
		for (const row of ['primary', 'backup', 'state', '#1 backup', '#2 backup']) assert.match(full.frame(), new RegExp(`^${row} `, 'm'), `${row} at ${columns}×${rows}\n${full.frame()}`);
		cleanup();

		const doctor = await screen(columns, rows, busy, ['d']);
		checkScreen(doctor.frame(), columns, 'doctor');
		assert.match(doctor.frame(), /Doctor ─/);
		cleanup();

		const dialogs: Array<[string, Partial<SessionView>, string[], RegExp]> = [
			['start a second primary', {...busy, snapshot: makeSnapshot({live: outside(4264)}), nodes: []}, ['l'], /y yes {3}n no/],
			['failback', {...busy, snapshot: makeSnapshot({live: outside(4264)}), nodes: [], backupPids: [4264]}, ['f'], /y yes {3}n no/],
			['pause', busy, ['p'], /y yes {3}n no/],
			['force failover', busy, ['k'], /y yes {3}n no/],
			['quit', busy, ['q'], /n cancel/],
		];
		for (const [what, view, keys, choices] of dialogs) {
			 
			const dialog = await screen(columns, rows, view, keys);
			const text = dialog.frame();
			checkScreen(text, columns, what);
			assert.match(text, choices, `${what}: the choices are on screen\n${text}`);
			const flat = text.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');
			const message = view === busy && what === 'quit' ? 'They will be stopped.' : 'y';
			assert.ok(flat.includes(message), `${what}: whole message\n${text}`);
			if (what === 'quit') assert.match(flat, /f stop with failover \(a live leaves L\)/);
			cleanup();
		}
	});
}

test('the node list scrolls with the selection: the ▶ node is always on screen', async () => {
	const many = {...busy, nodes: Array.from({length: 10}, (_, index) => makeNode(index + 1, 'backup', 'waiting-backup-lock'))};
	const ui = await screen(60, 16, many, ['\u001B[A']);
	checkScreen(ui.frame(), 60, 'scrolled');
	assert.match(ui.frame(), /▶ #10 +backup/, ui.frame());
	assert.match(ui.frame(), /In-process nodes ─+ \d+–10 of 10 ↑↓/);
	assert.doesNotMatch(ui.frame(), / #1 +backup/, 'the first node scrolled away');
	for (let step = 0; step < 9; step++) {
		const before = ui.app.frames.length;
		ui.app.stdin.write('\u001B[A');
		 
		await until('a frame', () => ui.app.frames.length > before);
	}

	assert.match(ui.frame(), /▶ #1 +backup/, ui.frame());
	assert.match(ui.frame(), /In-process nodes ─+ 1–\d+ of 10 ↑↓/);
});

test('below 60×16: one centred line with the minimum size; q still quits', async () => {
	const session = new FakeSession(makeView());
	let code: number | undefined;
	const app = render(<App session={session} onExit={exit => code = exit} size={{columns: 50, rows: 12}}/>);
	const lines = (app.lastFrame() ?? '').split('\n');
	const text = lines.filter(line => line.trim() !== '');
	assert.equal(text.length, 1, app.lastFrame());
	assert.match(text[0], /^ *at least 60×16 \(now 50×12\) *$/);
	assert.ok(lines.indexOf(text[0]) > 2, 'centred vertically');
	await listening(app.stdin);
	app.stdin.write('q');
	await until('exit', () => code === 0);
});

test('below 60×16 a question asked by a key is still said in the one line', async () => {
	const session = new FakeSession(makeView({nodes: [makeNode(1, 'live', 'live')]}));
	const app = render(<App session={session} onExit={() => {}} size={{columns: 58, rows: 12}}/>);
	await listening(app.stdin);
	app.stdin.write('q');
	await until('the question', () => /Quit\? y\/f\/n · at least 60×16 \(now 58×12\)/.test(app.lastFrame() ?? ''));
});
