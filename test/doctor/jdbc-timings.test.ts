// renew-late and clock-skew judge by the group's real timings: jdbc-lock-renew-period,
// jdbc-lock-expiration and jdbc-allowed-time-diff from the broker.xml of the brokers of THIS
// group on this host (a process that looks like an Artemis broker in /proc, its instance's
// broker.xml naming this database and table), else Artemis' defaults — and the finding says
// which. On a real PostgreSQL; a broker of another table on the same database is not used.
import assert from 'node:assert/strict';
import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {jdbcFindings} from '../../source/store/jdbc/doctor.js';
import {probeJdbc} from '../../source/store/jdbc/probe.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {DEFAULT_TIMINGS, groupBrokers, groupTimings} from '../../source/store/jdbc/timings.js';
import {copyInstance, fakeBroker, hasPython, stop} from '../broker/fake-broker.js';
import {createArtemisTable, PG_DB, PG_USER, postgresFixture} from '../helpers/postgres.js';
import {runCli} from '../helpers/spawned.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-timings-'));
const children: ChildProcess[] = [];
const postgres = postgresFixture({
	async cleanup() {
		for (const child of children) await stop(child);
		fs.rmSync(dir, {recursive: true, force: true});
	},
});

/** An Artemis instance whose broker.xml keeps its store in TABLE on this database, with these timings. */
function jdbcInstance(name: string, table: string, timings: Record<string, string>): string {
	const instance = copyInstance('primary', path.join(dir, name));
	const file = path.join(instance, 'etc', 'broker.xml');
	const settings = Object.entries(timings).map(([key, value]) => `<${key}>${value}</${key}>`).join('\n            ');
	const store = `<store>
         <database-store>
            <jdbc-connection-url>jdbc:postgresql://localhost:${postgres.db!.port}/${PG_DB}?user=${PG_USER}</jdbc-connection-url>
            <jdbc-driver-class-name>org.postgresql.Driver</jdbc-driver-class-name>
            <node-manager-store-table-name>${table}</node-manager-store-table-name>
            ${settings}
         </database-store>
      </store>`;
	fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('<name>broker-a</name>', `<name>broker-a</name>\n      ${store}`));
	return instance;
}

async function startBroker(instance: string): Promise<ChildProcess> {
	const child = await fakeBroker({properties: {'artemis.instance': instance, 'artemis.instance.etc': path.join(instance, 'etc'), 'data.dir': path.join(dir, 'data')}});
	children.push(child);
	return child;
}

const env = {PATH: process.env.PATH ?? '', HOME: dir};

test('doctor judges renew-late by the broker.xml of this group\'s broker, and says so; by the defaults once it is gone', async t => {
	if (!hasPython) return t.skip('python3 missing (the fake broker)');
	const db = postgres.need(t);
	if (!db) return;
	await createArtemisTable(db, 'timing_t');
	// A primary row renewed 2 s ago with a 32 s lease: 30 s left. With Artemis' defaults (4 s
	// renew, 20 s lease) nothing is late; with this group's (1 s renew, 40 s lease) at least
	// 39 s should be left after each renew: the renews are late.
	await db.sql('UPDATE timing_t SET state = \'L\' WHERE id = 0');
	await db.sql('UPDATE timing_t SET holder_id = \'6c7dad0c-edcd-11f1-ac4c-02fc00000001\', holder_expiration_time = FLOOR(EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT + 30000 WHERE id = 1');
	const mine = await startBroker(jdbcInstance('mine', 'TIMING_T', {'jdbc-lock-renew-period': '1000', 'jdbc-lock-expiration': '40000', 'jdbc-allowed-time-diff': '5000'}));
	// Another group's broker on the same database (another table): not ours, not used.
	await startBroker(jdbcInstance('other', 'OTHER_T', {'jdbc-lock-renew-period': '9000', 'jdbc-lock-expiration': '9500'}));

	const target = parseJdbcTarget(db.url, {table: 'timing_t', env});
	const found = groupBrokers(target);
	assert.deepEqual(found.map(broker => broker.pid), [mine.pid], 'only the broker of this table');
	const timings = groupTimings(target, found);
	assert.deepEqual([timings.renewPeriodMs, timings.expirationMs, timings.allowedTimeDiffMs, timings.fromBrokers], [1000, 40_000, 5000, true]);

	const withBroker = await runCli(['doctor', db.url, '--table', 'timing_t'], {env, timeoutMs: 30_000});
	assert.match(withBroker.stdout, new RegExp(`timings {2}renew 1000 ms, lease 40000 ms, allowed time diff 5000 ms — broker\\.xml of broker-a \\(primary\\) pid ${mine.pid}`));
	assert.match(withBroker.stdout, /WARNING +renew-late — the primary's lease has 2\d\.\d s left/);
	assert.match(withBroker.stdout, new RegExp(`with renew every 1\\.0 s and a 40\\.0 s lease \\(broker\\.xml of broker-a \\(primary\\) pid ${mine.pid} `));

	await stop(mine);
	children.splice(children.indexOf(mine), 1);
	const without = await runCli(['doctor', db.url, '--table', 'timing_t'], {env, timeoutMs: 30_000});
	assert.match(without.stdout, /timings {2}renew 4000 ms, lease 20000 ms, allowed time diff 250 ms — Artemis' defaults: no broker of this group found on this host/);
	assert.doesNotMatch(without.stdout, /renew-late/, 'with the defaults 2x s left is on schedule');
});

test('clock-skew by jdbc-allowed-time-diff: 1 s off is a finding with the default 250 ms, none with this group\'s 5000 ms', async t => {
	const db = postgres.need(t);
	if (!db) return;
	await createArtemisTable(db, 'skew_t');
	const target = parseJdbcTarget(db.url, {table: 'skew_t', env});
	const probe = {...await probeJdbc(target), clockSkewMs: -1000, roundTripMs: 2};
	const byDefault = jdbcFindings({probe, connections: [], timings: DEFAULT_TIMINGS}).find(finding => finding.id === 'clock-skew');
	assert.ok(byDefault, 'a finding with the default');
	assert.match(byDefault.title, /1\.0 s ahead of the database's \(jdbc-allowed-time-diff is 250 ms\)/);
	assert.match(byDefault.evidence.join(' '), /Artemis' defaults/);
	const timings = {...DEFAULT_TIMINGS, allowedTimeDiffMs: 5000, source: 'broker.xml of broker-a (primary) pid 1', fromBrokers: true};
	assert.equal(jdbcFindings({probe, connections: [], timings}).find(finding => finding.id === 'clock-skew'), undefined);
	const far = jdbcFindings({probe: {...probe, clockSkewMs: -6000}, connections: [], timings}).find(finding => finding.id === 'clock-skew');
	assert.match(far?.evidence.join(' ') ?? '', /jdbc-allowed-time-diff 5000 ms.*broker\.xml of broker-a \(primary\) pid 1/);
});
