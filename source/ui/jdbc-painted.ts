// What the JDBC screen paints (clock-painter.ts) instead of rendering, on a real terminal: each
// held lease's countdown (the bar, the time left, their tone) every second and at its half-way
// point and expiry, and the table's lease rows as stored — a renew moves their expiry, and it
// shows at the next paint without a frame (a frame costs 10–40 ms of this thread; a renew comes
// every 4 s). The cells read the session's latest look when painted, not the render's.
import type {JdbcView} from '../session/jdbc-policy.js';
import type {Lease} from '../store/jdbc/probe.js';
import type {PaintedCell} from './clock-painter.js';
import {COUNTDOWN_COLUMN, countdownTurns, leaseCountdown} from './jdbc-lease-bars.js';
import {toneText} from './theme.js';

/** The lease length a bar is full at: the brokers' (broker.xml), else the most seen left after a renew. */
export function barLeaseMs(view: Pick<JdbcView, 'timings' | 'update'>): number {
	return view.timings.fromBrokers ? view.timings.expirationMs : view.update?.renew.live.leaseMs ?? view.timings.expirationMs;
}

/** A line Ink draws with wrap="truncate-end" at `width`, padded so it covers a longer one. */
export function fitLine(text: string, width: number): string {
	return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

/** Only text of one column a character can be painted by its length (holder ids are outside text). */
export const paintable = (text: string) => /^[\u0020-\u007E·…]*$/.test(text);

export type PaintPlaces = {
	/** The lease rows shown, and their line in the frame. */
	readonly countdowns: ReadonlyArray<{readonly segment: 'live' | 'backup'; readonly line: number}>;
	/** The table's lease rows shown (1, 2), their line, and their text as rendered. */
	readonly tableRows: ReadonlyArray<{readonly index: number; readonly line: number}>;
	readonly barWidth: number;
	/** The screen's width (a table row is painted across it). */
	readonly width: number;
	readonly colors: boolean;
};

/** The lease of `segment` as the latest look has it, if it is the one rendered (same holder); else the rendered one. */
function latestLease(rendered: JdbcView, latest: JdbcView, segment: 'live' | 'backup'): {lease: Lease; offset: number; leaseMs: number} | undefined {
	for (const view of [latest, rendered]) {
		const probe = view.update?.probe;
		const lease = probe?.locks[segment];
		if (!probe || !lease || lease.holderId === null || lease.expiresAt === null) continue;
		if (view !== rendered && lease.holderId !== rendered.update?.probe?.locks[segment].holderId) continue;
		return {lease, offset: probe.dbNow - probe.hostNow, leaseMs: barLeaseMs(view)};
	}

	return undefined;
}

/**
 * The cells of one render: `rendered` is the view it drew, `latest` the session's view when a
 * cell is painted; `rowLines` the table's rows as the screen writes them.
 */
export function paintedCells(places: PaintPlaces, rendered: JdbcView, latest: () => JdbcView, rowLines: (view: JdbcView) => string[]): PaintedCell[] {
	const cells: PaintedCell[] = [];
	for (const {segment, line} of places.countdowns) {
		if (!latestLease(rendered, rendered, segment)) continue;
		cells.push({
			line,
			column: COUNTDOWN_COLUMN,
			expect: segment === 'live' ? 'primary ' : 'backup ',
			text(now) {
				const {lease, offset, leaseMs} = latestLease(rendered, latest(), segment)!;
				const {tone, bar, label} = leaseCountdown(lease.expiresAt!, now + offset, leaseMs, places.barWidth);
				return `${toneText(bar, tone, places.colors)} ${toneText(label, tone, places.colors)}`;
			},
			nextChange(now) {
				// Its tone turns at half-way and at the expiry (host times, through the DB − host offset).
				const {lease, offset, leaseMs} = latestLease(rendered, latest(), segment)!;
				return countdownTurns(lease.expiresAt! - offset, leaseMs).find(time => time > now);
			},
		});
	}

	for (const {index, line} of places.tableRows) {
		if (!paintable(rowLines(rendered)[index] ?? '')) continue;
		cells.push({
			line,
			column: 0,
			expect: ` row ${index} `,
			text() {
				const text = rowLines(latest())[index];
				// A row whose text cannot be painted by its length waits for its frame (timedTexts).
				return fitLine(text !== undefined && paintable(text) ? text : rowLines(rendered)[index] ?? '', places.width);
			},
		});
	}

	return cells;
}
