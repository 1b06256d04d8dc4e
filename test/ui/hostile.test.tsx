// Every panel, fed outside text made hostile (window title, clear screen, red, 8-bit CSI, …),
// renders it as visible escapes: no control character reaches the frame. Ink's own styling
// is off here (chalk level 0: stdout is not a terminal), so the frame must hold no ESC at all.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {Box} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {ConfirmDialog} from '../../source/ui/confirm.js';
import {DoctorPanel} from '../../source/ui/doctor-panel.js';
import {ErrorBoundary} from '../../source/ui/error-boundary.js';
import {EventLog} from '../../source/ui/event-log.js';
import {Header} from '../../source/ui/header.js';
import {LockFilePanel} from '../../source/ui/lock-file-panel.js';
import {LocksPanel} from '../../source/ui/locks-panel.js';
import {NodesPanel} from '../../source/ui/nodes-panel.js';
import type {ActionResult, SessionView} from '../../source/session/types.js';
import {HOSTILE, describeControl, hostile, stringFields} from '../helpers/hostile.js';
import {FakeSession, T0, doctorFor, entry, makeNode, makeSnapshot, makeView, missingSnapshot, listening, outside, until} from './fixtures.js';

afterEach(cleanup);

const ESCAPED = String.raw`\x1b]0;PWNED\x07\x1b[2J\x1b[31m\u009b31m`;

function assertSafe(what: string, frame: string | undefined) {
	const text = frame ?? '';
	assert.ok(!text.includes('\u001B'), `${what}: an ESC reached the frame:\n${JSON.stringify(text)}`);
	assert.equal(describeControl(text.replaceAll('\n', '')), undefined, `${what}: ${JSON.stringify(text)}`);
}

function hostileViews(): Array<[string, SessionView]> {
	const nodes = [makeNode(1, 'live', 'live'), makeNode(2, 'backup', 'backup', {detail: 'x'})];
	const log = [entry(1, 'a'), entry(2, 'b', 'error'), entry(3, 'c', 'warn', 'node')];
	const error = {...missingSnapshot(), status: 'error' as const, error: '/tmp/x.lock: is a FIFO (named pipe), not a lock file'};
	const paused = makeSnapshot({state: 'P', backup: outside(77)});
	return [
		// The doctor's titles, evidence and fixes quote broker names, paths and command lines.
		['paused, with the doctor\'s findings', hostile(makeView({snapshot: paused, doctor: doctorFor(paused), log}))],
		['held by outside processes', hostile(makeView({snapshot: makeSnapshot({live: outside(4264), backup: outside(77)}), nodes, log, banner: 'demo'}))],
		['replaced', hostile(makeView({snapshot: makeSnapshot({replaced: true, live: outside(1)}), nodes, log}))],
		['missing', hostile(makeView({snapshot: missingSnapshot(), log}))],
		['deleted', hostile(makeView({snapshot: missingSnapshot(true), log}))],
		['unreadable', hostile(makeView({snapshot: error, log}))],
		['polling on nfs', hostile(makeView({fsKind: 'nfs', polling: true}))],
	];
}

test('the hostile views have hostile text in every string field', () => {
	for (const [name, view] of hostileViews()) {
		const fields = stringFields(view);
		assert.ok(fields.length > 3, name);
		for (const field of fields) assert.ok(field.includes(HOSTILE), `${name}: ${field}`);
	}
});

test('every panel renders hostile text as visible escapes', () => {
	for (const [name, view] of hostileViews()) {
		const panels: Array<[string, React.ReactElement]> = [
			['header', <Header view={view} now={T0} width={200}/>],
			['lock file', <LockFilePanel snapshot={view.snapshot} width={200}/>],
			['locks', <LocksPanel view={view} now={T0} width={400}/>],
			['nodes', <NodesPanel nodes={view.nodes} selectedId="n1" now={T0} width={200}/>],
			['events', <EventLog log={view.log} lines={10} width={400}/>],
			['doctor', <DoctorPanel view={view} width={200} rows={60} offset={0}/>],
			['dialog', <ConfirmDialog title={HOSTILE} message={`stop ${HOSTILE}?`} choices={[{key: 'y', label: 'yes'}]}/>],
		];
		for (const [panel, element] of panels) {
			const {lastFrame} = render(<Box width={400} flexDirection="column">{element}</Box>);
			assertSafe(`${name} / ${panel}`, lastFrame());
		}
	}

	// And the text is there, escaped: the operator sees that something odd is going on.
	const [, doctored] = hostileViews()[0];
	for (const element of [<Header view={doctored} now={T0} width={400}/>, <DoctorPanel view={doctored} width={400} rows={60} offset={0}/>]) {
		const {lastFrame} = render(<Box width={400} flexDirection="column">{element}</Box>);
		assert.ok((lastFrame() ?? '').includes(ESCAPED), lastFrame());
	}

	const [, view] = hostileViews()[1];
	const {lastFrame} = render(<Box width={400} flexDirection="column"><LocksPanel view={view} now={T0} width={400}/></Box>);
	assert.ok((lastFrame() ?? '').includes(ESCAPED), lastFrame());
});

test('the whole screen, its notices and the crash line render hostile text as visible escapes', async () => {
	class HostileSession extends FakeSession {
		override startBackup(): ActionResult {
			super.startBackup();
			return {ok: false, message: `cannot start a backup: ${HOSTILE}`};
		}
	}

	for (const [name, view] of hostileViews()) {
		const session = new HostileSession(view);
		const app = render(<App session={session} onExit={() => {}} size={{columns: 200, rows: 40}}/>);
		assertSafe(name, app.lastFrame());
		await listening(app.stdin);
		app.stdin.write('b');
		await until('the notice', () => (app.lastFrame() ?? '').includes('refused: cannot start a backup'));
		assertSafe(`${name} with a notice`, app.lastFrame());
		assert.ok((app.lastFrame() ?? '').includes(ESCAPED));
		// The doctor panel, with the findings the (fake) session works out from the hostile probe.
		app.stdin.write('d');
		await until('the doctor panel', () => (app.lastFrame() ?? '').includes('Doctor ─'));
		assertSafe(`${name} with the doctor panel`, app.lastFrame());
		app.unmount();
	}

	function Crash(): React.ReactElement {
		throw new Error(`boom ${HOSTILE}`);
	}

	const crashed = render(<ErrorBoundary onCrash={() => {}}><Crash/></ErrorBoundary>);
	assertSafe('error boundary', crashed.lastFrame());
	assert.match(crashed.lastFrame() ?? '', /internal error: boom/);
});
