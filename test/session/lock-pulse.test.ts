// The one kernel pulse (session/lock-pulse.ts): a session puts its store under it, a fleet every
// group's — one timer either way; each store's signature is compared with its own last one.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LockPulse} from '../../source/session/lock-pulse.js';
import type {StorePulse} from '../../source/store/store.js';
import {waitFor} from '../helpers/wait.js';

/** A store pulse whose signature the test sets; it counts its follows and closes. */
function fakeLooks(): StorePulse & {now: string | undefined; closed: number; target: string} {
	return {
		now: 'a',
		closed: 0,
		target: '',
		follow(probe) {
			const target = probe?.target ?? '';
			if (target === this.target) return false;
			this.target = target;
			return true;
		},
		signature() {
			return this.now;
		},
		close() {
			this.closed++;
		},
	};
}

test('one pulse for many stores: only the store whose signature changed is told, each once per change', async () => {
	const pulse = new LockPulse(5);
	const one = fakeLooks();
	const two = fakeLooks();
	const told: string[] = [];
	pulse.watch('one', one, () => told.push('one'));
	pulse.watch('two', two, () => told.push('two'));
	pulse.watch('two', fakeLooks(), () => told.push('never'));
	pulse.follow('one', {target: 'x'} as never);
	pulse.follow('two', {target: 'y'} as never);
	pulse.start();
	try {
		const quiet = pulse.quietSince('two')!;
		await waitFor('a quiet tick of two', () => pulse.quietSince('two')! > quiet);
		assert.deepEqual(told, [], 'a signature seen at follow is no change');
		two.now = 'b';
		await waitFor('two to be told', () => told.length > 0);
		const after = pulse.quietSince('two')!;
		await waitFor('a tick after', () => pulse.quietSince('two')! > after);
		assert.deepEqual(told, ['two']);
		// Undefined: the store cannot be asked now — neither a change nor a quiet tick.
		one.now = undefined;
		const stale = pulse.quietSince('one')!;
		await waitFor('another tick of two', () => pulse.quietSince('two')! > after + 10);
		assert.equal(pulse.quietSince('one'), stale);
		assert.deepEqual(told, ['two']);
	} finally {
		pulse.close();
		pulse.close();
	}

	assert.equal(one.closed, 1);
	assert.equal(two.closed, 1);
	assert.equal(pulse.quietSince('one'), undefined, 'closed for good');
});

test('follow to other files takes their signature as the new baseline (no change reported), and asks for one more probe (what changed between that probe and the baseline is in it)', async () => {
	const pulse = new LockPulse(5);
	const looks = fakeLooks();
	let told = 0;
	pulse.watch('store', looks, () => told++);
	pulse.follow('store', {target: 'x'} as never);
	looks.now = 'c';
	pulse.follow('store', {target: 'z'} as never);
	pulse.start();
	try {
		const quiet = pulse.quietSince('store')!;
		await waitFor('a few ticks', () => pulse.quietSince('store')! > quiet + 25);
		assert.equal(told, 1, 'one look after the retarget, then none: the signature is the baseline');
	} finally {
		pulse.close();
	}
});
