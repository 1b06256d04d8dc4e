// The totals of `history` are the sum of its episodes' own numbers (issue 18 §3): a hand-over
// seen in one look still had a moment without a live, so "live 100.000 %" can never stand
// beside a failover; a table's lease range and a directory's pulse bound carry into the
// availability as a range; time the recorder did not see is in no episode and no total.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import {availabilityText, historyText} from '../../source/commands/history.js';
import {buildHistory, parseRecord, type Episode, type History} from '../../source/fleet/history.js';
import type {GroupEvent, RecordEvent, RecordHolder} from '../../source/fleet/record.js';
import {repoRoot} from '../helpers/spawned.js';

const t0 = Date.parse('2026-12-01T22:00:00.000Z');
const holder = (pid: number, broker?: string, role?: string): RecordHolder => ({pid, kind: 'POSIX', ...(broker ? {broker} : {}), ...(role ? {role} : {})});
function event(ms: number, live: RecordHolder[], extra: Partial<GroupEvent> = {}): GroupEvent {
	return {
		v: 1, type: 'group', time: new Date(t0 + ms).toISOString(), mono: 1000 + ms, host: 'h', group: '/g', status: 'ok', verdict: live.length > 0 ? 'healthy' : 'no-live', exitCode: live.length > 0 ? 0 : 2, summary: '',
		state: 'L', stateName: 'live', nodeId: 'n', layout: 'files', inode: 1, replaced: false,
		locks: {state: {locked: false, holders: []}, live: {locked: live.length > 0, holders: live}, backup: {locked: false, holders: []}}, changes: [], ...extra,
	};
}

const recorder = (type: 'start' | 'stop', ms: number, pid: number, groups: string[] = ['/g'], host = 'h'): RecordEvent => (type === 'start'
	? {v: 1, type, time: new Date(t0 + ms).toISOString(), mono: 1000 + ms, host, pid, groups}
	: {v: 1, type, time: new Date(t0 + ms).toISOString(), mono: 1000 + ms, host, pid, why: 'SIGTERM'});

/** What the episodes of a group say, summed: the one source the totals must agree with. */
function episodeSums(history: History, group = '/g') {
	const counted = history.episodes.filter((episode: Episode) => episode.group === group && episode.noLiveMs !== undefined && episode.kind !== 'frozen');
	return {max: counted.reduce((sum, episode) => sum + episode.noLiveMs!, 0), min: counted.reduce((sum, episode) => sum + (episode.noLiveMinMs ?? episode.noLiveMs!), 0)};
}

test('a hand-over seen in one look: the totals count its "≤ 26 ms", never "live 100.000 %" beside it', () => {
	const history = buildHistory([event(0, [holder(1, 'a', 'primary')]), event(5000, [holder(2, 'b', 'backup')], {after: 5974}), event(10_000, [holder(2, 'b', 'backup')])]);
	const [failover] = history.episodes;
	assert.deepEqual([failover.kind, failover.noLiveMinMs, failover.noLiveMs], ['failover', 0, 26]);
	const [total] = history.totals;
	assert.deepEqual([total.windowMs, total.noLiveMinMs, total.noLiveMs, total.liveMs, total.failovers], [10_000, 0, 26, 9974, 1]);
	assert.equal(total.availability, 0.9974);
	assert.equal(total.availabilityMax, 1);
	const text = historyText(history);
	assert.ok(text.some(line => line.includes('failover') && line.includes('≤ 26 ms')), text.join('\n'));
	assert.ok(text.some(line => line.startsWith('/g: 10 s recorded, live ≥ 99.740 % of it (no live ≤ 26 ms')), text.join('\n'));
	assert.ok(!text.some(line => line.includes('100.000')), text.join('\n'));
});

test('a table\'s failover in one look: the totals carry its lease range, "≥ 88 ms, ≤ 1.56 s", into the availability', () => {
	const table = (ms: number, id: string, extra: Partial<GroupEvent> = {}) => event(ms, [{pid: null, kind: 'LEASE', id}], {group: 'pg table t', layout: 'jdbc-bigint', ...extra});
	// (after, leaseExpiry: CLOCK_MONOTONIC, as mono.) Last renew 1.56 s before the look that saw B, lease expiry 88 ms before it; 100 s recorded.
	const history = buildHistory([table(0, 'A'), table(50_000, 'B', {after: 49_440, leaseExpiry: 50_912}), table(100_000, 'B')]);
	const [failover] = history.episodes;
	assert.deepEqual([failover.noLiveMinMs, failover.noLiveMs, failover.noLiveBounds], [88, 1560, 'lease']);
	const [total] = history.totals;
	assert.deepEqual([total.noLiveMinMs, total.noLiveMs, total.noLiveBounds], [88, 1560, 'lease']);
	assert.equal(total.availability, (100_000 - 1560) / 100_000);
	assert.equal(total.availabilityMax, (100_000 - 88) / 100_000);
	const text = historyText(history);
	assert.ok(text.some(line => line.startsWith('pg table t: 100 s recorded, live 98.440–99.912 % of it (no live ≥ 88 ms, ≤ 1.56 s')), text.join('\n'));
});

