// The JDBC timeline over exact inputs: looks at the table (leases by the DB clock) and our own
// nodes' events folded into the one timeline model (session/timeline.ts), then drawn by the one
// renderer (ui/timeline-render.ts): holders named by node label / ha-tui pid / holder id, a
// lease that ran out freed at its expiry (not at the look), exact gaps between our nodes, "≈"
// where only looks saw it, and NULL state read as N.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {jdbcStateLabel, leaseHolderLabel, leaseRanOut, observeLook, type LeaseNames} from '../../source/session/jdbc-timeline.js';
import {emptyTimeline, gapText, gaps, type Timeline} from '../../source/session/timeline.js';
import {noLiveRange} from '../../source/store/jdbc/no-live.js';
import {observeNode} from '../../source/session/timeline-observe.js';
import type {DbConnection} from '../../source/store/jdbc/holders.js';
import type {JdbcProbe, Lease} from '../../source/store/jdbc/probe.js';
import type {JdbcUpdate} from '../../source/store/jdbc/watcher.js';
import {renderTimeline} from '../../source/ui/timeline-render.js';
import {makeNode} from '../ui/fixtures.js';

const T = 1_800_000_000_000;
const A = '6c7dad0c-edcd-11f1-ac4c-02fc00000001';
const B = '9f3e2b11-edcd-11f1-ac4c-02fc00000002';
const LEASE = 20_000;
/** The DB clock runs 1.5 s ahead of this host's. */
const SKEW = 1500;
const nobody: LeaseNames = {nodes: [], holderIds: {}};

/** A lease row as the probe reads it at host time `at`: holder, and its expiry on the host's clock. */
function lease(row: 1 | 2, holderId: string | null, expiresAtHost?: number, at = T): Lease {
	if (holderId === null) return {row, holderId: null, rawExpiration: null, expiresAt: null, leftMs: null, held: false};
	const expiresAt = expiresAtHost! + SKEW;
	const leftMs = expiresAt - (at + SKEW);
	return {row, holderId, rawExpiration: String(expiresAt), expiresAt, leftMs, held: leftMs >= 0};
}

function look(at: number, live: Lease, backup: Lease, stateRaw: string | null = 'L', connections: DbConnection[] = []): JdbcUpdate {
	const probe: JdbcProbe = {
		kind: 'jdbc', target: 'postgresql://db/ha', where: 'db:5432', database: 'ha', table: 'node_manager_store', format: 'bigint',
		dbNow: at + SKEW, hostNow: at, clockSkewMs: SKEW, roundTripMs: 1, empty: false,
		state: stateRaw === null ? undefined : stateRaw.codePointAt(0), stateRaw, stateName: 'live', stateUnknown: false,
		nodeId: '6c7dad0c-edcd-11f1-ac4c-02fc00000001', locks: {live, backup}, rows: [],
	};
	const stats = {holderId: null, count: 0, lastIntervalMs: null, maxIntervalMs: null, avgIntervalMs: null, minMarginMs: null, leaseMs: null};
	return {takenAt: at, probe, assessment: {verdict: 'healthy', exitCode: 0, summary: ''}, connections, changes: [], renew: {live: stats, backup: stats}};
}

const spans = (timeline: Timeline, id: string) => timeline.rows.find(row => row.id === id)!.spans.map(span => [Math.round((span.start - T) * 1000) / 1000, span.kind, span.label, span.exact]);

test('holders: our nodes by label, an ha-tui node by its pid, anyone else by the start of the holder id (outside text cleaned)', () => {
	const names: LeaseNames = {nodes: [makeNode(1, 'live', 'live')], holderIds: {n1: A}};
	assert.equal(leaseHolderLabel(A, names, []), '#1');
	const haTui = {backendPid: 9, applicationName: `ha-tui node backup ${B}`, clientAddr: '127.0.0.1', clientPort: 5000, pid: 4242, haTui: {role: 'backup', holderId: B}};
	assert.equal(leaseHolderLabel(B, nobody, [haTui]), 'pid 4242');
	assert.equal(leaseHolderLabel(B, nobody, []), '9f3e2b11…');
	assert.equal(leaseHolderLabel('\u001B[31mx\u0007', nobody, []), '[31mx');
	assert.equal(leaseHolderLabel('short', nobody, []), 'short');
	assert.equal(jdbcStateLabel(null), 'N', 'NULL is not started, as Artemis reads it');
	assert.equal(jdbcStateLabel('F'), 'F');
	assert.equal(jdbcStateLabel('\u0007'), '?');
});

