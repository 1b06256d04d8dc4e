// The session's actions on a real temp lock file: refused once quit was decided, and the
// dialogs' words from what ha-tui knows of the live (its broker.xml, the backup lock before).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {planFailback, planStartLive} from '../../source/session/policy.js';
import {Session} from '../../source/session/session.js';
import {LockFileWatcher} from '../../source/watch/index.js';
import {copyInstance, fakeBroker, hasPython, makeGroup, stop} from '../broker/fake-broker.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const linux = process.platform === 'linux';

test('once stopAll ran (quit was decided), every action is refused and nothing starts', {skip: !linux}, async () => {
	const temp = tempDir('ha-tui-session-closing-');
	const session = new Session(temp.file, {intervalMs: 60_000, pulseMs: 0, watcher: {fileEvents: false}}).start();
	try {
		await session.stopAll({failover: false});
		for (const result of [session.startLive(), session.startBackup(), session.requestFailback(), await session.pause('n1'), await session.forceFailover('n1')]) {
			assert.equal(result.ok, false);
			assert.match(result.message, /ha-tui is quitting, nothing new is started or stopped/);
		}

		assert.equal(session.isClosing, true);
		assert.deepEqual(session.getView().nodes, []);
		assert.equal(fs.existsSync(temp.file), false, 'no live created the lock file');
	} finally {
		await session.close();
		temp.cleanup();
	}
});

const brokers = {skip: !linux ? 'needs /proc' : !hasPython ? 'python3 not found' : false};

test('next to a real primary (broker.xml: primary), l says it waits and blocks failover; f is refused', brokers, async () => {
	const temp = tempDir('ha-tui-session-primary-');
	const data = path.join(temp.dir, 'data');
	const group = makeGroup(path.join(data, 'journal'));
	const primary = await fakeBroker({properties: {'artemis.instance': copyInstance('primary', temp.dir), 'data.dir': data}, locks: [{file: group.primaryLock}]});
	const session = new Session(group.serverLock, {intervalMs: 60_000, pulseMs: 0, watcher: {fileEvents: false}}).start();
	try {
		const view = session.getView();
		const name = `broker-a \\(primary\\) pid ${primary.pid}`;
		const start = planStartLive(view);
		assert.equal(start.ok && start.confirm, true);
		assert.match(start.message, new RegExp(`start a second primary\\? The live lock is held by ${name}, a primary \\(its broker.xml says primary\\): a primary never steps down`));
		assert.match(start.message, new RegExp(`the backups will NOT take over if ${name} dies \\(failover is blocked\\); if ${name} dies or stops, the new node becomes live instead of the backup`));
		assert.doesNotMatch(start.message, /steps down if|live backup/);
		const failback = planFailback(view);
		assert.equal(failback.ok, false);
		assert.match(failback.message, new RegExp(`no failback: the live, ${name}, is a primary`));
		assert.equal(session.requestFailback().ok, false);
	} finally {
		await session.close();
		await stop(primary);
		temp.cleanup();
	}
});

test('a backup broker live (broker.xml: backup) is an activated backup: failback offered; with allow-failback false, refused', brokers, async () => {
	const temp = tempDir('ha-tui-session-backup-');
	const data = path.join(temp.dir, 'data');
	const group = makeGroup(path.join(data, 'journal'));
	for (const [instance, offered] of [['backup', true], ['backup-no-failback', false]] as const) {
		const backup = await fakeBroker({properties: {'artemis.instance': copyInstance(instance, temp.dir), 'data.dir': data}, locks: [{file: group.primaryLock}]});
		const session = new Session(group.serverLock, {intervalMs: 60_000, pulseMs: 0, watcher: {fileEvents: false}}).start();
		try {
			const failback = planFailback(session.getView());
			assert.equal(failback.ok, offered, failback.message);
			assert.match(failback.message, offered ? new RegExp(`the live backup \\(broker-b \\(backup\\) pid ${backup.pid}\\) steps down`) : /allow-failback false: it never steps down/);
		} finally {
			await session.close();
			await stop(backup);
		}
	}

	temp.cleanup();
});

