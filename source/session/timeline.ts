// The timeline's data (issue 18 §2): who held each lock, what each in-process node was doing and
// which state byte the file had, as spans over time. Pure: observations in, new data out (the
// same object back when an observation changes nothing, so a caller can skip the frame).
// Times are ms since the epoch, fractional where they come from the nodes' monotonic clock
// (an in-process hand-over takes a fraction of a ms and must still show its length).
// A row is a list of spans; each lasts until the next one starts, the last until now.
import {noLiveRange} from '../store/jdbc/no-live.js';
import {directoryNoLive, noLiveText, type NoLiveRange} from '../store/no-live.js';

export type LockRowId = 'live' | 'backup' | 'state';
export type RowId = LockRowId | `node:${string}`;

/**
 * held: a holder (label: its broker name, or pid); frozen: held by a holder that is stopped
 * (SIGSTOP, T), traced or a zombie — it keeps the lock and does no work; free: nobody; unknown:
 * no lock file, an error, or before the first look. state: the state byte (label: its letter). Node phases:
 * live, backup, waiting, moving (failing back, stepping down), stopped, lost.
 */
export type SpanKind = 'held' | 'frozen' | 'free' | 'unknown' | 'state' | 'live' | 'backup' | 'waiting' | 'moving' | 'stopped' | 'lost';

export type Span = {
	readonly start: number;
	readonly kind: SpanKind;
	readonly label: string;
	/** The start is exact (a node's own event), not the first probe that saw it. */
	readonly exact: boolean;
	/**
	 * A free lease row (a table): the row went free at `start`, the lease's expiry, but its holder
	 * may have been gone since this moment, its last renew (store/jdbc/no-live.ts).
	 */
	readonly earliest?: number;
	/**
	 * Seen by a look (a directory's probe): the change happened after this moment, the last look
	 * that still saw the row as before (the kernel pulse, or the probe before); store/no-live.ts.
	 */
	readonly after?: number;
	/** Who holds it, by pid (ours: our node's label), where known: a hand-over is told by these, not by the label. */
	readonly holders?: readonly string[];
};

export type TimelineRow = {readonly id: RowId; readonly title: string; readonly spans: readonly Span[]};

/** A moment worth a mark: the state lock taken (writers take it for µs; probes rarely see it). */
export type Mark = {readonly time: number; readonly kind: 'state-lock'};

export type Timeline = {
	/** The lock rows first (live, backup, state), then a row per in-process node in start order. */
	readonly rows: readonly TimelineRow[];
	readonly marks: readonly Mark[];
	/** Where the data begins: the first observation (or the recording's first event). */
	readonly since: number | undefined;
};

/** Kept: the widest window (1 h) and a margin; older spans go. */
export const KEEP_MS = 65 * 60_000;
/** Bounds per row and for the marks: a flapping holder cannot grow the data without end. */
export const MAX_SPANS = 4000;
export const MAX_MARKS = 4000;

export const WINDOWS_MS = [60_000, 600_000, 3_600_000] as const;

const lockTitles: Readonly<Record<LockRowId, string>> = {live: 'primary', backup: 'backup', state: 'state'};

export function emptyTimeline(): Timeline {
	return {rows: (['live', 'backup', 'state'] as const).map(id => ({id, title: lockTitles[id], spans: []})), marks: [], since: undefined};
}

export type Observation = {readonly kind: SpanKind; readonly label: string; readonly earliest?: number; readonly after?: number; readonly holders?: readonly string[]};

function trim(spans: Span[], now: number): Span[] {
	// Keep the span in force at now - KEEP_MS (it still covers the window's left edge).
	let drop = 0;
	while (drop + 1 < spans.length && spans[drop + 1].start <= now - KEEP_MS) drop++;
	if (spans.length - drop > MAX_SPANS) drop = spans.length - MAX_SPANS;
	return drop > 0 ? spans.slice(drop) : spans;
}

/**
 * The row says `what` from `time` on. Times never go back within a row: a probe handled after
 * a node's exact event, but stamped a little earlier (ms clock), starts at the event.
 */
export function observe(timeline: Timeline, id: RowId, time: number, what: Observation, exact = false, title?: string): Timeline {
	const index = timeline.rows.findIndex(row => row.id === id);
	const row: TimelineRow = index === -1 ? {id, title: title ?? id, spans: []} : timeline.rows[index];
	const last = row.spans.at(-1);
	if (last && last.kind === what.kind && last.label === what.label && (title === undefined || title === row.title)) return timeline;
	const start = last ? Math.max(time, last.start) : time;
	let spans = [...row.spans];
	// Two changes at one instant (a probe, then the event it raced): the later one wins.
	if (last && last.start === start && !(last.exact && !exact)) spans.pop();
	else if (last && last.start === start && last.exact && !exact) return timeline;
	const previous = spans.at(-1);
	// `after` within (the span before's start, start]: the change cannot predate what it changed
	// (nothing before the first span: no look saw the row as before).
	const after = what.after === undefined || exact || !previous ? undefined : Math.min(start, Math.max(what.after, previous?.start ?? what.after));
	if (!previous || previous.kind !== what.kind || previous.label !== what.label) spans.push({start, kind: what.kind, label: what.label, exact, ...(what.earliest === undefined ? {} : {earliest: Math.min(what.earliest, start)}), ...(after === undefined ? {} : {after}), ...(what.holders === undefined ? {} : {holders: what.holders})});
	spans = trim(spans, start);
	const next: TimelineRow = {id, title: title ?? row.title, spans};
	const rows = index === -1 ? [...timeline.rows, next] : timeline.rows.map((other, at) => (at === index ? next : other));
	return {...timeline, rows, since: timeline.since === undefined ? start : Math.min(timeline.since, start)};
}

