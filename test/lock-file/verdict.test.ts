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

// Issue 14 §2: the holders' process states and who holds both locks are part of the one verdict.
const held = (...holders: Array<{pid?: number; kind?: string; command?: string; state?: string}>) => ({locked: true, holders: holders.map(holder => ({pid: holder.pid, kind: (holder.kind ?? 'POSIX') as 'POSIX', command: holder.command, state: holder.state}))});
const withHolders = (live: ReturnType<typeof held>, backup: ReturnType<typeof held> | {locked: false; holders: []}, state: number = STATE.live) => ({state, locks: {live, backup}});

test('a frozen or zombie live-lock holder is CRITICAL; a frozen backup-lock holder is WARNING no usable backup', () => {
	for (const frozen of ['T', 't', 'Z']) {
		const result = assess(withHolders(held({pid: 10, state: frozen}), held({pid: 20, state: 'S'})));
		assert.deepEqual([result.verdict, result.exitCode], ['live-frozen', 2], frozen);
		// Even while a failback is announced: clients of a frozen live get no answers.
		assert.equal(assess(withHolders(held({pid: 10, state: frozen}), held({pid: 20}), STATE.failingBack)).verdict, 'live-frozen');
	}

	const backup = assess(withHolders(held({pid: 10, state: 'S'}), held({pid: 20, state: 'T'})));
	assert.deepEqual([backup.verdict, backup.exitCode], ['no-usable-backup', 1]);
	assert.match(backup.summary, /queued backup pid 20 is stopped \(T\)/);
	assert.match(assess(withHolders(held({pid: 10}), held({pid: 20, state: 'T'})), (holder: {pid?: number}) => `broker-b pid ${holder.pid}`).summary, /broker-b pid 20/);
	assert.equal(assess(withHolders(held({pid: 10, state: 'R'}), held({pid: 20, state: 'D'}))).verdict, 'healthy');
});

test('one node holding both locks is a transition (taking over), never healthy; two nodes of one TUI process are two nodes', () => {
	const jvm = assess(withHolders(held({pid: 30}), held({pid: 30})));
	assert.deepEqual([jvm.verdict, jvm.exitCode], ['transition', 1]);
	assert.match(jvm.summary, /pid 30 is taking over/);
	const node = {pid: 31, kind: 'OFD', command: 'ha-tui node /shared/journal --role backup'};
	assert.equal(assess(withHolders(held(node), held(node))).verdict, 'transition');
	const tui = {pid: 32, kind: 'OFD', command: 'ha-tui /shared/journal'};
	assert.equal(assess(withHolders(held(tui), held(tui))).verdict, 'healthy');
});

// Found on a real Artemis 2.40 pair: a primary writes F, takes the primary lock, and writes L only
// once it is active (seconds, or minutes with a large journal) — at its first start and at the
// end of every failback. "The active node should step down" was then untrue: it is the primary.
test('state F with the primary lock held: the holder\'s role says whether it is activating or should step down', () => {
	const namer = (holder: {pid?: number}) => `broker pid ${holder.pid}`;
	const primary = assess(withHolders(held({pid: 10}), {locked: false, holders: []}, STATE.failingBack), namer, () => 'primary');
	assert.deepEqual([primary.verdict, primary.exitCode], ['failing-back', 1]);
	assert.match(primary.summary, /^broker pid 10 holds the primary lock and is activating/);
	assert.doesNotMatch(primary.summary, /step down/);
	const backup = assess(withHolders(held({pid: 20}), {locked: false, holders: []}, STATE.failingBack), namer, () => 'backup');
	assert.deepEqual([backup.verdict, backup.exitCode], ['failing-back', 1]);
	assert.match(backup.summary, /the active backup broker pid 20 should step down/);
	// Unknown role: both are said, neither claimed.
	const unknown = assess(withHolders(held({pid: 30}), {locked: false, holders: []}, STATE.failingBack));
	assert.match(unknown.summary, /either the active backup is about to step down, or the primary got the lock and is activating/);
	// An ha-tui node says its role on its command line.
	const node = assess(withHolders(held({pid: 40, kind: 'OFD', command: 'ha-tui node /srv/j --role live'}), {locked: false, holders: []}, STATE.failingBack));
	assert.match(node.summary, /^pid 40 holds the primary lock and is activating/);
	assert.match(assess(probe(STATE.failingBack, false, false)).summary, /announced failback and is taking the live lock/);
});
