// From what the JDBC session sees (the watcher's looks at the table) to timeline observations
// (timeline.ts), as timeline-observe.ts does for a directory: the primary lease (row 1), the
// backup lease (row 2) and the state (row 0). A lease is held while the DB clock is not past its
// expiry (Artemis' rule), so a holder that died keeps its row until its lease runs out; the row
// goes free at the expiry (put on this host's clock), not at the look that noticed it. Holders
// are named by our nodes' labels (#2), an ha-tui node's pid, or the holder id's start: holder
// ids are random per start, so the same id on row 2 then row 1 is one broker taking over.
import {sanitize} from '../text/sanitize.js';
import type {DbConnection} from '../store/jdbc/holders.js';
import {leaseEnd, type LeaseEnd} from '../store/jdbc/no-live.js';
import type {JdbcProbe, Lease} from '../store/jdbc/probe.js';
import type {JdbcUpdate} from '../store/jdbc/watcher.js';
import {cleanLabel, ourHolder} from './timeline-observe.js';
import {observe, type Observation, type Timeline} from './timeline.js';
import type {NodeView} from './types.js';

/** Holder ids are UUIDs: their first 8 characters tell two holders apart on screen. */
const HOLDER_ID_SHOWN = 8;

/** What the lease observations need of the session's view. */
export type LeaseNames = {
	readonly nodes: readonly NodeView[];
	/** node id → holder id of each of our nodes. */
	readonly holderIds: Readonly<Record<string, string>>;
};

/** `#2` (ours), `pid 4242` (an ha-tui node on this host), `6c7dad0c…` (anyone else). */
export function leaseHolderLabel(holderId: string, names: LeaseNames, connections: readonly DbConnection[]): string {
	const ours = names.nodes.find(node => names.holderIds[node.id] === holderId);
	if (ours) return ours.label;
	const pid = connections.find(connection => connection.haTui?.holderId === holderId)?.pid;
	if (pid !== undefined) return `pid ${pid}`;
	const id = sanitize(cleanLabel(holderId));
	return id.length > HOLDER_ID_SHOWN ? `${id.slice(0, HOLDER_ID_SHOWN)}…` : id || '?';
}

/** A lease row free from its expiry; its holder maybe gone since its last renew, when the lease length is known (`end`). */
const freeAfter = (end: LeaseEnd | undefined): Observation => ({kind: 'free', label: '', ...(end ? {earliest: end.lastRenew} : {})});

/**
 * A lease row as a span, and since when (an expired lease: since its expiry, on this host's
 * clock). Undefined: one of our nodes holds it but its phase does not say so yet (a backup that
 * won row 1 and is reading the state): its own event comes, exact, and must not be pre-empted.
 */
export function leaseObservation(segment: 'live' | 'backup', lease: Lease, hostNow: number, names: LeaseNames, connections: readonly DbConnection[], leaseMs?: number | null): {readonly seen: Observation; readonly since: number} | undefined {
	if (lease.held === null) return {seen: {kind: 'unknown', label: 'not a lease'}, since: hostNow};
	if (lease.held && lease.holderId !== null) {
		const ours = names.nodes.find(node => names.holderIds[node.id] === lease.holderId);
		if (ours && ourHolder(segment, names.nodes) !== ours) return undefined;
		return {seen: {kind: 'held', label: leaseHolderLabel(lease.holderId, names, connections)}, since: hostNow};
	}

	// Ran out (the holder id left behind): free from its expiry, its holder maybe gone since its
	// last renew (store/jdbc/no-live.ts); or released.
	if (lease.holderId !== null && lease.leftMs !== null && lease.leftMs < 0) {
		return {seen: freeAfter(leaseEnd({holderId: lease.holderId, expiresAt: hostNow + lease.leftMs}, leaseMs, 0)), since: hostNow + lease.leftMs};
	}

	return {seen: {kind: 'free', label: ''}, since: hostNow};
}

/** The state row's letter: L F P N (NULL reads as N: not started, as Artemis reads it). */
export function jdbcStateLabel(stateRaw: string | null): string {
	if (stateRaw === null) return 'N';
	return sanitize(cleanLabel(stateRaw)).slice(0, 4) || '?';
}

/**
 * A lease passes from one holder to another only once it ran out (or was released): when a row
 * goes from X straight to Y and the last look gave X's lease an expiry before Y was seen, the
 * row was free from that expiry on (≈: by the DB clock, put on this host's) — else the gap a
 * killed holder leaves would vanish whenever the next holder wins the row between two looks.
 */
export function leaseRanOut(timeline: Timeline, segment: 'live' | 'backup', previous: JdbcProbe | undefined, next: Observation, time: number, leaseMs?: number | null): Timeline {
	const lease = previous?.locks[segment];
	if (!previous || !lease?.held || lease.expiresAt === null || next.kind !== 'held') return timeline;
	const last = timeline.rows.find(row => row.id === segment)?.spans.at(-1);
	if (last?.kind !== 'held' || last.label === next.label) return timeline;
	const offset = previous.dbNow - previous.hostNow;
	const expiry = lease.expiresAt - offset;
	return expiry > last.start && expiry < time ? observe(timeline, segment, expiry, freeAfter(leaseEnd(lease, leaseMs, offset))) : timeline;
}

/** One look's picture: the two lease rows and the state row (a failed look: unknown); previous: the look before it. */
export function observeLook(timeline: Timeline, update: JdbcUpdate, names: LeaseNames, previous?: JdbcUpdate): Timeline {
	const {probe} = update;
	if (!probe) {
		const unknown: Observation = {kind: 'unknown', label: 'unreadable'};
		let next = observe(timeline, 'live', update.takenAt, unknown);
		next = observe(next, 'backup', update.takenAt, unknown);
		return observe(next, 'state', update.takenAt, {kind: 'unknown', label: ''});
	}

	let next = timeline;
	for (const segment of ['live', 'backup'] as const) {
		// The lease length as the looks saw it (the exporter's and history's too: one range).
		const leaseMs = previous?.renew[segment].leaseMs;
		const found = leaseObservation(segment, probe.locks[segment], probe.hostNow, names, update.connections, leaseMs);
		if (!found) continue;
		// Before the first look nothing is known: an old expiry does not stretch the data back.
		const row = next.rows.find(one => one.id === segment);
		next = leaseRanOut(next, segment, previous?.probe, found.seen, probe.hostNow, leaseMs);
		next = observe(next, segment, row && row.spans.length > 0 ? found.since : probe.hostNow, found.seen);
	}

	return observe(next, 'state', probe.hostNow, {kind: 'state', label: jdbcStateLabel(probe.stateRaw)});
}
