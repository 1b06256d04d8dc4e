// Issue 19 §2 with the JDBC store: the fleet screen with a directory group (python peers) and a
// real PostgreSQL table (real `ha-tui node` processes, lease 1.5 s) — one row each, built as the
// bin builds them (ui/fleet-source.ts: the FleetWatcher beside FleetTables). The table's row:
// its URL without the password and the table, the verdict, the live and backup holders, the
// state, the worst doctor finding; sorted worst first with the directory, filterable; enter
// gives the row that opens the JDBC screen. A SIGKILLed primary changes the row; a database
// that stops is UNKNOWN with the reason (no password), and the row comes back when it starts.
import assert from 'node:assert/strict';
import path from 'node:path';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {FleetTables} from '../../source/fleet/fleet-tables.js';
import {FleetWatcher} from '../../source/fleet/fleet-watcher.js';
import {groupOf} from '../../source/fleet/groups.js';
import type {FleetRow} from '../../source/fleet/fleet-view.js';
import {FleetApp} from '../../source/ui/fleet-app.js';
import {fleetSource} from '../../source/ui/fleet-source.js';
import {hasPython} from '../helpers/holders.js';
import {PG_PASSWORD, createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {pythonPair, type PythonPeer} from '../helpers/python-peer.js';
import {stripAnsi} from '../helpers/pty.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const processes = new ProcessGroup();
const peers: PythonPeer[] = [];
const temp = tempDir('ha-tui-fleet-jdbc-screen-');
const postgres = postgresFixture({
	async cleanup() {
		for (const peer of peers) peer.child.kill('SIGKILL');
		await processes.killAll();
		temp.cleanup();
	},
});
afterEach(cleanup);
const timing = ['--lock-renew-period', '200', '--lock-expiration', '1500'];

test('fleet screen: a directory and a real table side by side, worst first, filter, enter; a kill and a database down change the row', async t => {
	const db = postgres.need(t);
	if (!db) return;
	if (!hasPython) return t.skip('python3 is needed for the peers');
	const table = 'screen_t';
	await createArtemisTable(db, table);
	const dir = path.join(temp.dir, 'orders', 'journal');
	await pythonPair(dir, peers);
	const primary = processes.cli('primary', ['node', db.url, '--table', table, '--role', 'primary', ...timing]);
	await primary.next('live', 30_000);
	const backup = processes.cli('backup', ['node', db.url, '--table', table, '--role', 'backup', ...timing]);
	await backup.next('waiting-live-lock', 30_000);
	const primaryPid = primary.child.pid!;
	const backupPid = backup.child.pid!;
	const label = `${db.url.replace(`:${PG_PASSWORD}@`, ':***@')} table ${table}`;

	const opened = await FleetTables.open([db.url], {table, intervalMs: 100});
	assert.ok(!('error' in opened), 'error' in opened ? opened.error : '');
	const tables = opened as FleetTables;
	const watcher = new FleetWatcher([groupOf(dir, 'argument', 'wait')], {intervalMs: 100});
	const source = fleetSource(watcher, tables);
	let openedRow: FleetRow | undefined;
	const {lastFrame, stdin} = render(<FleetApp source={source} size={{columns: 200, rows: 20}} onOpen={row => {
		openedRow = row;
	}} onQuit={() => {}}/>);
	const screen = () => stripAnsi(lastFrame() ?? '');
	const rowOf = (needle: string) => screen().split('\n').find(line => line.includes(needle));
	try {
		// Both healthy; the table's row names it without its password, its holders by pid.
		await waitFor('two healthy rows', () => /2 groups: 2 healthy/.test(screen()), {timeoutMs: 30_000});
		const tableRow = rowOf(`table ${table}`)!;
		// The name column keeps a long name's end; the whole name is the row's.
		assert.equal(source.rows().find(row => row.jdbc)?.name, label);
		assert.ok(tableRow.includes(label.slice(-30)), tableRow);
		assert.match(tableRow, new RegExp(`healthy +.*table ${table} +pid ${primaryPid} .*pid ${backupPid} +\\d+s +live`));
		assert.ok(rowOf("orders/journal"), screen());

		// The kill: the backup takes the primary lease; the row says no backup, and sorts first.
		primary.kill('SIGKILL');
		await backup.next('live', 30_000);
		await waitFor('the table row after the takeover', () => /no-backup/.test(rowOf(`table ${table}`) ?? ''), {timeoutMs: 30_000});
		const lines = screen().split('\n');
		assert.match(lines[0], /2 groups: 1 healthy · 1 no-backup/);
		assert.match(lines[2], new RegExp(`▶no-backup +.*table ${table} +pid ${backupPid} `), lines[2]);
		assert.match(lines[3], /healthy +.*orders\/journal/);

		// Filter by the table's name, then enter: the row that opens the JDBC screen, on the URL as typed.
		stdin.write('/');
		stdin.write(table);
		stdin.write('\r');
		await waitFor('the filter', () => /filter "screen_t": 1 of 2/.test(screen()), {timeoutMs: 10_000});
		assert.ok(!screen().includes('orders/journal'), screen());
		stdin.write('\r');
		await waitFor('enter', () => openedRow, {timeoutMs: 10_000});
		assert.equal(openedRow!.jdbc?.input, db.url);
		assert.equal(openedRow!.group.label, label);
		stdin.write('\u001B');
		await waitFor('the filter cleared', () => /2 groups/.test(screen()) && screen().includes('orders/journal'), {timeoutMs: 10_000});

		// The database stops: UNKNOWN with the reason, without the password; it comes back with it.
		await db.halt();
		await waitFor('the table unknown', () => /unknown/.test(rowOf(`table ${table}`) ?? ''), {timeoutMs: 30_000});
		const down = rowOf(`table ${table}`)!;
		assert.match(down, /unknown +.*table screen_t +\? +\? 127\.0\.0\.1:\d+: /, down);
		// The whole reason is the row's (the screen shows what fits).
		assert.match(source.rows().find(row => row.jdbc)!.finding, /^\? 127\.0\.0\.1:\d+: (connection refused|the server is shutting down|the connection was reset|the connection to the server was lost)/);
		assert.ok(!screen().includes(PG_PASSWORD));
		await db.resume();
		await waitFor('the table read again', () => !/unknown/.test(rowOf(`table ${table}`) ?? 'unknown'), {timeoutMs: 30_000});
		assert.ok(!screen().includes(PG_PASSWORD));
	} finally {
		await watcher.close();
		await tables.close();
	}
});
