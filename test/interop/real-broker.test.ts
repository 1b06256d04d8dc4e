// ha-tui beside a real broker pair: an apache-artemis distribution from Maven Central (2.40.0 in
// `npm test`; 2.56.0 and 2.21.0 in `npm run test:matrix`, versions.ts), two instances made with
// `artemis create --shared-store` (one with --backup, --slave before 2.31) on one data directory,
// run with `bin/artemis run`. The steps build on each other (one pair per version, to keep it
// under two minutes on two cores): status on the healthy pair, a kill -9 of the primary seen by
// watch, an ha-tui backup queued behind the activated backup broker taking over when it dies, and
// a restarted primary broker failing back from ha-tui.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {BrokerPair, brokerLine, brokerLog, distributionHome, realArtemis, sequentialSteps} from '../helpers/artemis.js';
import {ProcessGroup, type Spawned} from '../helpers/spawned.js';
import {hexId, holdsFor, pids, statusWhen, type Report} from './real-node-manager.js';
import {brokerDistributions, selectedTiers, type BrokerDistribution} from './versions.js';

const lostLock = (broker: Spawned) => broker.lines.some(line => line.includes('Lost NodeManager lock') || line.includes('AMQ222010'));

const tiers = selectedTiers();
for (const distribution of brokerDistributions) if (tiers.includes(distribution.tier)) brokerPairInterop(distribution);

