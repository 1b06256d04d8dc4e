// The TUI on a JDBC store, on a real pseudo-terminal and a real PostgreSQL: lease bars, and the
// keys l, b, k (asked y/n, as in the file TUI), q (asked) driving in-process nodes (their leases
// visible to an outside `status`).
import assert from 'node:assert/strict';
import process from 'node:process';
import {test} from 'node:test';
import {createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {openPty} from '../helpers/pty.js';
import {cliPath, runCli} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';

const postgres = postgresFixture();

test('the JDBC TUI: bars per lease, l and b start nodes, k asks then fails over, q asks then stops them (their leases released)', async t => {
	const db = postgres.need(t);
	if (!db) return;
	await createArtemisTable(db, 'tui_t');
	const pty = openPty([process.execPath, cliPath(), db.url, '--table', 'tui_t'], {columns: 160, rows: 40});
	try {
		await pty.waitForScreen(/CRITICAL: NO LIVE .*never started/, {timeoutMs: 15_000});
		assert.ok(!pty.output().includes('s3cret'), 'no password on the screen');
		pty.write('l');
		await pty.waitForScreen(/primary {2}█+░* 1\d\.\d s left .*#1 live \(this TUI\)/, {timeoutMs: 15_000});
		pty.write('b');
		await pty.waitForScreen(/OK: healthy/, {timeoutMs: 15_000});
		const status = JSON.parse((await runCli(['status', db.url, '--table', 'tui_t', '--json'])).stdout) as {verdict: string; locks: {live: {holder: {who: string}}}};
		assert.equal(status.verdict, 'healthy');
		assert.match(status.locks.live.holder.who, /^ha-tui node \(primary\) pid \d+$/);
		// b selected the newest node: ↑ selects the live; k asks first.
		pty.write('\u001B[A');
		pty.write('k');
		await pty.waitForScreen(/Force failover\?/, {timeoutMs: 15_000});
		pty.write('y');
		await pty.waitForScreen(/#2 +backup +live \(activated backup\)/, {timeoutMs: 15_000});
		pty.write('q');
		await pty.waitForScreen(/Quit\?/, {timeoutMs: 15_000});
		pty.write('y');
		await waitFor('leases released', async () => {
			const rows = (await db!.sql('SELECT holder_id FROM tui_t WHERE id IN (1, 2)')).rows as Array<{holder_id: string | null}>;
			return rows.every(row => row.holder_id === null);
		}, 10_000);
		assert.equal((await db.sql('SELECT state FROM tui_t WHERE id = 0')).rows[0].state, 'P', 'q pauses the live (a clean stop)');
	} finally {
		await pty.kill();
	}
});
