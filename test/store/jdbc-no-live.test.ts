// The one definition of a table's time without a live (store/jdbc/no-live.ts): at least from
// the old live's lease expiry, at most from its last renew, both to the moment a new live was
// seen; a lease released early is at least 0; and the one spelling every surface shows.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formatGap, leaseEnd, noLiveRange, noLiveRangeText} from '../../source/store/jdbc/no-live.js';

test('a killed live (lease 1.5 s): at least from the expiry, at most from the last renew', () => {
	// Expiry 10 000 by the DB clock, which runs 250 ms ahead of ours: 9750 on our clock.
	const end = leaseEnd({holderId: 'a', expiresAt: 10_000}, 1500, 250);
	assert.deepEqual(end, {lastRenew: 8250, expiry: 9750});
	assert.deepEqual(noLiveRange(end!, 9790), {atLeastMs: 40, atMostMs: 1540});
	assert.equal(noLiveRangeText(noLiveRange(end!, 9790)), '≥ 40 ms, ≤ 1.54 s');
});

test('a lease released before its expiry (forced failover, clean stop): at least 0; never negative', () => {
	const end = {lastRenew: 8250, expiry: 9750};
	assert.deepEqual(noLiveRange(end, 8300), {atLeastMs: 0, atMostMs: 50});
	assert.deepEqual(noLiveRange(end, 8000), {atLeastMs: 0, atMostMs: 0}, 'a clock step back: 0, not negative');
});

test('no lease end without a holder, an expiry or a lease length', () => {
	assert.equal(leaseEnd(undefined, 1500, 0), undefined);
	assert.equal(leaseEnd({holderId: null, expiresAt: 10_000}, 1500, 0), undefined);
	assert.equal(leaseEnd({holderId: 'a', expiresAt: null}, 1500, 0), undefined);
	assert.equal(leaseEnd({holderId: 'a', expiresAt: 10_000}, null, 0), undefined);
	assert.equal(leaseEnd({holderId: 'a', expiresAt: 10_000}, Number.NaN, 0), undefined);
});

test('one spelling of a length', () => {
	assert.deepEqual([0.04, 7.25, 412.4, 1440, 12_500, 245_000, 3_599_999, 58_678_000].map(formatGap), ['0.0 ms', '7.3 ms', '412 ms', '1.44 s', '12.5 s', '4m05s', '59m59s', '16h17m']);
});
