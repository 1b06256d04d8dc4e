// Each panel rendered from fixed snapshots.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {Box} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import {EventLog} from '../../source/ui/event-log.js';
import {age} from '../../source/ui/format.js';
import {Header} from '../../source/ui/header.js';
import {HelpBar} from '../../source/ui/help-bar.js';
import {HelpOverlay} from '../../source/ui/help-overlay.js';
import {LockFilePanel} from '../../source/ui/lock-file-panel.js';
import {LocksPanel, fitHolderText} from '../../source/ui/locks-panel.js';
import {NodesPanel} from '../../source/ui/nodes-panel.js';
import {toneColor, colorsWanted} from '../../source/ui/theme.js';
import {NODE_ID, PATH, T0, entry, makeNode, makeSnapshot, makeView, missingSnapshot, ours, outside} from './fixtures.js';

afterEach(cleanup);

const frame = (element: React.ReactElement) => render(element).lastFrame() ?? '';
const lines = (text: string) => text.split('\n');

test('header: path, device:inode, size, file system, watch mode, local time', () => {
	const text = frame(<Header view={makeView()} now={T0} width={80}/>);
	assert.match(text, /ha-tui \/srv\/artemis\/data\/journal\/server\.lock +03:04:05/, 'the clock has seconds');
	assert.match(text, /dev:inode 65024:2146390 · 19 bytes · ext4 \(inotify\)/);
	assert.match(frame(<Header view={makeView({fsKind: 'nfs', polling: true})} now={T0} width={80}/>), /nfs \(polling\)/);
});

test('header: a long path keeps both ends within 80 columns', () => {
	const path = `/very/${'deep/'.repeat(30)}journal/server.lock`;
	const first = lines(frame(<Box width={80}><Header view={makeView({path})} now={T0} width={80}/></Box>))[0];
	assert.ok(first.length <= 80, first);
	assert.match(first, /^ha-tui \/very\/deep.*….*journal\/server\.lock +03:04:05$/);
});

test('header: missing, deleted and replaced files are said loudly', () => {
	assert.match(frame(<Header view={makeView({snapshot: missingSnapshot()})} now={T0} width={100}/>), /waiting for \/srv\/artemis\/data\/journal\/server\.lock/);
	assert.match(frame(<Header view={makeView({snapshot: missingSnapshot(true)})} now={T0} width={100}/>), /‼ FILE DELETED/);
	assert.match(frame(<Header view={makeView({snapshot: makeSnapshot({replaced: true})})} now={T0} width={100}/>), /‼ FILE REPLACED/);
	const error = {...missingSnapshot(), status: 'error' as const, error: '/tmp/fifo: is a FIFO (named pipe), not a lock file'};
	assert.match(frame(<Header view={makeView({snapshot: error})} now={T0} width={100}/>), /✖ \/tmp\/fifo: is a FIFO/);
});

test('lock file panel: state decoded, node id as UUID, 19 bytes with the segments marked', () => {
	const text = frame(<LockFilePanel snapshot={makeSnapshot()} width={80}/>);
	assert.match(text, /state 'L' \(0x4c\) live/);
	assert.match(text, new RegExp(`node id ${NODE_ID}`));
	assert.match(text, /bytes 4c {5}30 {4}30 {6}7e ce 4f 00 c0 f4 15 c4 96 7a a7 15 6b da 59 d8/);
	// The default fixture is the files layout: bytes 1–2 are not locks there.
	assert.match(text, /state {2}'0' {3}'0' {5}node id \(16 bytes\)/);
	assert.match(text, /layout files Artemis ≥ 2\.10/);
	assert.match(text, /serverlock\.1 inode 2146391 · serverlock\.2 inode 2146392/);
	const ranges = frame(<LockFilePanel snapshot={makeSnapshot({layout: 'ranges'})} width={120}/>);
	assert.match(ranges, /state {2}live {2}backup {2}node id \(16 bytes\)/);
	assert.match(ranges, /layout ranges HornetQ \/ Artemis ≤ 2\.9/);
	assert.doesNotMatch(ranges, /serverlock/);
	for (const [byte, name] of [['P', 'paused'], ['F', 'failing back'], ['0', 'first start'], ['N', 'not started']]) {
		assert.match(frame(<LockFilePanel snapshot={makeSnapshot({state: byte})} width={80}/>), new RegExp(`state '${byte}' \\(0x[0-9a-f]{2}\\) ${name}`));
	}

	assert.match(frame(<LockFilePanel snapshot={makeSnapshot({state: 0x07})} width={80}/>), /state unknown 0x07/);
	assert.match(frame(<LockFilePanel snapshot={missingSnapshot()} width={80}/>), /waiting for \/srv/);
});

