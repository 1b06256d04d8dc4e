// The lease bars of the JDBC screen: they drain with the DB clock, refill on a renew, say
// EXPIRED past the end, and escape what the row holds.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import React from 'react';
import {render} from 'ink-testing-library';
import type {Lease} from '../../source/store/jdbc/probe.js';
import {LeaseBars, leaseBar} from '../../source/ui/jdbc-lease-bars.js';

const lease = (row: 1 | 2, holderId: string | null, expiresAt: number | null): Lease => ({row, holderId, rawExpiration: expiresAt === null ? null : String(expiresAt), expiresAt, leftMs: null, held: holderId !== null});

test('a bar drains towards the lease end and refills on a renew', () => {
	assert.equal(leaseBar(20_000, 20_000, 10), '██████████');
	assert.equal(leaseBar(10_000, 20_000, 10), '█████░░░░░');
	assert.equal(leaseBar(-1, 20_000, 10), '░░░░░░░░░░');
	const now = 1_000_000;
	const frame = (dbNow: number, live: Lease) => render(<LeaseBars live={live} backup={lease(2, null, null)} dbNow={dbNow} leaseMs={20_000} who={() => 'ha-tui node (primary) pid 7'} width={10}/>).lastFrame() ?? '';
	const fresh = frame(now, lease(1, 'holder-a', now + 20_000));
	assert.match(fresh, /primary {2}██████████ 20\.0 s left/);
	assert.match(fresh, /holder-a ha-tui node \(primary\) pid 7/);
	assert.match(fresh, /backup {3}░░░░░░░░░░ free/);
	assert.match(frame(now + 15_000, lease(1, 'holder-a', now + 20_000)), /primary {2}███░░░░░░░ 5\.0 s left/);
	assert.match(frame(now + 16_000, lease(1, 'holder-a', now + 36_000)), /primary {2}██████████ 20\.0 s left/, 'refilled by a renew');
	assert.match(frame(now + 23_000, lease(1, 'holder-a', now + 20_000)), /primary {2}░░░░░░░░░░ EXPIRED 3\.0 s ago/);
});

test('what the row holds is escaped; an expiry that is no lease is said so', () => {
	const frame = render(<LeaseBars live={{...lease(1, '\u001B[2Jevil', null), rawExpiration: '2026-12-01 10:00:00'}} backup={lease(2, null, null)} dbNow={0} leaseMs={20_000} who={() => 'unknown'} width={4}/>).lastFrame() ?? '';
	assert.match(frame, /\\x1b\[2Jevil expiry 2026-12-01 10:00:00 \(not a lease ha-tui can read\)/);
	// eslint-disable-next-line no-control-regex
	assert.doesNotMatch(frame.replaceAll(/\u001B\[[\d;]*m/g, ''), /\u001B/);
});
