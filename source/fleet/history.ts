// From recorded events (record.ts) to episodes: what an operator asks the morning after —
// when did it fail over, from whom to whom, how long was there no live, why. Pure: events in,
// episodes and totals out.
import {noLiveRange} from '../store/jdbc/no-live.js';
import {directoryNoLive, formatGap, type NoLiveRange} from '../store/no-live.js';
import type {GroupEvent, RecordEvent, RecordHolder} from './record.js';

// (parseRecord lived here: its callers still find it here.)
export {parseRecord} from './record-read.js';

export type EpisodeKind = 'failover' | 'failback' | 'pause' | 'frozen' | 'lost-lock' | 'no-live';

export type Episode = {
	readonly group: string;
	readonly kind: EpisodeKind;
	/** ISO time the episode began (the live lock seen free, the holder seen frozen, …). */
	readonly start: string;
	readonly end?: string;
	readonly from?: string;
	readonly to?: string;
	/** Time without a live: at most this (the last moment it was seen held → first seen held again). */
	readonly noLiveMs?: number;
	/** At least this (first seen free → last seen free). */
	readonly noLiveMinMs?: number;
	/**
	 * 'lease': a table's failover (or its gap still open at the record's end), the range of
	 * store/jdbc/no-live.ts — at least from the old live's lease expiry, at most from its last
	 * renew, both to the look that saw the new live (or the record's end).
	 */
	readonly noLiveBounds?: 'lease';
	readonly trigger?: string;
	readonly detail?: string;
};

/**
 * A group over the recorded window. Every number about time without a live is the sum of the
 * episodes' own (failovers, failbacks, pauses, other times without a live), so the totals can
 * never say "live 100 %" beside a failover: one source of truth, as a range — `noLiveMinMs`
 * (at least: what the looks saw free, or a table's lease expiry) to `noLiveMs` (at most: from
 * the pulse that last saw the old live, or a table's last renew).
 */
export type GroupTotals = {
	readonly group: string;
	readonly windowMs: number;
	/** Live at least this long: the window less the most the episodes allow without a live. */
	readonly liveMs: number;
	/** Live at least this share of the window (liveMs / windowMs). */
	readonly availability: number | null;
	/** Live at most this share (the window less the least the episodes prove without a live). */
	readonly availabilityMax: number | null;
	/** At most this long without a live: the sum of the episodes' noLiveMs (clipped to the window). */
	readonly noLiveMs: number;
	/** At least this long: the sum of the episodes' noLiveMinMs. */
	readonly noLiveMinMs: number;
	/** 'lease': some of it is a table's lease range (store/jdbc/no-live.ts). */
	readonly noLiveBounds?: 'lease';
	readonly failovers: number;
	readonly failbacks: number;
	readonly pauses: number;
	readonly frozen: number;
	readonly lostLocks: number;
	/** Times without a live that are none of the above ('no-live': the record began, or a recorder stopped, without one; the same holder back). */
	readonly noLiveEpisodes: number;
};

/** duplicates: events found in more than one file (or twice in one), counted once. */
export type History = {episodes: Episode[]; totals: GroupTotals[]; events: number; skipped: number; duplicates: number};

const isGroupEvent = (event: RecordEvent): event is GroupEvent => event.type === 'group';

export function holderName(holders: readonly RecordHolder[]): string {
	if (holders.length === 0) return 'nobody';
	return holders.map(holder => {
		const pid = holder.pid === null ? 'hidden' : `pid ${holder.pid}`;
		// As watch names it (holder-text.ts): a broker by name, an ha-tui node by its title, with the role.
		const name = holder.broker ?? holder.process;
		return name ? `${name}${holder.role ? ` (${holder.role})` : ''} ${pid}` : pid;
	}).join(', ');
}

// A table's holders are told apart by their holder id (their pid is often not visible).
const holderKey = (holders: readonly RecordHolder[]) => holders.map(holder => holder.id ?? holder.pid ?? '?').sort().join(',');
/** Whether a live holder held the backup lock in the previous look (a backup took over). */
function wasBackup(previous: GroupEvent | undefined, holders: readonly RecordHolder[]): boolean {
	const backups = new Set((previous?.locks.backup.holders ?? []).map(holder => holder.id ?? holder.pid).filter(id => id !== null && id !== undefined));
	return holders.some(holder => backups.has(holder.id ?? holder.pid ?? -1));
}

