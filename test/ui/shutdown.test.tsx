// Issue 11 §1 and issue 9 §5: one bounded, idempotent stop; a second Ctrl-C while it is stuck
// leaves at once naming the node; nothing of a closed session or a stopped watcher runs on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {Session} from '../../source/session/session.js';
import {Stopper, describeAbandoned, type StopResult} from '../../source/session/stopper.js';
import {App} from '../../source/ui/app.js';
import {LockFileWatcher} from '../../source/watch/index.js';
import {tempDir} from '../helpers/temp.js';
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

test('LockFileWatcher: nothing is emitted after stop(), even by a probe already asked for', async () => {
	const temp = tempDir();
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());
		const watcher = new LockFileWatcher(temp.file, {intervalMs: 60_000, fileEvents: false});
		watcher.start();
		let updates = 0;
		watcher.on('update', () => updates++);
		(watcher as unknown as {refreshSoon(): void}).refreshSoon();
		fs.writeFileSync(temp.file, Buffer.from('P'), {flag: 'r+'});
		await watcher.stop();
		await new Promise(resolve => setImmediate(resolve));
		watcher.refresh();
		assert.equal(updates, 0);
	} finally {
		temp.cleanup();
	}
});

test('Session: an update delivered after close() does not reopen the pulse\'s descriptor', async () => {
	const temp = tempDir();
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());
		const openOnFile = () => fs.readdirSync('/proc/self/fd').filter(fd => {
			try {
				return fs.readlinkSync(path.join('/proc/self/fd', fd)) === temp.file;
			} catch {
				return false;
			}
		}).length;
		const session = new Session(temp.file, {intervalMs: 60_000, pulseMs: 60_000, watcher: {fileEvents: false}}).start();
		const watcher = (session as unknown as {watcher: LockFileWatcher}).watcher;
		const snapshot = watcher.current!;
		await session.close();
		assert.equal(openOnFile(), 0, 'closed');
		let changes = 0;
		session.subscribe(() => changes++);
		// What a probe that was already running when close() ran delivers.
		watcher.emit('update', {snapshot: {...snapshot, probe: {...snapshot.probe!, inode: snapshot.probe!.inode}}, changes: [{kind: 'state', message: 'late'}]});
		assert.equal(openOnFile(), 0, 'no descriptor reopened after close()');
		assert.equal(changes, 0);
	} finally {
		temp.cleanup();
	}
});

test('file events that fail are reported, and the watcher falls back to probing (visibly)', async () => {
	const temp = tempDir();
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());
		const session = new Session(temp.file, {intervalMs: 60_000, pulseMs: 0}).start();
		try {
			assert.equal(session.getView().polling, false);
			const watcher = (session as unknown as {watcher: {chokidar?: {emit(event: string, error: Error): void}}}).watcher;
			await until('chokidar', () => watcher.chokidar);
			watcher.chokidar!.emit('error', Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {code: 'ENOSPC'}));
			assert.equal(session.getView().polling, true);
			assert.ok(session.getView().log.some(entry => entry.level === 'warn' && /file events failed \(ENOSPC: the inotify watch limit is reached .*\): polling/.test(entry.text)));
			const {Header} = await import('../../source/ui/header.js');
			assert.match(render(<Header view={session.getView()} now={0} width={120}/>).lastFrame() ?? '', /\(polling\)/);
		} finally {
			await session.close();
		}
	} finally {
		temp.cleanup();
	}
});
