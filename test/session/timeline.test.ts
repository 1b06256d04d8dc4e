// The timeline's data model over exact inputs: spans, exact and probed gaps, bounds, and a
// recording read back (hostile lines included).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {KEEP_MS, MAX_SPANS, changesWithin, emptyTimeline, gapText, gaps, mark, observe, type Timeline} from '../../source/session/timeline.js';
import {observeNode, observeSnapshot} from '../../source/session/timeline-observe.js';
import {HistoryFileError, readRecordTail, timelineFromRecord} from '../../source/session/timeline-record.js';
import {makeNode, makeSnapshot, ours, outside} from '../ui/fixtures.js';
import {tempDir} from '../helpers/temp.js';
import {repoRoot} from '../helpers/spawned.js';

const T = 1_800_000_000_000;
const row = (timeline: Timeline, id: string) => timeline.rows.find(one => one.id === id)!;
const held = (label: string) => ({kind: 'held' as const, label});
const free = {kind: 'free' as const, label: ''};

test('an observation that changes nothing gives the same object back (no frame for it)', () => {
	const one = observe(emptyTimeline(), 'live', T, held('broker-a'));
	assert.equal(observe(one, 'live', T + 500, held('broker-a')), one);
	const two = observe(one, 'live', T + 600, free);
	assert.notEqual(two, one);
	assert.deepEqual(row(two, 'live').spans.map(span => [span.start - T, span.kind, span.label]), [[0, 'held', 'broker-a'], [600, 'free', '']]);
	assert.equal(two.since, T);
});

test('an in-process failover: the gap is exact to the µs (no live 0.4 ms), between the two nodes', () => {
	const a = makeNode(1, 'live', 'live');
	const b = makeNode(2, 'backup', 'waiting-live-lock');
	let timeline = observeNode(emptyTimeline(), a, 'live', 'idle', T);
	timeline = observeNode(timeline, b, 'backup', 'idle', T + 10);
	timeline = observeNode(timeline, a, 'stopped', 'live', T + 5000.1);
	timeline = observeNode(timeline, b, 'live', 'waiting-live-lock', T + 5000.5);
	const [gap] = gaps(timeline);
	assert.equal(gap.exact, true);
	assert.ok(Math.abs(gap.ms! - 0.4) < 1e-3, String(gap.ms));
	assert.equal(gapText(gap), 'no live 0.4 ms');
	assert.equal(gap.from, '#1');
	assert.equal(gap.to, '#2');
	assert.deepEqual(row(timeline, 'node:n1').spans.map(span => span.label), ['LIVE', 'stopped']);
	assert.deepEqual(row(timeline, 'node:n2').spans.map(span => span.label), ['backup', 'LIVE']);
	assert.equal(row(timeline, 'node:n2').title, '#2 backup');
});

test('an outside failover seen by probes: broker names, the gap as probes saw it (≈), the state byte', () => {
	const primary = {...outside(4264), broker: {kind: 'artemis', name: 'broker-a', role: 'primary'}} as never;
	const backup = {...outside(4300), broker: {kind: 'artemis', name: 'broker-b', role: 'backup'}} as never;
	let timeline = observeSnapshot(emptyTimeline(), makeSnapshot({live: primary, backup, takenAt: T}), []);
	timeline = observeSnapshot(timeline, makeSnapshot({backup, takenAt: T + 1000}), []);
	timeline = observeSnapshot(timeline, makeSnapshot({live: backup, takenAt: T + 1412}), []);
	assert.deepEqual(row(timeline, 'live').spans.map(span => span.label), ['broker-a', '', 'broker-b']);
	assert.deepEqual(row(timeline, 'backup').spans.map(span => [span.kind, span.label]), [['held', 'broker-b'], ['free', '']]);
	assert.deepEqual(row(timeline, 'state').spans.map(span => span.label), ['L']);
	const [gap] = gaps(timeline);
	assert.equal(gapText(gap), 'no live ≈412 ms');
	assert.equal(gap.from, 'broker-a');
	assert.equal(gap.to, 'broker-b');
});