/** A live lock held by nobody we can name (pid not visible, no holder id). */
const hidden = (key: string) => key !== '' && key.split(',').every(part => part === '?' || part === 'locked');
/** Whether two holder keys name a holder in common (a hidden one, '?', names nobody). */
function shares(a: string, b: string): boolean {
	const left = new Set(a.split(',').filter(part => part !== '?' && part !== 'locked' && part !== ''));
	return b.split(',').some(part => left.has(part));
}

/** The moment a window reached (wall ms, and the event's clocks for `between`). */
type Moment = {time: string; mono: number; host?: string};

type Gap = {
	start: GroupEvent;
	from: string;
	fromKey: string;
	fromRole?: string;
	trigger?: string;
	failingBack: boolean;
	/** The old live was a backup that had taken over, and let go of the lock while running (stepsDown). */
	steppedDown: boolean;
	/** The record began (or resumed) without a live: what ends it is not a failover. */
	initial?: true;
};

type GroupState = {
	group: string;
	host: string;
	/** The recorder (host:pid of its start event) that lists this group, when known. */
	recorder?: string;
	lastEvent?: GroupEvent;
	/** The last moment counted in the window (an event, or a recorder's stop). */
	windowEnd?: Moment;
	/** Where the current stretch of recording began (its first event): no episode counts before it. */
	segmentStart: Moment;
	liveKey: string;
	liveName: string;
	liveRole?: string;
	/** The current live held the backup lock the look before it took the live lock (a backup that took over). */
	liveFromBackup: boolean;
	/** Where the current gap without a live began. */
	gap?: Gap;
	/** Old and new live holders seen together (no free look between): since this event, from these. */
	overlap?: {start: GroupEvent; from: string; fromKey: string; fromRole?: string; slackMs: number; steppedDown: boolean};
	failingBack: boolean;
	pauseStart?: GroupEvent;
	frozen: Map<number, GroupEvent>;
	windowMs: number;
	/** Sums of the counted episodes' numbers (tally). */
	noLiveMs: number;
	noLiveMinMs: number;
	lease: boolean;
	counts: {failovers: number; failbacks: number; pauses: number; frozen: number; lostLocks: number; noLiveEpisodes: number};
};

/**
 * ms between two events: CLOCK_MONOTONIC when both come from one host (and agree with the wall
 * clock to a second: no reboot between), else the wall clocks.
 */
function between(a: Moment, b: Moment, aMono = a.mono, bMono = b.mono): number {
	const wall = Date.parse(b.time) - Date.parse(a.time);
	const mono = bMono - aMono;
	if (a.host !== undefined && a.host === b.host && Math.abs(mono - wall) < 1000 + Math.abs(aMono - a.mono) + Math.abs(bMono - b.mono)) return mono;
	return wall;
}

/**
 * A directory's time without a live (store/no-live.ts, as the TUI's timeline and the session
 * read it), on `end`'s clock: the live lock seen free at `start` (a look after `start.after`, the
 * pulse that last saw the old live), seen held again at `end` (after `end.after`, the last look
 * that saw it free). `start` = `end`: the hand-over seen in one look (at least 0).
 */
function seenRange(start: GroupEvent, end: GroupEvent, fromStart = false): NoLiveRange {
	const at = (moment: GroupEvent, mono: number) => -between(moment, end, mono, end.mono);
	return directoryNoLive({seen: at(start, start.mono), ...(fromStart ? {} : {after: at(start, start.after ?? start.mono)})}, {seen: 0, after: at(end, end.after ?? end.mono)});
}

/**
 * A table's gap (its start carries the old live's last renew, `after`, and lease expiry): the
 * range of store/jdbc/no-live.ts to `end`, on `end`'s clock; `upper` is from the last renew.
 * undefined for a directory's.
 */
