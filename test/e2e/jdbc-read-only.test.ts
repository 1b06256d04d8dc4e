// status, watch and doctor on a REAL PostgreSQL (no mock): read-only, one clear line and exit 3
// on bad input, the password never shown, verdicts by the database clock.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {describe, test} from 'node:test';
import {createArtemisTable, PG_PASSWORD, postgresFixture, tableRows} from '../helpers/postgres.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';

let tables = 0;
const postgres = postgresFixture();

/** A home without ~/.pgpass and an environment without PG* variables: nothing but what the test gives. */
const cleanHome = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-home-'));
const cleanEnv = (extra: Record<string, string> = {}) => {
	const env: Record<string, string> = {PATH: process.env.PATH ?? '', HOME: cleanHome, ...extra};
	return env;
};

const cli = async (args: string[], env = cleanEnv()) => runCli(args, {env, timeoutMs: 20_000});
const nowMs = 'FLOOR(EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT';

async function freshTable(setup?: (table: string) => Promise<void>): Promise<string> {
	const table = `t${++tables}`;
	if (setup) await setup(table);
	else await createArtemisTable(postgres.db!, table);
	return table;
}

function oneLine(stderr: string): string {
	const lines = stderr.trimEnd().split('\n');
	assert.equal(lines.length, 1, `one line, got: ${stderr}`);
	assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
	return lines[0];
}

function noPassword(text: string): void {
	assert.ok(!text.includes(PG_PASSWORD), `the password appears in: ${text}`);
}