test('a killed primary: its lease holds the row until it runs out, free from the expiry (not the look), the backup\'s holder id moves to row 1; the gap ≈', () => {
	// Renewed up to T+4 s (expiry T+24 s), then dead. The look at T+25 s sees it expired 1 s ago.
	let timeline = observeLook(emptyTimeline(), look(T, lease(1, A, T + LEASE), lease(2, B, T + LEASE)), nobody);
	timeline = observeLook(timeline, look(T + 4000, lease(1, A, T + 4000 + LEASE, T + 4000), lease(2, B, T + 4000 + LEASE, T + 4000)), nobody);
	const renewed = timeline;
	timeline = observeLook(timeline, look(T + 8000, lease(1, A, T + 4000 + LEASE, T + 8000), lease(2, B, T + 8000 + LEASE, T + 8000)), nobody);
	assert.equal(timeline, renewed, 'a renew, or a lease left to run, changes nothing: no frame');
	timeline = observeLook(timeline, look(T + 25_000, lease(1, A, T + 24_000, T + 25_000), lease(2, B, T + 24_000 + LEASE, T + 25_000)), nobody);
	// The backup took row 1 (its holder id is the same on both rows) and released row 2.
	timeline = observeLook(timeline, look(T + 25_600, lease(1, B, T + 25_600 + LEASE, T + 25_600), lease(2, null, undefined, T + 25_600)), nobody);
	assert.deepEqual(spans(timeline, 'live'), [[0, 'held', '6c7dad0c…', false], [24_000, 'free', '', false], [25_600, 'held', '9f3e2b11…', false]]);
	assert.deepEqual(spans(timeline, 'backup'), [[0, 'held', '9f3e2b11…', false], [25_600, 'free', '', false]]);
	assert.deepEqual(spans(timeline, 'state'), [[0, 'state', 'L', false]]);
	const [gap] = gaps(timeline);
	assert.equal(gapText(gap), 'no live ≈1.60 s');
	assert.deepEqual([gap.from, gap.to, gap.exact], ['6c7dad0c…', '9f3e2b11…', false]);
});

test('an expired lease at the first look starts the data at the look (an old expiry does not stretch it back); a failed look is unknown', () => {
	let timeline = observeLook(emptyTimeline(), look(T, lease(1, A, T - 3_600_000), lease(2, null), null), nobody);
	assert.deepEqual(spans(timeline, 'live'), [[0, 'free', '', false]]);
	assert.deepEqual(spans(timeline, 'state'), [[0, 'state', 'N', false]]);
	assert.equal(timeline.since, T);
	timeline = observeLook(timeline, {...look(T + 1000, lease(1, null), lease(2, null)), probe: undefined, error: 'connection refused'}, nobody);
	assert.deepEqual(spans(timeline, 'live').at(-1), [1000, 'unknown', 'unreadable', false]);
	assert.deepEqual(spans(timeline, 'state').at(-1), [1000, 'unknown', '', false]);
});

test('a failover between our nodes: exact to the µs from their events; a look between release and takeover, or around them, undoes nothing', () => {
	const one = makeNode(1, 'live', 'live');
	const two = makeNode(2, 'backup', 'waiting-live-lock');
	const names: LeaseNames = {nodes: [one, two], holderIds: {n1: A, n2: B}};
	let timeline = observeNode(emptyTimeline(), one, 'live', 'idle', T);
	timeline = observeNode(timeline, two, 'backup', 'idle', T + 10);
	timeline = observeLook(timeline, look(T + 100, lease(1, A, T + 100 + LEASE, T + 100), lease(2, B, T + 100 + LEASE, T + 100)), names);
	timeline = observeNode(timeline, one, 'stopped', 'live', T + 5000.1);
	// #2 won row 1 and is reading the state: the look sees its holder id before its 'live' event — not taken for it.
	const between: LeaseNames = {nodes: [makeNode(1, 'live', 'stopped'), two], holderIds: names.holderIds};
	const before = timeline;
	timeline = observeLook(timeline, look(T + 5000.3, lease(1, B, T + 5000 + LEASE, T + 5000.3), lease(2, B, T + 5000 + LEASE, T + 5000.3)), between);
	assert.equal(timeline, before, 'our node\'s own event says when, exactly');
	timeline = observeNode(timeline, two, 'live', 'waiting-live-lock', T + 5000.5);
	// A look stamped a ms earlier than the takeover it reports (host ms clock): time does not go back.
	timeline = observeLook(timeline, look(T + 5000, lease(1, B, T + 5000 + LEASE, T + 5000), lease(2, B, T + 5000 + LEASE, T + 5000)), names);
	assert.deepEqual(spans(timeline, 'live'), [[0, 'held', '#1', true], [5000.1, 'free', '', true], [5000.5, 'held', '#2', true]]);
	const [gap] = gaps(timeline);
	assert.equal(gap.exact, true);
	assert.equal(gapText(gap), 'no live 0.4 ms');
	assert.deepEqual(spans(timeline, 'node:n2').map(span => span[2]), ['backup', 'LIVE']);
	// Drawn by the file screen's renderer: the gap keeps its column and its length, the holders their names.
	const picture = renderTimeline(timeline, {width: 70, windowMs: 60_000, end: T + 30_000});
	const live = picture.rows.find(row => row.id === 'live')!;
	const text = live.title + live.runs.map(run => run.text).join('');
	assert.equal(text.length, 70);
	assert.match(text, /^primary {3}/);
	assert.match(text, /×/);
	assert.match(text, /no live 0\.4 ms/);
	assert.ok(live.runs.some(run => run.tone === 'error' && run.text.includes('no live')), 'the gap in the error colour');
});