function leaseRange(start: GroupEvent, end: Moment, upper: number): NoLiveRange | undefined {
	if (start.leaseExpiry === undefined || start.after === undefined) return undefined;
	return noLiveRange({lastRenew: -upper, expiry: -between(start, end, start.leaseExpiry, end.mono)}, 0);
}

function triggerOf(event: GroupEvent): string | undefined {
	if (event.state === 'P') return 'clean stop';
	const released = event.releasedBy ?? [];
	if (released.length === 0) return undefined;
	if (released.every(holder => !holder.alive)) return 'kill (holder gone)';
	return event.state === 'F' ? 'failback (stepped down)' : 'forced (released while running)';
}

/**
 * An activated backup letting go of the primary lock while it runs (not a clean stop): what a
 * backup does on F (PROTOCOL.md, Failback) — F lives only until the backup's next look (an
 * ha-tui node: ~10 ms), so the recorder's looks may never see it. Also a forced failover of
 * that backup: then the next live is a queued backup (wasBackup), which tells the two apart.
 */
function stepsDown(state: GroupState, event: GroupEvent): boolean {
	return state.liveFromBackup && event.state !== 'P' && (event.releasedBy ?? []).some(holder => holder.alive);
}

/**
 * The one rule for a hand-over being a failback (seen free or in one look): F was seen, a
 * backup's lock went to a primary by the roles, or an activated backup stepped down to a holder
 * that was not queued as a backup (the primary that waited with F).
 */
function isFailback(state: GroupState, hand: {failingBack: boolean; role?: string; fromRole?: string; steppedDown: boolean; to: readonly RecordHolder[]}): boolean {
	return hand.failingBack || state.failingBack || (hand.role === 'primary' && hand.fromRole === 'backup') || (hand.steppedDown && !wasBackup(state.lastEvent, hand.to));
}

const COUNTERS = {failover: 'failovers', failback: 'failbacks', pause: 'pauses', frozen: 'frozen', 'lost-lock': 'lostLocks', 'no-live': 'noLiveEpisodes'} as const;

export function buildHistory(all: readonly RecordEvent[], options: {since?: number; skipped?: number} = {}): History {
	// Several files, several recorders: in order of the wall clock (stable for one file's order).
	const events = all.map((event, index) => ({event, index})).sort((a, b) => Date.parse(a.event.time) - Date.parse(b.event.time) || a.index - b.index).map(entry => entry.event);
	// Files that overlap (a copy beside its rotated original, one file given twice) repeat
	// events: a recorder writes one event per moment and group, so those are counted once.
	const seen = new Set<string>();
	let duplicates = 0;
	const tracker = new EpisodeTracker(options.since);
	for (const event of events) {
		const key = `${event.type}\u0000${event.host}\u0000${event.time}\u0000${event.mono}\u0000${event.type === 'group' ? event.group : event.pid}`;
		if (seen.has(key)) {
			duplicates++;
			continue;
		}

		seen.add(key);
		tracker.add(event);
	}

	tracker.finish();
	return {episodes: tracker.episodes.sort((a, b) => Date.parse(a.start) - Date.parse(b.start)), totals: tracker.totals(), events: all.length, skipped: options.skipped ?? 0, duplicates};
}

/**
 * Episodes as events arrive (history replays a file through it; serve feeds it live). The
 * totals are tallied from the episodes as they are emitted, nothing else.
 */
export class EpisodeTracker {
	readonly episodes: Episode[] = [];
	private readonly groups = new Map<string, GroupState>();
	private readonly since: number;
	private readonly keep: boolean;
	private found: Episode[] = [];

	/** keep: false for a tracker that runs for ever (serve): `episodes` stays empty, add() still returns them. */
	constructor(since?: number, options: {keep?: boolean} = {}) {
		this.since = since ?? Number.NEGATIVE_INFINITY;
		this.keep = options.keep ?? true;
	}

