// The real bin's fleet screen in tmux with a directory group AND a table on a real PostgreSQL
// (`ha-tui DIR postgresql://… --table T`): both rows show; enter on the table's row opens its
// JDBC screen (the leases, the URL with no password), q comes back to the fleet; a change in the
// table — a backup node joining, then its primary SIGKILLed and the backup taking over once the
// 1.5 s lease runs out — shows on the table's row; q quits, exit 0. The password goes in by the
// environment (PGPASSWORD), never on the command line, and is never on screen.
import assert from 'node:assert/strict';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {jdbcTmux} from '../helpers/jdbc-tmux.js';
import {createArtemisTable, PG_DB, PG_PASSWORD, PG_USER} from '../helpers/postgres.js';
import {newGroupDirectory} from '../helpers/python-peer.js';
import {cliPath, ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

// A private tmux server (ha-tui-fleet-jdbc-<pid>) and the PostgreSQL fixture.
const {state, tmux, screen, keys, see, session} = jdbcTmux('fleet-jdbc');
const timing = ['--lock-renew-period', '200', '--lock-expiration', '1500'];

/** HA_TUI_SHOW=1: print the pane (the README's capture of the fleet screen with a table comes from here). */
const show = () => {
	if (process.env.HA_TUI_SHOW) console.log(screen());
};

/** The fleet row whose group column ends in `end` (the group keeps its end when cut). */
const rowOf = (end: string) => screen().split('\n').find(line => /^[▶ ]\S/.test(line) && line.includes(end)) ?? '';

test('tmux: the fleet screen with a directory and a postgresql:// table — both rows, enter opens the JDBC screen, q back, the table\'s changes on its row', {timeout: 180_000}, async t => {
	const {db} = state;
	if (!db) return t.skip(state.skip);
	const table = 'fleet_nms';
	await createArtemisTable(db, table);
	const temp = tempDir('ha-tui-fleet-jdbc-tmux-');
	const dir = path.join(temp.dir, 'orders', 'journal');
	newGroupDirectory(dir);
	const group = new ProcessGroup();
	try {
		const dirLive = group.cli('dir primary', ['node', dir, '--role', 'primary']);
		await dirLive.next('live', 30_000);
		const dirBackup = group.cli('dir backup', ['node', dir, '--role', 'backup']);
		await dirBackup.next('waiting-live-lock', 30_000);
		const primary = group.cli('table primary', ['node', db.url, '--table', table, '--role', 'primary', ...timing]);
		await primary.next('live', 30_000);

		const url = `postgresql://${PG_USER}@127.0.0.1:${db.port}/${PG_DB}`;
		const command = `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath())} ${JSON.stringify(dir)} ${url} --table ${table}; echo TUI-EXIT=$?; sleep 60`;
		tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-e', `PGPASSWORD=${PG_PASSWORD}`, command);

		// Both rows: the table (no backup yet: worst, first, selected) and the directory (healthy).
		await see('the fleet with both groups', /ha-tui fleet — 2 groups: 1 healthy · 1 no-backup/, 30_000);
		await see('the table\'s row', new RegExp(`table ${table} `));
		show();
		assert.match(rowOf(`table ${table}`), /^▶no-backup /, `the table's row, selected\n${screen()}`);
		assert.match(rowOf(`table ${table}`), new RegExp(`pid ${primary.pid}`), `its live by pid (an ha-tui node)\n${screen()}`);
		assert.match(rowOf('/orders/journal'), new RegExp(`^ healthy .*pid ${dirLive.pid} .*pid ${dirBackup.pid}`), `the directory's row\n${screen()}`);

		// enter: the table's own screen; q: back to the fleet.
		keys('Enter');
		await see('the JDBC screen', /Leases ─/);
		assert.match(screen(), /^ha-tui postgresql:\/\/hatui@127\.0\.0\.1:\d+\/ha table fleet_nms/m, screen());
		keys('q');
		await see('the fleet again', /ha-tui fleet — 2 groups/);
		assert.doesNotMatch(screen(), /Leases ─/);

		// A change in the table shows on its row: a backup joins (healthy, its pid in the backup column) …
		const backup = group.cli('table backup', ['node', db.url, '--table', table, '--role', 'backup', ...timing]);
		await backup.next('waiting-live-lock', 30_000);
		await see('the table healthy, its backup on the row', /ha-tui fleet — 2 groups: 2 healthy/, 30_000);
		assert.match(rowOf(`table ${table}`), new RegExp(`healthy .*pid ${primary.pid} .*pid ${backup.pid}`), screen());
		// … then its primary is SIGKILLed: once the lease runs out the backup is live, no backup again.
		primary.kill('SIGKILL');
		await backup.next('live', 30_000);
		await see('the takeover on the table\'s row', new RegExp(`no-backup .*table ${table} pid ${backup.pid}`), 30_000);
		show();

		assert.ok(!screen().includes(PG_PASSWORD), 'no password on screen');
		keys('q');
		await see('the fleet screen exits 0', /TUI-EXIT=0/);
	} finally {
		await group.killAll();
		temp.cleanup();
	}
});