describe('JDBC store, read-only commands on a real PostgreSQL', () => {
	test('a missing table: exit 3, one line naming the host, and the table is NOT created (status, doctor, watch)', async t => {
		const db = postgres.need(t);
		if (!db) return;
		for (const command of ['status', 'doctor', 'watch']) {
			const result = await cli([command, db.url, '--table', 'absent_table']);
			assert.equal(result.code, 3, `${command}: ${result.stderr}`);
			assert.match(oneLine(result.stderr), /^ha-tui: 127\.0\.0\.1:\d+: no table absent_table/);
			noPassword(result.stdout + result.stderr);
		}

		const exists = await db.sql("SELECT to_regclass('absent_table') IS NOT NULL AS e");
		assert.equal(exists.rows[0].e, false);
	});

	test('status names the lease holders, the lease left by the DB clock, the state and node id, and writes nothing', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable();
		await db.sql(`UPDATE ${table} SET state = 'L' WHERE id = 0`);
		await db.sql(`UPDATE ${table} SET node_id = '6c7dad0c-edcd-11f1-ac4c-02fc00000001' WHERE id = 3`);
		await db.sql(`UPDATE ${table} SET holder_id = 'aaaaaaaa-0000-4000-8000-000000000001', holder_expiration_time = ${nowMs} + 18000 WHERE id = 1`);
		await db.sql(`UPDATE ${table} SET holder_id = 'bbbbbbbb-0000-4000-8000-000000000002', holder_expiration_time = ${nowMs} + 19000 WHERE id = 2`);
		const rowsBefore = await tableRows(db, table);
		const text = await cli(['status', db.url, '--table', table]);
		assert.equal(text.code, 0, text.stdout + text.stderr);
		assert.match(text.stdout, /^OK: healthy/);
		assert.match(text.stdout, /state {4}'L' \(0x4c\) live/);
		assert.match(text.stdout, /node id {2}6c7dad0c-edcd-11f1-ac4c-02fc00000001/);
		assert.match(text.stdout, /primary {2}\(row 1\) holder aaaaaaaa-0000-4000-8000-000000000001, lease 1[78]\.\d s left — unknown/);
		assert.match(text.stdout, /postgresql:\/\/hatui:\*\*\*@127\.0\.0\.1/);
		const json = await cli(['status', db.url, '--table', table, '--json']);
		const report = JSON.parse(json.stdout) as {verdict: string; state: string; locks: {live: {held: boolean; holderId: string; leftMs: number}}; clockSkewMs: number};
		assert.equal(report.verdict, 'healthy');
		assert.equal(report.locks.live.held, true);
		assert.ok(report.locks.live.leftMs > 15_000 && report.locks.live.leftMs <= 18_000, String(report.locks.live.leftMs));
		assert.ok(Math.abs(report.clockSkewMs) < 1000);
		noPassword(text.stdout + json.stdout);
		await cli(['doctor', db.url, '--table', table]);
		assert.equal(await tableRows(db, table), rowsBefore, 'nothing written');
	});

	test('a lease that ran out with its holder still in the row: lease-expired (exit 2), doctor says when the backup takes over', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable();
		await db.sql(`UPDATE ${table} SET state = 'L' WHERE id = 0`);
		await db.sql(`UPDATE ${table} SET holder_id = 'dead-primary', holder_expiration_time = ${nowMs} - 5000 WHERE id = 1`);
		await db.sql(`UPDATE ${table} SET holder_id = 'waiting-backup', holder_expiration_time = ${nowMs} + 19000 WHERE id = 2`);
		const status = await cli(['status', db.url, '--table', table]);
		assert.equal(status.code, 2);
		assert.match(status.stdout, /^CRITICAL: LEASE EXPIRED — the primary's lease expired 5\.\d s ago .*takeover due in ≤ 2\.0 s/);
		assert.match(status.stdout, /holder dead-primary, lease expired 5\.\d s ago/);
		const doctor = await cli(['doctor', db.url, '--table', table, '--json']);
		const findings = (JSON.parse(doctor.stdout) as {findings: Array<{id: string}>}).findings.map(finding => finding.id);
		assert.equal(doctor.code, 2);
		assert.equal(findings[0], 'lease-expired');
	});

	test('never started (the rows as Artemis creates them, NULLs everywhere): no-live, exit 2; doctor never-started', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable();
		const status = await cli(['status', db.url, '--table', table]);
		assert.equal(status.code, 2);
		assert.match(status.stdout, /^CRITICAL: NO LIVE — no lease on the primary lock: never started/);
		assert.match(status.stdout, /state {4}NULL/);
		const doctor = await cli(['doctor', db.url, '--table', table, '--json']);
		assert.ok((JSON.parse(doctor.stdout) as {findings: Array<{id: string}>}).findings.some(finding => finding.id === 'never-started'));
	});

	test('F with nobody on the primary row: doctor watches, then says stale-failback', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable();
		await db.sql(`UPDATE ${table} SET state = 'F' WHERE id = 0`);
		const doctor = await cli(['doctor', db.url, '--table', table]);
		assert.equal(doctor.code, 2);
		assert.match(doctor.stdout, /CRITICAL stale-failback — F \(failing back\) with nobody holding the primary lease/);
	});

	test('the 2.6–2.20 format (TIMESTAMP expiry) is recognised, never misread: exit 3 for status, old-table-format for doctor', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable(async name => {
			await db.sql(`CREATE TABLE ${name} (id INT NOT NULL PRIMARY KEY, holder_id VARCHAR(128), holder_expiration_time TIMESTAMP, node_id CHAR(36), state CHAR(1))`);
			await db.sql(`INSERT INTO ${name} (id) VALUES (3), (0), (1), (2)`);
			await db.sql(`UPDATE ${name} SET holder_id = 'old', holder_expiration_time = LOCALTIMESTAMP + INTERVAL '10 seconds' WHERE id = 1`);
			await db.sql(`UPDATE ${name} SET state = 'L' WHERE id = 0`);
		});
		const status = await cli(['status', db.url, '--table', table]);
		assert.equal(status.code, 3);
		assert.match(status.stdout, /^UNKNOWN — table \w+ has the Artemis 2\.6–2\.20 format \(TIMESTAMP expiry/);
		assert.match(status.stdout, /expiry "\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*" \(not read as a lease\)/);
		const doctor = await cli(['doctor', db.url, '--table', table]);
		assert.match(doctor.stdout, /CRITICAL old-table-format/);
		const node = await cli(['node', db.url, '--table', table, '--role', 'backup']);
		assert.equal(node.code, 3);
		assert.match(oneLine(node.stderr), /has the Artemis 2\.6–2\.20 format .*2\.21\+ nodes cannot share it/);
	});

	test('a table of another shape, missing rows, an unknown state, bad expiry text: one line, exit 3, nothing written', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const cases: Array<[string, (name: string) => Promise<void>, RegExp]> = [
			['other shape', async name => {
				await db.sql(`CREATE TABLE ${name} (id INT, payload TEXT)`);
			}, /is not an Artemis node-manager store: it has no holder_id, holder_expiration_time, node_id, state columns/],
			['missing rows', async name => {
				await createArtemisTable(db, name);
				await db.sql(`DELETE FROM ${name} WHERE id IN (2, 3)`);
			}, /no row with id 2, 3/],
			['unknown state', async name => {
				await createArtemisTable(db, name);
				await db.sql(`UPDATE ${name} SET state = 'X' WHERE id = 0`);
			}, /the state row holds "X", not L, F, P, N or NULL/],
			['expiry column of another type', async name => {
				await db.sql(`CREATE TABLE ${name} (id INT NOT NULL PRIMARY KEY, holder_id VARCHAR(128), holder_expiration_time TEXT, node_id CHAR(36), state CHAR(1))`);
			}, /holder_expiration_time column is text, neither BIGINT/],
		];
		for (const [what, setup, message] of cases) {
			const table = await freshTable(setup);
			const rowsBefore = await tableRows(db, table);
			const status = await cli(['status', db.url, '--table', table]);
			assert.equal(status.code, 3, `${what}: ${status.stdout}${status.stderr}`);
			assert.match(status.stdout + status.stderr, message, what);
			if (status.stderr) oneLine(status.stderr);
			assert.equal(await tableRows(db, table), rowsBefore, `${what}: nothing written`);
		}
	});

	test('a huge holder id and control characters in every text column reach the terminal escaped and clipped', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable(async name => {
			await db.sql(`CREATE TABLE ${name} (id INT NOT NULL PRIMARY KEY, holder_id TEXT, holder_expiration_time BIGINT, node_id TEXT, state TEXT)`);
			await db.sql(`INSERT INTO ${name} (id) VALUES (3), (0), (1), (2)`);
		});
		await db.sql(`UPDATE ${table} SET holder_id = $1, holder_expiration_time = ${nowMs} + 15000 WHERE id = 1`, [`\u001B]0;PWNED\u0007${'h'.repeat(5000)}`]);
		await db.sql(`UPDATE ${table} SET node_id = $1 WHERE id = 3`, ['\u001B[2Jnode']);
		await db.sql(`UPDATE ${table} SET state = 'L' WHERE id = 0`);
		for (const args of [['status', db.url, '--table', table], ['status', db.url, '--table', table, '--json'], ['doctor', db.url, '--table', table]]) {
			const result = await cli(args);
			// eslint-disable-next-line no-control-regex
			assert.doesNotMatch(result.stdout + result.stderr, /[\u0000-\u0008\u000B-\u001F\u007F]/, `${args.join(' ')}: raw control characters`);
			assert.ok(result.stdout.length < 8000, `clipped (${result.stdout.length} chars)`);
		}

		const status = await cli(['status', db.url, '--table', table]);
		assert.match(status.stdout, /holder \\x1b\]0;PWNED\\x07h+…/);
		assert.match(status.stdout, /node id {2}\\x1b\[2Jnode/);
	});

	test('a refused connection, a wrong password, no password: one line naming the host and the cause, exit 3, quickly', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const closed = await new Promise<number>(resolve => {
			const server = net.createServer().listen(0, '127.0.0.1', () => {
				const {port} = server.address() as net.AddressInfo;
				server.close(() => resolve(port));
			});
		});
		const refused = await cli(['status', `postgresql://hatui:${PG_PASSWORD}@127.0.0.1:${closed}/ha`]);
		assert.equal(refused.code, 3);
		assert.match(oneLine(refused.stderr), new RegExp(`^ha-tui: 127\\.0\\.0\\.1:${closed}: connection refused`));
		noPassword(refused.stderr + refused.stdout);
		const json = await cli(['status', `postgresql://hatui:${PG_PASSWORD}@127.0.0.1:${closed}/ha`, '--json']);
		assert.equal((JSON.parse(json.stdout) as {verdict: string}).verdict, 'unknown');
		noPassword(json.stdout);

		const wrong = await cli(['status', db.url.replace(PG_PASSWORD, 'Wr0ngPa55')]);
		assert.equal(wrong.code, 3);
		assert.match(oneLine(wrong.stderr), /^ha-tui: 127\.0\.0\.1:\d+: password authentication failed for user "hatui"$/);
		assert.ok(!wrong.stderr.includes('Wr0ngPa55'));

		const none = await cli(['status', db.urlWithoutPassword]);
		assert.equal(none.code, 3);
		assert.match(oneLine(none.stderr), /asks for a password and none was given \(URL, PGPASSWORD or ~\/\.pgpass\)/);
	});

	test('credentials from PGPASSWORD and from ~/.pgpass; never a prompt (stdin closed)', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable();
		const viaEnv = await cli(['status', db.urlWithoutPassword, '--table', table], cleanEnv({PGPASSWORD: PG_PASSWORD}));
		assert.equal(viaEnv.code, 2, viaEnv.stderr);
		noPassword(viaEnv.stdout + viaEnv.stderr);
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-pgpass-'));
		fs.writeFileSync(path.join(home, '.pgpass'), `127.0.0.1:${db.port}:ha:hatui:${PG_PASSWORD}\n`, {mode: 0o600});
		const viaFile = await cli(['status', db.urlWithoutPassword, '--table', table], {PATH: process.env.PATH ?? '', HOME: home});
		assert.equal(viaFile.code, 2, viaFile.stderr);
		fs.rmSync(home, {recursive: true, force: true});
	});

	test('watch: the process title masks the password; changes of state and leases are printed as they happen', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable();
		const group = new ProcessGroup();
		try {
			const watch = group.cli('watch', ['watch', db.url, '--table', table, '--interval', '50'], {env: cleanEnv()});
			await watch.waitLine('opening', line => line.includes('watching postgresql://hatui:***@'));
			const cmdline = fs.readFileSync(`/proc/${watch.child.pid}/cmdline`, 'utf8');
			assert.ok(!cmdline.includes(PG_PASSWORD), `process title: ${cmdline}`);
			assert.match(cmdline, /hatui:\*\*\*@/);
			await db.sql(`UPDATE ${table} SET state = 'L' WHERE id = 0`);
			await db.sql(`UPDATE ${table} SET holder_id = 'someone', holder_expiration_time = ${nowMs} + 400 WHERE id = 1`);
			await watch.waitLine('state change', line => /state NULL → L/.test(line));
			await watch.waitLine('lease taken', line => /primary lease taken: holder someone/.test(line));
			await watch.waitLine('lease expiry', line => /primary lease expired \(holder someone/.test(line));
			await watch.waitLine('verdict', line => /CRITICAL: LEASE EXPIRED/.test(line));
			noPassword(watch.lines.join('\n'));
		} finally {
			await group.killAll();
		}
	});

	test('watch --json keeps going through a database restart: an error line, then "reachable again"', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable();
		const group = new ProcessGroup();
		try {
			const watch = group.cli('watch', ['watch', db.url, '--table', table, '--interval', '50', '--json'], {env: cleanEnv()});
			await watch.waitLine('opening', line => line.includes('"appeared"'));
			// Kill this session's backend: the next pulse fails, the one after reconnects.
			await db.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ha-tui (read-only)'");
			await waitFor('recovered', () => watch.lines.some(line => line.includes('reachable again')), 10_000);
			for (const line of watch.lines) JSON.parse(line);
		} finally {
			await group.killAll();
		}
	});

	test('an Artemis instance directory whose broker.xml has a <database-store> leads to its table, saying so', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = await freshTable();
		await db.sql(`UPDATE ${table} SET state = 'P' WHERE id = 0`);
		const instance = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-instance-'));
		fs.mkdirSync(path.join(instance, 'etc'));
		const url = `jdbc:postgresql://127.0.0.1:${db.port}/ha?user=hatui&amp;password=${PG_PASSWORD}`;
		fs.writeFileSync(path.join(instance, 'etc', 'broker.xml'), `<configuration xmlns="urn:activemq"><core xmlns="urn:activemq:core"><name>b1</name>
			<store><database-store><jdbc-connection-url>${url}</jdbc-connection-url><jdbc-driver-class-name>org.postgresql.Driver</jdbc-driver-class-name>
			<node-manager-store-table-name>${table.toUpperCase()}</node-manager-store-table-name></database-store></store>
			<ha-policy><shared-store><primary/></shared-store></ha-policy></core></configuration>`);
		try {
			const status = await cli(['status', instance]);
			assert.equal(status.code, 2, status.stderr);
			assert.match(status.stderr, /etc\/broker\.xml has a <database-store>: looking at its table/);
			assert.match(status.stdout, new RegExp(`table ${table} `));
			assert.match(status.stdout, /paused/);
			noPassword(status.stdout + status.stderr);
		} finally {
			fs.rmSync(instance, {recursive: true, force: true});
		}
	});
});
