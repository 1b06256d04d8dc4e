// Reading a record (`watch --record`, record.ts) back: one NDJSON line at a time into a
// checked RecordEvent — the file is outside input to whoever replays it (history, the TUI's
// --history), so every field the episodes and the timeline use is type-checked first; the file
// itself opened the one way both read it (openRecord). Pure but for openRecord.
import fs from 'node:fs';
import type {GroupEvent, RecordEvent} from './record.js';

/** An event is a few KiB (a table's holder ids are cut to 128 characters): a longer line is no record. */
export const MAX_RECORD_LINE_BYTES = 256 * 1024;

/** An open record (the caller closes fd), or why not: open failed (its error), or not a regular file (closed). */
export type OpenedRecord = {readonly fd: number; readonly stat: fs.Stats} | {readonly failed: 'open'; readonly error: unknown} | {readonly failed: 'not-file'; readonly stat: fs.Stats};

/**
 * Opens a record to read it: non-blocking, so a FIFO planted under the name cannot hang the reader
 * (it is no regular file: refused), and never as a controlling terminal. An fstat that fails
 * closes the file and throws.
 */
export function openRecord(file: string): OpenedRecord {
	let fd: number;
	try {
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
	} catch (error) {
		return {failed: 'open', error};
	}

	let stat: fs.Stats;
	try {
		stat = fs.fstatSync(fd);
	} catch (error) {
		fs.closeSync(fd);
		throw error;
	}

	if (stat.isFile()) return {fd, stat};
	fs.closeSync(fd);
	return {failed: 'not-file', stat};
}

// A record is read as outside input: every field the episodes use is checked, so a line of
// the right shape but wrong types is skipped (counted) instead of crashing the replay.
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const optional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || check(value);
const isString = (value: unknown): value is string => typeof value === 'string';

function isHolder(value: unknown): boolean {
	return isObject(value) && (value.pid === null || (Number.isSafeInteger(value.pid) && (value.pid as number) >= 0)) && isString(value.kind)
		&& optional(value.id, isString) && optional(value.broker, isString) && optional(value.process, isString) && optional(value.role, isString) && optional(value.frozen, frozen => frozen === true);
}

const isLock = (value: unknown): boolean => isObject(value) && typeof value.locked === 'boolean' && Array.isArray(value.holders) && value.holders.every(isHolder);

function isRecordEvent(value: unknown): value is RecordEvent {
	if (!isObject(value) || value.v !== 1 || !isString(value.time) || !/^\d{4}-\d{2}-\d{2}T/.test(value.time) || Number.isNaN(Date.parse(value.time)) || !isFiniteNumber(value.mono) || !isString(value.host)) return false;
	if (value.type === 'start') return Number.isSafeInteger(value.pid) && Array.isArray(value.groups) && value.groups.every(isString);
	if (value.type === 'stop') return Number.isSafeInteger(value.pid);
	if (value.type !== 'group') return false;
	const {locks} = value;
	return isString(value.group) && isString(value.status) && optional(value.state, state => state === null || isString(state))
		&& optional(value.after, isFiniteNumber) && optional(value.leaseExpiry, isFiniteNumber)
		&& isObject(locks) && isLock(locks.live) && isLock(locks.backup) && optional(locks.state, isLock)
		&& Array.isArray(value.changes) && value.changes.every(change => isObject(change) && isString(change.kind))
		&& optional(value.releasedBy, released => Array.isArray(released) && released.every(holder => isObject(holder) && Number.isSafeInteger(holder.pid) && typeof holder.alive === 'boolean'));
}

/** One NDJSON line: a record event, or undefined (not JSON, not an event, or a field of the wrong type). */
export function parseRecordLine(line: string): RecordEvent | undefined {
	try {
		const value: unknown = JSON.parse(line);
		return isRecordEvent(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/**
 * What the episodes read of an event, and nothing else (no summary, no change messages, no
 * state lock): `history` holds every event of its files at once, up to 512 MiB of them.
 */
export function episodeFields(event: RecordEvent): RecordEvent {
	if (event.type !== 'group') return event;
	const lock = (value: GroupEvent['locks']['live']) => ({locked: value.locked, holders: value.holders});
	return {
		v: 1, type: 'group', time: event.time, mono: event.mono, ...(event.after === undefined ? {} : {after: event.after}), ...(event.leaseExpiry === undefined ? {} : {leaseExpiry: event.leaseExpiry}),
		host: event.host, group: event.group, status: event.status, verdict: '', exitCode: 0, summary: '', state: event.state ?? null, stateName: null, nodeId: null, layout: null, inode: null, replaced: false,
		locks: {state: {locked: false, holders: []}, live: lock(event.locks.live), backup: lock(event.locks.backup)},
		changes: event.changes.filter(change => change.kind === 'identity').map(change => ({kind: change.kind, message: ''})),
		...(event.releasedBy ? {releasedBy: event.releasedBy} : {}),
	};
}

/** Parses NDJSON text, skipping lines that are not record events (counted). */
export function parseRecord(text: string): {events: RecordEvent[]; skipped: number} {
	const events: RecordEvent[] = [];
	let skipped = 0;
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		const event = parseRecordLine(line);
		if (event) events.push(event);
		else skipped++;
	}

	return {events, skipped};
}
