// How a takeover is worded in the event log: which release let a node in, measured on the
// nodes' own monotonic clock, and never one from before this node began to wait.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {NodeEvent} from '../../source/node-manager/index.js';
import {lockChangeText, nodeEventLine, ourHolders} from '../../source/session/event-log.js';
import {makeNode, makeSnapshot, ours, outside} from '../ui/fixtures.js';

const backup = {label: '#2', role: 'backup'} as const;
const live = (mono: number, waitedMs: number): NodeEvent => ({event: 'live', time: 0, mono, pid: 1, role: 'backup', nodeId: 'id', waitedMs});

test('a backup waiting in the kernel when our live let go: "N ms after #1 released"', () => {
	const line = nodeEventLine(backup, live(1000.5, 900), {mono: 1000, name: '#1 live'});
	assert.match(line.text, /^#2 backup became LIVE 0\.5 ms after #1 live released the live lock$/);
});

test('a backup whose last attempt began after the release (it read the state in between) still names the release', () => {
	// It began waiting at 100 (waitingSince); our live let go at 1000; its last try began at 1005.
	const line = nodeEventLine(backup, live(1020, 15), {mono: 1000, name: '#1 live'}, undefined, 100);
	assert.match(line.text, /^#2 backup became LIVE 20 ms after #1 live released the live lock$/);
	// Without knowing when it began to wait, only its last attempt counts (the old wording).
	assert.match(nodeEventLine(backup, live(1020, 15), {mono: 1000, name: '#1 live'}).text, /after waiting 15 ms for the live lock$/);
});

test('a release from before the node began to wait is not the one that let it in', () => {
	const line = nodeEventLine(backup, live(5000, 0.2), {mono: 1000, name: '#1 live'}, undefined, 4000);
	assert.match(line.text, /at once: the live lock was free$/);
});

// Our in-process nodes share one pid: the watcher's lock lines read "… (this process) → another
// open file description of the same process". The events panel names them.
test('a lock passing between two of our nodes reads "#1 live → #2 backup"; an outside holder keeps the watcher\'s words', () => {
	const before = {snapshot: makeSnapshot({live: {...ours, ofd: `${process.pid}:21`}, backup: {...ours, ofd: `${process.pid}:22`}}), ours: ourHolders([makeNode(1, 'live', 'live'), makeNode(2, 'backup', 'backup')])};
	const nodes = [makeNode(1, 'live', 'stopped'), makeNode(2, 'backup', 'live'), makeNode(3, 'backup', 'waiting-backup-lock')];
	const after = {snapshot: makeSnapshot({live: {...ours, ofd: `${process.pid}:22`}, backup: {...ours, ofd: `${process.pid}:23`}}), ours: ourHolders(nodes)};
	const message = 'live lock: ha-tui pid 1 OFD (this process) → another open file description of the same process (1:22)';
	assert.equal(lockChangeText({kind: 'locks', segment: 'live', message}, before, after), 'live lock: #1 live (this process, OFD) → #2 backup (this process, OFD)');
	// #3's own event is on its way: the one node that was waiting for the backup lock got it.
	assert.equal(lockChangeText({kind: 'locks', segment: 'backup', message}, before, after), 'backup lock: #2 backup (this process, OFD) → #3 backup (this process, OFD)');
	// Two could have: not named.
	const two = {...after, ours: ourHolders([...nodes, makeNode(4, 'backup', 'waiting-backup-lock')])};
	assert.equal(lockChangeText({kind: 'locks', segment: 'backup', message}, before, two), 'backup lock: #2 backup (this process, OFD) → a node (this process, OFD)');
	// Outside to outside: the watcher's line as it was.
	const outsideOnly = {snapshot: makeSnapshot({live: outside(4264)}), ours: {}};
	assert.equal(lockChangeText({kind: 'locks', segment: 'live', message: 'live lock: pid 1 → pid 4264'}, {snapshot: makeSnapshot({live: outside(1)}), ours: {}}, outsideOnly), 'live lock: pid 1 → pid 4264');
	// Outside to ours: the outside holder in the watcher's words, ours by name.
	assert.match(lockChangeText({kind: 'locks', segment: 'live', message}, outsideOnly, after), /^live lock: pid 4264 OFD — .* → #2 backup \(this process, OFD\)$/);
});
