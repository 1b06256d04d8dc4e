// HaNode as a state machine (issue 11 §2): every phase change goes through the table, and
// cleanup happens whatever a listener does.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {HaNode, InMemoryNodeManager, InMemoryStore, PHASE_TRANSITIONS, checkTransition, type NodeLook, type NodePhase} from '../../source/node-manager/index.js';
import {waitFor} from '../helpers/wait.js';
import {fast} from './harness.js';

/** A live on a fresh in-memory store, once it is live, with the names of its events. */
async function startedLive(): Promise<{store: InMemoryStore; live: HaNode; events: string[]}> {
	const store = new InMemoryStore();
	const live = new HaNode(new InMemoryNodeManager(store), {role: 'live', ...fast});
	const events: string[] = [];
	live.on('event', event => events.push(event.event));
	live.start();
	await waitFor('live', () => live.phase === 'live');
	return {store, live, events};
}

test('the transition table: terminal phases lead nowhere, every phase is reachable from idle', () => {
	for (const terminal of ['paused', 'stopped', 'lost-lock'] as const) assert.deepEqual(PHASE_TRANSITIONS[terminal], []);
	const reached = new Set<NodePhase>(['idle']);
	for (let changed = true; changed;) {
		changed = false;
		for (const phase of [...reached]) {
			for (const next of PHASE_TRANSITIONS[phase]) {
				if (!reached.has(next)) {
					reached.add(next);
					changed = true;
				}
			}
		}
	}

	assert.deepEqual([...reached].sort(), Object.keys(PHASE_TRANSITIONS).sort());
});

test('an illegal transition throws: every pair the table does not list, and none it lists', () => {
	for (const from of Object.keys(PHASE_TRANSITIONS) as NodePhase[]) {
		for (const to of Object.keys(PHASE_TRANSITIONS) as NodePhase[]) {
			if (PHASE_TRANSITIONS[from].includes(to)) assert.doesNotThrow(() => checkTransition(from, to));
			else assert.throws(() => checkTransition(from, to), {name: 'IllegalTransitionError', message: `illegal transition ${from} → ${to}`});
		}
	}
});

test('a listener that throws on "paused" cannot keep the live lock held', async () => {
	const {store, live} = await startedLive();
	live.on('event', event => {
		if (event.event === 'paused') throw new Error('a broken listener');
	});
	await live.stop();
	assert.equal(live.phase, 'paused');
	assert.equal(store.owners.has('live'), false, 'the live lock is still held');
	assert.equal(store.state, 0x50);
});

test('phase, phaseSince and activated are read-only from outside', () => {
	const node = new HaNode(new InMemoryNodeManager(new InMemoryStore()), {role: 'backup'});
	// Getters without setters: an assignment is refused (Reflect.set says so instead of throwing).
	for (const property of ['phase', 'phaseSince', 'activated']) assert.equal(Reflect.set(node, property, 'live'), false, property);
	assert.equal(node.phase, 'idle');
	assert.equal(node.activated, false);
});

test('stop() is idempotent: twice at once is one stop', async () => {
	const {live, events} = await startedLive();
	await Promise.all([live.stop(), live.stop(), live.forceFailover()]);
	assert.deepEqual(events, ['failing-back', 'live', 'paused']);
});

test('a backup that takes over is activated when its "live" event is emitted, not after', async () => {
	const {store, live} = await startedLive();
	const backup = new HaNode(new InMemoryNodeManager(store), {role: 'backup', ...fast});
	const seen: boolean[] = [];
	backup.on('event', event => {
		if (event.event === 'live') seen.push(backup.activated);
	});
	backup.start();
	await waitFor('backup queued', () => backup.phase === 'waiting-live-lock');
	live.crash();
	await waitFor('backup live', () => backup.phase === 'live');
	assert.deepEqual(seen, [true], 'a listener of "live" sees an activated backup');
	await backup.stop();
});

test('a backup that finds P says each look that decided to wait (a "look" with its count), and none while it waits in a lock queue', async () => {
	const {store, live} = await startedLive();
	const backup = new HaNode(new InMemoryNodeManager(store), {role: 'backup', ...fast});
	const looks: NodeLook[] = [];
	backup.on('look', look => looks.push(look));
	backup.start();
	await waitFor('backup queued', () => backup.phase === 'waiting-live-lock');
	assert.equal(looks.length, 0, 'queued on the live lock: no look yet');
	await live.stop(); // writes P
	await waitFor('two looks at P', () => looks.length >= 2);
	assert.deepEqual(looks.slice(0, 2).map(look => [look.event, look.state, look.looks, look.role]), [['look', 'P', 1, 'backup'], ['look', 'P', 2, 'backup']]);
	assert.match(looks[0].detail, /state P: not taking over/);
	assert.equal(backup.phase, 'waiting-live-lock', 'it backed off, no takeover');
	await backup.stop();
});
