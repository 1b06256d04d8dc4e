// How long a table's group had no live after its live stopped, as a range — the one definition
// the exporter, the record's `history` and the JDBC screen's timeline all use. A lease is held
// while the DB clock is not past its expiry (Artemis' rule), so all the table proves is that
// the old live was gone by its lease's expiry: the time without a live is AT LEAST from that
// expiry. The live may have died right after its last renew (expiry − lease length): AT MOST
// from there. Both end where a new live was first seen (the look that saw it, or our node's own
// event). A lease released early (a forced failover, a clean stop) ends before its expiry: at
// least 0. Pure: moments in, a range out.
import {noLiveText, type NoLiveRange} from '../no-live.js';
import type {Lease} from './probe.js';

// (The range's type and its spelling are every store's: store/no-live.ts.)
export {formatGap, noLiveText, type NoLiveRange} from '../no-live.js';

/** When the old live may have stopped, on one clock: after `lastRenew`, by `expiry` at the latest. */
export type LeaseEnd = {readonly lastRenew: number; readonly expiry: number};

/**
 * The lease end of a lease as a look read it, on the caller's clock: `dbAhead` is how far the
 * DB clock runs ahead of that clock (DB now − the caller's now at that look). leaseMs: the
 * lease length (broker.xml's jdbc-lock-expiration, or the longest time left a look saw right
 * after a renew). Undefined when not a held lease with a readable expiry.
 */
export function leaseEnd(lease: Pick<Lease, 'expiresAt' | 'holderId'> | undefined, leaseMs: number | null | undefined, dbAhead: number): LeaseEnd | undefined {
	if (!lease || lease.holderId === null || lease.expiresAt === null || leaseMs === null || leaseMs === undefined || !(leaseMs >= 0)) return undefined;
	const expiry = lease.expiresAt - dbAhead;
	return {lastRenew: expiry - leaseMs, expiry};
}

/** No live from the old live's stop (`end`) to `seen`, when a new live was first seen (the same clock). */
export function noLiveRange(end: LeaseEnd, seen: number): NoLiveRange {
	const atMostMs = Math.max(0, seen - end.lastRenew);
	return {atLeastMs: Math.min(atMostMs, Math.max(0, seen - end.expiry)), atMostMs};
}

/** "≥ 7.2 ms, ≤ 1.51 s" (the timeline, `history`): what the table proves, and what it allows (store/no-live.ts spells it). */
export function noLiveRangeText(range: NoLiveRange): string {
	return noLiveText(range);
}