	/** Adds one event; returns the episodes it completed. */
	add(event: RecordEvent): Episode[] {
		this.found = [];
		if (event.type === 'stop') {
			// The recorder stopped: nothing is known until the next start. What is open closes here,
			// and the window ends here.
			const recorder = `${event.host}:${event.pid}`;
			for (const state of this.groups.values()) {
				if (state.recorder === undefined ? state.host !== event.host : state.recorder !== recorder) continue;
				if (state.lastEvent) advance(state, event, this.since);
				this.closeOpen(state, state.lastEvent ? event : undefined, 'unknown (the recorder stopped)', 'until the recorder stopped');
			}

			return this.found;
		}

		if (!isGroupEvent(event)) {
			// A recorder (re)started: for its groups nothing is known since their last event (a
			// recorder that died without its stop line); other recorders' groups go on.
			const listed = Array.isArray(event.groups) ? new Set(event.groups) : undefined;
			const recorder = `${event.host}:${event.pid}`;
			for (const state of this.groups.values()) {
				if (listed ? !listed.has(state.group) : state.host !== event.host) continue;
				this.closeOpen(state, undefined, 'unknown (the recording broke off)', 'until the recording broke off');
				if (listed) state.recorder = recorder;
			}

			for (const group of listed ?? []) this.recorders.set(group, recorder);
			return this.found;
		}

		const state = this.stateOf(event);
		const resumed = state.lastEvent === undefined;
		if (resumed) state.segmentStart = event;
		advance(state, event, this.since);
		const live = event.locks.live;
		const key = live.locked ? holderKey(live.holders) || 'locked' : '';
		const name = live.locked ? holderName(live.holders) : 'nobody';
		const role = live.holders.find(holder => holder.role)?.role;
		if (event.state === 'F') state.failingBack = true;
		if (event.changes.some(change => change.kind === 'identity') || (event.status === 'missing' && state.liveKey !== '')) {
			this.emit(state, {group: event.group, kind: 'lost-lock', start: event.time, from: state.liveName, detail: event.status === 'missing' ? 'the lock file was deleted while the live held it' : 'the lock file was replaced: the live holds a lock on a file nobody else opens'}, event);
		}

		if (resumed && key === '') {
			// The record begins (or resumes) without a live: that time counts too, though it is no failover.
			state.gap = {start: event, from: 'nobody', fromKey: '', trigger: 'no live when the record began', failingBack: false, steppedDown: false, initial: true};
			if (event.state === 'P') state.pauseStart = event;
		} else if (state.liveKey !== '' && key === '') {
			// The live lock was seen free: a gap begins (it began after `after`, if known).
			state.overlap = undefined;
			state.gap = {start: event, from: state.liveName, fromKey: state.liveKey, fromRole: state.liveRole, trigger: triggerOf(event), failingBack: state.failingBack || event.state === 'F', steppedDown: stepsDown(state, event)};
			if (event.state === 'P') state.pauseStart = event;
		} else if (key !== '' && key !== state.liveKey && !state.gap && !state.pauseStart && !resumed && (hidden(state.liveKey) || hidden(key)) && !wasBackup(state.lastEvent, live.holders)) {
			// Held all along; only who holds it came into sight (or went out of it) — the holder
			// found in /proc a moment after its lock: no look saw it free, no holder is known to
			// have left. Not a hand-over — unless the new live was the backup a look ago (a live
			// on another host, never visible here, replaced by the backup on this one).
		} else if (key !== '' && key !== state.liveKey && !state.gap && !state.pauseStart && !resumed && (state.overlap || shares(state.liveKey, key))) {
			// The holders overlap — {A} → {A, B} → {B}: /proc names everybody with the lock file
			// open while the lock changes hands — so no look saw the lock free. It changed hands once,
			// when no old holder is left; a moment without a live could only have fallen between a
			// change and the pulse before it, in each of these looks.
			const overlap = state.overlap ?? {start: event, from: state.liveName, fromKey: state.liveKey, fromRole: state.liveRole, slackMs: 0, steppedDown: false};
			overlap.steppedDown ||= stepsDown(state, event);
			overlap.slackMs += Math.max(0, between(event, event, event.after ?? event.mono, event.mono));
			state.overlap = overlap;
			if (key === overlap.fromKey) {
				state.overlap = undefined;
			} else if (!shares(overlap.fromKey, key)) {
				const failback = isFailback(state, {failingBack: false, role, fromRole: overlap.fromRole, steppedDown: overlap.steppedDown, to: live.holders});
				this.emit(state, {group: event.group, kind: failback ? 'failback' : 'failover', start: overlap.start.time, end: event.time, from: overlap.from, to: name, noLiveMs: overlap.slackMs, noLiveMinMs: 0, trigger: failback ? 'failback' : (event.releasedBy ? triggerOf(event) : undefined) ?? 'unknown (hand-over seen in one look)', detail: 'old and new holders seen together'}, event);
				state.overlap = undefined;
				state.failingBack = event.state === 'F';
			}
		} else if (key !== '' && key !== state.liveKey) {
			const gap = state.gap;
			const fromKey = gap?.fromKey ?? state.liveKey;
			const from = gap?.from ?? state.liveName;
			// (A backup stepping down, seen as a free look or in the look that saw the new live, to one
			// that was not queued as a backup: the primary that waited with F.)
			const steppedDown = gap ? gap.steppedDown : stepsDown(state, event);
			const failback = isFailback(state, {failingBack: gap?.failingBack ?? false, role, fromRole: gap?.fromRole ?? state.liveRole, steppedDown, to: live.holders});
			if (state.pauseStart) {
				// After a clean stop (P) the next live ends a pause, not a failover.
				const pause = state.pauseStart;
				this.emit(state, {group: event.group, kind: 'pause', start: pause.time, end: event.time, from: gap?.from, to: name, ...this.seenGap(pause, event), trigger: 'clean stop'}, event);
			} else if (gap?.initial) {
				// (From the record's first look: nothing before it is in the window.)
				this.emit(state, {group: event.group, kind: 'no-live', start: gap.start.time, end: event.time, from: 'nobody', to: name, ...this.seenGap(gap.start, event, true), trigger: gap.trigger}, event);
			} else if (gap && gap.fromKey === key) {
				// The same holder took it back (a table's lease run out and renewed by its holder): no
				// failover, but it was seen free, so that time had no live.
				this.emit(state, {group: event.group, kind: 'no-live', start: gap.start.time, end: event.time, from: gap.from, to: name, ...this.seenGap(gap.start, event), trigger: 'the same holder took the live lock back'}, event);
			} else if (fromKey !== '' && !resumed) {
				const start = gap?.start ?? event;
				// Upper bound: from the last moment the old live was seen holding (the pulse before the
				// free was seen, or before this event when no free was seen) to this event.
				// At least: what the looks saw free (none when the hand-over was seen in one look).
				const upper = between(start, event, start.after ?? start.mono, event.mono);
				// A table: the old live's lease end, put on this event's clock (ms before it).
				const lease = leaseRange(start, event, upper);
				const range = lease ?? seenRange(start, event);
				const kind: EpisodeKind = failback ? 'failback' : 'failover';
				this.emit(state, {group: event.group, kind, start: start.time, end: event.time, from, to: name, noLiveMs: range.atMostMs, noLiveMinMs: range.atLeastMs, ...(lease ? {noLiveBounds: 'lease' as const} : {}), trigger: failback ? 'failback' : gap?.trigger ?? (event.releasedBy ? triggerOf(event) : undefined) ?? 'unknown (hand-over seen in one look)'}, event);
			}

			// (Resumed with another live than before the recorder stopped: it changed hands while
			// nobody recorded: no episode, nothing to time.)
			state.pauseStart = undefined;
			state.gap = undefined;
			state.failingBack = event.state === 'F';
		}

		if (key !== '' && event.state === 'L') state.failingBack = false;
		if (key !== '' && key !== state.liveKey) state.liveFromBackup = wasBackup(state.lastEvent, live.holders);
		state.liveKey = key;
		state.liveName = name;
		state.liveRole = role;
		// Frozen holders: from the first event showing one to the first without it.
		const frozenNow = new Set([...event.locks.live.holders, ...event.locks.backup.holders].filter(holder => holder.frozen && holder.pid !== null).map(holder => holder.pid!));
		for (const pid of frozenNow) if (!state.frozen.has(pid)) state.frozen.set(pid, event);
		for (const [pid, began] of state.frozen) {
			if (frozenNow.has(pid)) continue;
			state.frozen.delete(pid);
			this.emit(state, {group: event.group, kind: 'frozen', start: began.time, end: event.time, from: `pid ${pid}`, noLiveMs: undefined, detail: `frozen for ${formatDuration(between(began, event))}`, trigger: 'SIGSTOP (or a debugger)'}, event);
		}

		state.lastEvent = event;
		return this.found;
	}