test('locks panel: holders with pid, command, kind, "this process", held-for, and the verdict', () => {
	const view = makeView({
		snapshot: makeSnapshot({live: outside(4264), backup: ours}),
		nodes: [makeNode(1, 'backup', 'waiting-live-lock')],
	});
	const text = frame(<LocksPanel view={view} now={T0} width={100}/>);
	assert.match(text, /✔ OK: healthy — live is up and a backup is queued/);
	assert.match(text, /state +○ free/);
	// Ages as they are: 12 s is "12s", not a coarser "10s".
	assert.match(text, /primary \(live\) +● held pid 4264 OFD — java -cp artemis\.jar.* for 12s/);
	assert.match(text, /backup +● held this process \(OFD\) — #1 backup .* for 3s/);
});

test('locks panel: a lock already held at the first look is "seen for", not "for"; a broker is named, not its java command', () => {
	const snapshot = makeSnapshot({live: {...outside(4264), broker: {kind: 'artemis', name: 'broker-a', role: 'primary', instance: null, configuration: null, haPolicy: 'shared-store', failoverOnShutdown: null, allowFailback: null, restartBackup: null, lockDirectory: null, clusterConnection: null}} as never});
	// The first snapshot was taken after the live lock was first seen: held for longer than we know.
	const text = frame(<LocksPanel view={makeView({snapshot, watchingSince: T0 - 12_000})} now={T0 + 75_000} width={100}/>);
	assert.match(text, /primary \(live\) +● held broker-a \(primary\) pid 4264 +seen for 1m27s/);
	assert.doesNotMatch(text, /java/);
	// Taken while watching: a true lower bound.
	assert.match(frame(<LocksPanel view={makeView({snapshot, watchingSince: T0 - 60_000})} now={T0} width={100}/>), /pid 4264 +for 12s/);
});

// Seen on a real Artemis pair at 60×16: "● held primary (primary) pid 71… seen for 2s".
test('locks panel at 60 columns: a long broker name gives way, its pid never does', () => {
	const broker = {kind: 'artemis', name: 'primary-broker-of-the-orders-cluster', role: 'primary', instance: null, configuration: null, haPolicy: 'shared-store', failoverOnShutdown: null, allowFailback: null, restartBackup: null, lockDirectory: null, clusterConnection: null};
	const snapshot = makeSnapshot({live: {...outside(71_564), broker} as never});
	for (const width of [60, 50]) {
		const row = lines(frame(<Box width={width}><LocksPanel view={makeView({snapshot, watchingSince: T0 - 12_000})} now={T0 + 2000} width={width}/></Box>)).find(line => line.includes('primary (live)'))!;
		assert.ok(row.length <= width, row);
		assert.match(row, /● held pri[a-z-]*… pid 71564 +seen for 14s$/, row);
	}

	assert.equal(fitHolderText('broker-a (primary) pid 4264', 40), 'broker-a (primary) pid 4264');
	assert.equal(fitHolderText('pid 4264 OFD — java -cp artemis.jar', 12), 'pid 4264 OFD — java -cp artemis.jar', 'a pid in front: the end is cut as before');
	assert.equal(fitHolderText('broker-a (primary) pid 4264', 10), 'pid 4264');
});

test('ages: floored seconds, then minutes and seconds, hours and minutes, days and hours', () => {
	assert.deepEqual([0, 999, 25_900, 59_999, 60_000, 65_000, 3_599_000, 3_600_000, 7_500_000, 90_000_000].map(ms => age(ms)), ['0s', '0s', '25s', '59s', '1m00s', '1m05s', '59m59s', '1h00m', '2h05m', '1d01h']);
});

test('locks panel: verdicts in the same words as status', () => {
	const cases: Array<[Parameters<typeof makeSnapshot>[0], RegExp]> = [
		[{live: outside(1)}, /▲ WARNING: no backup/],
		[{state: 'F', live: outside(1)}, /▲ WARNING: failing back/],
		[{state: 'P'}, /✖ CRITICAL: NO LIVE — no process holds the live lock: paused: the live stopped cleanly and backups will not take over/],
		[{state: 'L', backup: outside(2)}, /✖ CRITICAL: NO LIVE — .*crashed/],
	];
	for (const [options, expected] of cases) {
		assert.match(frame(<LocksPanel view={makeView({snapshot: makeSnapshot(options)})} now={T0} width={100}/>).replaceAll(/\s+/g, ' '), expected);
	}
});

test('nodes panel: role, phase, since; the selected node is marked with a symbol', () => {
	const nodes = [
		makeNode(1, 'live', 'live'),
		makeNode(2, 'backup', 'waiting-live-lock'),
		makeNode(3, 'backup', 'live', {activated: true}),
		makeNode(4, 'backup', 'waiting-backup-lock'),
		makeNode(5, 'live', 'failing-back'),
		makeNode(6, 'live', 'lost-lock'),
	];
	const text = frame(<NodesPanel nodes={nodes} selectedId="n2" now={T0} width={80}/>);
	assert.match(text, / {2}#1 {2}live {4}live .*since 03:04:00 \(5s\)/);
	assert.match(text, /▶ #2 {2}backup {2}waiting for live lock/);
	assert.match(text, /#3 {2}backup {2}live \(activated backup\)/);
	assert.match(text, /#4 {2}backup {2}waiting for backup lock/);
	assert.match(text, /#5 {2}live {4}failing back/);
	assert.match(text, /#6 {2}live {4}lost lock/);
	assert.match(frame(<NodesPanel nodes={[]} selectedId={undefined} now={T0} width={80}/>), /none: read-only/);
});

test('event log: the latest entries, timestamped, with a symbol per level', () => {
	const log = Array.from({length: 30}, (_, index) => entry(index, `event ${index}`, index === 29 ? 'error' : 'info'));
	const text = frame(<EventLog log={log} lines={3} width={80}/>);
	assert.doesNotMatch(text, /event 26/);
	assert.match(text, /03:04:05\.027 file · event 27/);
	assert.match(text, /03:04:05\.029 file ✖ event 29/);
});

test('help bar: every key, within 80 columns', () => {
	const keys = ['l primary (live)', 'b backup', 'f failback', 'p pause', 'k failover', 'd doctor', '? help', 'q quit'];
	const narrow = frame(<HelpBar width={80}/>);
	for (const key of keys) assert.ok(narrow.includes(key), `${key}: ${narrow}`);
	assert.ok(narrow.length <= 80, narrow);
	// Wider: two spaces between keys, and ↑↓ select (the nodes panel's title says it at 80).
	const wide = frame(<HelpBar width={100}/>);
	for (const key of [...keys, '↑↓ select']) assert.ok(wide.includes(key), `${key}: ${wide}`);
	assert.match(wide, /primary \(live\) {2}b backup/);
	assert.ok(wide.length <= 100, wide);
});

test('NO_COLOR switches every tone off', () => {
	assert.equal(colorsWanted({NO_COLOR: '1'}), false);
	assert.equal(colorsWanted({NO_COLOR: ''}), true);
	assert.equal(colorsWanted({}), true);
	assert.equal(toneColor('error', false), undefined);
	assert.equal(toneColor('error', true), 'red');
});

test('the whole screen fits 80×24', async () => {
	const {App} = await import('../../source/ui/app.js');
	const {FakeSession} = await import('./fixtures.js');
	const session = new FakeSession(makeView({
		snapshot: makeSnapshot({live: outside(4264), backup: ours}),
		nodes: [makeNode(1, 'backup', 'waiting-live-lock'), makeNode(2, 'backup', 'waiting-backup-lock'), makeNode(3, 'live', 'failing-back')],
		log: Array.from({length: 40}, (_, index) => entry(index, `event ${index} `.repeat(20))),
	}));
	const {lastFrame} = render(<App session={session} onExit={() => {}} size={{columns: 80, rows: 24}}/>);
	const screen = lines(lastFrame() ?? '');
	assert.ok(screen.length <= 23, `${screen.length} lines`);
	for (const line of screen) assert.ok(line.length <= 80, line);
	assert.match(screen.at(-1)!, /q quit/);
	assert.match(screen.join('\n'), /event 39/);
	// The header keeps the path whole when it fits (the log must not push it off the top).
	assert.ok(screen[0].includes(PATH), screen[0]);
});

test('help overlay: every line whole within 80 columns, and short enough for 80×24', () => {
	const text = frame(<Box width={80} flexDirection="column"><HelpOverlay width={80}/></Box>);
	for (const line of lines(text)) assert.ok(line.length <= 80, `too wide: ${line}`);
	assert.ok(lines(text).length <= 19, `${lines(text).length} rows: more than 80×24 leaves for it`);
	for (const whole of [
		'this is the failback request.',
		'takes over when live dies',
		'a backup releases its locks and stops',
		'lets go leaving L, as a crash would',
		'(a live pauses, or fails over)',
		'free AND L.',
	]) assert.ok(text.includes(whole), `cut: ${whole}`);
	assert.match(text, /byte 1 live lock/, 'the ranges layout (no probe yet): the locks are bytes');
});

test('help overlay: in the files layout it explains the serverlock files, not byte locks', () => {
	const text = frame(<Box width={100} flexDirection="column"><HelpOverlay width={100} probe={makeSnapshot({layout: 'files'}).probe}/></Box>);
	assert.doesNotMatch(text, /byte 1 live lock|byte 2 backup lock/);
	assert.match(text, /locks: Artemis 2\.10\+: whole-file locks on serverlock\.1 \(primary\) \/ serverlock\.2 \(backup\)/);
	assert.match(frame(<Box width={100} flexDirection="column"><HelpOverlay width={100} probe={makeSnapshot({layout: 'ranges'}).probe}/></Box>), /byte 1 live lock \(the active server\) · byte 2 backup lock/);
});

test('locks panel: no lock is called free when nothing was probed', () => {
	const error = {...missingSnapshot(), status: 'error' as const, error: '/tmp/empty.lock: is empty (0 bytes); a lock file has 19'};
	const unreadable = frame(<LocksPanel view={makeView({snapshot: error})} now={T0} width={80}/>);
	assert.doesNotMatch(unreadable, /free/);
	assert.match(unreadable, /primary \(live\) +\? not probed \(not a lock file\)/);
	const missing = frame(<LocksPanel view={makeView({snapshot: missingSnapshot()})} now={T0} width={80}/>);
	assert.doesNotMatch(missing, /free/);
	assert.match(missing, /backup +\? no file/);
});
