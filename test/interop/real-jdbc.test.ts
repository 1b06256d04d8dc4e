// ha-tui nodes against the REAL org.apache.activemq.artemis.core.server.impl.jdbc.JdbcNodeManager
// (artemis-server + artemis-jdbc-store 2.40.0, pgjdbc 42.7) on one table of a real PostgreSQL:
// failover both ways after SIGKILL (the lease must run out first), P respected both ways,
// failback both ways, and `status` naming the JVM's lease with the right verdict.
// Leases are short here (renew 500 ms, lease 3 s) so a crash costs seconds, not 20 s.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {jdbcDriverCommand, realJdbcArtemis, startJdbcDriver, type RealJdbc} from '../helpers/jdbc-artemis.js';
import {createArtemisTable, PG_PASSWORD, PG_USER, postgresFixture} from '../helpers/postgres.js';
import {ProcessGroup, runCli, type Spawned} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';

const RENEW = 500;
const LEASE = 3000;
const timing = ['--lock-renew-period', String(RENEW), '--lock-expiration', String(LEASE)];
const jvmTiming = ['--renew-ms', String(RENEW), '--expiration-ms', String(LEASE)];

let real: RealJdbc | undefined;
let tables = 0;
const postgres = postgresFixture({
	async requires() {
		const artemis = await realJdbcArtemis();
		if ('skip' in artemis) return artemis.skip;
		real = artemis;
		return undefined;
	},
});

type Case = {
	table: string;
	group: ProcessGroup;
	jvm(role: 'primary' | 'backup', name?: string): Spawned;
	haTui(role: 'primary' | 'backup', name?: string): Spawned;
	status(): Promise<{code: number | null; report: StatusReport}>;
	row(id: number): Promise<{holder_id: string | null; holder_expiration_time: string | null; state: string | null}>;
	dbNow(): Promise<number>;
};

type StatusReport = {verdict: string; state: string | null; locks: Record<'live' | 'backup', {held: boolean; holderId: string | null; leftMs: number | null}>};

async function withCase(t: {skip: (message: string) => void}, body: (c: Case) => Promise<void>): Promise<void> {
	const database = postgres.db;
	if (!database || !real) {
		t.skip(postgres.skip || 'no PostgreSQL');
		return;
	}

	const artemis = real;
	const table = `real_nms_${++tables}`;
	await createArtemisTable(database, table);
	const jdbcUrl = `jdbc:postgresql://127.0.0.1:${database.port}/ha?user=${PG_USER}&password=${PG_PASSWORD}`;
	const group = new ProcessGroup();
	const c: Case = {
		table,
		group,
		jvm: (role, name = `jvm-${role}`) => startJdbcDriver(group, artemis, role, jdbcUrl, table.toUpperCase(), name, jvmTiming),
		haTui: (role, name = `ha-tui-${role}`) => group.cli(name, ['node', database.url, '--table', table, '--role', role, ...timing]),
		async status() {
			const result = await runCli(['status', database.url, '--table', table, '--json']);
			return {code: result.code, report: JSON.parse(result.stdout) as StatusReport};
		},
		async row(id) {
			return (await database.sql(`SELECT holder_id, holder_expiration_time::TEXT, state FROM ${table} WHERE id = $1`, [id])).rows[0] as {holder_id: string | null; holder_expiration_time: string | null; state: string | null};
		},
		async dbNow() {
			return Number((await database.sql('SELECT FLOOR(EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT AS now')).rows[0].now);
		},
	};
	try {
		await body(c);
	} catch (error) {
		if (error instanceof Error) error.message += `\n${group.describe()}`;
		throw error;
	} finally {
		await group.killAll();
	}
}

const holderOf = (node: Spawned) => String(node.events().find(event => typeof event.holderId === 'string')?.holderId);
const eventTime = (event: Record<string, unknown>) => (typeof event.time === 'number' ? event.time : Date.parse(String(event.time)));