	/** Closes what is still open at the end of the records. */
	finish(): void {
		this.found = [];
		for (const state of this.groups.values()) this.closeOpen(state, undefined, 'nobody (still at the end of the record)', 'still frozen at the end of the record');
	}

	totals(): GroupTotals[] {
		return [...this.groups.values()].map((state): GroupTotals => {
			const windowMs = Math.round(state.windowMs);
			// To the µs, as the episodes' own: a 0.3 ms hand-over rounded to 0 would read "live 100.000 %".
			// The episodes are clipped to the window (tally); rounding must not make them exceed it.
			const micro = (ms: number) => Math.round(ms * 1000) / 1000;
			const noLiveMs = Math.min(windowMs, micro(state.noLiveMs));
			const noLiveMinMs = Math.min(noLiveMs, micro(state.noLiveMinMs));
			return {
				group: state.group,
				windowMs,
				liveMs: micro(windowMs - noLiveMs),
				availability: windowMs > 0 ? (windowMs - noLiveMs) / windowMs : null,
				availabilityMax: windowMs > 0 ? (windowMs - noLiveMinMs) / windowMs : null,
				noLiveMs,
				noLiveMinMs,
				...(state.lease ? {noLiveBounds: 'lease' as const} : {}),
				...state.counts,
			};
		});
	}

