// The session's actions on a real temp lock file: refused once quit was decided, and the
// dialogs' words from what ha-tui knows of the live (its broker.xml, the backup lock before).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {planFailback, planStartLive} from '../../source/session/policy.js';
import {Session} from '../../source/session/session.js';
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
