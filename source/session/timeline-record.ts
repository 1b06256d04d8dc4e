// `ha-tui DIR --history FILE` (issue 18 §3): the timeline opens on a recording (`watch --record`,
// fleet/record.ts), so the minutes before the screen was opened are there too. The file is
// untrusted: it is read with limits (its last MAX_TAIL_BYTES only, lines of at most
// MAX_RECORD_LINE_BYTES, a regular file opened without blocking: fleet/record-read.ts), every field is checked before use, and
// labels are cleaned and shortened.
import fs from 'node:fs';
import {parseRecord} from '../fleet/history.js';
import {MAX_RECORD_LINE_BYTES, openRecord} from '../fleet/record-read.js';
import type {GroupEvent, RecordEvent, RecordHolder, RecordLock} from '../fleet/record.js';
import {cleanLabel} from './timeline-observe.js';
import {KEEP_MS, emptyTimeline, mark, observe, type Observation, type Timeline} from './timeline.js';

/** The timeline keeps an hour: more than the last 64 MiB of a record is never needed (≈ 100k events). */
export const MAX_TAIL_BYTES = 64 * 1024 * 1024;

export class HistoryFileError extends Error {
	override name = 'HistoryFileError';
}

/** The record's last MAX_TAIL_BYTES as text, whole lines only. */
export function readRecordTail(file: string, maxBytes = MAX_TAIL_BYTES): string {
	// (A FIFO planted under the name must not hang the screen's start: openRecord.)
	const opened = openRecord(file);
	if ('failed' in opened) {
		if (opened.failed === 'not-file') throw new HistoryFileError(`--history ${file}: not a regular file (a record is the NDJSON file of \`ha-tui watch --record\`)`);
		const code = (opened.error as NodeJS.ErrnoException).code;
		throw new HistoryFileError(`--history ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? 'cannot open'}`);
	}

	const {fd, stat} = opened;
	try {
		const length = Math.min(stat.size, maxBytes);
		const buffer = Buffer.alloc(length);
		let read = 0;
		while (read < length) {
			const count = fs.readSync(fd, buffer, read, length - read, stat.size - length + read);
			if (count === 0) break;
			read += count;
		}

		let text = buffer.subarray(0, read).toString('utf8');
		// Cut into a line: that line is not whole.
		if (stat.size > length) text = text.slice(text.indexOf('\n') + 1);
		return text;
	} finally {
		fs.closeSync(fd);
	}
}

export type RecordedTimeline = {readonly timeline: Timeline; readonly events: number; readonly skipped: number; readonly groups: readonly string[]};

const isGroup = (event: RecordEvent): event is GroupEvent => event.type === 'group';

function holderLabel(holders: readonly RecordHolder[] | undefined): string {
	const names = (Array.isArray(holders) ? holders : []).map(holder => {
		if (typeof holder?.broker === 'string' && holder.broker !== '') return cleanLabel(holder.broker);
		return typeof holder?.pid === 'number' && Number.isSafeInteger(holder.pid) ? `pid ${holder.pid}` : 'hidden';
	});
	return [...new Set(names)].join('+') || 'hidden';
}

function lockObservation(event: GroupEvent, lock: RecordLock | undefined): Observation {
	if (event.status !== 'ok') return {kind: 'unknown', label: event.status === 'missing' ? 'no file' : 'unreadable'};
	if (!lock || typeof lock.locked !== 'boolean') return {kind: 'unknown', label: ''};
	if (!lock.locked) return {kind: 'free', label: ''};
	const frozen = Array.isArray(lock.holders) && lock.holders.some(holder => holder?.frozen === true);
	// By pid (a hidden one: nobody), as `history` tells holders apart.
	const pids = (Array.isArray(lock.holders) ? lock.holders : []).map(holder => (typeof holder?.pid === 'number' && Number.isSafeInteger(holder.pid) ? String(holder.pid) : ''));
	return {kind: frozen ? 'frozen' : 'held', label: holderLabel(lock.holders), holders: pids.includes('') ? [] : pids};
}

function stateObservation(event: GroupEvent): Observation {
	if (event.status !== 'ok' || typeof event.state !== 'string' || event.state.length !== 1) return {kind: 'unknown', label: ''};
	const code = event.state.codePointAt(0)!;
	return {kind: 'state', label: code >= 0x20 && code <= 0x7E ? event.state : `0x${code.toString(16).padStart(2, '0')}`};
}