test('an outside failover seen by looks that know the look before: the range of store/no-live.ts, as history reads it', () => {
	const primary = {...outside(4264), broker: {kind: 'artemis', name: 'broker-a', role: 'primary'}} as never;
	const backup = {...outside(4300), broker: {kind: 'artemis', name: 'broker-b', role: 'backup'}} as never;
	// Held at T; the pulse saw it held at T+70 and free at T+100; still free at T+280, held by B at T+300.
	let timeline = observeSnapshot(emptyTimeline(), makeSnapshot({live: primary, backup, takenAt: T}), []);
	timeline = observeSnapshot(timeline, makeSnapshot({backup, takenAt: T + 100}), [], T + 70);
	timeline = observeSnapshot(timeline, makeSnapshot({live: backup, takenAt: T + 300}), [], T + 280);
	const [gap] = gaps(timeline);
	assert.deepEqual(gap.range, {atLeastMs: 180, atMostMs: 230});
	assert.equal(gapText(gap), 'no live ≥ 180 ms, ≤ 230 ms');
	assert.equal(gap.exact, false);
	// A look "before" older than the span before (a stale pulse) cannot stretch the gap past what changed.
	const stale = observeSnapshot(observeSnapshot(emptyTimeline(), makeSnapshot({live: primary, takenAt: T}), []), makeSnapshot({takenAt: T + 100}), [], T - 5000);
	assert.equal(row(stale, 'live').spans[1].after, T);
	// Free in one look only, the new live seen at the next: nothing proves a moment without a live.
	const oneLook = observeSnapshot(observeSnapshot(observeSnapshot(emptyTimeline(), makeSnapshot({live: primary, takenAt: T}), []), makeSnapshot({takenAt: T + 100}), [], T + 99), makeSnapshot({live: backup, takenAt: T + 100.5}), [], T + 100);
	assert.equal(gapText(gaps(oneLook)[0]), 'no live ≤ 1.5 ms');
});

test('a hand-over no look saw free (a blocked backup gets the lock within µs of a kill): a gap of at most the looks\' distance, as history counts it', () => {
	const primary = {...outside(4264), broker: {kind: 'artemis', name: 'broker-a', role: 'primary'}} as never;
	const backup = {...outside(4300), broker: {kind: 'artemis', name: 'broker-b', role: 'backup'}} as never;
	let timeline = observeSnapshot(emptyTimeline(), makeSnapshot({live: primary, backup, takenAt: T}), []);
	timeline = observeSnapshot(timeline, makeSnapshot({live: backup, takenAt: T + 100}), [], T + 52);
	const [gap] = gaps(timeline);
	assert.deepEqual([gap.start - T, gap.end! - T, gap.range, gap.oneLook, gap.from, gap.to], [52, 100, {atLeastMs: 0, atMostMs: 48}, true, 'broker-a', 'broker-b']);
	assert.equal(gapText(gap), 'no live ≤ 48 ms');
	// Not a hand-over: the same pid whose broker name came into sight, old and new holders seen
	// together ({A} → {A, B}: /proc names both while it changes hands), a look with nothing known before it.
	const handOvers = (first: never, second: never, after?: number) => gaps(observeSnapshot(observeSnapshot(emptyTimeline(), makeSnapshot({live: first, takenAt: T}), []), makeSnapshot({live: second, takenAt: T + 100}), [], after)).length;
	assert.equal(handOvers(outside(4264) as never, primary, T + 52), 0);
	const together = makeSnapshot({live: primary, takenAt: T + 100});
	const withBoth = {...together, probe: {...together.probe!, locks: {...together.probe!.locks, live: {...together.probe!.locks.live, holders: [primary, backup]}}}};
	assert.equal(gaps(observeSnapshot(observeSnapshot(emptyTimeline(), makeSnapshot({live: primary, takenAt: T}), []), withBoth, [], T + 52)).length, 0);
	assert.equal(handOvers(primary, backup), 0);
});

test('our node let go (exact), an outside live seen by a look: at least to the last look that saw it free, at most to the look that saw the new live', () => {
	const a = makeNode(1, 'live', 'live');
	const broker = {...outside(4300), broker: {kind: 'artemis', name: 'broker-b', role: 'backup'}} as never;
	let timeline = observeNode(emptyTimeline(), a, 'live', 'idle', T);
	timeline = observeNode(timeline, a, 'stopped', 'live', T + 1000.25);
	// The pulse's last look at the free lock is older than the release: it counts from the release.
	timeline = observeSnapshot(timeline, makeSnapshot({live: broker, takenAt: T + 1200}), [], T + 1150);
	const [gap] = gaps(timeline);
	assert.deepEqual(gap.range, {atLeastMs: 149.75, atMostMs: 199.75});
	assert.equal(gapText(gap), 'no live ≥ 150 ms, ≤ 200 ms');
	assert.equal(gapText(gaps(observeSnapshot(timeline, makeSnapshot({takenAt: T + 1300}), [], T + 1250))[0]), 'no live ≥ 150 ms, ≤ 200 ms', 'a later gap leaves it as it was');
});

