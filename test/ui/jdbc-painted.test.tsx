// The JDBC screen as on a real terminal (issue 18): Ink's own render onto a model terminal
// through the clock painter, a real PostgreSQL, an outside holder's lease that nobody renews.
// At rest no frame is drawn while the clock and the countdown still move (painted); at the
// lease's end the row says EXPIRED in red, and the painted count goes on from there.
// First: Ink must not think it runs in CI (.ci/run sets CI=true), or it paints no frame.
import '../helpers/not-in-ci.js';
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import type {WriteStream} from 'node:tty';
import {test} from 'node:test';
import React from 'react';
import {render} from 'ink';
import {JdbcSession} from '../../source/session/jdbc-session.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {DEFAULT_TIMINGS} from '../../source/store/jdbc/timings.js';
import {JdbcWatcher} from '../../source/store/jdbc/watcher.js';
import {ClockPainter, paintedScreen} from '../../source/ui/clock-painter.js';
import {clock} from '../../source/ui/format.js';
import {JdbcApp} from '../../source/ui/jdbc-app.js';
import {MIN_COLUMNS, MIN_ROWS} from '../../source/ui/layout.js';
import {ColorContext} from '../../source/ui/theme.js';
import {createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {TerminalModel} from '../helpers/terminal-model.js';
import {until} from './fixtures.js';

const postgres = postgresFixture();
const sleep = async (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const COLUMNS = 100;
const ROWS = 30;
/** Ink begins every frame with "begin synchronized update"; the painter never writes it. */
const FRAME = '\u001B[?2026h';

function terminal() {
	const model = new TerminalModel(COLUMNS, ROWS);
	let frames = 0;
	const stdout = Object.assign(new EventEmitter(), {
		columns: COLUMNS,
		rows: ROWS,
		isTTY: true,
		write(chunk: string) {
			frames += chunk.split(FRAME).length - 1;
			model.write(chunk);
			return true;
		},
	});
	const stdin = Object.assign(new EventEmitter(), {
		isTTY: true,
		setEncoding() {},
		setRawMode() {},
		resume() {},
		pause() {},
		ref() {},
		unref() {},
		read: () => null,
	});
	return {model, stdout: stdout as unknown as WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, frames: () => frames};
}

/** The screen on `table` as on a terminal: the model of what it shows, its frames; close() ends it. */
async function paintedScreenOn(db: NonNullable<ReturnType<typeof postgres.need>>, table: string, expirationMs: number) {
	const watcher = new JdbcWatcher(parseJdbcTarget(db.url, {table}), {intervalMs: 250, rest: {afterMs: 5000, intervalMs: 1000}});
	await watcher.start();
	// Renews due every half lease: no "renews late" finding while the test looks (its text would move).
	const session = new JdbcSession(watcher, {timings: {...DEFAULT_TIMINGS, expirationMs, renewPeriodMs: expirationMs / 2, fromBrokers: true}});
	const {model, stdout, stdin, frames} = terminal();
	const painter = new ClockPainter(stdout, {minColumns: MIN_COLUMNS, minRows: MIN_ROWS});
	const screen = paintedScreen(painter, render(
		<ColorContext.Provider value>
			<JdbcApp session={session} painter={painter} timelineEnd={Date.now() + 60_000} onExit={() => {}}/>
		</ColorContext.Provider>,
		{stdout: painter.stream, stdin, exitOnCtrlC: false, patchConsole: false},
	));
	const text = () => model.lines().join('\n');
	return {
		model,
		frames,
		text,
		/** The primary's painted time left, if held. */
		left() {
			const match = /^primary {2}█+░* (\d+\.\d) s left/m.exec(text());
			return match ? Number(match[1]) : undefined;
		},
		async close() {
			screen.unmount();
			session.close();
			await watcher.close();
		},
	};
}

test('painted JDBC screen: at rest no frame, the clock and the countdown move; EXPIRED in red at the lease\'s end', async t => {
	const db = postgres.need(t);
	if (!db) return;
	const table = 'painted_t';
	await createArtemisTable(db, table);
	// An outside primary that took the lease and then stopped renewing: 9 s left, nobody else.
	await db.sql(`UPDATE ${table} SET state = 'L' WHERE id = 0`);
	await db.sql(`UPDATE ${table} SET holder_id = 'outside-holder', holder_expiration_time = FLOOR(EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT + 9000 WHERE id = 1`);
	const {model, frames, text, left, close} = await paintedScreenOn(db, table, 9000);
	try {
		const first = await until('the countdown', left, 10_000).catch((error: Error) => {
			throw new Error(`${error.message}\n${text()}`);
		});
		assert.ok(first > 5, `${first} s left`);
		const framesBefore = frames();
		await sleep(2300);
		const later = left();
		assert.equal(frames(), framesBefore, `no frame at rest: ${frames() - framesBefore} drawn\n${text()}`);
		assert.ok(later !== undefined && first - later > 1.2 && first - later < 3.4, `the painted countdown moved from ${first} to ${later} s left`);
		assert.match(model.lines()[0], new RegExp(`${clock(Date.now()).slice(0, 5)}:\\d\\d$`), 'the painted clock');
		assert.equal(model.colorAt(model.lines().findIndex(line => line.startsWith('primary  █')), 9), 32, 'a held lease is green');

		const expired = await until('EXPIRED at the lease\'s end', () => /^primary {2}░+ EXPIRED (\d+\.\d) s ago/m.exec(text()) ?? undefined, 12_000);
		const row = model.lines().findIndex(line => line.startsWith('primary  ░'));
		assert.equal(model.colorAt(row, 9), 31, 'red once expired');
		await until('the verdict says so', () => /LEASE EXPIRED/.test(text()), 5000);
		await sleep(2100);
		const after = /^primary {2}░+ EXPIRED (\d+\.\d) s ago/m.exec(text());
		assert.ok(after && Number(after[1]) - Number(expired[1]) > 1.2, `the painted count goes on: ${expired[1]} → ${after?.[1]} s ago`);
	} finally {
		await close();
	}
});

test('painted JDBC screen: a renew refills the bar and shows in the table\'s row, with no frame', async t => {
	const db = postgres.need(t);
	if (!db) return;
	const table = 'painted_renew_t';
	await createArtemisTable(db, table);
	await db.sql(`UPDATE ${table} SET state = 'L' WHERE id = 0`);
	const renew = async () => db.sql(`UPDATE ${table} SET holder_id = 'outside-renewer', holder_expiration_time = FLOOR(EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT + 20000 WHERE id = 1`);
	await renew();
	const {model, frames, text, left, close} = await paintedScreenOn(db, table, 20_000);
	try {
		await until('the countdown', left, 10_000);
		await sleep(4300);
		const drained = left()!;
		const framesBefore = frames();
		await renew();
		const stored = String(((await db.sql(`SELECT holder_expiration_time FROM ${table} WHERE id = 1`)).rows[0] as {holder_expiration_time: string}).holder_expiration_time);
		await until('the table\'s row as stored', () => model.lines().some((line, index) => line === ` row 1 primary holder_id outside-renewer · expiration ${stored}` && model.lines()[index - 1]?.startsWith(' row 0 state')), 5000).catch((error: Error) => {
			throw new Error(`${error.message}\n${text()}`);
		});
		await sleep(1100);
		assert.ok(left()! > drained + 1, `refilled: ${drained} → ${left()} s left`);
		assert.equal(frames(), framesBefore, `no frame for a renew: ${frames() - framesBefore} drawn\n${text()}`);
	} finally {
		await close();
	}
});
