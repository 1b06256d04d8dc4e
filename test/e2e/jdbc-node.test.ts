// `ha-tui node postgresql://…` on a real PostgreSQL: the table created as Artemis creates it,
// bad input refused before anything is written, a stolen lease and a frozen primary ending in
// lost-lock (exit 2) without another write.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {createArtemisTable, postgresFixture, tableRows} from '../helpers/postgres.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';

const timing = ['--lock-renew-period', '200', '--lock-expiration', '1500'];
let tables = 0;
const postgres = postgresFixture();


const nextTable = () => `node_t${++tables}`;

describe('ha-tui node on a JDBC store (real PostgreSQL)', () => {
	test('a missing table is created as Artemis creates it (rows 0–3), with a time-based node id', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = nextTable();
		const group = new ProcessGroup();
		try {
			const node = group.cli('primary', ['node', db.url, '--table', table.toUpperCase(), '--role', 'primary', ...timing]);
			const live = await node.next('live');
			const rows = (await db.sql(`SELECT id, state, node_id, holder_id FROM ${table} ORDER BY id`)).rows as Array<{id: number; state: string | null; node_id: string | null; holder_id: string | null}>;
			assert.deepEqual(rows.map(row => row.id), [0, 1, 2, 3]);
			assert.equal(rows[0].state, 'L');
			assert.equal(rows[1].holder_id, live.holderId);
			assert.match(rows[3].node_id ?? '', /^[\da-f]{8}-[\da-f]{4}-1[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
			assert.equal(live.nodeId, rows[3].node_id);
		} finally {
			await group.killAll();
		}
	});

	test('bad input: refused connection, a table of another shape, missing rows: one line, exit 3, nothing written', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const refused = await runCli(['node', 'postgresql://x:y@127.0.0.1:1/ha', '--role', 'backup']);
		assert.equal(refused.code, 3);
		assert.match(refused.stderr, /^ha-tui: 127\.0\.0\.1:1: connection refused[^\n]*\n$/);
		assert.equal(refused.stdout, '');
		const other = nextTable();
		await db.sql(`CREATE TABLE ${other} (id INT, something TEXT)`);
		await db.sql(`INSERT INTO ${other} VALUES (1, 'keep me')`);
		const before = await tableRows(db, other);
		const result = await runCli(['node', db.url, '--table', other, '--role', 'primary']);
		assert.equal(result.code, 3);
		assert.match(result.stderr, /is not an Artemis node-manager store/);
		assert.equal(await tableRows(db, other), before);
		const partial = nextTable();
		await createArtemisTable(db, partial);
		await db.sql(`DELETE FROM ${partial} WHERE id = 2`);
		const partialBefore = await tableRows(db, partial);
		const missing = await runCli(['node', db.url, '--table', partial, '--role', 'backup']);
		assert.equal(missing.code, 3);
		assert.match(missing.stderr, /has no row with id 2/);
		assert.equal(await tableRows(db, partial), partialBefore);
	});

	test('a lease taken from under the primary: its next renew changes 0 rows: lost-lock, exit 2, and it never writes again', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = nextTable();
		const group = new ProcessGroup();
		try {
			const node = group.cli('primary', ['node', db.url, '--table', table, '--role', 'primary', ...timing]);
			await node.next('live');
			await db.sql(`UPDATE ${table} SET holder_id = 'intruder', holder_expiration_time = FLOOR(EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT + 60000 WHERE id = 1`);
			await db.sql(`UPDATE ${table} SET state = 'X' WHERE id = 0`);
			const lost = await node.next('lost-lock', 5000);
			assert.match(String(lost.detail), /renew changed no row/);
			assert.equal((await node.waitExit()).code, 2);
			const rows = await tableRows(db, table);
			assert.match(rows, /"holder_id":"intruder"/);
			assert.match(rows, /"state":"X"/, 'the lost primary wrote nothing after the loss');
		} finally {
			await group.killAll();
		}
	});

	test('a frozen primary (SIGSTOP past its lease): the backup takes over at the lease end; thawed, the old primary finds it lost', async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = nextTable();
		const group = new ProcessGroup();
		try {
			const primary = group.cli('primary', ['node', db.url, '--table', table, '--role', 'primary', ...timing]);
			await primary.next('live');
			const backup = group.cli('backup', ['node', db.url, '--table', table, '--role', 'backup', ...timing]);
			await backup.next('waiting-live-lock');
			primary.kill('SIGSTOP');
			const live = await backup.next('live', 10_000);
			primary.kill('SIGCONT');
			const lost = await primary.next('lost-lock', 5000);
			assert.match(String(lost.detail), /renew changed no row|ran out/);
			assert.equal((await primary.waitExit()).code, 2);
			await waitFor('the backup still renews its lease', async () => {
				const rows = (await db!.sql(`SELECT holder_id, state FROM ${table} WHERE id IN (0, 1) ORDER BY id`)).rows as Array<{holder_id: string | null; state: string | null}>;
				return rows[0].state === 'L' && rows[1].holder_id === live.holderId;
			});
		} finally {
			await group.killAll();
		}
	});
});
