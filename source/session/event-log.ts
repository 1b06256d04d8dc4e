// The bounded event log and the sentences in it.
import {holderText} from '../broker/holder-text.js';
import type {NodeEvent} from '../node-manager/ha-node.js';
import type {Change} from '../watch/changes.js';
import type {Snapshot} from '../watch/snapshot.js';
import {nodeName} from './labels.js';
import {ourHolder} from './timeline-observe.js';
import type {LogEntry, LogLevel, NodeView} from './types.js';

export const LOG_LIMIT = 200;

/**
 * The lines of the events panel: each entry, or, unfolded, each state-lock flap of a folded
 * line in its place (same seq, its own time: a line per flap).
 */
export function eventLines(log: readonly LogEntry[], unfolded: boolean): readonly LogEntry[] {
	if (!unfolded || !log.some(entry => entry.folded)) return log;
	return log.flatMap(entry => entry.folded ? entry.folded.map((flap, index) => ({seq: entry.seq + (index / 1000), time: flap.time, source: entry.source, level: entry.level, text: flap.text})) : [entry]);
}

export function appendLog(log: readonly LogEntry[], entry: LogEntry, limit = LOG_LIMIT): readonly LogEntry[] {
	const next = log.length >= limit ? log.slice(log.length - limit + 1) : log.slice();
	next.push(entry);
	return next;
}

/**
 * 0.4 ms, 3.1 ms, 250 ms, 12.3 s, 4m05s: how long a node waited (the event log). Not formatGap
 * (store/no-live.ts) on purpose: a time without a live is written to the 10 ms below 10 s
 * ("1.44 s") and in hours past an hour (a record's total); a wait keeps one decimal and minutes.
 */
