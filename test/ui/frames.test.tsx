// No frame when nothing drawn changed: the JDBC screen draws again when its clock's second, a
// node's age or a lease's standing reads differently (not on a 500 ms timer), and a lease is
// never shown held after it ran out; the panels skip a frame when their props are the same.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React, {Profiler} from 'react';
import {Text} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import type {JdbcSession} from '../../source/session/jdbc-session.js';
import type {JdbcView} from '../../source/session/jdbc-policy.js';
import type {Lease} from '../../source/store/jdbc/probe.js';
import {DEFAULT_TIMINGS} from '../../source/store/jdbc/timings.js';
import {clock} from '../../source/ui/format.js';
import {JdbcApp, leaseDeadlines} from '../../source/ui/jdbc-app.js';
import {sameProps} from '../../source/ui/same-props.js';
import {useNow} from '../../source/ui/use-now.js';
import {until} from './fixtures.js';

afterEach(cleanup);

const lease = (row: 1 | 2, holderId: string | null, expiresAt: number | null): Lease => ({row, holderId, rawExpiration: expiresAt === null ? null : String(expiresAt), expiresAt, leftMs: null} as unknown as Lease);

/** A JDBC view with the primary lease held until `expiresAt` (by a DB clock `skewMs` ahead of this host). */
function jdbcView(expiresAt: number, skewMs = 0): JdbcView {
	const hostNow = Date.now();
	const probe = {
		kind: 'jdbc', target: 'postgresql://u@db/ha', where: 'db', database: 'ha', table: 'artemis', format: 'bigint',
		dbNow: hostNow + skewMs, hostNow, clockSkewMs: skewMs, roundTripMs: 1, empty: false, state: 0, stateRaw: 'L', stateName: 'live', stateUnknown: false,
		nodeId: 'node-1', locks: {live: lease(1, 'holder-a', expiresAt), backup: lease(2, null, null)}, rows: [],
	};
	const stats = {holderId: 'holder-a', count: 0, lastIntervalMs: null, maxIntervalMs: null, avgIntervalMs: null, minMarginMs: null, leaseMs: 20_000};
	const update = {takenAt: hostNow, probe, assessment: {verdict: 'no-backup', exitCode: 1, summary: 'live holder-a'}, connections: [], changes: [], renew: {live: stats, backup: {...stats, holderId: null}}};
	return {display: 'postgresql://u@db/ha', table: 'artemis', update, nodes: [], holderIds: {}, backupHolders: [], log: [], doctor: undefined, timings: DEFAULT_TIMINGS} as unknown as JdbcView;
}

/** The screen's session as the screen uses it at rest: a view, and no change. */
const restingSession = (view: JdbcView) => ({getView: () => view, subscribe: () => () => undefined}) as unknown as JdbcSession;

const clockOf = (frame: string) => /\d\d:\d\d:\d\d/.exec(frame)?.[0];

test('sameProps: the same values, arrays and plain objects by their items; anything else by identity', () => {
	const view = {a: 1};
	assert.ok(sameProps({view, lines: ['a', 'b'], header: {x: true}}, {view, lines: ['a', 'b'], header: {x: true}}));
	assert.ok(!sameProps({view, lines: ['a']}, {view, lines: ['a', 'b']}));
	assert.ok(!sameProps({view}, {view: {a: 2}}));
	assert.ok(!sameProps({view, now: 1}, {view, now: 2}));
	assert.ok(!sameProps<Record<string, unknown>>({view}, {view, extra: undefined}));
	assert.ok(!sameProps({when: new Date(1)}, {when: new Date(1)}), 'a Date is not looked into');
});

test('leaseDeadlines: a held lease runs out at its expiry by the DB clock, in host time; a free one never', () => {
	const hostNow = Date.now();
	const view = jdbcView(hostNow + 9000 + 700, 700);
	const probe = view.update!.probe!;
	assert.deepEqual(leaseDeadlines(probe, 20_000), [hostNow + 9000 - 10_000, hostNow + 9000]);
	assert.deepEqual(leaseDeadlines({...probe, locks: {live: lease(1, null, null), backup: lease(2, null, null)}}, 20_000), []);
	assert.deepEqual(leaseDeadlines(undefined, 20_000), []);
});

test('JDBC screen at rest: one render per second of its clock, not two (the lease bars drain with the clock)', async () => {
	let renders = 0;
	const app = render(<Profiler id="screen" onRender={() => renders++}><JdbcApp session={restingSession(jdbcView(Date.now() + 60_000))} size={{columns: 100, rows: 30}} onExit={() => undefined}/></Profiler>);
	const frame = () => app.lastFrame() ?? '';
	await until('the first frame', () => /primary {2}█+░* \d+\.\d s left/.test(frame()));
	// Two seconds of the clock, waited for as the clock shows them.
	const first = clockOf(frame());
	await until('the next second', () => clockOf(frame()) !== first, 3000);
	const counted = renders;
	const second = clockOf(frame());
	await until('the second after', () => clockOf(frame()) !== second, 3000);
	assert.match(frame(), /primary {2}█+░* 5\d\.\d s left/, 'the countdown moved with the clock');
	assert.equal(renders - counted, 1, `one render for one second of the clock (${renders} in all)`);
});

test('JDBC screen: a lease that runs out between two seconds is shown EXPIRED at once, not at the next second', async () => {
	// The expiry half-way between two seconds of the host clock, about 1.5 s ahead.
	const now = Date.now();
	const expiry = (Math.floor(now / 1000) * 1000) + 1500;
	const app = render(<JdbcApp session={restingSession(jdbcView(expiry))} size={{columns: 100, rows: 30}} onExit={() => undefined}/>);
	const frame = () => app.lastFrame() ?? '';
	await until('expired', () => frame().includes('EXPIRED'), 4000);
	const seen = Date.now();
	// Under load a timer runs late; the point is that the frame did not wait for the next second.
	if (seen - expiry < 400) assert.equal(clockOf(frame()), clock(expiry), 'shown in the second it ran out');
	assert.match(frame(), /primary {2}░+ EXPIRED 0\.\d s ago/);
});

function Deadline({at}: {readonly at: number}) {
	const now = useNow([], false, [at]);
	return <Text>{now > at ? 'past' : 'before'}</Text>;
}

test('useNow: a frame just past each deadline, and none after it when nothing else ticks', async () => {
	let renders = 0;
	const at = Date.now() + 200;
	const app = render(<Profiler id="deadline" onRender={() => renders++}><Deadline at={at}/></Profiler>);
	await until('past the deadline', () => app.lastFrame() === 'past');
	assert.equal(renders, 2, 'the first frame and the deadline\'s');
	await new Promise(resolve => {
		setTimeout(resolve, 300);
	});
	assert.equal(renders, 2, 'nothing after it');
});