test('the night of a real Artemis pair: the totals are the sums of its episodes, to the millisecond', () => {
	const {events} = parseRecord(fs.readFileSync(path.join(repoRoot(), 'test/fixtures/records/artemis-2.40-night.ndjson'), 'utf8'));
	const history = buildHistory(events);
	const sums = episodeSums(history, '/srv/mq/data/journal');
	const [total] = history.totals;
	assert.ok(Math.abs(total.noLiveMs - sums.max) < 0.001, `${total.noLiveMs} = ${sums.max}`);
	assert.ok(Math.abs(total.noLiveMinMs - sums.min) < 0.001, `${total.noLiveMinMs} = ${sums.min}`);
	assert.ok(Math.abs(total.liveMs - (total.windowMs - total.noLiveMs)) < 0.001);
	assert.ok(total.availability! < total.availabilityMax!);
});

test('a record that begins without a live: that time is an episode (no failover), and counted', () => {
	const history = buildHistory([event(0, []), event(3000, [], {after: 3990}), event(4000, [holder(1, 'a', 'primary')], {after: 4990}), event(10_000, [holder(1, 'a', 'primary')])]);
	assert.deepEqual(history.episodes.map(episode => [episode.kind, episode.trigger, episode.noLiveMinMs, episode.noLiveMs]), [['no-live', 'no live when the record began', 3990, 4000]]);
	const [total] = history.totals;
	assert.deepEqual([total.failovers, total.noLiveEpisodes, total.noLiveMinMs, total.noLiveMs], [0, 1, 3990, 4000]);
	assert.ok(historyText(history).some(line => line.includes('1 other time without a live')));
});

test('a recorder that stops during a gap: the gap ends at its stop; no failover spans the time nobody recorded', () => {
	const a = holder(1, 'a', 'primary');
	const history = buildHistory([
		recorder('start', 0, 50), event(0, [a]),
		event(1000, [], {after: 1990, releasedBy: [{pid: 1, alive: false}]}),
		recorder('stop', 2000, 50),
		recorder('start', 60_000, 51), event(60_000, []),
		event(61_000, [holder(2, 'b', 'backup')], {after: 61_990}),
		event(70_000, [holder(2, 'b', 'backup')]),
	]);
	assert.deepEqual(history.episodes.map(episode => [episode.kind, episode.to, episode.noLiveMs]), [['no-live', 'unknown (the recorder stopped)', 1010], ['no-live', 'b (backup) pid 2', 1000]]);
	const [total] = history.totals;
	assert.equal(total.windowMs, 2000 + 10_000);
	assert.deepEqual([total.failovers, total.noLiveEpisodes, total.noLiveMs], [0, 2, 2010]);
	assert.ok(total.noLiveMs <= total.windowMs);
});

test('two recorders on one host (two files): one stopping does not blind the other', () => {
	const other = (ms: number, live: RecordHolder[], extra: Partial<GroupEvent> = {}) => event(ms, live, {group: '/h', ...extra});
	const first = [recorder('start', 0, 50, ['/g']), event(0, [holder(1)]), recorder('stop', 4000, 50)];
	const second = [recorder('start', 0, 60, ['/h']), other(0, [holder(7)]), other(5000, [holder(8)], {after: 5980, releasedBy: [{pid: 7, alive: false}]}), other(9000, [holder(8)])];
	// The files in either order: one history.
	for (const events of [[...first, ...second], [...second, ...first]]) {
		const history = buildHistory(events);
		assert.deepEqual(history.episodes.map(episode => [episode.group, episode.kind, episode.noLiveMs]), [['/h', 'failover', 20]]);
		const totals = Object.fromEntries(history.totals.map(total => [total.group, [total.windowMs, total.failovers, total.noLiveMs]]));
		assert.deepEqual(totals, {'/g': [4000, 0, 0], '/h': [9000, 1, 20]});
	}
});