export function mark(timeline: Timeline, time: number, kind: Mark['kind'] = 'state-lock'): Timeline {
	const last = timeline.marks.at(-1);
	// One mark per ms is all any window can show.
	if (last && Math.abs(last.time - time) < 1) return timeline;
	let marks = [...timeline.marks, {time, kind}];
	if (marks.length > MAX_MARKS || marks[0].time < time - KEEP_MS) marks = marks.filter((one, index) => one.time >= time - KEEP_MS && index >= marks.length - MAX_MARKS);
	return {...timeline, marks};
}

/** A gap with no live: the primary row free (or the file unreadable after a holder). */
export type Gap = {
	readonly start: number;
	/** Undefined: still going on. */
	readonly end: number | undefined;
	readonly ms: number | undefined;
	/** Both ends are nodes' own events: the length is exact; else as probes saw it (≈). */
	readonly exact: boolean;
	/** Who held the live lock before and after, when known. */
	readonly from?: string;
	readonly to?: string;
	/**
	 * Time without a live, at least and at most (ended gaps): a directory's from the looks around
	 * each end (store/no-live.ts), a table's lease that ran out from its expiry and last renew
	 * (store/jdbc/no-live.ts). Equal when exact.
	 */
	readonly range?: NoLiveRange;
	/** Ended, not exact, and nothing known of the looks before its ends: the range is one look's ≈. */
	readonly approximate?: boolean;
	/**
	 * No look saw the lock free: one holder, then another with none in common, in the next look
	 * (a backup blocked on the lock gets it within µs of a kill). The gap is somewhere between
	 * the two looks: at least 0, at most their distance — as `history` counts that failover.
	 */
	readonly oneLook?: true;
};

/** Who a span's holders are: their pids where known (a broker's name can come into sight a look later), else the names of its label ('a+b'; 'hidden' names nobody). */
const named = (span: Span) => (span.holders ?? span.label.split('+')).filter(name => name !== '' && name !== 'hidden');

/** A held span followed by one with other holders, seen by a look that knows the look before. */
function handedOver(span: Span, next: Span | undefined): next is Span & {after: number} {
	if (span.kind === 'free' || span.kind === 'unknown' || next === undefined || next.kind === 'free' || next.kind === 'unknown' || next.after === undefined) return false;
	const before = named(span);
	const after = named(next);
	return before.length > 0 && after.length > 0 && !after.some(name => before.includes(name));
}

export function gaps(timeline: Timeline): Gap[] {
	const spans = timeline.rows.find(row => row.id === 'live')?.spans ?? [];
	const found: Gap[] = [];
	for (let index = 0; index < spans.length; index++) {
		const span = spans[index];
		const next = spans[index + 1];
		if (handedOver(span, next)) {
			found.push({start: next.after, end: next.start, ms: next.start - next.after, exact: false, from: span.label, to: next.label, range: directoryNoLive({seen: next.after}, {seen: next.start, after: next.after}), oneLook: true});
			continue;
		}

		if (span.kind !== 'free') continue;
		const before = spans[index - 1];
		found.push({
			start: span.start,
			end: next?.start,
			ms: next ? next.start - span.start : undefined,
			exact: span.exact && (next?.exact ?? false),
			...(before?.kind === 'held' ? {from: before.label} : {}),
			...(next?.kind === 'held' ? {to: next.label} : {}),
			...(next ? {range: span.earliest === undefined
				? directoryNoLive({seen: span.start, after: span.after}, {seen: next.start, after: next.after})
				: noLiveRange({lastRenew: span.earliest, expiry: span.start}, next.start)} : {}),
			...(next && !(span.exact && next.exact) && span.after === undefined && span.earliest === undefined && next.after === undefined ? {approximate: true} : {}),
		});
	}

	return found;
}

/**
 * "no live 0.4 ms" (exact), "no live ≥ 34 ms, ≤ 145 ms" (seen by looks: from the first look
 * that saw it free to the last; from the last that saw the old live to the one that saw the
 * new), "no live ≈412 ms" (nothing known of the looks before), or undefined for a gap still open.
 * The session's event line and `history` write the same.
 */
export function gapText(gap: Gap): string | undefined {
	if (gap.ms === undefined || !gap.range) return undefined;
	return `no live ${noLiveText(gap.range, gap.approximate)}`;
}

/**
 * Does anything start inside (from, to]? If not, a later frame of that window looks the same.
 * `except`: a moment that does not count (the data's start: what began there was first seen
 * there, nothing changed).
 */
export function changesWithin(timeline: Timeline, from: number, to: number, except?: number): boolean {
	for (const row of timeline.rows) {
		for (let index = row.spans.length - 1; index >= 0; index--) {
			const {start} = row.spans[index];
			if (start <= from) break;
			if (start <= to && start !== except) return true;
		}
	}

	const last = timeline.marks.at(-1);
	return last !== undefined && last.time > from;
}

/** The newest moment the data knows of: the last span start or mark (0: none). */
export function latestChange(timeline: Timeline): number {
	let latest = timeline.marks.at(-1)?.time ?? 0;
	for (const row of timeline.rows) latest = Math.max(latest, row.spans.at(-1)?.start ?? 0);
	return latest;
}