test('the night\'s record: the timeline read back (--history) labels every gap with the numbers `history` prints for it', async () => {
	const {buildHistory, parseRecord} = await import('../../source/fleet/history.js');
	const {historyText} = await import('../../source/commands/history.js');
	const text = fs.readFileSync(path.join(repoRoot(), 'test/fixtures/records/artemis-2.40-night.ndjson'), 'utf8');
	const labels = gaps(timelineFromRecord(text, '/srv/mq/data/journal').timeline).map(gap => gapText(gap)!.replace(/^no live /, ''));
	const table = historyText(buildHistory(parseRecord(text).events));
	const cells = table.filter(one => / (failover|failback|pause) /.test(one)).map(one => /(≥ [\d.]+ m?s, ≤ [\d.]+ m?s|≤ [\d.]+ m?s)/.exec(one)?.[1]);
	assert.deepEqual(labels, ['≥ 34 ms, ≤ 145 ms', '≥ 160 ms, ≤ 266 ms', '≥ 417 ms, ≤ 542 ms', '≥ 355 ms, ≤ 508 ms', '≥ 13.7 s, ≤ 13.9 s']);
	assert.deepEqual(cells, labels, table.join('\n'));
});

test('a frozen holder (SIGSTOP: T, or a zombie) is its own span, kept as the lock\'s holder, and no gap; resumed, held again', () => {
	const primary = {...outside(4264), broker: {kind: 'artemis', name: 'broker-a', role: 'primary'}};
	let timeline = observeSnapshot(emptyTimeline(), makeSnapshot({live: primary as never, takenAt: T}), []);
	timeline = observeSnapshot(timeline, makeSnapshot({live: {...primary, state: 'T'} as never, takenAt: T + 1000}), []);
	timeline = observeSnapshot(timeline, makeSnapshot({live: {...primary, state: 'S'} as never, takenAt: T + 5000}), []);
	timeline = observeSnapshot(timeline, makeSnapshot({live: {...primary, state: 'Z'} as never, takenAt: T + 9000}), []);
	assert.deepEqual(row(timeline, 'live').spans.map(span => [span.start - T, span.kind, span.label]), [[0, 'held', 'broker-a'], [1000, 'frozen', 'broker-a'], [5000, 'held', 'broker-a'], [9000, 'frozen', 'broker-a']]);
	assert.deepEqual(gaps(timeline), []);
});

test('a lock of this process that no node claims yet is not guessed (the node event says who, exactly)', () => {
	const timeline = observeSnapshot(emptyTimeline(), makeSnapshot({live: ours, takenAt: T}), []);
	assert.equal(row(timeline, 'live').spans.length, 0);
	const claimed = observeSnapshot(timeline, makeSnapshot({live: ours, takenAt: T + 5}), [makeNode(3, 'live', 'live')]);
	assert.deepEqual(row(claimed, 'live').spans.map(span => span.label), ['#3']);
});

test('time never goes back in a row; a probe at the instant of an exact event does not undo it', () => {
	let timeline = observe(emptyTimeline(), 'live', T + 10.5, held('#1'), true);
	timeline = observe(timeline, 'live', T + 10, free);
	assert.deepEqual(row(timeline, 'live').spans.map(span => [span.start - T, span.label]), [[10.5, '#1']]);
	timeline = observe(timeline, 'live', T + 11, free);
	assert.deepEqual(row(timeline, 'live').spans.map(span => [span.start - T, span.kind]), [[10.5, 'held'], [11, 'free']]);
});

test('bounded: an hour and a margin kept, at most MAX_SPANS per row and MAX_MARKS marks', () => {
	let timeline = emptyTimeline();
	for (let index = 0; index < MAX_SPANS + 500; index++) timeline = observe(timeline, 'live', T + index, index % 2 === 0 ? held('a') : free);
	assert.equal(row(timeline, 'live').spans.length, MAX_SPANS);
	timeline = observe(timeline, 'live', T + KEEP_MS + 10 * MAX_SPANS, held('late'));
	assert.ok(row(timeline, 'live').spans.length <= 2, String(row(timeline, 'live').spans.length));
	for (let index = 0; index < 5000; index++) timeline = mark(timeline, T + (index * 2));
	assert.ok(timeline.marks.length <= 4000);
});

test('changesWithin: a window with no change in it looks the same later (no frame needed)', () => {
	const timeline = observe(observe(emptyTimeline(), 'live', T, held('a')), 'live', T + 30_000, free);
	assert.equal(changesWithin(timeline, T + 10_000, T + 40_000), true);
	assert.equal(changesWithin(timeline, T + 31_000, T + 90_000), false);
	// The data's start is no change: what began there was first seen there.
	assert.equal(changesWithin(timeline, T - 1, T + 20_000, T), false);
	assert.equal(changesWithin(timeline, T - 1, T + 40_000, T), true);
});

