// The JDBC screen's timeline on a real PostgreSQL (no mock): after an in-process failover
// (l, b, then k on the live), the strip on the main screen and the full view on t at 60×16,
// 80×24, 100×30 and 200×60 — every line one of the screen's texts and within the width, the
// primary lease's row naming both holders with the gap between them and its exact length,
// + and - changing the window, t and esc back.
import assert from 'node:assert/strict';
import process from 'node:process';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {JdbcSession} from '../../source/session/jdbc-session.js';
import {gaps, gapText} from '../../source/session/timeline.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {DEFAULT_TIMINGS} from '../../source/store/jdbc/timings.js';
import {JdbcWatcher} from '../../source/store/jdbc/watcher.js';
import {JdbcApp} from '../../source/ui/jdbc-app.js';
import {ColorContext} from '../../source/ui/theme.js';
import {createArtemisTable, postgresFixture, type Postgres} from '../helpers/postgres.js';
import {checkScreen, JDBC_LINES} from '../helpers/screen-lines.js';
import {listening, until} from './fixtures.js';

let watcher: JdbcWatcher | undefined;
let session: JdbcSession | undefined;
const pg = postgresFixture({
	async cleanup() {
		await session?.stopAll({failover: false});
		session?.close();
		await watcher?.close();
	},
});
// One in-process failover for every test (made by the first): #1 live, #2 queued, k on #1, #2 takes over.
let ready: Promise<JdbcSession> | undefined;
async function failedOver(db: Postgres): Promise<JdbcSession> {
	ready ??= (async () => {
		await createArtemisTable(db, 'timeline');
		watcher = new JdbcWatcher(parseJdbcTarget(db.url, {table: 'timeline'}), {intervalMs: 100});
		await watcher.start();
		const made = new JdbcSession(watcher, {timings: DEFAULT_TIMINGS});
		session = made;
		const phase = (index: number) => made.getView().nodes[index]?.phase;
		assert.equal(made.startLive().ok, true);
		await until('#1 live', () => phase(0) === 'live', 10_000);
		assert.equal(made.startBackup().ok, true);
		await until('#2 queued', () => phase(1) === 'waiting-live-lock', 10_000);
		assert.equal((await made.forceFailover('n1')).ok, true);
		await until('#2 live', () => phase(1) === 'live', 10_000);
		// The look after the takeover (row 1 held by #2's holder id, row 2 free).
		await until('the table shows it', () => made.getView().update?.probe?.locks.live.holderId === made.getView().holderIds.n2, 10_000);
		return made;
	})();
	return ready;
}

afterEach(cleanup);

test('the session\'s timeline: the primary lease #1 → #2, the gap between exact (our nodes\' own events), each node\'s row', async t => {
	const db = pg.need(t);
	if (!db) return;
	const {timeline} = (await failedOver(db)).getView();
	const live = timeline!.rows.find(row => row.id === 'live')!;
	assert.deepEqual(live.spans.map(span => [span.kind, span.label]).slice(-3), [['held', '#1'], ['free', ''], ['held', '#2']]);
	const gap = gaps(timeline!).at(-1)!;
	assert.equal(gap.exact, true, 'both ends are our nodes\' events');
	assert.ok(gap.ms! < 2000, `the backup polls every 250 ms: ${gap.ms} ms`);
	assert.match(gapText(gap)!, /^no live \d/);
	assert.deepEqual(timeline!.rows.map(row => row.id), ['live', 'backup', 'state', 'node:n1', 'node:n2']);
	// The state as looks saw it (F lasts only while the primary starts: a look may miss it).
	const states = timeline!.rows.find(row => row.id === 'state')!.spans.map(span => span.label).join('');
	assert.match(states, /^NF?L$/);
});

