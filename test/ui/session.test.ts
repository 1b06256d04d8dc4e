// The Session on a real temp lock file: in-process nodes contend through OFD locks.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {afterEach, beforeEach, test} from 'node:test';
import {STATE, decodeLockFile} from '../../source/lock-file/index.js';
import {Session} from '../../source/session/session.js';
import {tempDir} from '../helpers/temp.js';
import {until} from './fixtures.js';

const linux = process.platform === 'linux';
let temp: ReturnType<typeof tempDir>;
let session: Session;
beforeEach(() => {
	temp = tempDir('ha-tui-session-');
	session = new Session(temp.file, {intervalMs: 50, nodeOptions: {failbackCheckMs: 20, lostLockCheckMs: 20, backoffMs: 20}}).start();
});
afterEach(async () => {
	await session.stopAll({failover: false});
	await session.close();
	temp.cleanup();
});

const phase = (id: string) => session.getView().nodes.find(node => node.id === id)?.phase;
const logged = (pattern: RegExp) => until(`log to match ${pattern}\n${session.getView().log.map(entry => entry.text).join('\n')}`, () => session.getView().log.some(entry => pattern.test(entry.text)), 5000);
const state = () => decodeLockFile(fs.readFileSync(temp.file)).state;

test('a live started on a missing file creates it; the watcher sees it', {skip: !linux}, async () => {
	assert.equal(session.getView().snapshot.status, 'missing');
	assert.equal(session.startLive().ok, true);
	await until('live', () => phase('n1') === 'live');
	await until('snapshot ok', () => session.getView().snapshot.status === 'ok' && session.getView().snapshot.probe?.locks.live.locked);
	assert.equal(state(), STATE.live);
});

test('force failover: a waiting in-process backup takes over, with the measured hand-over', {skip: !linux}, async () => {
	session.startLive();
	session.startBackup();
	session.startBackup();
	await until('backup waiting', () => phase('n2') === 'waiting-live-lock' && phase('n3') === 'waiting-backup-lock');
	const result = await session.forceFailover('n1');
	assert.equal(result.ok, true, result.message);
	await until('n2 live', () => phase('n2') === 'live');
	assert.equal(session.getView().nodes.find(node => node.id === 'n2')?.activated, true);
	await logged(/#2 backup became LIVE [\d.]+ ms after #1 live released the live lock/);
	await until('n3 queues', () => phase('n3') === 'waiting-live-lock');
	assert.equal(state(), STATE.live);
});

test('failback is refused while no backup is live, then taken back from an activated backup', {skip: !linux}, async () => {
	const refused = session.requestFailback();
	assert.equal(refused.ok, false);
	assert.match(refused.message, /no failback/);
	session.startLive();
	session.startBackup();
	await until('backup waiting', () => phase('n2') === 'waiting-live-lock');
	await until('watcher sees the live', () => session.getView().snapshot.probe?.locks.live.locked);
	assert.match(session.requestFailback().message, /started as a live, not an activated backup/);
	await session.forceFailover('n1');
	await until('n2 live', () => phase('n2') === 'live');
	await until('watcher sees the new live', () => session.getView().snapshot.probe?.locks.live.locked);
	const accepted = session.requestFailback();
	assert.equal(accepted.ok, true, accepted.message);
	await until('n3 live', () => phase('n3') === 'live', 5000);
	await logged(/#2 backup: stepping down/);
	await logged(/#3 live: LIVE [\d.]+ ms after #2 backup released the live lock/);
});

test('pause writes P; stopAll stops everything cleanly', {skip: !linux}, async () => {
	session.startLive();
	session.startBackup();
	await until('live', () => phase('n1') === 'live');
	assert.equal((await session.pause('n1')).ok, true);
	assert.equal(state(), STATE.paused);
	assert.equal(phase('n1'), 'paused');
	assert.equal((await session.pause('n1')).ok, false);
	await session.stopAll({failover: false});
	await until('stopped', () => phase('n2') === 'stopped');
});

test('a node that cannot start says why in one line', {skip: !linux}, async () => {
	const fifo = path.join(temp.dir, 'fifo');
	execFileSync('mkfifo', [fifo]);
	const other = new Session(fifo, {intervalMs: 50}).start();
	try {
		assert.equal(other.getView().snapshot.status, 'error');
		const result = other.startLive();
		assert.equal(result.ok, false);
		assert.match(result.message, /^cannot start a live: .*fifo: is a FIFO/);
		assert.ok(!result.message.includes('\n'));
		assert.equal(other.getView().nodes.length, 0);
	} finally {
		await other.close();
	}
});
