// doctor and status beside real brokers (issue 10): the apache-artemis 2.40.0 distribution,
// instances made with `artemis create --shared-store` (one with --backup), run with bin/artemis run.
// One pair on one data directory: status names both brokers with their roles, doctor says healthy,
// kill -STOP on the primary gives holder-stopped, a clean stop of the primary gives paused. Then a
// primary and a backup created with different data directories: never-started and not-shared.
// Skips with one line when java/mvn are missing (test/helpers/artemis.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {clearBrokerCache} from '../../source/broker/index.js';
import {doctor, type DoctorJson} from '../../source/commands/doctor.js';
import {BrokerPair, brokerLine, brokerLog, realArtemis, type RealArtemis, sequentialSteps} from '../helpers/artemis.js';
import {ProcessGroup, runCli, type Spawned} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';

const group = new ProcessGroup();
let root: string | undefined;
let artemis: RealArtemis;
let pair: BrokerPair;
let primary: Spawned;
let backup: Spawned;

const {step, skip} = sequentialSteps(group);

async function runDoctor(directory: string): Promise<{code: number; json: DoctorJson}> {
	const out: string[] = [];
	clearBrokerCache();
	const code = await doctor(directory, {json: true, failbackWatchMs: 0}, {out: line => out.push(line), err() {}});
	return {code, json: JSON.parse(out[0]) as DoctorJson};
}

const ids = (json: DoctorJson) => json.findings.map(finding => finding.id);

type Holder = {pid: number | null; broker?: {name: string | null; role: string | null; failoverOnShutdown: boolean | null; allowFailback: boolean | null; lockDirectory: string | null; clusterConnection: boolean | null}};
type Status = {verdict: string; locks: Record<'live' | 'backup', {holders: Holder[]}>};

describe('doctor beside a real Artemis 2.40.0 shared-store pair', () => {
	before(async () => {
		const found = await realArtemis();
		if ('skip' in found) {
			skip(found.skip);
			return;
		}

		artemis = found;
		root = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-doctor-broker-'));
		pair = await BrokerPair.create(artemis, path.join(root, 'shared'));
		({primary, backup} = await pair.startBoth(group));
	});

	after(async () => {
		await group.killAll();
		if (root) fs.rmSync(root, {recursive: true, force: true});
	});

	test('status --json names both brokers with their roles and configuration', async t => step(t, async () => {
		const result = await runCli(['status', pair.journal, '--json']);
		const report = JSON.parse(result.stdout) as Status;
		assert.equal(result.code, 0, result.stdout + result.stderr);
		const [live] = report.locks.live.holders;
		const [waiting] = report.locks.backup.holders;
		assert.equal(live.pid, primary.pid);
		assert.equal(waiting.pid, backup.pid);
		assert.deepEqual([live.broker?.name, live.broker?.role, live.broker?.failoverOnShutdown, live.broker?.lockDirectory, live.broker?.clusterConnection], ['primary', 'primary', false, pair.journal, true]);
		assert.deepEqual([waiting.broker?.name, waiting.broker?.role, waiting.broker?.allowFailback, waiting.broker?.lockDirectory], ['backup', 'backup', true, pair.journal]);
		const text = await runCli(['status', pair.journal]);
		assert.match(text.stdout, new RegExp(`primary \\(primary\\) pid ${primary.pid} POSIX`));
		assert.match(text.stdout, new RegExp(`backup \\(backup\\) pid ${backup.pid} POSIX`));
	}));

	test('doctor on the healthy pair: exit 0, no warning', async t => step(t, async () => {
		const {code, json} = await runDoctor(pair.journal);
		assert.equal(code, 0, JSON.stringify(json, null, 1));
		assert.deepEqual(ids(json), ['healthy']);
		assert.match(json.findings[0].title, new RegExp(`primary \\(primary\\) pid ${primary.pid} is live, backup \\(backup\\) pid ${backup.pid} waits as backup`));
	}));

	test('kill -STOP on the primary broker: holder-stopped naming it; kill -CONT: healthy again', async t => step(t, async () => {
		process.kill(primary.pid, 'SIGSTOP');
		try {
			await waitFor('the primary in state T', () => fs.readFileSync(`/proc/${primary.pid}/stat`, 'utf8').includes(') T '), 5000);
			const {code, json} = await runDoctor(pair.journal);
			assert.equal(code, 2);
			assert.equal(ids(json)[0], 'holder-stopped');
			assert.match(json.findings[0].evidence[0], new RegExp(`primary \\(primary\\) pid ${primary.pid} holds the primary \\(live\\) lock`));
		} finally {
			process.kill(primary.pid, 'SIGCONT');
		}

		assert.deepEqual(ids((await runDoctor(pair.journal)).json), ['healthy']);
	}));

	test('a clean stop of the primary (failover-on-shutdown false): paused, naming failover-on-shutdown', async t => step(t, async () => {
		primary.kill('SIGTERM');
		await primary.exited;
		const {code, json} = await runDoctor(pair.journal);
		assert.equal(code, 2, JSON.stringify(json, null, 1));
		assert.equal(ids(json)[0], 'paused');
		assert.match(json.findings[0].fix, /failover-on-shutdown/);
		assert.ok(json.findings[0].evidence.some(line => line.includes(`backup (backup) pid ${backup.pid}`)));
		assert.ok(json.findings[0].evidence.some(line => /failover-on-shutdown=false/.test(line)));
	}));

	test('a primary and a backup created with different data directories: never-started and not-shared', async t => step(t, async () => {
		await group.killAll();
		const one = await BrokerPair.create(artemis, path.join(root!, 'one'));
		const two = await BrokerPair.create(artemis, path.join(root!, 'two'));
		const lonePrimary = one.start(group, 'primary', 'lone-primary');
		await brokerLine(lonePrimary, brokerLog.primaryActive, 60_000);
		const loneBackup = two.start(group, 'backup', 'lone-backup');
		await brokerLine(loneBackup, brokerLog.backupWaiting, 60_000);
		const {code, json} = await runDoctor(two.journal);
		assert.equal(code, 2, JSON.stringify(json, null, 1));
		assert.deepEqual(ids(json).slice(0, 2), ['never-started', 'not-shared']);
		const notShared = json.findings.find(finding => finding.id === 'not-shared')!;
		assert.ok(notShared.evidence.some(line => line.includes(`pid ${lonePrimary.pid}`) && line.includes(one.journal)), notShared.evidence.join('\n'));
		// From the primary's directory: live, no backup, and the lone backup elsewhere.
		const there = await runDoctor(one.journal);
		assert.deepEqual(ids(there.json), ['not-shared', 'no-backup']);
	}));
});