export function formatMs(ms: number): string {
	if (ms < 10) return `${ms.toFixed(1)} ms`;
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	const minutes = Math.floor(ms / 60_000);
	return `${minutes}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

export function changeLevel(change: Change, snapshot: Snapshot): LogLevel {
	switch (change.kind) {
		case 'identity':
		case 'error': {
			return 'error';
		}

		case 'missing': {
			return snapshot.replaced ? 'error' : 'warn';
		}

		case 'verdict': {
			return (['ok', 'warn', 'error', 'warn'] as const)[snapshot.assessment.exitCode];
		}

		default: {
			return 'info';
		}
	}
}

/** The release of the live lock by one of our nodes, to measure how fast another took it. */
export type Release = {readonly mono: number; readonly name: string};

/**
 * lastRelease: one of our nodes let go of the live lock (measurable to the µs);
 * outsideHolder: another process held it when last probed (its release time is unknown, but
 * a waiting node takes the lock ~0.2 ms after it is let go); waitingSince: when this node
 * began waiting for the live lock (its first backup, waiting or failing-back event since it
 * was last live), on the events' monotonic clock.
 */
export function nodeEventLine(node: Pick<NodeView, 'label' | 'role'>, event: NodeEvent, lastRelease: Release | undefined, outsideHolder?: string, waitingSince?: number): {level: LogLevel; text: string} {
	const name = nodeName(node);
	const detail = event.detail ? ` — ${event.detail}` : '';
	switch (event.event) {
		case 'waiting-backup-lock': {
			return {level: 'info', text: `${name}: waiting for the backup lock (another backup is next in line)`};
		}

		case 'backup': {
			return {level: 'ok', text: `${name}: holds the backup lock, next in line`};
		}

		case 'waiting-live-lock': {
			return {level: 'info', text: `${name}: waiting for the live lock`};
		}

		case 'failing-back': {
			return {level: 'warn', text: `${name}: wrote F (failing back), waiting for the live lock`};
		}

		case 'live': {
			const waited = event.waitedMs ?? 0;
			// The node's wait began at its first look of this wait (waitingSince), not only at its
			// last attempt: a backup that retried after the release (it read the state in between)
			// still took the lock our node let go of.
			const startedWaiting = Math.min(event.mono - waited, waitingSince ?? Number.POSITIVE_INFINITY);
			let how: string;
			if (lastRelease && lastRelease.mono >= startedWaiting - 1 && lastRelease.mono <= event.mono) {
				how = `${formatMs(event.mono - lastRelease.mono)} after ${lastRelease.name} released the live lock`;
			} else if (outsideHolder && waited >= 1) {
				how = `as soon as ${outsideHolder} let go of the live lock (waited ${formatMs(waited)})`;
			} else if (waited >= 1) {
				how = `after waiting ${formatMs(waited)} for the live lock`;
			} else {
				how = 'at once: the live lock was free';
			}

			return {level: 'ok', text: node.role === 'backup' ? `${name} became LIVE ${how}` : `${name}: LIVE ${how}`};
		}

		case 'stepping-down': {
			return {level: 'warn', text: `${name}: stepping down${detail}`};
		}

		case 'paused': {
			return {level: 'warn', text: `${name}: paused${detail}`};
		}

		case 'stopped': {
			return {level: 'info', text: `${name}: stopped${detail}`};
		}

		case 'lost-lock': {
			return {level: 'error', text: `${name}: LOST THE LIVE LOCK${detail}. Another live may exist (split brain)`};
		}

		case 'error': {
			return {level: 'error', text: `${name}: error${detail}`};
		}
	}
}

/** Which of our in-process nodes holds each lock, by name, judging by their phases at one look. */
export type OurHolders = Readonly<Partial<Record<'live' | 'backup', string>>>;

export function ourHolders(nodes: readonly NodeView[]): OurHolders {
	// A node's own event may come a moment after the probe saw its lock: then the one node that
	// was waiting for that lock is the one that got it (none or several: not named).
	const only = (waiting: readonly NodeView[]) => (waiting.length === 1 ? waiting[0] : undefined);
	const live = ourHolder('live', nodes) ?? only(nodes.filter(node => node.phase === 'waiting-live-lock' || node.phase === 'failing-back'));
	const backup = ourHolder('backup', nodes) ?? only(nodes.filter(node => node.phase === 'waiting-backup-lock'));
	return {...(live ? {live: nodeName(live)} : {}), ...(backup ? {backup: nodeName(backup)} : {})};
}

function sideText(snapshot: Snapshot | undefined, segment: 'live' | 'backup', ours: string | undefined): string {
	const lock = snapshot?.probe?.locks[segment];
	if (!lock?.locked) return 'free';
	if (lock.holders.length === 0) return holderText({pid: undefined}, {kind: true});
	return lock.holders.map(holder => (holder.sameProcess ? `${ours ?? 'a node'} (this process, ${holder.kind})` : holderText(holder, {kind: true}))).join(', ');
}

/**
 * A primary or backup lock change in the events panel, our nodes by name: the watcher sees them
 * all as "this process" (one pid), so a hand-over between two of them read "ha-tui demo … (this
 * process) → another open file description of the same process". `before`: the previous look and
 * who of ours held each lock then; outside holders keep the watcher's words.
 */
export function lockChangeText(change: Change, before: {snapshot: Snapshot | undefined; ours: OurHolders}, after: {snapshot: Snapshot; ours: OurHolders}): string {
	const segment = change.segment;
	if (change.kind !== 'locks' || (segment !== 'live' && segment !== 'backup')) return change.message;
	const ofOurs = (snapshot: Snapshot | undefined) => snapshot?.probe?.locks[segment].holders.some(holder => holder.sameProcess) ?? false;
	if (!ofOurs(before.snapshot) && !ofOurs(after.snapshot)) return change.message;
	const from = before.snapshot?.probe ? sideText(before.snapshot, segment, before.ours[segment]) : undefined;
	const to = sideText(after.snapshot, segment, after.ours[segment]);
	// Still the same words (a node we cannot name yet): keep the watcher's, which says so by pid:fd.
	if (from === to) return change.message;
	return `${segment} lock: ${from === undefined ? '' : `${from} → `}${to}`;
}
