// The real JDBC TUI in tmux on a real PostgreSQL, after a real failover: an outside
// `ha-tui node postgresql://… --role primary` (1.5 s leases) is live, b queues the screen's own
// backup, the primary is killed (SIGKILL: nothing written, its lease runs out), the backup takes
// over; t shows the primary lease's row — the killed node (pid N), the gap with no live as a
// range (at least from the lease's expiry, at most from its last renew), then #1 — the backup lease and the state, each node's row; resized
// to 60×16 with the view open every line is still one of the screen's; q asks, y: exit 0.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {jdbcTmux} from '../helpers/jdbc-tmux.js';
import {createArtemisTable, PG_PASSWORD} from '../helpers/postgres.js';
import {checkScreen, JDBC_LINES} from '../helpers/screen-lines.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';

const {state, tmux, screen, keys, see, start, session} = jdbcTmux('jdbc-timeline');

/** The pane as the screen drew it: its lines up to the key bar, right-trimmed. */
const drawn = (rows: number) => screen().replace(/\n$/, '').split('\n').slice(0, rows - 1).map(line => line.trimEnd()).join('\n');

test('tmux: t on the JDBC screen after a killed primary — its lease, the gap with its length, the backup live; 60×16; q', {timeout: 120_000}, async t => {
	const {db} = state;
	if (!db) return t.skip(state.skip);
	await createArtemisTable(db, 'timeline_t');
	const group = new ProcessGroup();
	try {
		const primary = group.cli('primary', ['node', db.url, '--table', 'timeline_t', '--role', 'primary', '--lock-renew-period', '200', '--lock-expiration', '1500']);
		const live = await primary.next('live');
		// Named by its pid (its connection's application_name, tied to /proc), else by its holder id's start.
		const name = `(pid ${primary.child.pid!}|${String(live.holderId).slice(0, 8)}…)`;
		start(db, 'timeline_t', 100, 30);
		await see('the outside primary live', /WARNING: no backup/);
		keys('b');
		await see('healthy with our backup queued', /OK: healthy/);

		primary.kill('SIGKILL');
		await primary.exited;
		await see('#1 activated once the killed primary\'s lease ran out', /#1 backup live \(activated backup\)/);

		keys('t');
		await see('the full view', /Timeline ─+ last 1 min/);
		// The range of store/jdbc/no-live.ts (history's and the exporter's too): at least from the lease's expiry, at most from its last renew (1.5 s before).
		await see('the gap listed, from the killed node to #1', new RegExp(`no live ≥ [\\d.]+ (ms|s), ≤ [\\d.]+ s ${name} → #1 \\(as probes saw it\\)`));
		// A column is 0.6 s at this width: the window moves on until our live fills one.
		const nodeRow = () => screen().split('\n').find(line => line.startsWith('#1 backup ')) ?? '';
		await waitFor('our node\'s row, live at the end', () => /█\S*\s*$/.test(nodeRow()), {timeoutMs: 15_000, everyMs: 50}).catch((error: Error) => {
			throw new Error(`${error.message}\n--- screen:\n${screen()}`);
		});
		const full = checkScreen(drawn(30), 100, 'timeline 100×30', JDBC_LINES);
		const row = (title: RegExp) => full.find(line => title.test(line)) ?? '';
		assert.match(row(/^primary {3}/), /×/, `the primary lease's row marks the gap\n${screen()}`);
		assert.match(row(/^primary {3}/), /no live ≥ [\d.]+ m?s, ≤ [\d.]+ s/, 'with its range');
		assert.match(row(/^backup {4}/), /[█▓▒#─]/, 'the backup lease\'s row');
		assert.match(row(/^state {5}/), /L/, 'the state row');

		tmux('resize-window', '-t', session, '-x', '60', '-y', '16');
		await waitFor('a clean 60×16 timeline', () => {
			try {
				const lines = checkScreen(drawn(16), 60, '60×16', JDBC_LINES);
				return lines.some(line => /^ {10}├-1 min/.test(line)) && lines.some(line => /^primary {3}.*×/.test(line));
			} catch {
				return false;
			}
		}, {timeoutMs: 10_000, everyMs: 50}).catch((error: Error) => {
			checkScreen(drawn(16), 60, '60×16', JDBC_LINES);
			throw new Error(`${error.message}\n--- screen:\n${screen()}`);
		});

		keys('Escape');
		await see('the main screen again', /Leases ─/);
		keys('q');
		await see('the quit dialog', /Quit\?/);
		keys('y');
		await see('the TUI exits 0', /TUI-EXIT=0/);
		const rows = (await db.sql('SELECT id, holder_id, state FROM timeline_t ORDER BY id')).rows as Array<{holder_id: string | null; state: string | null}>;
		assert.deepEqual([rows[0].state, rows[1].holder_id, rows[2].holder_id], ['P', null, null], 'q paused our live (P) and released its leases');
		assert.ok(!screen().includes(PG_PASSWORD));
	} finally {
		await group.killAll();
	}
});
