// `ha-tui history FILE… [--json] [--since …]`: the episodes in records written by
// `watch --record` (source/fleet/history.ts), as a table or one JSON object.
import fs from 'node:fs';
import {buildHistory, formatDuration, parseRecord, parseSince, type Episode, type GroupTotals, type History} from '../fleet/history.js';
import type {RecordEvent} from '../fleet/record.js';
import {describeFsError} from '../lock-file/errors.js';
import {formatGap, noLiveRangeText} from '../store/jdbc/no-live.js';
import {sanitize} from '../text/sanitize.js';
import {isJdbcTarget, maskUrl} from '../store/jdbc/target.js';
import {EXIT, type Io} from './output.js';

/** A record is text we wrote, but read it as outside input: bounded. */
const MAX_RECORD_BYTES = 512 * 1024 * 1024;

function readRecords(files: readonly string[]): {events: RecordEvent[]; skipped: number} | {error: string} {
	const events: RecordEvent[] = [];
	let skipped = 0;
	for (const file of files) {
		let text: string;
		if (isJdbcTarget(file)) return {error: `${maskUrl(file)}: history reads the record files \`ha-tui watch … --record FILE\` writes, not a database`};
		try {
			const stat = fs.statSync(file);
			if (!stat.isFile()) return {error: `${file}: not a regular file`};
			if (stat.size > MAX_RECORD_BYTES) return {error: `${file}: ${stat.size} bytes, more than the ${MAX_RECORD_BYTES / 1024 / 1024} MiB a record may have (split it, or use --since)`};
			text = fs.readFileSync(file, 'utf8');
		} catch (error) {
			return {error: `${file}: ${describeFsError(error)}`};
		}

		const parsed = parseRecord(text);
		if (parsed.events.length === 0) return {error: `${file}: no ha-tui record events in it (write one with \`ha-tui watch DIR --record FILE\`)`};
		events.push(...parsed.events);
		skipped += parsed.skipped;
	}

	return {events, skipped};
}

const clock = (iso: string) => iso.replace('T', ' ').replace('Z', '');

/**
 * A time without a live as the episode (or the sum of a group's) gives it. Bounds, from the
 * kernel pulse: "≤ 26 ms" when the hand-over was seen in one look; a table's failover: the lease
 * range (store/jdbc/no-live.ts), "≥ 88 ms, ≤ 1.56 s", as the JDBC timeline labels its gap.
 */
function noLiveText(max: number, min: number, bounds: 'lease' | undefined): string {
	if (bounds === 'lease') return noLiveRangeText({atLeastMs: min, atMostMs: max});
	// formatGap: one spelling of a time without a live wherever it is shown (to 0.1 ms, 1 ms, 10 ms, 0.1 s).
	if (formatGap(min) === formatGap(max)) return formatGap(max);
	return min === 0 ? `≤ ${formatGap(max)}` : `${formatGap(min)} – ${formatGap(max)}`;
}

function gapCell(episode: Episode): string {
	const max = episode.noLiveMs;
	if (max === undefined) return '';
	return noLiveText(max, episode.noLiveMinMs ?? max, episode.noLiveBounds);
}

/**
 * Availability as the episodes allow it: "99.961 %", "≥ 99.961 %" (nothing proves a moment
 * without a live: a hand-over seen in one look), "77.128–77.635 %". The low end is rounded
 * down and the high end up, so a rounding never claims more (or less) than the record shows.
 */
export function availabilityText(total: Pick<GroupTotals, 'availability' | 'availabilityMax'>): string {
	if (total.availability === null) return 'n/a';
	const low = Math.floor(total.availability * 100_000) / 1000;
	const high = Math.ceil((total.availabilityMax ?? total.availability) * 100_000) / 1000;
	if (high <= low) return `${low.toFixed(3)} %`;
	if (high >= 100) return `≥ ${low.toFixed(3)} %`;
	return `${low.toFixed(3)}–${high.toFixed(3)} %`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function totalsLine(total: GroupTotals): string {
	const counts = [plural(total.failovers, 'failover'), plural(total.failbacks, 'failback'), plural(total.pauses, 'pause'), plural(total.frozen, 'frozen holder'), plural(total.lostLocks, 'lost lock')];
	if (total.noLiveEpisodes > 0) counts.push(plural(total.noLiveEpisodes, 'other time without a live', 'other times without a live'));
	return `${total.group}: ${formatDuration(total.windowMs)} recorded, live ${availabilityText(total)} of it (no live ${noLiveText(total.noLiveMs, total.noLiveMinMs ?? total.noLiveMs, total.noLiveBounds)}, the sum of the episodes); ${counts.join(', ')}`;
}

function episodeRow(episode: Episode): string[] {
	const who = episode.kind === 'frozen' ? episode.from ?? '' : `${episode.from ?? '?'} → ${episode.to ?? '?'}`;
	// Cleaned before the widths are measured: the terminal boundary would escape them anyway, but the columns would not line up.
	return [clock(episode.start), episode.group, episode.kind, who, gapCell(episode), episode.trigger ?? '', episode.detail ?? ''].map(cell => sanitize(cell));
}

function table(rows: string[][]): string[] {
	const widths = rows[0].map((_, column) => Math.max(...rows.map(row => [...row[column]].length)));
	return rows.map(row => row.map((cell, column) => cell + ' '.repeat(widths[column] - [...cell].length)).join('  ').trimEnd());
}

export function historyText(history: History): string[] {
	const lines: string[] = [];
	if (history.episodes.length === 0) lines.push('no episodes: the live lock never changed hands in this record');
	else lines.push(...table([['time (UTC)', 'group', 'episode', 'who', 'no live', 'trigger', ''], ...history.episodes.map(episodeRow)]));
	lines.push('');
	for (const total of history.totals) lines.push(totalsLine(total));

	if (history.skipped > 0) lines.push(`(${history.skipped} line${history.skipped === 1 ? '' : 's'} that are not record events skipped)`);
	return lines;
}

export function history(files: readonly string[], options: {json: boolean; since?: string}, io: Io): number {
	const fail = (message: string) => {
		if (options.json) io.out(JSON.stringify({error: message, exitCode: EXIT.unknown}));
		io.err(`ha-tui: ${message}`);
		return EXIT.unknown;
	};

	let since: number | undefined;
	if (options.since !== undefined) {
		since = parseSince(options.since);
		if (since === undefined) return fail(`--since must be an ISO time (2026-12-01T22:00:00Z) or an age (90s, 30m, 2h, 1d), got ${JSON.stringify(options.since)}`);
	}

	const read = readRecords(files);
	if ('error' in read) return fail(read.error);
	const result = buildHistory(read.events, {since, skipped: read.skipped});
	if (options.json) io.out(JSON.stringify(result));
	else for (const line of historyText(result)) io.out(line);
	return EXIT.ok;
}
