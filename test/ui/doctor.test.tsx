// Issue 10 §2: `d` shows the doctor's findings in a panel; the header shows the worst one.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {Box} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import type {Finding} from '../../source/doctor/index.js';
import {App} from '../../source/ui/app.js';
import {doctorLines, wrap} from '../../source/ui/doctor-panel.js';
import {Header} from '../../source/ui/header.js';
import type {SessionView} from '../../source/session/types.js';
import {FakeSession, T0, doctorFor, listening, makeSnapshot, makeView, outside, until} from './fixtures.js';

afterEach(cleanup);

const KEY = {down: '\u001B[B', up: '\u001B[A', escape: '\u001B'};

// State P, a backup waiting, nobody on the primary lock: a clean stop of the primary.
const paused = makeSnapshot({state: 'P', backup: outside(77)});

function mount(view: Partial<SessionView>, size = {columns: 100, rows: 30}) {
	const session = new FakeSession(makeView(view));
	const app = render(<App session={session} onExit={() => {}} size={size}/>);
	const screen = () => (app.lastFrame() ?? '').replaceAll(/\s+/g, ' ');
	const press = async (key: string) => {
		await listening(app.stdin);
		app.stdin.write(key);
	};

	const see = (pattern: RegExp) => until(`screen to match ${pattern}\n${app.lastFrame()}`, () => pattern.test(screen()));
	return {session, app, screen, press, see};
}

test('d opens the findings, worst first: paused, its evidence and fix; d closes it, and so does Esc', async () => {
	const ui = mount({snapshot: paused});
	await ui.press('d');
	await ui.see(/Doctor .*d or Esc closes.*CRITICAL paused/);
	const text = ui.screen();
	assert.match(text, /CRITICAL paused — the primary stopped cleanly; the backups stay passive by design/);
	assert.match(text, /· state 'P' \(0x50\) \(paused\): written by a primary/);
	assert.match(text, /· waiting backup: pid 77 \(java … org\.apache\.activemq\.artemis\.boot\.Artemis run\)/);
	assert.match(text, /fix: Start the primary again/);
	// Paused comes before the status verdict it explains (no-live, also critical).
	assert.ok(text.indexOf('paused —') < text.indexOf('no-live —'), text);
	assert.deepEqual(ui.session.calls, ['doctor open']);
	await ui.press('d');
	await ui.see(/Locks .*Lock file/);
	await until('the session told', () => ui.session.calls.includes('doctor closed'));
	await ui.press('d');
	await ui.see(/Doctor /);
	await ui.press(KEY.escape);
	await ui.see(/Locks .*Lock file/);
	await until(`the session told; calls: ${ui.session.calls.join(', ')}`, () => ui.session.calls.length === 4);
	assert.deepEqual(ui.session.calls, ['doctor open', 'doctor closed', 'doctor open', 'doctor closed']);
});

test('another key closes the panel and does what it does', async () => {
	const ui = mount({snapshot: paused});
	await ui.press('d');
	await ui.see(/Doctor /);
	await ui.press('b');
	await until('startBackup', () => ui.session.calls.includes('startBackup'));
	await ui.see(/Locks .*Lock file/);
});

test('header: the worst finding in its level, or nothing when all is well', () => {
	const header = (snapshot = paused) => render(<Header view={makeView({snapshot, doctor: doctorFor(snapshot)})} now={T0} width={100}/>).lastFrame() ?? '';
	assert.match(header(), /doctor: CRITICAL paused — the primary stopped cleanly; the backups stay passive by design/);
	assert.match(header(makeSnapshot({live: outside(4264)})), /doctor: WARNING no-backup — pid 4264 \(java … org\.apache\.activemq\.artemis\.boot\.Artemis run\)/);
	assert.doesNotMatch(header(makeSnapshot({live: outside(4264), backup: outside(77)})), /doctor/);
	// No findings yet (or no file): no line.
	assert.doesNotMatch(render(<Header view={makeView({snapshot: paused})} now={T0} width={100}/>).lastFrame() ?? '', /doctor/);
});

test('the whole screen shows the header line; the panel fits 80×24 and scrolls to its last line', async () => {
	const long: Finding = {id: 'network-fs', level: 'warning', title: 'a long one', evidence: Array.from({length: 30}, (_, index) => `fact ${index} ${'word '.repeat(index % 20)}`), fix: 'the very last line'};
	const findings = [...doctorFor(paused)!.findings, long];
	const ui = mount({snapshot: paused, doctor: {findings, full: false}}, {columns: 80, rows: 24});
	await ui.see(/doctor: CRITICAL paused — the primary stopped/);
	const lines = () => (ui.app.lastFrame() ?? '').split('\n');
	assert.ok(lines().length <= 23, `${lines().length} lines`);
	for (const line of lines()) assert.ok(line.length <= 80, `too wide: ${line}`);
	// The FakeSession looks again on opening; keep the long list.
	ui.session.setDoctorOpen = () => {};
	await ui.press('d');
	await ui.see(/Doctor .* more lines? below/);
	assert.ok(lines().length <= 23, `${lines().length} lines`);
	for (const line of lines()) assert.ok(line.length <= 80, `too wide: ${line}`);
	assert.match(lines().at(-1)!, /q quit/);
	assert.match(ui.screen(), /findings, worst first/);
	await ui.press(KEY.down);
	await ui.see(/↑ 1 more line above/);
	for (let index = 0; index < 80; index++) await ui.press(KEY.down);
	await ui.see(/the very last line/);
	assert.doesNotMatch(ui.screen(), /more lines? below/);
	await ui.press(KEY.up);
	await ui.see(/more line below/);
});

test('wrap: words to lines of at most the width, an overlong word cut', () => {
	assert.deepEqual(wrap('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
	assert.deepEqual(wrap('x'.repeat(10), 4), ['xxxx', 'xxxx', 'xx']);
	assert.deepEqual(wrap('ab cdefgh', 4), ['ab c', 'defg', 'h']);
	for (const line of doctorLines(doctorFor(paused)!.findings, 60)) assert.ok(line.text.length <= 60, line.text);
});

test('the panel without a lock file says why there is nothing to diagnose', async () => {
	const ui = mount({snapshot: {...paused, status: 'missing', probe: undefined, error: 'waiting for /x/server.lock (no such file)'}});
	await ui.press('d');
	await ui.see(/nothing to diagnose: waiting for \/x\/server\.lock/);
	const frame = render(<Box width={80}><Header view={makeView({snapshot: paused})} now={T0} width={80}/></Box>).lastFrame() ?? '';
	assert.ok(!frame.includes('doctor'));
});