// mono: CLOCK_MONOTONIC as a recorder writes it, in step with the wall clock.
const line = (event: Record<string, unknown> & {time: string}) => JSON.stringify({v: 1, host: 'h', mono: Date.parse(event.time) - Date.parse('2026-12-01T00:00:00Z') + 0.25, ...event});
const group = (time: string, live: object[] | null, state = 'L', extra: object = {}) => line({type: 'group', time, group: '/srv/a', status: 'ok', verdict: 'healthy', exitCode: 0, summary: '', state, locks: {state: {locked: false, holders: []}, live: {locked: live !== null, holders: live ?? []}, backup: {locked: false, holders: []}}, changes: [], ...extra});

test('a recording read back: its group only, broker names, a recorder stop is not a gap, hostile lines skipped', () => {
	const text = [
		line({type: 'start', time: '2026-12-01T01:00:00.000Z', pid: 7, groups: ['/srv/a']}),
		group('2026-12-01T01:00:00.100Z', [{pid: 10, kind: 'OFD', broker: 'broker-a'}]),
		group('2026-12-01T01:00:00.150Z', [{pid: 99, kind: 'OFD', broker: 'other'}], 'L', {group: '/srv/b'}),
		'{not json',
		`{"v":1,"type":"group","time":"x"}`,
		group('2026-12-01T01:00:05.000Z', null),
		group('2026-12-01T01:00:05.412Z', [{pid: 11, kind: 'OFD', broker: 'broker-\u001B[31mb\u0007'}], 'F'),
		group('2026-12-01T01:00:07.000Z', [{pid: 11, kind: 'OFD', broker: 'broker-\u001B[31mb\u0007', frozen: true}], 'F'),
		line({type: 'stop', time: '2026-12-01T01:00:09.000Z', pid: 7, why: 'SIGTERM'}),
		'x'.repeat(300 * 1024),
	].join('\n');
	const {timeline, events, skipped, groups} = timelineFromRecord(text, '/srv/a');
	assert.equal(events, 4);
	assert.equal(skipped, 3);
	assert.deepEqual(groups, ['/srv/a', '/srv/b']);
	assert.deepEqual(row(timeline, 'live').spans.map(span => [span.kind, span.label]), [['held', 'broker-a'], ['free', ''], ['held', 'broker-[31mb'], ['frozen', 'broker-[31mb'], ['unknown', 'not recorded']]);
	assert.deepEqual(row(timeline, 'state').spans.map(span => span.label), ['L', 'F', 'not recorded']);
	assert.equal(gapText(gaps(timeline)[0]), 'no live ≈412 ms');
	assert.equal(gaps(timeline).length, 1, 'the recorder stopping is not a time without a live');
});

test('readRecordTail: only the tail, whole lines; not a regular file or missing: one line', () => {
	const temp = tempDir('ha-tui-timeline-record-');
	try {
		const file = path.join(temp.dir, 'night.ndjson');
		fs.writeFileSync(file, `${'a'.repeat(100)}\nsecond\nthird\n`);
		assert.equal(readRecordTail(file, 12), 'third\n');
		assert.throws(() => readRecordTail(temp.dir), (error: unknown) => error instanceof HistoryFileError && /not a regular file/.test(error.message));
		assert.throws(() => readRecordTail(path.join(temp.dir, 'none')), /no such file/);
	} finally {
		temp.cleanup();
	}
});

test('eventLines: a folded line of flaps is one line, unfolded a line per flap in its place', async () => {
	const {eventLines} = await import('../../source/session/event-log.js');
	const log = [
		{seq: 1, time: T, source: 'watch' as const, level: 'info' as const, text: 'live lock: free → broker-a'},
		{seq: 2, time: T + 900, source: 'watch' as const, level: 'info' as const, text: 'state lock taken 3× in 1 s (last: free → pid 9)', folded: [{time: T + 100, text: 'state lock: free → pid 7'}, {time: T + 500, text: 'state lock: free → pid 8'}, {time: T + 900, text: 'state lock: free → pid 9'}]},
		{seq: 3, time: T + 1000, source: 'node' as const, level: 'ok' as const, text: '#1 live: LIVE'},
	];
	assert.equal(eventLines(log, false), log);
	assert.deepEqual(eventLines(log, true).map(entry => entry.text), ['live lock: free → broker-a', 'state lock: free → pid 7', 'state lock: free → pid 8', 'state lock: free → pid 9', '#1 live: LIVE']);
	assert.equal(new Set(eventLines(log, true).map(entry => entry.seq)).size, 5, 'each line its own key');
});
