// `ha-tui history FILE… [--json] [--since …]`: the episodes in records written by
// `watch --record` (source/fleet/history.ts), as a table or one JSON object.
import fs from 'node:fs';
import {buildHistory, formatDuration, parseSince, type Episode, type GroupTotals, type History} from '../fleet/history.js';
import {MAX_RECORD_LINE_BYTES, episodeFields, openRecord, parseRecordLine, type OpenedRecord} from '../fleet/record-read.js';
import type {RecordEvent} from '../fleet/record.js';
import {describeFsError} from '../lock-file/errors.js';
import {noLiveText as rangeText} from '../store/no-live.js';
import {sanitize} from '../text/sanitize.js';
import {isJdbcTarget, maskUrl} from '../store/jdbc/target.js';
import {EXIT, type Io} from './output.js';

/** A record is text we wrote, but read it as outside input: bounded. */
const MAX_RECORD_BYTES = 512 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

type Read = {events: RecordEvent[]; skipped: number; warnings: string[]};

/**
 * One record file, a line at a time (never the whole file as one string): each line parsed as
 * it comes, a line longer than MAX_RECORD_LINE_BYTES refused. The last line without its newline
 * is a record being written (`watch --record` appends whole lines): left out, with a warning,
 * unless it is a whole event already.
 */
function readRecordFile(file: string, into: Read): string | undefined {
	let opened: OpenedRecord;
	try {
		opened = openRecord(file);
	} catch (error) {
		return `${file}: ${describeFsError(error)}`;
	}

	if ('failed' in opened) {
		if (opened.failed === 'open') return `${file}: ${describeFsError(opened.error)}`;
		if (opened.stat.isDirectory()) return `${file}: is a directory (history reads the record files \`ha-tui watch … --record FILE\` writes)`;
		return `${file}: not a regular file`;
	}

	const {fd, stat} = opened;
	try {
		if (stat.size > MAX_RECORD_BYTES) return `${file}: ${stat.size} bytes, more than the ${MAX_RECORD_BYTES / 1024 / 1024} MiB a record may have (split it, or use --since)`;
		const chunk = Buffer.alloc(CHUNK_BYTES);
		let pending: Buffer[] = [];
		let pendingBytes = 0;
		let lineNumber = 0;
		let events = 0;
		/** A line's event, kept; false when the line is none. */
		const keep = (line: string): boolean => {
			const event = parseRecordLine(line);
			if (!event) return false;
			into.events.push(episodeFields(event));
			events++;
			return true;
		};

		const take = (bytes: Buffer) => {
			lineNumber++;
			const line = bytes.toString('utf8');
			if (line.trim() !== '' && !keep(line)) into.skipped++;
		};

		const tooLong = () => `${file}: line ${lineNumber + 1} is longer than ${MAX_RECORD_LINE_BYTES / 1024} KiB: not a record written by \`ha-tui watch --record\``;
		let total = 0;
		for (;;) {
			const count = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
			if (count === 0) break;
			total += count;
			if (total > MAX_RECORD_BYTES) return `${file}: more than the ${MAX_RECORD_BYTES / 1024 / 1024} MiB a record may have (split it, or use --since)`;
			let start = 0;
			for (let newline = chunk.indexOf(10, 0); newline !== -1 && newline < count; newline = chunk.indexOf(10, start)) {
				if (pendingBytes + newline - start > MAX_RECORD_LINE_BYTES) return tooLong();
				const piece = chunk.subarray(start, newline);
				take(pending.length > 0 ? Buffer.concat([...pending, piece]) : piece);
				pending = [];
				pendingBytes = 0;
				start = newline + 1;
			}

			if (start < count) {
				pendingBytes += count - start;
				if (pendingBytes > MAX_RECORD_LINE_BYTES) return tooLong();
				pending.push(Buffer.from(chunk.subarray(start, count)));
			}
		}

		if (pendingBytes > 0) {
			const last = Buffer.concat(pending).toString('utf8');
			if (last.trim() !== '' && !keep(last)) {
				into.warnings.push(`${file}: its last line (${pendingBytes} bytes, no newline) is not a whole event — a record still being written? Left out`);
			}
		}

		if (events === 0) return `${file}: no ha-tui record events in it (write one with \`ha-tui watch DIR --record FILE\`)`;
		return undefined;
	} catch (error) {
		return `${file}: ${describeFsError(error)}`;
	} finally {
		fs.closeSync(fd);
	}
}

function readRecords(files: readonly string[]): Read | {error: string} {
	const read: Read = {events: [], skipped: 0, warnings: []};
	for (const file of files) {
		if (isJdbcTarget(file)) return {error: `${maskUrl(file)}: history reads the record files \`ha-tui watch … --record FILE\` writes, not a database`};
		const error = readRecordFile(file, read);
		if (error) return {error};
	}

	return read;
}

const clock = (iso: string) => iso.replace('T', ' ').replace('Z', '');

/**
 * A time without a live as the episode (or the sum of a group's) gives it, spelled as the TUI's
 * timeline and the session's event line spell it (store/no-live.ts): "≤ 26 ms" when the
 * hand-over was seen in one look, "≥ 34 ms, ≤ 145 ms" (a directory: from the looks; a table:
 * its lease's expiry and last renew, store/jdbc/no-live.ts).
 */
function noLiveText(max: number, min: number): string {
	return rangeText({atLeastMs: min, atMostMs: max});
}

function gapCell(episode: Episode): string {
	const max = episode.noLiveMs;
	if (max === undefined) return '';
	return noLiveText(max, episode.noLiveMinMs ?? max);
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
	return `${total.group}: ${formatDuration(total.windowMs)} recorded, live ${availabilityText(total)} of it (no live ${noLiveText(total.noLiveMs, total.noLiveMinMs ?? total.noLiveMs)}, the sum of the episodes); ${counts.join(', ')}`;
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

	if (history.duplicates > 0) lines.push(`(${history.duplicates} event${history.duplicates === 1 ? '' : 's'} found twice — files that overlap — counted once)`);
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
	for (const warning of read.warnings) io.err(`ha-tui: warning: ${warning}`);
	const result = buildHistory(read.events, {since, skipped: read.skipped});
	if (options.json) io.out(JSON.stringify(read.warnings.length > 0 ? {...result, warnings: read.warnings} : result));
	else for (const line of historyText(result)) io.out(line);
	return EXIT.ok;
}
