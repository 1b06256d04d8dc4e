// JdbcStore: the store seam's four capabilities on a real PostgreSQL.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {HaNode} from '../../source/node-manager/index.js';
import {JdbcStore} from '../../source/store/jdbc/jdbc-store.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {postgresFixture, tableRows} from '../helpers/postgres.js';
import {waitFor} from '../helpers/wait.js';

const postgres = postgresFixture();

test('probe, pulse, change feed and node manager of one table; the probe and the pulse never write', async t => {
	const db = postgres.need(t);
	if (!db) return;
	const store = new JdbcStore(parseJdbcTarget(db.url, {table: 'seam_t'}), {renewPeriodMs: 100, expirationMs: 1000, pollMs: 50});
	await assert.rejects(store.probe(), /no table seam_t/);
	const node = new HaNode(store.nodeManager({role: 'primary'}), {role: 'live'});
	const pulse = store.pulse(20);
	try {
		node.start();
		await waitFor('live', () => node.phase === 'live');
		const probe = await store.probe();
		assert.equal(probe.store, 'jdbc');
		assert.equal(probe.stateName, 'live');
		assert.equal(probe.locks.live.locked, true);
		assert.equal(probe.locks.live.where, 'row 1');
		assert.equal(probe.locks.live.holders[0]?.kind, 'LEASE');
		assert.match(probe.locks.live.holders[0]?.identity ?? '', /^ha-tui node \(primary\) pid \d+$/);
		assert.equal(probe.locks.backup.locked, false);
		assert.equal(probe.assessment.verdict, 'no-backup');
		assert.equal(store.watchChanges().polling, true);
		// The pulse changes with every renew (a new expiry value), without a full probe.
		const first = await waitFor('a signature', () => pulse.signature());
		await waitFor('a renew changes the signature', () => pulse.signature() !== undefined && pulse.signature() !== first);
		await node.pause();
		const rows = await tableRows(db, 'seam_t');
		await store.probe();
		await new Promise(resolve => setTimeout(resolve, 100));
		assert.equal(await tableRows(db, 'seam_t'), rows, 'probes and pulses wrote nothing');
	} finally {
		pulse.close();
		await node.stop();
		await store.close();
	}
});