	private readonly recorders = new Map<string, string>();

	/** A gap whose both ends were seen (seenRange); fromStart: nothing before its start counts (the record's first look). */
	private seenGap(start: GroupEvent, end: GroupEvent, fromStart = false): {noLiveMs: number; noLiveMinMs: number} {
		const range = seenRange(start, end, fromStart);
		return {noLiveMs: range.atMostMs, noLiveMinMs: range.atLeastMs};
	}

	/**
	 * Ends what is open: a gap (to `to`), a pause, frozen holders — at `end` (a recorder's stop)
	 * or at the group's last event. Then nothing is known until the group's next event.
	 */
	private closeOpen(state: GroupState, end: Moment | undefined, to: string, frozenDetail: string): void {
		const last = end ?? state.windowEnd;
		if (state.gap && last && state.lastEvent) {
			const {gap} = state;
			const ms = Math.max(0, between(gap.start, last, gap.initial ? gap.start.mono : gap.start.after ?? gap.start.mono, last.mono));
			const seen = Math.max(0, between(gap.start, last));
			// A table's gap after its live (as a failover's): from the lease's expiry, not only what the looks saw.
			const lease = state.pauseStart || gap.initial ? undefined : leaseRange(gap.start, last, ms);
			this.emit(state, {group: state.group, kind: state.pauseStart ? 'pause' : 'no-live', start: gap.start.time, from: gap.from, to, noLiveMs: lease?.atMostMs ?? ms, noLiveMinMs: lease?.atLeastMs ?? Math.min(ms, seen), ...(lease ? {noLiveBounds: 'lease' as const} : {}), trigger: state.pauseStart ? 'clean stop' : gap.trigger ?? 'unknown'}, last);
		}

		if (last && state.lastEvent) {
			for (const [pid, began] of state.frozen) this.emit(state, {group: state.group, kind: 'frozen', start: began.time, from: `pid ${pid}`, detail: frozenDetail, trigger: 'SIGSTOP (or a debugger)'}, last);
		}

		state.gap = undefined;
		state.overlap = undefined;
		state.pauseStart = undefined;
		state.frozen.clear();
		state.lastEvent = undefined;
		// Who holds the live lock is not known across the break: the next event starts afresh.
		state.liveKey = '';
		state.liveName = 'nobody';
		state.liveRole = undefined;
		state.liveFromBackup = false;
		state.failingBack = false;
	}