test('a killed primary whose lease the next holder wins between two looks: the row is free from the expiry the last look gave, not never (the gap stays)', () => {
	// Renewed at T (expiry T+20 s by the host's clock), then killed; the next look (T+20.4 s) already sees the backup on row 1.
	const first = look(T, lease(1, A, T + LEASE), lease(2, B, T + LEASE));
	let timeline = observeLook(emptyTimeline(), first, nobody);
	const second = look(T + 20_400, lease(1, B, T + 20_400 + LEASE, T + 20_400), lease(2, null, undefined, T + 20_400));
	timeline = observeLook(timeline, second, nobody, first);
	assert.deepEqual(spans(timeline, 'live'), [[0, 'held', '6c7dad0c…', false], [20_000, 'free', '', false], [20_400, 'held', '9f3e2b11…', false]]);
	assert.equal(gapText(gaps(timeline)[0]), 'no live ≈400 ms');
	// Our own backup winning it, by its event (exact), after the same look.
	const two = makeNode(2, 'backup', 'live');
	let ours = leaseRanOut(observeLook(emptyTimeline(), first, nobody), 'live', first.probe, {kind: 'held', label: '#2'}, T + 20_250.5);
	ours = observeNode(ours, two, 'live', 'waiting-live-lock', T + 20_250.5);
	assert.deepEqual(spans(ours, 'live'), [[0, 'held', '6c7dad0c…', false], [20_000, 'free', '', false], [20_250.5, 'held', '#2', true]]);
	// Released early (a clean stop) and taken before the expiry: nothing is made up.
	const early = leaseRanOut(observeLook(emptyTimeline(), first, nobody), 'live', first.probe, {kind: 'held', label: '#2'}, T + 3000);
	assert.deepEqual(spans(early, 'live'), [[0, 'held', '6c7dad0c…', false]]);
	// The same holder renewing late is no hand-over.
	assert.equal(leaseRanOut(timeline, 'live', second.probe, {kind: 'held', label: '9f3e2b11…'}, T + 50_000), timeline);
});

test('with the lease length the looks saw: the gap is the range of store/jdbc/no-live.ts — at least from the expiry, at most from the last renew', () => {
	// As the watcher reports it: the most lease ever left on the holder's row (here the whole 20 s).
	const seenLease = (update: JdbcUpdate): JdbcUpdate => ({...update, renew: {live: {...update.renew.live, leaseMs: LEASE}, backup: update.renew.backup}});
	const first = seenLease(look(T, lease(1, A, T + LEASE), lease(2, B, T + LEASE)));
	let timeline = observeLook(emptyTimeline(), first, nobody);
	// The lease seen run out in a look, then the backup on row 1 at the next.
	const expired = seenLease(look(T + 20_100, lease(1, A, T + LEASE, T + 20_100), lease(2, B, T + 20_100 + LEASE, T + 20_100)));
	timeline = observeLook(timeline, expired, nobody, first);
	timeline = observeLook(timeline, look(T + 20_400, lease(1, B, T + 20_400 + LEASE, T + 20_400), lease(2, null, undefined, T + 20_400)), nobody, expired);
	const [gap] = gaps(timeline);
	assert.deepEqual(gap.range, noLiveRange({lastRenew: T, expiry: T + LEASE}, T + 20_400));
	assert.deepEqual(gap.range, {atLeastMs: 400, atMostMs: 20_400});
	assert.equal(gapText(gap), 'no live ≥ 400 ms, ≤ 20.4 s');
	// Won between two looks: the same range.
	const straight = observeLook(observeLook(emptyTimeline(), first, nobody), look(T + 20_400, lease(1, B, T + 20_400 + LEASE, T + 20_400), lease(2, null, undefined, T + 20_400)), nobody, first);
	assert.deepEqual(gaps(straight)[0].range, {atLeastMs: 400, atMostMs: 20_400});
	// Our own node winning it, by its event: the same function, with the lease length passed in.
	const ours = leaseRanOut(observeLook(emptyTimeline(), first, nobody), 'live', first.probe, {kind: 'held', label: '#2'}, T + 20_250.5, LEASE);
	assert.deepEqual(observeNode(ours, makeNode(2, 'backup', 'live'), 'live', 'waiting-live-lock', T + 20_250.5).rows.find(row => row.id === 'live')!.spans[1].earliest, T);
});
