// From recorded events (record.ts) to episodes: what an operator asks the morning after —
// when did it fail over, from whom to whom, how long was there no live, why. Pure: events in,
// episodes and totals out.
import {noLiveRange} from '../store/jdbc/no-live.js';
import type {GroupEvent, RecordEvent, RecordHolder} from './record.js';

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
	 * 'lease': a table's failover, the range of store/jdbc/no-live.ts — at least from the old
	 * live's lease expiry, at most from its last renew, both to the look that saw the new live.
	 */
	readonly noLiveBounds?: 'lease';
	readonly trigger?: string;
	readonly detail?: string;
};

export type GroupTotals = {
	readonly group: string;
	readonly windowMs: number;
	readonly liveMs: number;
	readonly availability: number | null;
	readonly noLiveMs: number;
	readonly failovers: number;
	readonly failbacks: number;
	readonly pauses: number;
	readonly frozen: number;
	readonly lostLocks: number;
};

export type History = {episodes: Episode[]; totals: GroupTotals[]; events: number; skipped: number};

const isGroupEvent = (event: RecordEvent): event is GroupEvent => event.type === 'group';

export function holderName(holders: readonly RecordHolder[]): string {
	if (holders.length === 0) return 'nobody';
	return holders.map(holder => {
		const pid = holder.pid === null ? 'hidden' : `pid ${holder.pid}`;
		return holder.broker ? `${holder.broker}${holder.role ? ` (${holder.role})` : ''} ${pid}` : pid;
	}).join(', ');
}

// A table's holders are told apart by their holder id (their pid is often not visible).
const holderKey = (holders: readonly RecordHolder[]) => holders.map(holder => holder.id ?? holder.pid ?? '?').sort().join(',');

/** Parses NDJSON text, skipping lines that are not record events (counted). */
export function parseRecord(text: string): {events: RecordEvent[]; skipped: number} {
	const events: RecordEvent[] = [];
	let skipped = 0;
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		try {
			const value = JSON.parse(line) as Partial<RecordEvent> | null;
			if (value && typeof value === 'object' && value.v === 1 && (value.type === 'group' || value.type === 'start' || value.type === 'stop') && typeof value.time === 'string' && typeof value.mono === 'number'
				&& !Number.isNaN(Date.parse(value.time)) && (value.type !== 'group' || (typeof (value as GroupEvent).group === 'string' && typeof (value as GroupEvent).locks?.live?.locked === 'boolean'))) {
				events.push(value as RecordEvent);
			} else {
				skipped++;
			}
		} catch {
			skipped++;
		}
	}

	return {events, skipped};
}

type GroupState = {
	group: string;
	host: string;
	lastEvent?: GroupEvent;
	/** The latest event of the group, even after the recorder stopped. */
	endEvent?: GroupEvent;
	liveKey: string;
	liveName: string;
	liveRole?: string;
	/** Where the current gap without a live began. */
	gap?: {start: GroupEvent; from: string; fromKey: string; fromRole?: string; trigger?: string; failingBack: boolean};
	failingBack: boolean;
	pauseStart?: GroupEvent;
	frozen: Map<number, GroupEvent>;
	windowStart?: number;
	windowMs: number;
	liveMs: number;
	noLiveMs: number;
	counts: {failovers: number; failbacks: number; pauses: number; frozen: number; lostLocks: number};
};

/**
 * ms between two events: CLOCK_MONOTONIC when both come from one host (and agree with the wall
 * clock to a second: no reboot between), else the wall clocks.
 */
function between(a: {time: string; mono: number; host?: string}, b: {time: string; mono: number; host?: string}, aMono = a.mono, bMono = b.mono): number {
	const wall = Date.parse(b.time) - Date.parse(a.time);
	const mono = bMono - aMono;
	if (a.host !== undefined && a.host === b.host && Math.abs(mono - wall) < 1000 + Math.abs(aMono - a.mono) + Math.abs(bMono - b.mono)) return mono;
	return wall;
}

function triggerOf(event: GroupEvent): string | undefined {
	if (event.state === 'P') return 'clean stop';
	const released = event.releasedBy ?? [];
	if (released.length === 0) return undefined;
	if (released.every(holder => !holder.alive)) return 'kill (holder gone)';
	return event.state === 'F' ? 'failback (stepped down)' : 'forced (released while running)';
}

