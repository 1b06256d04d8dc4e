// Activation scenarios of PROTOCOL.md, run against both NodeManager implementations.
import assert from 'node:assert/strict';
import process from 'node:process';
import {after, afterEach, beforeEach, describe, test} from 'node:test';
import {STATE} from '../../source/lock-file/format.js';
import type {HaNode, NodePhase} from '../../source/node-manager/index.js';
import {waitFor} from '../helpers/wait.js';
import {startPostgres, type Postgres} from '../helpers/postgres.js';
import {callsOf, filesHarness, flockHarness, jdbcHarness, memoryHarness, rangesHarness, type Harness} from './harness.js';

const phaseIs = (node: HaNode, phase: NodePhase) => () => node.phase === phase;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const livesOf = (nodes: HaNode[]) => nodes.filter(node => node.phase === 'live');

// Named here, not by make().name: building a harness only for its name left a temp directory behind.
// The JDBC store needs a real PostgreSQL, started once for this file (skipped where none is installed).
let database: Postgres | {skip: string} | undefined;
const postgres = async () => {
	database ??= await startPostgres();
	return database;
};

after(async () => {
	if (database && !('skip' in database)) await database.stop();
});

const harnesses: ReadonlyArray<readonly [string, () => Harness | Promise<Harness | {skip: string}>]> = [
	['InMemoryNodeManager', memoryHarness],
	['FileLockNodeManager (files layout)', filesHarness],
	['FileLockNodeManager (ranges layout)', rangesHarness],
	['FileLockNodeManager (flock layout: HornetQ / Artemis ≤ 2.0 AIO)', flockHarness],
	['JdbcNodeManager (PostgreSQL)', async () => {
		const db = await postgres();
		return 'skip' in db ? db : jdbcHarness(db);
	}],
];
for (const [name, build] of harnesses) {
	describe(name, () => {
		let h: Harness;
		let skipped: string | undefined;
		afterEach(async () => h?.cleanup());
		beforeEach(async () => {
			const made = await build();
			if ('skip' in made) skipped = made.skip;
			else h = made;
		});

		async function startedLive(): Promise<HaNode> {
			const live = h.node('live');
			live.start();
			await waitFor('live', phaseIs(live, 'live'));
			return live;
		}

		async function liveAndBackup(options?: Parameters<Harness['node']>[1]): Promise<{live: HaNode; backup: HaNode}> {
			const live = await startedLive();
			const backup = h.node('backup', options);
			backup.start();
			await waitFor('backup waiting', phaseIs(backup, 'waiting-live-lock'));
			return {live, backup};
		}

		test('live start: creates the file, holds the live lock, state L', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const live = await startedLive();
			assert.equal((await h.state()), STATE.live);
			assert.ok((await h.liveLocked()));
			assert.match((await h.nodeId())!, /^[\da-f-]{36}$/);
			assert.equal(live.nodeId, await h.nodeId());
		});

		test('backup queue of three: one holds the backup lock, the others wait behind it', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const live = await startedLive();
			const backups = [h.node('backup'), h.node('backup'), h.node('backup')];
			for (const backup of backups) backup.start();
			await waitFor('queue', () => backups.filter(b => b.phase === 'waiting-live-lock').length === 1 && backups.filter(b => b.phase === 'waiting-backup-lock').length === 2);
			assert.ok((await h.backupLocked()));
			const first = backups.find(b => b.phase === 'waiting-live-lock')!;
			live.crash();
			await waitFor('first backup live', phaseIs(first, 'live'));
			await waitFor('next backup queued on the live lock', () => backups.filter(b => b.phase === 'waiting-live-lock').length === 1);
			assert.equal(livesOf(backups).length, 1);
			assert.equal((await h.state()), STATE.live);
		});

		test('crash failover: a backup becomes live, state stays L, node id unchanged', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const live = await startedLive();
			const id = (await h.nodeId());
			const backup = h.node('backup');
			backup.start();
			await waitFor('backup waiting', phaseIs(backup, 'waiting-live-lock'));
			live.crash();
			await waitFor('backup live', phaseIs(backup, 'live'));
			assert.equal(backup.activated, true);
			assert.equal((await h.state()), STATE.live);
			assert.equal((await h.nodeId()), id);
			assert.equal((await h.backupLocked()), false, 'the activated backup released the backup lock');
		});

		test('pause: P is written and no backup takes over', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const {live, backup} = await liveAndBackup();
			const mark = callsOf(backup).length;
			await live.pause();
			assert.equal(live.phase, 'paused');
			assert.equal((await h.state()), STATE.paused);
			// What would come first if it were to take over: the backup wakes and reads P — twice,
			// so it has also been through one back-off and decided again.
			await waitFor('the backup read P twice', () => callsOf(backup).slice(mark).filter(call => call.method === 'readState' && call.result === STATE.paused).length >= 2);
			assert.notEqual(backup.phase, 'live');
			assert.equal((await h.state()), STATE.paused);
		});

		test('force failover: L is left and a backup takes over', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const {live, backup} = await liveAndBackup();
			await live.forceFailover();
			assert.equal(live.phase, 'stopped');
			await waitFor('backup live', phaseIs(backup, 'live'));
			assert.equal((await h.state()), STATE.live);
		});

		test('failback: the ex-live gets its role back, a second waiting backup never wins', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const live = await startedLive();
			const b1 = h.node('backup');
			b1.start();
			await waitFor('b1 waiting', phaseIs(b1, 'waiting-live-lock'));
			const b2 = h.node('backup');
			b2.start();
			await waitFor('b2 queued', phaseIs(b2, 'waiting-backup-lock'));
			live.crash();
			await waitFor('b1 live', phaseIs(b1, 'live'));
			await waitFor('b2 waiting on the live lock', phaseIs(b2, 'waiting-live-lock'));
			const b2Phases: string[] = [];
			b2.on('event', event => b2Phases.push(event.event));
			const exLive = h.node('live');
			exLive.start();
			await waitFor('ex-live back', phaseIs(exLive, 'live'));
			assert.equal((await h.state()), STATE.live);
			assert.ok(!b2Phases.includes('live'), `b2 must not win: ${b2Phases.join(',')}`);
			await waitFor('b1 queued again as a backup', () => b1.phase === 'waiting-backup-lock' || b1.phase === 'waiting-live-lock');
			assert.equal(livesOf([exLive, b1, b2]).length, 1);
		});

		test('a live that stops before it gets the lock puts back the L its F replaced, so the backups still take over later', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const {live, backup} = await liveAndBackup();
			const second = h.node('live');
			second.start();
			await waitFor('second live failing back', phaseIs(second, 'failing-back'));
			assert.equal((await h.state()), STATE.failingBack);
			await second.stop();
			assert.equal(second.phase, 'stopped');
			assert.equal((await h.state()), STATE.live, 'the F was left in place: a backup would never take over');
			live.crash();
			await waitFor('backup takes over', phaseIs(backup, 'live'));
		});

		test('failback is ignored with allowFailback off', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const live = await startedLive();
			const backup = h.node('backup', {allowFailback: false});
			backup.start();
			await waitFor('waiting', phaseIs(backup, 'waiting-live-lock'));
			live.crash();
			await waitFor('backup live', phaseIs(backup, 'live'));
			const exLive = h.node('live');
			exLive.start();
			await waitFor('ex-live failing back', phaseIs(exLive, 'failing-back'));
			// The live backup's monitor wakes on the F write and on its period: two looks after F.
			const mark = callsOf(backup).length;
			await waitFor('the live backup looked twice since F', () => callsOf(backup).slice(mark).filter(call => call.method === 'lostLock').length >= 2);
			assert.equal(backup.phase, 'live');
			assert.equal((await h.state()), STATE.failingBack);
		});

		test('lost lock: a replaced file makes the live stop, and it never writes the new file', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const live = h.node('live');
			const phases: string[] = [];
			live.on('event', event => phases.push(event.event));
			live.start();
			await waitFor('live', phaseIs(live, 'live'));
			(await h.replaceFile());
			const newId = (await h.nodeId());
			await waitFor('lost-lock', phaseIs(live, 'lost-lock'), 1000);
			await live.stop();
			assert.equal((await h.nodeId()), newId);
			assert.equal((await h.state()), STATE.paused, 'the new file keeps its own state');
			assert.deepEqual(phases, ['failing-back', 'live', 'lost-lock']);
		});

		test('backups rejoin on the file now at the path after an rm, and take over there', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			if (!h.removeFile) {
				t.skip(`${name}: no file to remove (a table is not dropped under running brokers)`);
				return;
			}

			const live = await startedLive();
			const backup = h.node('backup');
			const details: string[] = [];
			backup.on('event', event => details.push(`${event.event}:${event.detail ?? ''}`));
			backup.start();
			await waitFor('backup waiting', phaseIs(backup, 'waiting-live-lock'));

			h.removeFile();
			await waitFor('live lost its lock', phaseIs(live, 'lost-lock'), 1000);
			await waitFor('backup noticed', () => details.some(d => d.includes('deleted or replaced')), 1000);
			// Rejoining, it opens without creating: wait for two such opens that found no file.
			const mark = callsOf(backup).length;
			await waitFor('the backup looked for the file twice', () => callsOf(backup).slice(mark).filter(call => call.method === 'open' && call.failed).length >= 2, 1000);
			assert.equal(backup.phase, 'waiting-backup-lock', 'waits for the file to come back, never creates it');
			const newLive = h.node('live');
			newLive.start();
			await waitFor('new live', phaseIs(newLive, 'live'));
			await waitFor('backup queued on the new file', phaseIs(backup, 'waiting-live-lock'));
			assert.ok((await h.backupLocked()));
			newLive.crash();
			await waitFor('backup live on the new file', phaseIs(backup, 'live'));
			assert.equal((await h.state()), STATE.live);
		});

		test('cancellation: stopping waiting nodes ends every wait and leaves no timer or lock', async t => {
			if (skipped) {
				t.skip(skipped);
				return;
			}

			const resources = () => process.getActiveResourcesInfo().filter(name => name === 'Timeout').length;
			const baseline = resources();
			const live = await startedLive();
			const b1 = h.node('backup');
			const b2 = h.node('backup');
			b1.start();
			b2.start();
			await waitFor('both waiting', () => [b1.phase, b2.phase].sort().join() === 'waiting-backup-lock,waiting-live-lock');
			const started = Date.now();
			await Promise.all([b1.stop(), b2.stop()]);
			assert.ok(Date.now() - started < 1000);
			assert.equal(b1.phase, 'stopped');
			assert.equal(b2.phase, 'stopped');
			assert.equal((await h.backupLocked()), false);
			await live.pause();
			assert.equal((await h.liveLocked()), false);
			await sleep(10);
			assert.equal(resources(), baseline, 'no timer left behind');
		});
	});
}
