// The cadence and the hand-over hold without a file: fake periodic targets, mocked timers.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Cadence, type CadenceFacts} from '../../source/session/cadence.js';
import {HandOverHold, type Owed} from '../../source/session/hand-over.js';

/** Records the periods it is given. */
const periodic = () => {
	const periods: number[] = [];
	return {periods, setPeriod: (ms: number) => periods.push(ms)};
};

test('cadence: fast while something runs or is held or changed lately, slow at rest, the linger ends on its own', t => {
	t.mock.timers.enable({apis: ['setTimeout']});
	let now = 0;
	let facts: CadenceFacts = {running: false, held: false, polling: false};
	const probe = periodic();
	const pulse = periodic();
	const cadence = new Cadence(probe, pulse, () => facts, {intervalMs: 250, pulseMs: 30, restIntervalMs: 2000, restPulseMs: 100, lingerMs: 5000, now: () => now});
	cadence.retune();
	assert.equal(cadence.mode, 'active', 'fast just after the start (a change)');
	assert.deepEqual([probe.periods.at(-1), pulse.periods.at(-1)], [250, 30]);
	now = 5001;
	t.mock.timers.tick(5001);
	assert.equal(cadence.mode, 'rest', 'the linger timer retuned by itself');
	assert.deepEqual([probe.periods.at(-1), pulse.periods.at(-1)], [2000, 100]);
	facts = {running: false, held: true, polling: false};
	cadence.retune();
	assert.equal(cadence.mode, 'active', 'a lock is held: its holder can die any moment');
	facts = {running: false, held: false, polling: true};
	cadence.retune();
	assert.equal(cadence.mode, 'rest');
	assert.equal(probe.periods.at(-1), 250, 'no file events: the probe stays at the interval at rest too');
	cadence.changed();
	assert.equal(cadence.mode, 'active');
	cadence.close();
	const before = probe.periods.length;
	now += 10_000;
	t.mock.timers.tick(10_000);
	cadence.retune();
	assert.equal(probe.periods.length, before, 'nothing after close');
});

test('hand-over hold: emits and probes asked for while held are owed and paid once at the end; the bound ends it; close pays nothing', async t => {
	t.mock.timers.enable({apis: ['setTimeout']});
	const holds: boolean[] = [];
	const paid: Owed[] = [];
	const hold = new HandOverHold({hold: held => holds.push(held)}, owed => paid.push(owed), 100);
	assert.equal(hold.deferEmit(), false, 'nothing held: not deferred');
	hold.begin();
	hold.begin();
	assert.deepEqual(holds, [true], 'one hold for two begins');
	assert.equal(hold.deferEmit(), true);
	assert.equal(hold.deferEmit(), true);
	let done = false;
	void hold.done.then(() => done = true);
	hold.end();
	hold.end();
	await Promise.resolve();
	assert.equal(done, true);
	assert.deepEqual(holds, [true, false]);
	assert.deepEqual(paid, [{emit: true, refresh: false}], 'paid once');
	hold.begin();
	hold.deferRefresh();
	t.mock.timers.tick(100);
	assert.equal(hold.active, false, 'the bound ended it');
	assert.deepEqual(paid.at(-1), {emit: false, refresh: true});
	hold.begin();
	hold.deferEmit();
	hold.close();
	assert.equal(paid.length, 2, 'close pays nothing');
	assert.equal(hold.active, false);
});
