// One bounded, idempotent stop; a second Ctrl-C while it is stuck leaves at once naming the
// node. (What a closed session or a stopped watcher must not do: test/session, test/watch.)
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {Stopper, describeAbandoned, type StopResult} from '../../source/session/stopper.js';
import {App} from '../../source/ui/app.js';
import {FakeSession, listening, makeNode, makeView, until} from './fixtures.js';

afterEach(cleanup);

/** A session whose nodes never finish stopping (a kernel wait that never returns). */
class StuckSession extends FakeSession {
	override async stopAll(options: {failover: boolean}): Promise<void> {
		await super.stopAll(options);
		return new Promise(() => {});
	}
}

const timers = () => process.getActiveResourcesInfo().filter(name => name === 'Timeout').length;

test('Stopper: one stop for every request, and no timer left once the nodes stopped', async () => {
	const session = new FakeSession(makeView({nodes: [makeNode(1, 'live', 'live')]}));
	const before = timers();
	const stopper = new Stopper(session, 60_000);
	const [first, second] = await Promise.all([stopper.stop({failover: true}), stopper.stop({failover: false})]);
	assert.deepEqual(session.calls, ['stopAll failover=true'], 'stopped once; the first request decides');
	assert.equal(first, second);
	assert.deepEqual(first.abandoned, []);
	// The old quit raced stopAll against an 800 ms timer it never cleared: every quit lingered.
	assert.equal(timers(), before, 'the bound\'s timer is cleared');
});

test('Stopper: a stuck stop ends at its bound, naming the nodes left behind', async () => {
	const session = new StuckSession(makeView({nodes: [makeNode(1, 'live', 'stepping-down'), makeNode(2, 'backup', 'stopped')]}));
	const result = await new Stopper(session, 20).stop({failover: false});
	assert.equal(result.why, 'timeout');
	assert.deepEqual(result.abandoned.map(node => node.id), ['n1']);
	assert.match(describeAbandoned(result, 20) ?? '', /#1 live \(stepping-down\) did not stop within 20 ms: abandoned/);
});

test('a second Ctrl-C while nodes are stopping leaves at once, saying which node was abandoned', async () => {
	const session = new StuckSession(makeView({nodes: [makeNode(1, 'live', 'live')]}));
	let exit: {code: number; result?: StopResult} | undefined;
	const app = render(<App session={session} stopper={new Stopper(session, 600_000)} onExit={(code, result) => exit = {code, result}} size={{columns: 100, rows: 30}}/>);
	await listening(app.stdin);
	app.stdin.write('q');
	await until('the quit question', () => (app.lastFrame() ?? '').includes('Quit?'));
	// The frame shows the dialog: the key handler knows about it (app.tsx keeps it current).
	app.stdin.write('y');
	await until(`stopping: ${session.calls.join()}`, () => session.calls.includes('stopAll failover=false') && (app.lastFrame() ?? '').includes('stopping in-process nodes'));
	assert.equal(exit, undefined, 'still waiting for the stuck node');
	app.stdin.write('\u0003');
	await until('exit', () => exit);
	assert.equal(exit!.code, 3);
	assert.match(describeAbandoned(exit!.result!) ?? '', /#1 live \(live\) still stopping at the second Ctrl-C: abandoned/);
});

test('Ctrl-C while a stop that came from outside (SIGTERM) is stuck abandons it too', async () => {
	const session = new StuckSession(makeView({nodes: [makeNode(1, 'backup', 'backup')]}));
	const stopper = new Stopper(session, 600_000);
	const app = render(<App session={session} stopper={stopper} onExit={() => {}} size={{columns: 100, rows: 30}}/>);
	const stopped = stopper.stop({failover: false});
	await listening(app.stdin);
	app.stdin.write('\u0003');
	assert.deepEqual((await stopped).abandoned.map(node => node.id), ['n1']);
});