for (const [columns, rows] of [[60, 16], [80, 24], [100, 30], [200, 60]] as const) {
	test(`JDBC timeline ${columns}×${rows}: the strip (or the line saying t shows it), t opens the full view with the gap and its length, + - zoom, esc back`, async t => {
		const db = pg.need(t);
		if (!db) return;
		const session = await failedOver(db);
		const app = render(<JdbcApp session={session} size={{columns, rows}} onExit={() => {}}/>);
		const frame = () => app.lastFrame() ?? '';
		const screen = (what: string) => checkScreen(frame(), columns, what, JDBC_LINES);
		const key = async (input: string) => {
			await listening(app.stdin);
			app.stdin.write(input);
		};

		const shows = async (what: string, pattern: RegExp) => until(what, () => pattern.test(frame()), 10_000).catch((error: unknown) => {
			throw new Error(`${(error as Error).message}\n${frame()}`);
		});

		await shows('the first frame', /OK: healthy|WARNING/);
		const main = screen('main');
		if (columns >= 80) {
			assert.ok(main.some(line => /^Timeline ─/.test(line)), `the strip on the main screen\n${frame()}`);
			const primary = main.find(line => /^primary {3}/.test(line));
			assert.ok(primary, `the primary lease's row\n${frame()}`);
			assert.match(primary, /×/, 'the gap without a live, marked');
			assert.match(primary, /no live ≈?[\d.]+ m?s/, 'a gap\'s length (two here: before #1 started, and the failover)');
		} else {
			assert.ok(main.some(line => /^Timeline ─/.test(line)) || /the timeline \(t shows it\)/.test(frame()), `the strip, or the line saying t shows it\n${frame()}`);
		}

		await key('t');
		await shows('the full view', /^ {10}├-1 min/m);
		const full = screen('timeline 1 min');
		if (process.env.SHOW_FRAMES) console.log(frame());
		const primary = full.find(line => /^primary {3}/.test(line))!;
		assert.match(primary, /×/);
		assert.match(primary, /no live ≈?\d/, 'a gap\'s length on the row');
		assert.ok(full.some(line => /^backup {4}/.test(line)) && full.some(line => /^state {5}/.test(line)), 'the backup lease and state rows');
		if (rows >= 24) assert.match(frame().replaceAll(/\s+/g, ' '), /L F P N the state row where it changed · nodes:/, 'the legend in the table\'s words (no byte, no state lock)');
		assert.doesNotMatch(frame(), /byte|state lock/);
		if (rows >= 24) {
			assert.ok(full.some(line => /no live [\d.]+ (ms|s) +#1 → #2$/.test(line)), `the gap listed, exact (no "as probes saw it"), from #1 to #2\n${frame()}`);
			assert.ok(full.some(line => /^#1 live/.test(line)) && full.some(line => /^#2 backup/.test(line)), 'a row per node');
		}

		await key('-');
		await shows('10 min', /^ {10}├-10 min/m);
		screen('timeline 10 min');
		await key('-');
		await shows('1 h', /^ {10}├-1 h/m);
		screen('timeline 1 h');
		await key('+');
		await key('+');
		await shows('1 min again', /^ {10}├-1 min/m);
		await key('\u001B');
		await shows('the main screen again', /Leases ─|primary {2}[█░]/);
		screen('main again');
		app.unmount();
	});
}

test('NO_COLOR: the JDBC timeline reads the same without colour (patterns, × and lengths, not colour alone)', async t => {
	const db = pg.need(t);
	if (!db) return;
	const session = await failedOver(db);
	const end = Date.now();
	// eslint-disable-next-line no-control-regex
	const plain = (frame: string) => frame.replaceAll(/\u001B\[[\d;]*m/g, '');
	const chart = async (colors: boolean) => {
		const app = render(<ColorContext.Provider value={colors}><JdbcApp session={session} size={{columns: 100, rows: 30}} timelineEnd={end} onExit={() => {}}/></ColorContext.Provider>);
		await listening(app.stdin);
		app.stdin.write('t');
		await until('the full view', () => /├-1 min/.test(app.lastFrame() ?? ''), 10_000);
		const frame = app.lastFrame() ?? '';
		app.unmount();
		// The chart and the gaps (the header's clock and the bars move on between the two renders).
		return plain(frame).split('\n').filter(line => /^(primary|backup|state) {3,}|^#\d |├-|no live/.test(line)).join('\n');
	};

	const colored = await chart(true);
	const mono = await chart(false);
	assert.equal(mono, colored);
	assert.match(mono, /^primary {3}.*×/m);
	assert.match(mono, /no live [\d.]+ (ms|s) +#1 → #2$/m);
});
