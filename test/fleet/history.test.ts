// Issue 18 §3: episodes from recorded events (pure): failover, failback, pause, frozen, lost
// lock, --since, availability, and lines that are not events.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {repoRoot} from '../helpers/spawned.js';
import {historyText} from '../../source/commands/history.js';
import {buildHistory, parseRecord, parseSince} from '../../source/fleet/history.js';
import type {GroupEvent, RecordHolder} from '../../source/fleet/record.js';

const t0 = Date.parse('2026-12-01T22:00:00.000Z');
const holder = (pid: number, broker?: string, role?: string, frozen?: true): RecordHolder => ({pid, kind: 'POSIX', ...(broker ? {broker} : {}), ...(role ? {role} : {}), ...(frozen ? {frozen} : {})});
function event(ms: number, live: RecordHolder[], state: string, extra: Partial<GroupEvent> = {}): GroupEvent {
	return {
		v: 1, type: 'group', time: new Date(t0 + ms).toISOString(), mono: 1000 + ms, host: 'h', group: '/g', status: 'ok', verdict: live.length > 0 ? 'healthy' : 'no-live', exitCode: live.length > 0 ? 0 : 2, summary: '',
		state, stateName: state, nodeId: 'n', layout: 'files', inode: 1, replaced: false,
		locks: {state: {locked: false, holders: []}, live: {locked: live.length > 0, holders: live}, backup: {locked: false, holders: []}}, changes: [], ...extra,
	};
}

test('episodes and totals', () => {
	const a = holder(10, 'a', 'primary');
	const b = holder(20, 'b', 'backup');
	const a2 = holder(30, 'a', 'primary');
	const events = [
		event(0, [a], 'L'),
		event(1000, [], 'L', {after: 1990, releasedBy: [{pid: 10, alive: false}]}),
		event(1400, [b], 'L', {after: 2390}),
		event(5000, [b], 'F'),
		event(5200, [], 'F', {releasedBy: [{pid: 20, alive: true}]}),
		event(5300, [a2], 'L'),
		event(6000, [{...a2, frozen: true}], 'L'),
		event(8000, [a2], 'L'),
		event(9000, [], 'P', {releasedBy: [{pid: 30, alive: true}]}),
		event(12_000, [holder(40, 'a', 'primary')], 'L'),
		event(13_000, [holder(40, 'a', 'primary')], 'L', {changes: [{kind: 'identity', message: 'replaced'}]}),
		event(20_000, [holder(40, 'a', 'primary')], 'L'),
	];
	const history = buildHistory(events);
	const kinds = history.episodes.map(episode => episode.kind);
	assert.deepEqual(kinds, ['failover', 'failback', 'frozen', 'pause', 'lost-lock']);
	const [failover, failback, frozen, pause] = history.episodes;
	assert.equal(failover.from, 'a (primary) pid 10');
	assert.equal(failover.to, 'b (backup) pid 20');
	assert.equal(failover.trigger, 'kill (holder gone)');
	assert.equal(failover.noLiveMs, 410, 'from the last pulse that saw a holding it (10 ms before the free was seen)');
	assert.equal(failover.noLiveMinMs, 390, 'to the last pulse that saw it free');
	assert.equal(failback.trigger, 'failback');
	assert.equal(frozen.detail, 'frozen for 2000 ms');
	assert.equal(pause.noLiveMs, 3000);
	const [total] = history.totals;
	assert.equal(total.windowMs, 20_000);
	// The episodes' own numbers, summed: at most 410 + 100 + 3000, at least 390 + 100 + 3000.
	assert.equal(total.noLiveMs, 410 + 100 + 3000);
	assert.equal(total.noLiveMinMs, 390 + 100 + 3000);
	assert.equal(total.failovers, 1);
	assert.equal(total.failbacks, 1);
	assert.equal(total.pauses, 1);
	assert.equal(total.lostLocks, 1);
	// --since: only what began after it, and the window from it.
	const later = buildHistory(events, {since: t0 + 5100});
	assert.deepEqual(later.episodes.map(episode => episode.kind), ['failback', 'frozen', 'pause', 'lost-lock']);
	assert.equal(later.totals[0].windowMs, 14_900);
});

test('parseRecord skips what is not an event; parseSince reads times and ages', () => {
	const text = `${JSON.stringify(event(0, [], 'L'))}\nnot json\n{"v":2}\n{"v":1,"type":"group","time":"x","mono":1}\n\n`;
	const parsed = parseRecord(text);
	assert.equal(parsed.events.length, 1);
	assert.equal(parsed.skipped, 3);
	assert.equal(parseSince('2h', t0), t0 - 7_200_000);
	assert.equal(parseSince('2026-12-01T22:00:00Z'), t0);
	assert.equal(parseSince('yesterday'), undefined);
});

