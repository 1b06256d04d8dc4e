// Issue 18 §3: a failback whose F no look saw (ha-tui nodes: F lives ~10 ms between the
// primary's write and the active backup's step-down), and ha-tui nodes named in the record as
// watch names them. Real run (notes/histfb.md): primary killed, the backup took over, the
// primary restarted — history called its return "failover … forced (released while running)".
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildHistory, parseRecord} from '../../source/fleet/history.js';
import {recordHolder, type GroupEvent, type RecordHolder} from '../../source/fleet/record.js';

const t0 = Date.parse('2026-12-03T16:27:40.000Z');
const holder = (pid: number, role?: string): RecordHolder => ({pid, kind: 'OFD', ...(role ? {process: 'ha-tui node d', role} : {})});
function event(ms: number, live: RecordHolder[], backup: RecordHolder[], extra: Partial<GroupEvent> = {}): GroupEvent {
	return {
		v: 1, type: 'group', time: new Date(t0 + ms).toISOString(), mono: 1000 + ms, host: 'h', group: '/g', status: 'ok', verdict: '', exitCode: 0, summary: '',
		state: 'L', stateName: 'live', nodeId: 'n', layout: 'files', inode: 1, replaced: false,
		locks: {state: {locked: false, holders: []}, live: {locked: live.length > 0, holders: live}, backup: {locked: backup.length > 0, holders: backup}}, changes: [], ...extra,
	};
}

// Primary 10 killed, backup 20 takes over, primary 30 returns: no look saw F, nobody's role is
// known (a record written before ha-tui nodes had one, or brokers whose broker.xml is unreadable).
const unseenF = (role: (r: string) => string | undefined) => [
	event(0, [holder(10, role('primary'))], [holder(20, role('backup'))]),
	event(2800, [holder(20, role('backup'))], [], {after: 2780, releasedBy: [{pid: 10, alive: false}]}),
	event(7000, [holder(30, role('primary'))], [holder(20, role('backup'))], {after: 6950, releasedBy: [{pid: 20, alive: true}]}),
	event(9000, [holder(30, role('primary'))], [holder(20, role('backup'))]),
];

test('a backup that took over and releases the live lock while running to a holder that was not queued as backup: failback, though no look saw F', () => {
	const history = buildHistory(unseenF(() => undefined));
	assert.deepEqual(history.episodes.map(episode => [episode.kind, episode.from, episode.to, episode.trigger]), [
		['failover', 'pid 10', 'pid 20', 'kill (holder gone)'],
		['failback', 'pid 20', 'pid 30', 'failback'],
	]);
	assert.equal(history.totals[0].failbacks, 1);
	assert.equal(history.totals[0].failovers, 1);
});

test('the same with the roles the record now carries: named as watch names them, through the file', () => {
	const read = parseRecord(unseenF(role => role).map(event => JSON.stringify(event)).join('\n'));
	assert.equal(read.skipped, 0);
	const history = buildHistory(read.events);
	assert.deepEqual(history.episodes.map(episode => [episode.kind, episode.from, episode.to]), [
		['failover', 'ha-tui node d (primary) pid 10', 'ha-tui node d (backup) pid 20'],
		['failback', 'ha-tui node d (backup) pid 20', 'ha-tui node d (primary) pid 30'],
	]);
});

test('a forced failover of the active backup to the next queued backup stays a failover', () => {
	const events = [
		event(0, [holder(10)], [holder(20)]),
		event(2800, [holder(20)], [holder(40)], {releasedBy: [{pid: 10, alive: false}]}),
		event(7000, [holder(40)], [], {releasedBy: [{pid: 20, alive: true}]}),
	];
	assert.deepEqual(buildHistory(events).episodes.map(episode => [episode.kind, episode.trigger]), [
		['failover', 'kill (holder gone)'],
		['failover', 'forced (released while running)'],
	]);
});

test('a forced failover seen as a free look, then the primary back: failback only from the stepped-down backup', () => {
	const events = [
		event(0, [holder(10)], [holder(20)]),
		event(2800, [holder(20)], [], {releasedBy: [{pid: 10, alive: false}]}),
		event(7000, [], [holder(20)], {after: 6990, releasedBy: [{pid: 20, alive: true}]}),
		event(7020, [holder(30)], [holder(20)], {after: 7010}),
	];
	assert.deepEqual(buildHistory(events).episodes.map(episode => [episode.kind, episode.trigger]), [
		['failover', 'kill (holder gone)'],
		['failback', 'failback'],
	]);
});

test('an ha-tui node holder is recorded with the name and role watch shows', () => {
	// A pid no process has: the broker lookup finds nothing, the title names it.
	assert.deepEqual(recordHolder({pid: 2 ** 22 + 7, command: 'ha-tui node d --role primary', kind: 'OFD'}, []), {pid: 2 ** 22 + 7, kind: 'OFD', process: 'ha-tui node d', role: 'primary'});
	assert.deepEqual(recordHolder({pid: 2 ** 22 + 7, command: 'ha-tui node /x --role=backup', kind: 'OFD'}, [2 ** 22 + 7]), {pid: 2 ** 22 + 7, kind: 'OFD', process: 'ha-tui node /x', role: 'backup', frozen: true});
	assert.deepEqual(recordHolder({pid: 2 ** 22 + 7, command: 'python3 hold.py', kind: 'POSIX'}, []), {pid: 2 ** 22 + 7, kind: 'POSIX'});
	assert.deepEqual(recordHolder({pid: undefined, command: undefined, kind: 'OFD'}, []), {pid: null, kind: 'OFD'});
});
