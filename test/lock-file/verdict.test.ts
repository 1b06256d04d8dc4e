import assert from 'node:assert/strict';
import test from 'node:test';
import {STATE} from '../../source/lock-file/format.js';
import {assess} from '../../source/lock-file/verdict.js';

const lock = (locked: boolean) => ({locked, holders: []});
const probe = (state: number | undefined, live: boolean, backup: boolean) => ({state, locks: {state: lock(false), live: lock(live), backup: lock(backup)}});

test('verdicts and exit codes follow the monitoring tradition', () => {
	assert.deepEqual([assess(probe(STATE.live, true, true)).verdict, assess(probe(STATE.live, true, true)).exitCode], ['healthy', 0]);
	assert.deepEqual([assess(probe(STATE.live, true, false)).verdict, assess(probe(STATE.live, true, false)).exitCode], ['no-backup', 1]);
	assert.deepEqual([assess(probe(STATE.failingBack, true, true)).verdict, assess(probe(STATE.failingBack, true, true)).exitCode], ['failing-back', 1]);
	for (const state of [STATE.paused, STATE.live, STATE.firstStart, STATE.notStarted, undefined, 0x07]) {
		const result = assess(probe(state, false, true));
		assert.equal(result.verdict, 'no-live');
		assert.equal(result.exitCode, 2);
	}

	assert.match(assess(probe(STATE.paused, false, true)).summary, /paused/);
	assert.match(assess(probe(STATE.live, false, false)).summary, /crashed, and no backup/);
	assert.match(assess(probe(STATE.firstStart, false, false)).summary, /never started/);
	assert.equal(assess(probe(STATE.paused, true, true)).verdict, 'transition');
});