function brokerPairInterop(distribution: BrokerDistribution): void {
	const group = new ProcessGroup();
	let root: string | undefined;
	let pair: BrokerPair;
	let primary: Spawned;
	let backup: Spawned;
	let haTuiBackup: Spawned;

	const {step, skip} = sequentialSteps(group);

	describe(`a real Artemis ${distribution.version} shared-store broker pair (${distribution.groupId}:apache-artemis, bin/artemis run) with ha-tui`, () => {
		before(async () => {
			const artemis = await realArtemis();
			if ('skip' in artemis) {
				skip(artemis.skip);
				return;
			}

			root = fs.mkdtempSync(path.join(os.tmpdir(), `ha-tui-broker-${distribution.version}-`));
			pair = await BrokerPair.create(artemis, root, await distributionHome(artemis, distribution.version), distribution.backupFlag);
			({primary, backup} = await pair.startBoth(group));
		});

		after(async () => {
			await group.killAll();
			if (root) fs.rmSync(root, {recursive: true, force: true});
		});

		test('status on the healthy pair: exit 0, files layout, naming both java pids', async t => step(t, async () => {
			const healthy = await statusWhen(pair.journal, 'the primary and backup brokers as holders', r => pids(r, 'live').includes(primary.pid) && pids(r, 'backup').includes(backup.pid), 10_000);
			assert.equal(healthy.code, 0, healthy.raw.stdout);
			assert.equal(healthy.report.verdict, 'healthy');
			assert.equal(healthy.report.layout, distribution.layout);
			assert.deepEqual(pids(healthy.report, 'live'), [primary.pid]);
			assert.deepEqual(pids(healthy.report, 'backup'), [backup.pid]);
			for (const segment of ['live', 'backup'] as const) {
				assert.equal(healthy.report.locks[segment].holders[0].kind, 'POSIX');
				assert.match(healthy.report.locks[segment].holders[0].command ?? '', /java/);
			}

			// AMQ221001: "… Message Broker version 2.40.0 [primary, nodeID=<uuid>]" (2.21: [live, …])
			const announced = /nodeID=([\da-f-]{36})/.exec(primary.lines.find(line => line.includes('AMQ221001')) ?? '');
			assert.ok(announced, 'the primary logged its node id');
			assert.equal(hexId(healthy.report.nodeId), hexId(announced[1]), 'status shows the broker\'s node id');
		}));

		test('kill -9 of the primary broker: the backup broker activates and watch --json shows the live lock passing to it', async t => step(t, async () => {
			const watch = group.cli('watch', ['watch', pair.journal, '--json']);
			await watch.waitLine('the first line', line => (JSON.parse(line) as Report).verdict === 'healthy', 10_000);
			const from = watch.lines.length;
			const killedAt = performance.now();
			primary.kill('SIGKILL');
			await brokerLine(backup, brokerLog.backupActive, 30_000);
			t.diagnostic(`backup broker active ${(performance.now() - killedAt).toFixed(0)} ms after kill -9 of the primary (log line seen)`);
			const index = await watch.waitLine('a line naming the backup broker as the live holder', line => (JSON.parse(line) as Report).locks?.live.holders[0]?.pid === backup.pid, 10_000, from);
			const line = JSON.parse(watch.lines[index]) as Report & {changes: Array<{kind: string; segment?: string}>};
			assert.ok(line.changes.some(change => change.kind === 'locks' && change.segment === 'live'), JSON.stringify(line.changes));
			assert.equal(line.state, 'L');
			assert.equal(line.layout, distribution.layout);
			watch.kill('SIGTERM');
			assert.equal((await watch.exited).code, 0);
			for (const text of watch.lines) assert.doesNotThrow(() => JSON.parse(text), 'every watch line is one JSON object');
		}));

		test('an ha-tui backup queued behind the activated backup broker takes over when that broker dies', async t => step(t, async () => {
			haTuiBackup = group.cli('ha-tui-backup', ['node', pair.journal, '--role', 'backup']);
			await haTuiBackup.waitEvent('waiting-live-lock', 15_000);
			const queued = await statusWhen(pair.journal, 'backup broker live + ha-tui backup', r => pids(r, 'live').includes(backup.pid) && pids(r, 'backup').includes(haTuiBackup.pid));
			assert.equal(queued.code, 0, queued.raw.stdout);
			assert.equal(queued.report.verdict, 'healthy');
			assert.equal(haTuiBackup.hasEvent('live'), false);

			const killedAt = performance.now();
			backup.kill('SIGKILL');
			await haTuiBackup.waitEvent('live', 10_000);
			t.diagnostic(`ha-tui backup live ${(performance.now() - killedAt).toFixed(1)} ms after kill -9 of the backup broker`);
			const taken = await statusWhen(pair.journal, 'ha-tui live', r => pids(r, 'live').length === 1 && pids(r, 'live')[0] === haTuiBackup.pid);
			assert.equal(taken.report.state, 'L');
			assert.equal(taken.code, 1, 'live, no backup: WARNING');
		}));

		test('a restarted primary broker fails back: the ha-tui backup steps down and queues again, the broker is active', async t => step(t, async () => {
			const from = haTuiBackup.lines.length;
			const watch = group.cli('watch-failback', ['watch', pair.journal, '--json']);
			await watch.waitLine('the first line', () => true, 10_000);
			primary = pair.start(group, 'primary', 'broker-primary-2');
			const steppedDown = await haTuiBackup.waitEvent('stepping-down', 60_000, from);
			await brokerLine(primary, brokerLog.primaryActive, 30_000);
			await haTuiBackup.waitEvent('waiting-live-lock', 15_000, steppedDown);
			const back = await statusWhen(pair.journal, 'primary broker live + ha-tui backup', r => pids(r, 'live').includes(primary.pid) && pids(r, 'backup').includes(haTuiBackup.pid));
			assert.equal(back.code, 0, back.raw.stdout);
			assert.equal(back.report.verdict, 'healthy');
			assert.equal(back.report.state, 'L');
			// The primary writes F, takes serverlock.1 and writes L once active: while it holds the
			// lock with F it is activating — never "the active node should step down" of itself.
			watch.kill('SIGTERM');
			await watch.exited;
			const reports = watch.lines.map(line => JSON.parse(line) as Report & {summary: string});
			const activating = reports.filter(r => r.state === 'F' && pids(r, 'live').includes(primary.pid));
			t.diagnostic(`${activating.length} watch looks saw the primary broker activating with F`);
			for (const report of activating) assert.match(report.summary, /^primary \(primary\) pid \d+ holds the primary lock and is activating/, report.summary);
			for (const report of reports.filter(r => r.state === 'F' && pids(r, 'live').includes(haTuiBackup.pid))) assert.match(report.summary, /should step down/, report.summary);

			// The primary's lock monitor runs every 2 s and would stop the broker if ha-tui touched
			// server.lock while it is live: watch it through one full run.
			await holdsFor(2500, () => {
				assert.equal(lostLock(primary), false, 'the primary broker lost its lock');
				assert.equal(primary.exit, undefined, 'the primary broker still runs');
				assert.equal(haTuiBackup.hasEvent('live', steppedDown), false, 'ha-tui took the role back');
			});
		}));
	});
}