/**
 * The recorded events of `group` (the group's directory, as `watch --record` names it) as a
 * timeline: the last KEEP_MS before the newest event. A recorder's stop is a gap of knowledge
 * (unknown), not a gap without a live.
 */
export function timelineFromRecord(text: string, group: string): RecordedTimeline {
	const lines = text.split('\n');
	let skipped = 0;
	const kept = lines.filter(line => {
		if (Buffer.byteLength(line) <= MAX_RECORD_LINE_BYTES) return true;
		skipped++;
		return false;
	});
	const parsed = parseRecord(kept.join('\n'));
	skipped += parsed.skipped;
	const groups = [...new Set(parsed.events.filter(isGroup).map(event => String(event.group)))];
	// A recorder's stop matters only to the groups it recorded (its start lists them).
	const starts = parsed.events.filter((event): event is Extract<RecordEvent, {type: 'start'}> => event.type === 'start');
	const recorders = new Set(starts.filter(event => Array.isArray(event.groups) && event.groups.includes(group)).map(event => `${event.host}:${event.pid}`));
	const mine = parsed.events
		.filter(event => (isGroup(event) ? event.group === group : event.type === 'stop' && recorders.has(`${event.host}:${(event as {pid?: unknown}).pid}`)))
		.map(event => ({event, time: Date.parse(event.time)}))
		.filter(entry => Number.isFinite(entry.time))
		.sort((a, b) => a.time - b.time);
	// One host's events on its CLOCK_MONOTONIC (to the µs, as `history` times them: a gap's
	// range then reads as there), put on the wall clock — while the two agree to a second (no
	// reboot, no clock step; else a new stretch). An event's wall time and its mono are taken a
	// probe apart (ms, more under load): the stretch's offset is the median of its events'.
	type Stretch = {first: number; offsets: number[]; offset?: number};
	const stretches = new Map<string, Stretch>();
	const placed: Array<{entry: (typeof mine)[number]; mono: number; stretch: Stretch}> = [];
	for (const entry of mine) {
		const {host, mono} = entry.event;
		if (typeof mono !== 'number' || !Number.isFinite(mono)) continue;
		const offset = entry.time - mono;
		let stretch = stretches.get(host);
		if (!stretch || Math.abs(offset - stretch.first) >= 1000) stretches.set(host, stretch = {first: offset, offsets: []});
		stretch.offsets.push(offset);
		placed.push({entry, mono, stretch});
	}

	for (const {entry, mono, stretch} of placed) {
		stretch.offset ??= stretch.offsets.sort((a, b) => a - b)[Math.floor(stretch.offsets.length / 2)];
		entry.time = stretch.offset + mono;
	}

	const newest = mine.at(-1)?.time ?? 0;
	let timeline = emptyTimeline();
	let seen = false;
	let count = 0;
	for (const {event, time} of mine) {
		if (time < newest - KEEP_MS) continue;
		if (!isGroup(event)) {
			// Nothing is known after the recorder stopped (until it, or the screen, looks again).
			if (seen) for (const id of ['live', 'backup', 'state'] as const) timeline = observe(timeline, id, time, {kind: 'unknown', label: 'not recorded'});
			continue;
		}

		seen = true;
		count++;
		const locks = event.locks ?? ({} as Partial<GroupEvent['locks']>);
		// The record's clocks put on the wall clock of this event: `after`, the pulse that last saw
		// the locks as before; a table's `leaseExpiry`, when the old live's lease ran out. So a gap
		// reads as `history` reads it (store/no-live.ts).
		const wall = (mono: number | undefined) => (typeof mono === 'number' && Number.isFinite(mono) && Number.isFinite(event.mono) ? time - Math.max(0, event.mono - mono) : undefined);
		const after = wall(event.after);
		const live = lockObservation(event, locks.live);
		const expiry = live.kind === 'free' ? wall(event.leaseExpiry) : undefined;
		timeline = expiry === undefined || after === undefined
			? observe(timeline, 'live', time, after === undefined ? live : {...live, after})
			: observe(timeline, 'live', expiry, {...live, earliest: after});
		const backup = lockObservation(event, locks.backup);
		timeline = observe(timeline, 'backup', time, after === undefined ? backup : {...backup, after});
		timeline = observe(timeline, 'state', time, stateObservation(event));
		if (locks.state?.locked === true) timeline = mark(timeline, time);
	}

	return {timeline, events: count, skipped, groups};
}
