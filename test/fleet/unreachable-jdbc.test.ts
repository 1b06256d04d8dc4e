// A database that is down when `watch`/`serve` start (the exporter started before the database):
// not bad input — the table's group is UNKNOWN with the reason (no password) and tried again,
// as when it goes away while watched; once the server runs, the group is read and reported as
// any other. Bad input (a malformed URL, a table name that is not one, a refused password) is
// still one line and exit 3; `status` stays a one-shot check (UNKNOWN, exit 3). Real PostgreSQL,
// halted before the commands start and started after them, on a port of this suite's range.
import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {PG_PASSWORD, createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {newGroupDirectory} from '../helpers/python-peer.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const processes = new ProcessGroup();
const temp = tempDir('ha-tui-unreachable-jdbc-');
// Ports of this suite's range (LANDING.md: fleetjdbc 62200–62299): the server's is known before it runs.
const PG_PORT = 62_230;
const LISTEN = '127.0.0.1:62231';
const postgres = postgresFixture({
	port: PG_PORT,
	async cleanup() {
		await processes.killAll();
		temp.cleanup();
	},
});

async function scrape(): Promise<string | undefined> {
	try {
		const response = await fetch(`http://${LISTEN}/metrics`);
		return response.ok ? await response.text() : undefined;
	} catch {
		return undefined;
	}
}

test('watch and serve started before the database: UNKNOWN with the reason, retried, then read; bad input still exit 3', async t => {
	const db = postgres.need(t);
	if (!db) return;
	const table = 'late_t';
	await createArtemisTable(db, table);
	const dir = path.join(temp.dir, 'journal');
	newGroupDirectory(dir);
	const label = `${db.url.replace(`:${PG_PASSWORD}@`, ':***@')} table ${table}`;
	await db.halt();

	// Bad input is not retried: one line, exit 3, never the password.
	for (const [args, cause] of [
		[['watch', dir, `postgresql://hatui:${PG_PASSWORD}@127.0.0.1:99999/ha`], /bad port "99999"/],
		[['serve', dir, db.url, '--table', 'not a table', '--listen', LISTEN], /--table "not a table" is not a table name/],
		[['watch', db.url, '--table', 'no-such-option', '--bogus'], /bogus/],
	] as const) {
		const bad = await runCli(args, {timeoutMs: 30_000});
		assert.equal(bad.code, 3, `${args.join(' ')}: ${bad.stdout}${bad.stderr}`);
		assert.match(bad.stderr, cause);
		assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
		assert.ok(!bad.stderr.includes(PG_PASSWORD));
	}

	// status stays a one-shot check: the database down is UNKNOWN, exit 3, one line.
	const status = await runCli(['status', db.url, '--table', table], {timeoutMs: 30_000});
	assert.equal(status.code, 3, status.stdout + status.stderr);
	assert.match(status.stderr, new RegExp(`^ha-tui: 127\\.0\\.0\\.1:${PG_PORT}: connection refused`));

	const many = processes.cli('watch DIR URL', ['watch', dir, db.url, '--table', table, '--interval', '100']);
	const json = processes.cli('watch URL --json', ['watch', db.url, '--table', table, '--interval', '100', '--json']);
	const serve = processes.cli('serve', ['serve', dir, db.url, '--table', table, '--interval', '100', '--listen', LISTEN]);
	await many.waitLine('the table unknown', line => line.includes(`${label}: 127.0.0.1:${PG_PORT}: connection refused`) && line.includes('trying again'), 30_000);
	await json.waitLine('the table unknown as JSON', line => line.includes('"verdict":"unknown"') && line.includes('connection refused'), 30_000);
	await waitFor('serve reports the table unreadable', async () => {
		const text = await scrape();
		return text?.includes(`ha_tui_lock_file_readable{path="${label}"} 0`) && text.includes(`ha_tui_verdict_state{path="${label}",verdict="unknown"} 1`);
	}, {timeoutMs: 30_000, everyMs: 200});
	assert.match(serve.stderr, new RegExp(`ha-tui: ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 127\\.0\\.0\\.1:${PG_PORT}: connection refused.*: reported UNKNOWN, trying again`));
	// Still running: none of them gave up.
	for (const spawned of [many, json, serve]) assert.equal(spawned.child.exitCode, null, spawned.describe?.() ?? spawned.stderr);

	// The database starts, a primary with it: every one of them reads the table now.
	await db.resume();
	const primary = processes.cli('primary', ['node', db.url, '--table', table, '--role', 'primary', '--lock-renew-period', '200', '--lock-expiration', '1500']);
	await primary.next('live', 30_000);
	await many.waitLine('reachable', line => line.includes(`${label}: 127.0.0.1:${PG_PORT}: reachable again`), 30_000);
	await many.waitLine('the table read', line => line.includes(`${label}: WARNING: no backup`), 30_000);
	await json.waitLine('the table read as JSON', line => line.includes('"verdict":"no-backup"'), 30_000);
	await waitFor('serve reads the table', async () => {
		const text = await scrape();
		return text?.includes(`ha_tui_lock_file_readable{path="${label}"} 1`) && text.includes(`ha_tui_primary_lock_held{path="${label}"} 1`);
	}, {timeoutMs: 30_000, everyMs: 200});
	for (const spawned of [many, json, serve]) spawned.kill('SIGTERM');
	for (const spawned of [many, json, serve]) assert.deepEqual(await spawned.waitExit(), {code: 0, signal: null});
	for (const spawned of [many, json, serve]) assert.ok(!`${spawned.lines.join('\n')}${spawned.stderr}`.includes(PG_PASSWORD));
});
