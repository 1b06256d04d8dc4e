// `ha-tui history FILE… [--json] [--since …]`: the episodes in records written by
// `watch --record` (source/fleet/history.ts), as a table or one JSON object.
import fs from 'node:fs';
import {buildHistory, formatDuration, parseRecord, parseSince, type Episode, type History} from '../fleet/history.js';
import type {RecordEvent} from '../fleet/record.js';
import {describeFsError} from '../lock-file/errors.js';
import {noLiveRangeText} from '../store/jdbc/no-live.js';
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
 * Bounds, from the kernel pulse: "≤ 26 ms" when the hand-over was seen in one look; a table's
 * failover: the lease range (store/jdbc/no-live.ts), "≥ 88 ms, ≤ 1.56 s", as the JDBC timeline
 * labels its gap.
 */
function gapCell(episode: Episode): string {
	const max = episode.noLiveMs;
	if (max === undefined) return '';
	const min = episode.noLiveMinMs ?? max;
	if (episode.noLiveBounds === 'lease') return noLiveRangeText({atLeastMs: min, atMostMs: max});
	if (max - min < 1) return formatDuration(max);
	return min === 0 ? `≤ ${formatDuration(max)}` : `${formatDuration(min)} – ${formatDuration(max)}`;
}

function episodeRow(episode: Episode): string[] {
	const who = episode.kind === 'frozen' ? episode.from ?? '' : `${episode.from ?? '?'} → ${episode.to ?? '?'}`;
	return [clock(episode.start), episode.group, episode.kind, who, gapCell(episode), episode.trigger ?? '', episode.detail ?? ''];
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
	for (const total of history.totals) {
		const availability = total.availability === null ? 'n/a' : `${(total.availability * 100).toFixed(3)} %`;
		lines.push(`${total.group}: ${formatDuration(total.windowMs)} recorded, live ${availability} of it (no live ${formatDuration(total.noLiveMs)}); ${total.failovers} failover${total.failovers === 1 ? '' : 's'}, ${total.failbacks} failback${total.failbacks === 1 ? '' : 's'}, ${total.pauses} pause${total.pauses === 1 ? '' : 's'}, ${total.frozen} frozen holder${total.frozen === 1 ? '' : 's'}, ${total.lostLocks} lost lock${total.lostLocks === 1 ? '' : 's'}`);
	}

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