	/**
	 * Keeps an episode that reaches into the window (--since) and tallies it: its count, and its
	 * time without a live clipped to the window — the one place totals come from.
	 */
	private emit(state: GroupState, episode: Episode, until: Moment): void {
		const untilMs = Date.parse(episode.end ?? until.time);
		if (untilMs < this.since) return;
		const noLive = episode.noLiveMs !== undefined && episode.kind !== 'frozen';
		// On the clock the episode was timed by (between: one host's monotonic clock), and from --since.
		const sinceCut = untilMs - this.since < between(state.segmentStart, until);
		const room = Math.max(0, Math.min(between(state.segmentStart, until), untilMs - this.since));
		// Said on the row when the totals count less than it shows: the part before --since, or
		// before the record's first look (a table's last renew can be older than that look).
		const cut = noLive && episode.noLiveMs! > room + 0.5;
		const note = cut ? `${sinceCut ? 'began before --since' : 'may have begun before the record'}: ${formatGap(room)} of it counted`
			: Date.parse(episode.start) < this.since ? 'began before --since' : undefined;
		const kept: Episode = note ? {...episode, detail: [episode.detail, note].filter(Boolean).join('; ')} : episode;
		state.counts[COUNTERS[kept.kind]]++;
		if (noLive) {
			state.noLiveMs += Math.min(kept.noLiveMs!, room);
			state.noLiveMinMs += Math.min(kept.noLiveMinMs ?? kept.noLiveMs!, kept.noLiveMs!, room);
			if (kept.noLiveBounds === 'lease') state.lease = true;
		}

		if (this.keep) this.episodes.push(kept);
		this.found.push(kept);
	}

	private stateOf(event: GroupEvent): GroupState {
		let state = this.groups.get(event.group);
		if (!state) {
			state = {group: event.group, host: event.host, liveKey: '', liveName: 'nobody', liveFromBackup: false, failingBack: false, frozen: new Map(), windowMs: 0, segmentStart: event, noLiveMs: 0, noLiveMinMs: 0, lease: false, counts: {failovers: 0, failbacks: 0, pauses: 0, frozen: 0, lostLocks: 0, noLiveEpisodes: 0}};
			this.groups.set(event.group, state);
		}

		state.recorder = this.recorders.get(event.group) ?? state.recorder;
		return state;
	}
}

/** Adds the time since the group's previous event (or its window's end) to its window, from `since` on. */
function advance(state: GroupState, moment: Moment, since: number): void {
	const previous = state.lastEvent ? state.windowEnd : undefined;
	if (previous) {
		let ms = between(previous, moment);
		const start = Date.parse(previous.time);
		if (start < since) ms -= Math.min(ms, since - start);
		if (ms > 0) state.windowMs += ms;
	}

	state.windowEnd = {time: moment.time, mono: moment.mono, host: moment.host};
}

/**
 * "0 ms", "2000 ms", "12 s", "3 min 4 s", "16 h 18 min": a record's window and a freeze, in whole
 * units. Not formatGap (store/no-live.ts) on purpose: that one writes a time without a live to
 * its measured precision ("1.44 s"); these lengths are counted between looks.
 */
export function formatDuration(ms: number): string {
	if (ms === 0) return '0 ms';
	if (ms < 1) return `${ms.toFixed(2)} ms`;
	if (ms < 10_000) return `${Math.round(ms)} ms`;
	const seconds = Math.round(ms / 1000);
	if (seconds < 120) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 120) return `${minutes} min ${seconds % 60} s`;
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** --since: an ISO time, or an age before `now` (90s, 30m, 2h, 1d). undefined: not one. */
export function parseSince(text: string, now = Date.now()): number | undefined {
	const age = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$/i.exec(text.trim());
	if (age) {
		const unit = {s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000}[age[2].toLowerCase() as 's' | 'm' | 'min' | 'h' | 'd'];
		return now - Number(age[1]) * unit;
	}

	if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined;
	const time = Date.parse(text.trim());
	return Number.isNaN(time) ? undefined : time;
}
