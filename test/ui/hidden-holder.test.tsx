// Issue 9 §4: a lock whose holder /proc will not show (hidepid, another user, another host)
// reads the same in the TUI and in `watch` as in `status`: held, "holder not visible", no guess.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import type {Holder} from '../../source/lock-file/index.js';
import {LocksPanel} from '../../source/ui/locks-panel.js';
import {diffSnapshots} from '../../source/watch/changes.js';
import {T0, makeSnapshot, makeView} from './fixtures.js';

afterEach(cleanup);

const hidden: Holder = {pid: undefined, command: undefined, kind: 'OFD', sameProcess: false, identity: 'holder not visible'};

test('TUI: a holder with no visible pid, and a lock with no visible holder, say "holder not visible"', () => {
	const snapshot = makeSnapshot({live: hidden});
	const frame = render(<LocksPanel view={makeView({snapshot})} now={T0} width={120}/>).lastFrame() ?? '';
	assert.match(frame, /primary \(live\) +● held holder not visible \(hidepid \/ other user \/ other host\) \(OFD\)/);
	assert.doesNotMatch(frame, /pid \?/);
	const none = {...snapshot, probe: {...snapshot.probe!, locks: {...snapshot.probe!.locks, live: {...snapshot.probe!.locks.live, holders: []}}}};
	assert.match(render(<LocksPanel view={makeView({snapshot: none})} now={T0} width={120}/>).lastFrame() ?? '', /primary \(live\) +● held holder not visible \(hidepid \/ other user \/ other host\)/);
});

test('watch: the change line says "holder not visible" rather than pid ?', () => {
	const [line] = diffSnapshots(makeSnapshot({}), makeSnapshot({live: hidden})).filter(change => change.segment === 'live');
	assert.equal(line.message, 'live lock: free → holder not visible (hidepid / other user / other host) (OFD)');
});