describe('ha-tui and the real JdbcNodeManager (Artemis 2.40.0) on one PostgreSQL table', () => {
	test('JVM primary, ha-tui backup: status names the JVM\'s lease; SIGKILL of the JVM: takeover only after its lease ran out', async t => {
		await withCase(t, async c => {
			const jvm = c.jvm('primary');
			await jvm.next('live', 30_000);
			const backup = c.haTui('backup');
			await backup.next('waiting-live-lock');
			const {code, report} = await c.status();
			assert.equal(report.verdict, 'healthy');
			assert.equal(code, 0);
			assert.equal(report.locks.live.holderId, holderOf(jvm), 'status names the JVM\'s holder id on the primary row');
			assert.equal(report.locks.backup.holderId, holderOf(backup));
			const lease = Number((await c.row(1)).holder_expiration_time);
			jvm.kill('SIGKILL');
			const live = await backup.next('live', LEASE + 5000);
			assert.ok(eventTime(live) >= lease - 50, `took over ${lease - eventTime(live)} ms before the JVM's lease ended`);
			assert.equal((await c.row(1)).holder_id, holderOf(backup));
			assert.equal((await c.row(0)).state, 'L');
		});
	});

	test('ha-tui primary, JVM backup: SIGKILL of ha-tui: the JVM takes over after the lease ran out; status names its lease', async t => {
		await withCase(t, async c => {
			const primary = c.haTui('primary');
			await primary.next('live');
			const jvm = c.jvm('backup');
			await jvm.next('backup', 30_000);
			await waitFor('the JVM holds the backup row', async () => (await c.row(2)).holder_id === holderOf(jvm));
			const lease = Number((await c.row(1)).holder_expiration_time);
			primary.kill('SIGKILL');
			const live = await jvm.next('live', LEASE + 5000);
			assert.ok(eventTime(live) >= lease - 50, `took over ${lease - eventTime(live)} ms before ha-tui's lease ended`);
			const {code, report} = await c.status();
			assert.equal(report.locks.live.holderId, holderOf(jvm));
			assert.equal(report.verdict, 'no-backup');
			assert.equal(code, 1);
		});
	});

	test('P is respected both ways: a paused JVM primary keeps the ha-tui backup off, a paused ha-tui primary the JVM backup', async t => {
		await withCase(t, async c => {
			const jvm = c.jvm('primary');
			await jvm.next('live', 30_000);
			const backup = c.haTui('backup');
			await backup.next('waiting-live-lock');
			jdbcDriverCommand(jvm, 'pause');
			await jvm.waitExit(10_000);
			assert.equal((await c.row(0)).state, 'P');
			await new Promise(resolve => setTimeout(resolve, 2 * LEASE));
			assert.ok(!backup.hasEvent('live'), 'the ha-tui backup took over a paused group');
			assert.equal((await c.row(0)).state, 'P');
			const {report} = await c.status();
			assert.equal(report.verdict, 'no-live');
		});

		await withCase(t, async c => {
			const primary = c.haTui('primary');
			await primary.next('live');
			const jvm = c.jvm('backup');
			await jvm.next('backup', 30_000);
			primary.kill('SIGTERM');
			await primary.next('paused');
			assert.equal((await primary.waitExit()).code, 0);
			assert.equal((await c.row(0)).state, 'P');
			// Released: the row is free, or the JVM backup holds it for a moment — it read L just before the
			// primary wrote P, won row 1 as it was released, and lets go once it reads the state again (P).
			assert.notEqual((await c.row(1)).holder_id, holderOf(primary), 'the paused primary released its lease');
			await new Promise(resolve => setTimeout(resolve, 2 * LEASE));
			assert.ok(!jvm.hasEvent('live'), 'the JVM backup took over a paused group');
			assert.equal((await c.row(0)).state, 'P');
			assert.equal((await c.row(1)).holder_id, null, 'nobody holds the primary row of a paused group');
		});
	});

	test('failback both ways: an ha-tui primary gets its role back from the JVM, a JVM primary from ha-tui', async t => {
		await withCase(t, async c => {
			const first = c.haTui('primary', 'ha-tui-primary-1');
			await first.next('live');
			const jvm = c.jvm('backup');
			await jvm.next('backup', 30_000);
			first.kill('SIGKILL');
			await jvm.next('live', LEASE + 5000);
			const again = c.haTui('primary', 'ha-tui-primary-2');
			await jvm.next('stepping-down', 10_000);
			await again.next('live', 10_000);
			assert.equal((await c.row(1)).holder_id, holderOf(again));
			assert.equal((await c.row(0)).state, 'L');
		});

		await withCase(t, async c => {
			const jvm = c.jvm('primary', 'jvm-primary-1');
			await jvm.next('live', 30_000);
			const backup = c.haTui('backup');
			await backup.next('waiting-live-lock');
			jvm.kill('SIGKILL');
			await backup.next('live', LEASE + 5000);
			const back = c.jvm('primary', 'jvm-primary-2');
			await backup.next('stepping-down', 30_000);
			await back.next('live', 30_000);
			assert.equal((await c.row(1)).holder_id, holderOf(back));
			assert.equal((await c.row(0)).state, 'L');
			// The stepped-down ha-tui node queues again as a backup.
			await backup.nextMatching('queued again', event => event.event === 'waiting-live-lock' && backup.events().indexOf(event) > backup.events().findIndex(e => e.event === 'stepping-down'), 10_000);
		});
	});
});