test('a live that was seen on the backup lock is an activated backup; one never seen there, with no broker.xml, is unknown', brokers, async () => {
	const temp = tempDir('ha-tui-session-seen-');
	const group = makeGroup(path.join(temp.dir, 'journal'));
	const session = new Session(group.serverLock, {intervalMs: 20, pulseMs: 0, watcher: {fileEvents: false}}).start();
	let holder: Awaited<ReturnType<typeof fakeBroker>> | undefined;
	try {
		assert.match(planStartLive(session.getView()).message, /^start a live node: it writes F, takes the free live lock \(serverlock\.1\) and writes L$/);
		// A backup in the takeover window holds both locks (Artemis lets go of the backup lock last).
		holder = await fakeBroker({plain: true, locks: [{file: group.backupLock}, {file: group.primaryLock}]});
		await waitFor('the holder seen', () => session.getView().snapshot.probe?.locks.live.locked, 5000);
		assert.match(planStartLive(session.getView()).message, new RegExp(`The current live, pid ${holder.pid} POSIX, is an activated backup \\(it held the backup lock before\\): it steps down`));
		await stop(holder);
		holder = await fakeBroker({plain: true, locks: [{file: group.primaryLock}]});
		await waitFor('the new holder seen', () => session.getView().snapshot.probe?.locks.live.holders[0]?.pid === holder!.pid, 5000);
		assert.match(planStartLive(session.getView()).message, new RegExp(`ha-tui cannot tell what the live, pid ${holder.pid} POSIX, is .* if it is a primary it never steps down`));
	} finally {
		await session.close();
		if (holder) await stop(holder);
		temp.cleanup();
	}
});

test('x and r on a real session: finished nodes cleared, a stopped backup restarted in its place; state-lock flaps fold into one line', {skip: !linux}, async () => {
	const temp = tempDir('ha-tui-session-clear-');
	const session = new Session(temp.file, {intervalMs: 20, nodeOptions: {failbackCheckMs: 20, lostLockCheckMs: 20, backoffMs: 20}}).start();
	const phase = (id: string) => session.getView().nodes.find(node => node.id === id)?.phase;
	try {
		session.startLive();
		session.startBackup();
		session.startBackup();
		await waitFor('all up', () => phase('n1') === 'live' && phase('n3') === 'waiting-backup-lock', 5000);
		assert.equal(session.clearFinished().ok, false, 'nothing finished yet');
		await session.pause('n3');
		assert.equal(session.restart('n2').ok, false, 'a running node is not restarted');
		const restarted = session.restart('n3');
		assert.equal(restarted.ok, true, restarted.message);
		assert.deepEqual(session.getView().nodes.map(node => `${node.label} ${node.role}`), ['#1 live', '#2 backup', '#4 backup']);
		await waitFor('#4 queued', () => phase('n4') === 'waiting-backup-lock', 5000);
		await session.pause('n4');
		const cleared = session.clearFinished();
		assert.equal(cleared.ok, true, cleared.message);
		assert.deepEqual(session.getView().nodes.map(node => node.label), ['#1', '#2']);
		// Every pause and start takes the state lock for microseconds: some flaps were seen, one line.
		const stateLines = session.getView().log.filter(entry => /^state lock/.test(entry.text));
		for (const line of stateLines.slice(1)) assert.doesNotMatch(line.text, /^state lock: /, 'a flap within 10 s of the first is folded');
	} finally {
		await session.stopAll({failover: false});
		await session.close();
		temp.cleanup();
	}
});

test('state-lock flaps within 10 s share one event line, counted; a flap later starts a new line', {skip: !linux}, async () => {
	const temp = tempDir('ha-tui-session-fold-');
	fs.writeFileSync(temp.file, encodeNewLockFile());
	let watcher: LockFileWatcher | undefined;
	const session = new Session(temp.file, {intervalMs: 60_000, pulseMs: 0, watcher: {fileEvents: false}, createWatcher: (file, options) => watcher = new LockFileWatcher(file, options)}).start();
	try {
		const snapshot = watcher!.latest!;
		const flap = (at: number, holder: string) => watcher!.emit('update', {snapshot: {...snapshot, takenAt: snapshot.takenAt + at}, changes: [{kind: 'locks', segment: 'state', message: `state lock: free → ${holder}`}]});
		flap(0, 'pid 1');
		flap(3000, 'pid 2');
		flap(9000, 'pid 3');
		const lines = () => session.getView().log.filter(entry => /^state lock/.test(entry.text)).map(entry => entry.text);
		assert.deepEqual(lines(), ['state lock taken 3× in 9 s (last: free → pid 3)']);
		flap(20_000, 'pid 4');
		assert.deepEqual(lines(), ['state lock taken 3× in 9 s (last: free → pid 3)', 'state lock: free → pid 4']);
	} finally {
		await session.close();
		temp.cleanup();
	}
});
