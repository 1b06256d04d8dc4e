// The TUI's watcher at rest (watcher.ts, issue 18), on a real PostgreSQL: once nothing changed
// for a while it looks at the rest cadence; our nodes running, or a held lease whose renews it
// has not timed, keep the full cadence, so a lease's end is seen as soon as before.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {JdbcWatcher, type JdbcUpdate} from '../../source/store/jdbc/watcher.js';
import {createArtemisTable, postgresFixture} from '../helpers/postgres.js';

const postgres = postgresFixture();
const sleep = async (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

test('at rest a look per rest interval; busy (our nodes) the full cadence; without rest options always the full cadence', async t => {
	const db = postgres.need(t);
	if (!db) return;
	await createArtemisTable(db, 'rest_t');
	const target = parseJdbcTarget(db.url, {table: 'rest_t'});
	const resting = new JdbcWatcher(target, {intervalMs: 100, rest: {afterMs: 500, intervalMs: 600}});
	const plain = new JdbcWatcher(target, {intervalMs: 100});
	const looks = {resting: 0, plain: 0};
	resting.on('look', () => looks.resting++);
	plain.on('look', () => looks.plain++);
	try {
		await Promise.all([resting.start(), plain.start()]);
		await sleep(900);
		assert.equal(resting.nextDelay(), 600, 'at rest');
		looks.resting = 0;
		looks.plain = 0;
		await sleep(1900);
		assert.ok(looks.resting >= 2 && looks.resting <= 4, `${looks.resting} looks in 1.9 s at rest`);
		assert.ok(looks.plain >= 12, `${looks.plain} looks in 1.9 s without rest`);
		resting.setBusy(true);
		assert.equal(resting.nextDelay(), 100, 'our nodes running');
		resting.setBusy(false);
		assert.equal(resting.nextDelay(), 100, 'a while after they ended');
		resting.lookSoon();
		assert.equal(resting.nextDelay(), 100, 'after lookSoon');
	} finally {
		await Promise.all([resting.close(), plain.close()]);
	}
});

test('a held lease nobody is seen renewing: the full cadence, and its end is seen within it', async t => {
	const db = postgres.need(t);
	if (!db) return;
	await createArtemisTable(db, 'rest_lease_t');
	await db.sql('UPDATE rest_lease_t SET state = \'L\' WHERE id = 0');
	await db.sql('UPDATE rest_lease_t SET holder_id = \'outside\', holder_expiration_time = FLOOR(EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT + 1800 WHERE id = 1');
	const watcher = new JdbcWatcher(parseJdbcTarget(db.url, {table: 'rest_lease_t'}), {intervalMs: 100, rest: {afterMs: 200, intervalMs: 5000}});
	try {
		const expired = new Promise<JdbcUpdate>(resolve => {
			watcher.on('update', update => {
				if (update.changes.some(change => change.kind === 'lease-expired')) resolve(update);
			});
		});
		await watcher.start();
		await sleep(500);
		assert.equal(watcher.nextDelay(), 100, 'renews not timed: no rest');
		const update = await expired;
		const late = update.probe!.dbNow - update.probe!.locks.live.expiresAt!;
		assert.ok(late >= 0 && late < 1000, `seen ${late} ms after the lease's end (a rest look would be up to 5 s)`);
	} finally {
		await watcher.close();
	}
});
