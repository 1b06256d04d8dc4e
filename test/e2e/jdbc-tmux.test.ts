// The real JDBC TUI in tmux on a real PostgreSQL, driven by keys, read through capture-pane:
// l, b; ↑ k asks, y fails over; f asks, y fails back; d and ? open the doctor and the help;
// resized to 60×16 every line is still one of the screen's; q asks, y stops the nodes (P, the
// leases released in the table). Every wait is a poll with a deadline, never a fixed sleep.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {jdbcTmux} from '../helpers/jdbc-tmux.js';
import {createArtemisTable, PG_PASSWORD} from '../helpers/postgres.js';
import {checkScreen, JDBC_LINES} from '../helpers/screen-lines.js';
import {waitFor} from '../helpers/wait.js';

const {state, tmux, screen, keys, see, start, session} = jdbcTmux('jdbc');

test('tmux: the JDBC TUI — l b, k and f asked and done, d, ?, 60×16, q: P and the leases released', {timeout: 120_000}, async t => {
	const {db} = state;
	if (!db) return t.skip(state.skip);
	await createArtemisTable(db, 'tmux_t');
	const rows = async () => (await db.sql('SELECT id, holder_id, state FROM tmux_t ORDER BY id')).rows as Array<{holder_id: string | null; state: string | null}>;
	start(db, 'tmux_t', 80, 24);

	await see('the first look', /CRITICAL: NO LIVE/);
	keys('l');
	await see('#1 live', /#1 live live/);
	keys('b');
	await see('healthy with a queued backup', /OK: healthy/);
	await see('the backup bar', /backup [█░]+ 1\d\.\d s left .*#2 backup \(this TUI\)/);

	keys('Up');
	keys('k');
	await see('the force-failover dialog', /Force failover\? force failover on #1 live: it releases the primary lease \(row 1\) leaving L/);
	keys('y');
	await see('#2 activated', /#2 backup live \(activated backup\)/);

	keys('f');
	await see('the failback dialog', /Request failback\? failback: a new primary writes F and waits/);
	keys('y');
	await see('#3 live, #2 queued again', /#2 backup awaiting primary lease .*#3 live live/);
	const afterFailback = await rows();
	assert.equal(afterFailback[0].state, 'L');
	assert.ok(afterFailback[1].holder_id && afterFailback[2].holder_id, 'both leases held after the failback');

	keys('d');
	await see('the doctor panel', /Doctor ─+ .*OK healthy/);
	keys('Escape');
	keys('?');
	await see('the help in rows and leases', /Help ─+ .*start a primary: writes F in the state row/);
	keys('Escape');

	tmux('resize-window', '-t', session, '-x', '60', '-y', '16');
	await waitFor('a clean 60×16 screen', () => {
		const lines = screen().replace(/\n$/, '').split('\n');
		if (lines.length !== 16 || !/\? help +q quit\s*$/.test(lines[14] ?? '')) return false;
		try {
			checkScreen(lines.slice(0, 15).map(line => line.trimEnd()).join('\n'), 60, '60×16', JDBC_LINES);
			return true;
		} catch {
			return false;
		}
	}, {timeoutMs: 10_000, everyMs: 50}).catch((error: Error) => {
		checkScreen(screen().split('\n').slice(0, 15).map(line => line.trimEnd()).join('\n'), 60, '60×16', JDBC_LINES);
		throw new Error(`${error.message}\n--- screen:\n${screen()}`);
	});

	keys('q');
	await see('the quit dialog', /Quit\?/);
	keys('y');
	await see('the TUI exits 0', /TUI-EXIT=0/);
	const final = await rows();
	assert.deepEqual([final[0].state, final[1].holder_id, final[2].holder_id], ['P', null, null]);
	assert.ok(!screen().includes(PG_PASSWORD));
});
