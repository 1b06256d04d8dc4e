// One contract for every store's watcher (store/store.ts StoreWatcher), run against both: the
// directory's LockFileWatcher on a temp lock file and the table's JdbcWatcher on a real
// PostgreSQL. The first look and `latest`, a look on lookSoon() without waiting for the period, a
// change in the store as a changed 'look' and an 'update', nothing after close(), close() once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {test, type TestContext} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {JdbcWatcher} from '../../source/store/jdbc/watcher.js';
import type {StoreWatcher} from '../../source/store/store.js';
import {LockFileWatcher} from '../../source/watch/index.js';
import {createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const postgres = postgresFixture();
/** Long enough that no timed look comes during a test: every look here is asked for. */
const NO_TIMER_MS = 600_000;

type Subject<Look, Update> = {
	watcher: StoreWatcher<Look, Update>;
	/** Changes the store under the watcher (as a broker would). */
	change(): Promise<void>;
	cleanup(): Promise<void>;
};

/** What any consumer of a store's watcher relies on, through the interface only. */
async function contract<Look, Update>(subject: Subject<Look, Update>): Promise<void> {
	const {watcher} = subject;
	const looks: boolean[] = [];
	const updates: Update[] = [];
	try {
		const first = await watcher.start();
		assert.equal(watcher.latest, first, 'latest is the first look');
		watcher.on('look', (_look, changed) => looks.push(changed));
		watcher.on('update', update => updates.push(update));
		watcher.lookSoon();
		await waitFor('a look on lookSoon(), long before the period', () => looks.length >= 1);
		assert.deepEqual(looks, [false], 'nothing changed yet: a look, no update');
		assert.equal(updates.length, 0);
		await subject.change();
		watcher.lookSoon();
		await waitFor('the change seen', () => updates.length >= 1);
		assert.equal(looks.at(-1), true, 'the look that saw the change says so');
		assert.notEqual(watcher.latest, first);
		const closing = watcher.close();
		assert.equal(watcher.close(), closing, 'close() once');
		await closing;
		const seen = looks.length;
		watcher.lookSoon();
		await subject.change();
		await new Promise(resolve => setImmediate(resolve));
		assert.equal(looks.length, seen, 'nothing after close()');
	} finally {
		await watcher.close();
		await subject.cleanup();
	}
}

test('the directory\'s watcher keeps the StoreWatcher contract', async () => {
	const temp = tempDir('ha-tui-store-watcher-');
	fs.writeFileSync(temp.file, encodeNewLockFile());
	let state = 0x50;
	await contract({
		watcher: new LockFileWatcher(temp.file, {intervalMs: NO_TIMER_MS, fileEvents: false}),
		async change() {
			const fd = fs.openSync(temp.file, 'r+');
			fs.writeSync(fd, Buffer.from([state]), 0, 1, 0);
			fs.closeSync(fd);
			state = state === 0x50 ? 0x46 : 0x50;
		},
		async cleanup() {
			temp.cleanup();
		},
	});
});

test('the table\'s watcher keeps the StoreWatcher contract', async (t: TestContext) => {
	const db = postgres.need(t);
	if (!db) return;
	await createArtemisTable(db, 'contract_t');
	let state = 'P';
	await contract({
		watcher: new JdbcWatcher(parseJdbcTarget(db.url, {table: 'contract_t'}), {intervalMs: NO_TIMER_MS}),
		async change() {
			await db.sql('UPDATE contract_t SET state = $1 WHERE id = 0', [state]);
			state = state === 'P' ? 'F' : 'P';
		},
		async cleanup() {},
	});
});