test('--since inside a gap: the episode is shown (it reaches into the window) and counted from --since only', () => {
	const a = holder(1, 'a', 'primary');
	const events = [event(0, [a]), event(10_000, [], {after: 10_990, releasedBy: [{pid: 1, alive: false}]}), event(14_000, [holder(2, 'b', 'backup')], {after: 14_990}), event(20_000, [holder(2, 'b', 'backup')])];
	const history = buildHistory(events, {since: t0 + 12_000});
	assert.deepEqual(history.episodes.map(episode => [episode.kind, episode.noLiveMs, episode.detail]), [['failover', 4010, 'began before --since: 2.00 s of it counted']]);
	const [total] = history.totals;
	assert.deepEqual([total.windowMs, total.noLiveMs, total.noLiveMinMs, total.failovers], [8000, 2000, 2000, 1]);
	assert.ok(historyText(history).some(line => line.includes('failover') && line.endsWith('began before --since: 2.00 s of it counted')));
	// A table's last renew older than the record's first look: counted from that look, and the row says so.
	const table = (ms: number, id: string, extra: Partial<GroupEvent> = {}) => event(ms, [{pid: null, kind: 'LEASE', id}], {group: 'pg table t', ...extra});
	const early = buildHistory([table(0, 'A'), table(1000, 'B', {after: 500, leaseExpiry: 2000}), table(5000, 'B')]);
	assert.deepEqual(early.episodes.map(episode => [episode.noLiveMs, episode.detail]), [[1500, 'may have begun before the record: 1.00 s of it counted']]);
	assert.equal(early.totals[0].noLiveMs, 1000);
});

test('availability is rounded toward what the record shows: down at the low end, up at the high end', () => {
	assert.equal(availabilityText({availability: 0.999_999_9, availabilityMax: 1}), '≥ 99.999 %');
	assert.equal(availabilityText({availability: 1, availabilityMax: 1}), '100.000 %');
	assert.equal(availabilityText({availability: 0.5, availabilityMax: 0.5}), '50.000 %');
	assert.equal(availabilityText({availability: 0.771_784, availabilityMax: 0.782_007}), '77.178–78.201 %');
	assert.equal(availabilityText({availability: null, availabilityMax: null}), 'n/a');
});

test('old and new holders seen together ({A} → {A, B} → {B}, as /proc names them while the lock changes hands): one failback, timed by the two looks\' pulse windows', () => {
	const a = holder(10, 'b', 'backup');
	const b = holder(20, 'a', 'primary');
	const history = buildHistory([event(0, [a]), event(3000, [a, b], {state: 'F', after: 3964}), event(3250, [b], {after: 4229}), event(9000, [b])]);
	assert.deepEqual(history.episodes.map(episode => [episode.kind, episode.from, episode.to, episode.noLiveMinMs, episode.noLiveMs, episode.detail]), [['failback', 'b (backup) pid 10', 'a (primary) pid 20', 0, 36 + 21, 'old and new holders seen together']]);
	assert.deepEqual([history.totals[0].failbacks, history.totals[0].noLiveMs], [1, 57]);
	// And back to the old holder alone: no hand-over at all.
	assert.deepEqual(buildHistory([event(0, [a]), event(3000, [a, b], {after: 3964}), event(3250, [a], {after: 4229}), event(9000, [a])]).episodes, []);
});

test('a holder seen hidden, then named (found in /proc a moment after it took the lock): no hand-over', () => {
	const hiddenHolder: RecordHolder = {pid: null, kind: 'OFD'};
	const history = buildHistory([event(0, []), event(2000, [hiddenHolder], {after: 2990}), event(2010, [holder(688)], {after: 3005}), event(7000, [], {after: 7990, releasedBy: [{pid: 688, alive: false}]}), event(7050, [holder(775)], {after: 8045})]);
	assert.deepEqual(history.episodes.map(episode => [episode.kind, episode.from, episode.to]), [['no-live', 'nobody', 'hidden'], ['failover', 'pid 688', 'pid 775']]);
	// A live never visible here (another host) replaced in one look by the backup of this host: a failover.
	const backupOf = (pid: number): Partial<GroupEvent> => ({locks: {state: {locked: false, holders: []}, live: {locked: true, holders: [hiddenHolder]}, backup: {locked: true, holders: [holder(pid)]}}});
	assert.deepEqual(buildHistory([event(0, [hiddenHolder], backupOf(775)), event(1000, [holder(775)], {after: 1990})]).episodes.map(episode => [episode.kind, episode.from, episode.to, episode.noLiveMs]), [['failover', 'hidden', 'pid 775', 10]]);
	// After a free look, a hidden new holder is a failover like any other.
	assert.deepEqual(buildHistory([event(0, [holder(1)]), event(1000, [], {after: 1990}), event(1100, [hiddenHolder], {after: 2095})]).episodes.map(episode => [episode.kind, episode.to]), [['failover', 'hidden']]);
});

test('a hand-over of 0.3 ms in a long record: never rounded to "live 100.000 %"', () => {
	const history = buildHistory([event(0, [holder(1)]), event(1000, [holder(2)], {after: 1999.7}), event(3_600_000, [holder(2)])]);
	const [total] = history.totals;
	assert.ok(total.noLiveMs > 0.29 && total.noLiveMs < 0.31, String(total.noLiveMs));
	assert.ok(historyText(history).some(line => line.includes('live ≥ 99.999 % of it (no live ≤ 0.3 ms')), historyText(history).join('\n'));
});