export function buildHistory(all: readonly RecordEvent[], options: {since?: number; skipped?: number} = {}): History {
	// Several files, several recorders: in order of the wall clock (stable for one file's order).
	const events = all.map((event, index) => ({event, index})).sort((a, b) => Date.parse(a.event.time) - Date.parse(b.event.time) || a.index - b.index).map(entry => entry.event);
	const tracker = new EpisodeTracker(options.since);
	for (const event of events) tracker.add(event);
	tracker.finish();
	return {episodes: tracker.episodes.sort((a, b) => Date.parse(a.start) - Date.parse(b.start)), totals: tracker.totals(), events: all.length, skipped: options.skipped ?? 0};
}

/** Episodes as events arrive (history replays a file through it; serve feeds it live). */
export class EpisodeTracker {
	readonly episodes: Episode[] = [];
	private readonly groups = new Map<string, GroupState>();
	private readonly since: number;

	constructor(since?: number) {
		this.since = since ?? Number.NEGATIVE_INFINITY;
	}

	/** Adds one event; returns the episodes it completed. */
	add(event: RecordEvent): Episode[] {
		const found: Episode[] = [];
		const {since} = this;
		const emit = (episode: Episode) => {
			if (Date.parse(episode.start) < since) return;
			this.episodes.push(episode);
			found.push(episode);
		};

		if (event.type === 'stop') {
			// The recorder stopped: nothing is known until the next start; close the window.
			for (const state of this.groups.values()) if (state.host === event.host) advance(state, {...event, group: state.group} as unknown as GroupEvent, since, true);
			return found;
		}

		if (!isGroupEvent(event)) {
			for (const state of this.groups.values()) if (state.host === event.host) state.lastEvent = undefined;
			return found;
		}

		const state = this.stateOf(event);
		advance(state, event, since, false);
		const live = event.locks.live;
		const key = live.locked ? holderKey(live.holders) || 'locked' : '';
		const name = live.locked ? holderName(live.holders) : 'nobody';
		const role = live.holders.find(holder => holder.role)?.role;
		if (event.state === 'F') state.failingBack = true;
		if (event.changes.some(change => change.kind === 'identity') || (event.status === 'missing' && state.liveKey !== '')) {
			state.counts.lostLocks += Date.parse(event.time) >= since ? 1 : 0;
			emit({group: event.group, kind: 'lost-lock', start: event.time, from: state.liveName, detail: event.status === 'missing' ? 'the lock file was deleted while the live held it' : 'the lock file was replaced: the live holds a lock on a file nobody else opens'});
		}

		if (state.liveKey !== '' && key === '') {
			// The live lock was seen free: a gap begins (it began after `after`, if known).
			state.gap = {start: event, from: state.liveName, fromKey: state.liveKey, fromRole: state.liveRole, trigger: triggerOf(event), failingBack: state.failingBack || event.state === 'F'};
			if (event.state === 'P') state.pauseStart = event;
		} else if (key !== '' && key !== state.liveKey) {
			const gap = state.gap;
			const fromKey = gap?.fromKey ?? state.liveKey;
			const from = gap?.from ?? state.liveName;
			const failback = (gap?.failingBack ?? false) || state.failingBack || (role === 'primary' && (gap?.fromRole ?? state.liveRole) === 'backup');
			// After a clean stop (P) the next live ends a pause, not a failover.
			if (fromKey !== '' && state.lastEvent !== undefined && !state.pauseStart) {
				const start = gap?.start ?? event;
				// Upper bound: from the last moment the old live was seen holding (the pulse before the
				// free was seen, or before this event when no free was seen) to this event.
				const upper = between(start, event, start.after ?? start.mono, event.mono);
				const lower = gap ? between(start, event, start.mono, event.after ?? event.mono) : 0;
				// A table: the old live's lease end, put on this event's clock (ms before it).
				const lease = start.leaseExpiry === undefined || start.after === undefined ? undefined
					: noLiveRange({lastRenew: -upper, expiry: -between(start, event, start.leaseExpiry, event.mono)}, 0);
				const kind: EpisodeKind = failback ? 'failback' : 'failover';
				if (Date.parse(start.time) >= since) state.counts[failback ? 'failbacks' : 'failovers']++;
				emit({group: event.group, kind, start: start.time, end: event.time, from, to: name, ...(lease ? {noLiveMs: lease.atMostMs, noLiveMinMs: lease.atLeastMs, noLiveBounds: 'lease' as const} : {noLiveMs: Math.max(0, upper), noLiveMinMs: Math.max(0, Math.min(lower, upper))}), trigger: failback ? 'failback' : gap?.trigger ?? (event.releasedBy ? triggerOf(event) : undefined) ?? 'unknown (hand-over seen in one look)'});
			}

			// (fromKey '': a first live after nobody held it, a start: not a failover.)

			if (state.pauseStart) {
				const pause = state.pauseStart;
				if (Date.parse(pause.time) >= since) state.counts.pauses++;
				emit({group: event.group, kind: 'pause', start: pause.time, end: event.time, from: gap?.from, to: name, noLiveMs: Math.max(0, between(pause, event, pause.after ?? pause.mono, event.mono)), trigger: 'clean stop'});
				state.pauseStart = undefined;
			}

			state.gap = undefined;
			state.failingBack = event.state === 'F';
		} else if (key !== '' && key === state.liveKey && state.gap) {
			// The same holder took it back (a restart of the same process is not possible): a blip.
			state.gap = undefined;
		}

		if (key !== '' && event.state === 'L') state.failingBack = false;
		state.liveKey = key;
		state.liveName = name;
		state.liveRole = role;
		// Frozen holders: from the first event showing one to the first without it.
		const frozenNow = new Set([...event.locks.live.holders, ...event.locks.backup.holders].filter(holder => holder.frozen && holder.pid !== null).map(holder => holder.pid!));
		for (const pid of frozenNow) if (!state.frozen.has(pid)) state.frozen.set(pid, event);
		for (const [pid, began] of state.frozen) {
			if (frozenNow.has(pid)) continue;
			state.frozen.delete(pid);
			if (Date.parse(began.time) >= since) state.counts.frozen++;
			emit({group: event.group, kind: 'frozen', start: began.time, end: event.time, from: `pid ${pid}`, noLiveMs: undefined, detail: `frozen for ${formatDuration(between(began, event))}`, trigger: 'SIGSTOP (or a debugger)'});
		}

		state.lastEvent = event;
		state.endEvent = event;
		return found;
	}

