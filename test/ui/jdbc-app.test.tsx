// The JDBC screen on a real PostgreSQL (no mock): the file TUI's key machine and layout with
// the table's words. At 60×16, 80×24 and 100×30: l and b start nodes, ? and d open the help
// and the doctor, k asks (saying what happens to the primary lease) and fails over, f asks and
// fails back, q asks and stops the nodes — every frame made of the screen's own lines, none
// wider than the terminal, the key bar last; the rows checked in the table itself.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {JdbcSession} from '../../source/session/jdbc-session.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {DEFAULT_TIMINGS} from '../../source/store/jdbc/timings.js';
import {JdbcWatcher} from '../../source/store/jdbc/watcher.js';
import {JdbcApp, jdbcHelp} from '../../source/ui/jdbc-app.js';
import {helpLines} from '../../source/ui/help-overlay.js';
import {createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {checkScreen, JDBC_LINES} from '../helpers/screen-lines.js';
import {listening, until} from './fixtures.js';


const postgres = postgresFixture();
afterEach(cleanup);

const flat = (frame: string) => frame.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');

for (const [columns, rows] of [[60, 16], [80, 24], [100, 30]] as const) {
	test(`JDBC TUI ${columns}×${rows}: l b ? d, k fails over, f fails back, q stops — each asked in the table's words`, async t => {
		const db = postgres.need(t);
		if (!db) return;
		const table = `tui_${columns}`;
		await createArtemisTable(db, table);
		const target = parseJdbcTarget(db.url, {table});
		const watcher = new JdbcWatcher(target, {intervalMs: 100});
		await watcher.start();
		const session = new JdbcSession(watcher, {timings: DEFAULT_TIMINGS});
		let exited: number | undefined;
		const app = render(<JdbcApp session={session} size={{columns, rows}} onExit={code => {
			exited = code;
		}}/>);
		const frame = () => app.lastFrame() ?? '';
		const screen = (what: string) => checkScreen(frame(), columns, what, JDBC_LINES);
		const rowsOf = async () => (await db!.sql(`SELECT id, holder_id, state FROM ${table} ORDER BY id`)).rows as Array<{id: number; holder_id: string | null; state: string | null}>;
		const phase = (index: number) => session.getView().nodes[index]?.phase;
		const key = async (input: string) => {
			await listening(app.stdin);
			app.stdin.write(input);
		};

		const shows = async (what: string, pattern: RegExp) => until(what, () => pattern.test(frame()), 10_000).catch((error: unknown) => {
			throw new Error(`${(error as Error).message}\n${frame()}`);
		});

		try {
			await shows('the first look', /CRITICAL: NO LIVE/);
			screen('read-only');
			assert.ok(!frame().includes('s3cret'), 'no password on the screen');

			await key('l');
			await until('#1 live', () => phase(0) === 'live', 10_000);
			await key('b');
			await until('#2 queued as a backup', () => phase(1) === 'waiting-live-lock', 10_000);
			await shows('healthy', /OK: healthy/);
			screen('two nodes');
			await shows('phases in the table\'s words', /#2 +backup +awaiting primary lease/);
			if (columns === 100) {
				// A renew changes no line of the log, but the screen must see it: the bar refills.
				const first = session.getView().update!.probe!.locks.live.expiresAt!;
				await until('a renew seen by the screen', () => (session.getView().update?.probe?.locks.live.expiresAt ?? 0) > first, 10_000);
				await shows('a full bar again', /primary {2}█{15,}░{0,1} 19\.\d s left/);
			}

			await key('?');
			await shows('the help', /Help ─/);
			screen('help');
			assert.match(flat(frame()), /start a primary: writes F in the state row/);
			assert.doesNotMatch(frame(), /byte/, 'the help speaks of rows and leases, not bytes');
			await key('?');

			await key('d');
			await shows('the doctor', /Doctor ─/);
			screen('doctor');
			assert.match(frame(), /OK {7}healthy/);
			await key('d');
			await shows('the main screen again', /In-process nodes ─|Leases ─/);

			// b selected #2 (the newest): ↑ selects the live, k asks.
			await key('\u001B[A');
			await key('k');
			await shows('the failover dialog', /Force failover\?/);
			screen('failover dialog');
			assert.match(frame(), /y yes {3}n no/);
			assert.match(flat(frame()), /releases the primary lease \(row 1\) leaving L, as a crash would/);
			assert.match(flat(frame()), /#2 backup \(this TUI\), takes the primary lease at once/);
			await key('y');
			await until('#2 live (activated)', () => phase(1) === 'live' && session.getView().nodes[1].activated, 10_000);
			await until('row 1 held by #2 in the table', async () => (await rowsOf())[1].holder_id === session.getView().holderIds.n2, 10_000);
			assert.equal((await rowsOf())[0].state, 'L', 'a forced failover leaves L');
			await shows('the activated backup on screen', /live \(activated backup\)|no backup/);
			screen('after failover');

			await key('f');
			await shows('the failback dialog', /Request failback\?/);
			screen('failback dialog');
			assert.match(flat(frame()), /the live backup \(#2 backup \(this TUI\)\) sees the F, releases the primary lease/);
			await key('y');
			await until('#3 live, #2 a backup again', () => phase(2) === 'live' && phase(1) === 'waiting-live-lock', 15_000);
			await until('row 1 held by #3', async () => (await rowsOf())[1].holder_id === session.getView().holderIds.n3, 10_000);

			await key('q');
			await shows('the quit dialog', /Quit\?/);
			screen('quit dialog');
			assert.match(flat(frame()), /f stop with failover \(a live leaves L\)/);
			await key('y');
			await until('the screen exits', () => exited !== undefined, 10_000);
			assert.equal(exited, 0);
			const final = await rowsOf();
			assert.deepEqual([final[0].state, final[1].holder_id, final[2].holder_id], ['P', null, null], 'q pauses the live (P) and every lease is released');
		} finally {
			await session.stopAll({failover: false});
			session.close();
			await watcher.close();
		}
	});
}

test('the JDBC help has no byte in it, and says the timings it judges by', () => {
	const text = helpLines(undefined, 80, jdbcHelp({timings: {...DEFAULT_TIMINGS, renewPeriodMs: 1000, expirationMs: 5000, source: 'broker.xml of primary (primary) pid 7'}})).map(line => line.text).join('\n');
	assert.doesNotMatch(text, /byte/);
	assert.match(text.replaceAll(/\s+/g, ' '), /renews every 1\.0 s for a 5\.0 s lease \(broker\.xml of primary \(primary\) pid 7\)/);
});
