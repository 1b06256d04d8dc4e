// How long a group had no live, as a range, and how that range is written — one definition for
// the TUI's timeline (its gap labels), the session's event line, `history` and the exporter
// (issue 18: they never disagree). A directory's rule is here; a table's (its leases) is
// store/jdbc/no-live.ts. Pure: moments in, a range or a text out.

/** Time without a live: at least, at most (ms). Equal when both ends are exact (a node's own event). */
export type NoLiveRange = {readonly atLeastMs: number; readonly atMostMs: number};

/**
 * A change of the live lock as it was seen: `seen`, the look that saw it (or the node event that
 * made it: exact); `after`, the last look that still saw the lock as before (the kernel pulse or
 * the probe before `seen`) — the change happened in (after, seen]. No `after`: it happened at `seen`.
 */
export type SeenChange = {readonly seen: number; readonly after?: number};

/**
 * A directory: the live lock went free (`free`), then a live held it (`held`), on one clock. At
 * most from the last look that saw the old live to the look that saw the new one; at least what
 * the looks saw free — from the first look that saw it free to the last one (the new live may
 * have taken it right after that look). Both ends our nodes' events: exact, the two are equal.
 */
export function directoryNoLive(free: SeenChange, held: SeenChange): NoLiveRange {
	const atMostMs = Math.max(0, held.seen - Math.min(free.seen, free.after ?? free.seen));
	const atLeastMs = Math.max(0, Math.min(held.seen, held.after ?? held.seen) - free.seen);
	return {atLeastMs: Math.min(atLeastMs, atMostMs), atMostMs};
}

/** "7.2 ms", "412 ms", "1.44 s", "12.5 s", "4m05s", "16h18m": one spelling wherever a time without a live is shown. */
export function formatGap(ms: number): string {
	if (ms < 10) return `${ms.toFixed(1)} ms`;
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	const minutes = Math.floor(ms / 60_000);
	if (minutes < 60) return `${minutes}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
	// A record's total over hours (history): "16h18m", not "977m58s".
	return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * The range as every screen and command writes it: "0.4 ms" (both ends the same, as shown),
 * "≤ 26 ms" (nothing proves a moment without a live: a hand-over seen in one look), "≥ 34 ms,
 * ≤ 145 ms". approximate: the ends are looks with nothing known of the looks before them (an
 * old record, a table's look): "≈412 ms".
 */
export function noLiveText(range: NoLiveRange, approximate = false): string {
	const most = formatGap(range.atMostMs);
	const least = formatGap(range.atLeastMs);
	if (least === most) return `${approximate ? '≈' : ''}${most}`;
	if (range.atLeastMs === 0) return `≤ ${most}`;
	return `≥ ${least}, ≤ ${most}`;
}