	/** Closes what is still open at the end of the records. */
	finish(): void {
		const {since} = this;
		const emit = (episode: Episode) => {
			if (Date.parse(episode.start) >= since) this.episodes.push(episode);
		};

		// What is still open at the end of the records.
		for (const state of this.groups.values()) {
			const last = state.endEvent;
			if (state.gap && last) {
				emit({group: state.group, kind: state.pauseStart ? 'pause' : 'no-live', start: state.gap.start.time, from: state.gap.from, to: 'nobody (still at the end of the record)', noLiveMs: Math.max(0, between(state.gap.start, last, state.gap.start.after ?? state.gap.start.mono, last.mono)), trigger: state.gap.trigger ?? 'unknown'});
				if (state.pauseStart && Date.parse(state.pauseStart.time) >= since) state.counts.pauses++;
			}

			for (const [pid, began] of state.frozen) {
				if (Date.parse(began.time) >= since) state.counts.frozen++;
				emit({group: state.group, kind: 'frozen', start: began.time, from: `pid ${pid}`, detail: 'still frozen at the end of the record', trigger: 'SIGSTOP (or a debugger)'});
			}
		}
	}

	totals(): GroupTotals[] {
		return [...this.groups.values()].map((state): GroupTotals => ({
			group: state.group,
			windowMs: Math.round(state.windowMs),
			liveMs: Math.round(state.liveMs),
			availability: state.windowMs > 0 ? state.liveMs / state.windowMs : null,
			noLiveMs: Math.round(state.noLiveMs),
			...state.counts,
		}));
	}

	private stateOf(event: GroupEvent): GroupState {
		let state = this.groups.get(event.group);
		if (!state) {
			state = {group: event.group, host: event.host, liveKey: '', liveName: 'nobody', failingBack: false, frozen: new Map(), windowMs: 0, liveMs: 0, noLiveMs: 0, counts: {failovers: 0, failbacks: 0, pauses: 0, frozen: 0, lostLocks: 0}};
			this.groups.set(event.group, state);
		}

		return state;
	}
}

/** Adds the time since the group's previous event to its window (live or not), from `since` on. */
function advance(state: GroupState, event: GroupEvent, since: number, stopping: boolean): void {
	const previous = state.lastEvent;
	if (previous) {
		let ms = between(previous, event);
		const start = Date.parse(previous.time);
		if (start < since) ms -= Math.min(ms, since - start);
		if (ms > 0) {
			state.windowMs += ms;
			if (state.liveKey !== '') state.liveMs += ms;
			else state.noLiveMs += ms;
		}
	}

	if (stopping) state.lastEvent = undefined;
}

export function formatDuration(ms: number): string {
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