test('a real Artemis 2.40.0 pair\'s night (recorded by watch --record): two kills, two failbacks, a freeze, a clean stop', () => {
	const {events, skipped} = parseRecord(fs.readFileSync(path.join(repoRoot(), 'test/fixtures/records/artemis-2.40-night.ndjson'), 'utf8'));
	assert.equal(skipped, 0);
	const history = buildHistory(events);
	assert.deepEqual(history.episodes.map(episode => `${episode.kind}:${episode.trigger}`), ['failover:kill (holder gone)', 'failback:failback', 'failover:kill (holder gone)', 'failback:failback', 'frozen:SIGSTOP (or a debugger)', 'pause:clean stop']);
	assert.match(history.episodes[0].from ?? '', /^primary \(primary\) pid \d+$/);
	assert.match(history.episodes[0].to ?? '', /^backup \(backup\) pid \d+$/);
	const [total] = history.totals;
	assert.equal(total.failovers, 2);
	assert.equal(total.failbacks, 2);
	assert.ok(total.availability! > 0.7 && total.availability! < 0.85);
});

test('a table\'s failover: the lease range (at least from the lease expiry, at most from the last renew), and the history line says both', () => {
	const table = (ms: number, id: string | undefined, extra: Partial<GroupEvent> = {}) => event(ms, id ? [{pid: null, kind: 'LEASE', id}] : [], 'L', {group: 'pg table t', layout: 'jdbc-bigint', ...extra});
	// Last renew at mono 1000 + 500, expiry (lease 1.5 s) at 1000 + 2000; the look at 2040 sees the new holder.
	const events = [table(0, 'A'), table(2040, 'B', {after: 1500, leaseExpiry: 3000})];
	const [failover] = buildHistory(events).episodes;
	assert.equal(failover.kind, 'failover');
	assert.deepEqual([failover.noLiveMinMs, failover.noLiveMs, failover.noLiveBounds], [40, 1540, 'lease']);
	assert.ok(historyText(buildHistory(events)).some(line => line.includes('failover') && line.includes('≥ 40 ms, ≤ 1.54 s')));
	// Seen free first (the lease ran out in a look), then the new holder: the same range.
	const two = [table(0, 'A'), table(2010, undefined, {after: 1500, leaseExpiry: 3000}), table(2040, 'B', {after: 3010})];
	const [again] = buildHistory(two).episodes;
	assert.deepEqual([again.noLiveMinMs, again.noLiveMs, again.noLiveBounds], [40, 1540, 'lease']);
	// A directory's failover keeps its pulse bounds (no lease).
	assert.equal(buildHistory([event(0, [holder(1)], 'L'), event(10, [holder(2)], 'L', {after: 1005})]).episodes[0].noLiveBounds, undefined);
});

test('a table\'s gap still open at the end of the record: the lease range, as every table gap', () => {
	const table = (ms: number, id: string | undefined, extra: Partial<GroupEvent> = {}) => event(ms, id ? [{pid: null, kind: 'LEASE', id}] : [], 'L', {group: 'pg table t', layout: 'jdbc-bigint', ...extra});
	// Last renew at mono 1500, expiry at 3000; the record ends at the look (mono 3010) that saw the lease run out.
	const events = [table(0, 'A'), table(2010, undefined, {after: 1500, leaseExpiry: 3000})];
	const history = buildHistory(events);
	const [open] = history.episodes;
	assert.equal(open.kind, 'no-live');
	assert.equal(open.to, 'nobody (still at the end of the record)');
	assert.deepEqual([open.noLiveMinMs, open.noLiveMs, open.noLiveBounds], [10, 1510, 'lease']);
	assert.deepEqual([history.totals[0].noLiveMinMs, history.totals[0].noLiveMs, history.totals[0].noLiveBounds], [10, 1510, 'lease']);
	assert.ok(historyText(history).some(line => line.includes('no-live') && line.includes('≥ 10 ms, ≤ 1.51 s')), historyText(history).join('\n'));
	// Looks still free after it: at least from the expiry to the last of them.
	const later = buildHistory([...events, table(4010, undefined)]).episodes[0];
	assert.deepEqual([later.noLiveMinMs, later.noLiveMs, later.noLiveBounds], [2010, 3510, 'lease']);
	// A directory's open gap keeps its looks' bounds (no lease).
	const directory = buildHistory([event(0, [holder(1)], 'L'), event(1000, [], 'L', {after: 1995}), event(3000, [], 'L')]).episodes[0];
	assert.deepEqual([directory.noLiveMinMs, directory.noLiveMs, directory.noLiveBounds], [2000, 2005, undefined]);
});
