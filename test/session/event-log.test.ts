// How a takeover is worded in the event log: which release let a node in, measured on the
// nodes' own monotonic clock, and never one from before this node began to wait.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {NodeEvent} from '../../source/node-manager/index.js';
import {nodeEventLine} from '../../source/session/event-log.js';

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
