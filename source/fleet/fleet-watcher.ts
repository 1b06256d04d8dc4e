// The fleet's engine: one LockFileWatcher per group (file events + a timed probe), one kernel
// pulse for all of them, and a look at the holders' process state (a SIGSTOPped live holds
// its lock and changes nothing on disk: only /proc/PID/stat says it is frozen). It emits one
// `update` per change of any group; `watch`, `serve`, the record and the fleet screen read it.
import {EventEmitter} from 'node:events';
import {readProcStat} from '../broker/index.js';
import {monotonicMs} from '../time.js';
import {DirectoryStore} from '../store/directory-store.js';
import {LockPulse} from '../session/lock-pulse.js';
import {LockFileWatcher, diffSnapshots, type Change, type Snapshot} from '../watch/index.js';
import type {Group} from './groups.js';
import {identitiesOf} from './probe-groups.js';
import {SharedHolders} from './shared-holders.js';

export type FleetUpdate = {
	readonly group: Group;
	readonly snapshot: Snapshot;
	/** The group's snapshot before this one (undefined for the first). */
	readonly previous: Snapshot | undefined;
	readonly changes: readonly Change[];
	/** CLOCK_MONOTONIC ms when the change was seen (source/time.ts). */
	readonly mono: number;
	/** The last moment (monotonic ms) the kernel pulse saw the locks as before: the change came after it. */
	readonly quietMono: number | undefined;
	/** Holders (pid) of the live or backup lock whose process is stopped (state T/t). */
	readonly frozen: readonly number[];
	readonly first: boolean;
};

export type FleetWatcherOptions = {
	/** The full probe period per group (ms). */
	readonly intervalMs?: number;
	/** The kernel pulse period (ms); default fleetPulseMs. */
	readonly pulseMs?: number;
	readonly fileEvents?: boolean;
};

type Member = {group: Group; watcher: LockFileWatcher; last?: Snapshot; frozen: number[]};

function frozenHolders(snapshot: Snapshot): number[] {
	// The probe read each holder's state a moment ago (probe.ts holderOf): no second /proc read.
	const states = new Map<number, string | undefined>();
	for (const segment of ['live', 'backup'] as const) {
		for (const holder of snapshot.probe?.locks[segment].holders ?? []) if (holder.pid !== undefined && !states.has(holder.pid)) states.set(holder.pid, holder.state);
	}

	return [...states].filter(([pid, known]) => {
		const state = known ?? readProcStat(pid)?.state;
		return state === 'T' || state === 't';
	}).map(([pid]) => pid).sort((a, b) => a - b);
}

/**
 * The full probe period for a fleet: what was asked for up to 10 groups; beyond, about ten full
 * probes a second over the whole fleet (≤ 10 s each). The kernel pulse and file events see a
 * change at once; the timed probe is for what they miss (a network file system, a frozen holder).
 */
export function fleetIntervalMs(requested: number, groups: number): number {
	return groups > 10 ? Math.max(requested, Math.min(10_000, 100 * groups)) : requested;
}

/** The kernel pulse period: 50 ms, slower beyond 25 groups (2 ms a group: ≈ 1500 F_OFD_GETLK a second at most). */
export function fleetPulseMs(groups: number): number {
	return Math.max(50, 2 * groups);
}

/**
 * How often the fleet's one timer for the timed probes fires: each time it probes the groups
 * due, together — one /proc/locks read and at most one holder scan for all of them — instead
 * of a timer per group each reading /proc/locks (which lists every lock on the host).
 */
export function fleetBatchMs(intervalMs: number): number {
	return Math.min(intervalMs, 1000);
}

export class FleetWatcher extends EventEmitter<{update: [FleetUpdate]; probe: [group: Group, snapshot: Snapshot, frozen: readonly number[]]; 'file-events-failed': [group: Group, message: string]}> {
	private readonly members: Member[];
	private readonly pulse: LockPulse;
	/** One holder cache's scans and one /proc/locks read per turn for every group. */
	readonly holders = new SharedHolders();
	private readonly intervalMs: number;
	private batchTimer: NodeJS.Timeout | undefined;
	/** The next group the batch timer probes (round robin). */
	private nextTimed = 0;
	private stopped = false;
	private closing: Promise<void> | undefined;
	/** When any group was last probed (monotonic ms): /healthz looks at it. */
	lastProbeMono = monotonicMs();

	constructor(readonly groups: readonly Group[], private readonly options: FleetWatcherOptions = {}) {
		super();
		this.pulse = new LockPulse(options.pulseMs ?? fleetPulseMs(groups.length));
		this.intervalMs = fleetIntervalMs(options.intervalMs ?? 250, groups.length);
		const intervalMs = this.intervalMs;
		this.members = groups.map(group => ({
			group,
			watcher: new LockFileWatcher(group.lockPath, {intervalMs, timer: false, store: new DirectoryStore(group.lockPath, {holderCache: this.holders.cache()}), ...(options.fileEvents === false ? {fileEvents: false} : {})}),
			frozen: [],
		}));
	}

	/** Each group's latest snapshot, in the order of the groups. */
	snapshots(): Array<{group: Group; snapshot: Snapshot | undefined; frozen: readonly number[]}> {
		return this.members.map(member => ({group: member.group, snapshot: member.last, frozen: member.frozen}));
	}

	/** Starts every group; the first update of each (first: true) is emitted before this returns. */
	start(): void {
		// Every group's files known before the first probes: their first holder scan is one scan.
		for (const member of this.members) this.holders.know(identitiesOf(member.group));
		for (const member of this.members) {
			const {watcher, group} = member;
			watcher.on('look', snapshot => this.onProbe(member, snapshot));
			watcher.on('file-events-failed', message => this.emit('file-events-failed', group, message));
			const first = watcher.start();
			member.last = first;
			member.frozen = frozenHolders(first);
			this.pulse.watch(group.lockPath, watcher.store.pulse(), () => watcher.refresh());
			this.pulse.follow(group.lockPath, first.probe);
			this.emit('update', {group, snapshot: first, previous: undefined, changes: diffSnapshots(undefined, first), mono: monotonicMs(), quietMono: undefined, frozen: member.frozen, first: true});
		}

		this.pulse.start();
		// Every group once per intervalMs, a share of them at each batch.
		const batchMs = fleetBatchMs(this.intervalMs);
		const perBatch = Math.max(1, Math.ceil(this.members.length * batchMs / this.intervalMs));
		this.batchTimer = setInterval(() => {
			for (let index = 0; index < perBatch && index < this.members.length; index++) {
				this.members[this.nextTimed % this.members.length].watcher.timedProbe();
				this.nextTimed = (this.nextTimed + 1) % this.members.length;
			}
		}, batchMs);
	}

	/** Probes every group now. */
	refreshAll(): void {
		for (const member of this.members) member.watcher.refresh();
	}

	/** Releases the batch timer, the pulse and every group's watcher. Once: a second call returns the first one's promise. */
	close(): Promise<void> {
		this.closing ??= this.closeOnce();
		return this.closing;
	}

	private async closeOnce(): Promise<void> {
		this.stopped = true;
		clearInterval(this.batchTimer);
		this.batchTimer = undefined;
		this.pulse.close();
		await Promise.all(this.members.map(async member => member.watcher.close()));
	}

	private onProbe(member: Member, snapshot: Snapshot): void {
		if (this.stopped || member.last === undefined) return;
		const mono = monotonicMs();
		this.lastProbeMono = mono;
		// Read before the pulse marks this tick quiet: the change happened after this moment.
		const quietMono = this.pulse.quietSince(member.group.lockPath);
		const previous = member.last;
		const frozen = frozenHolders(snapshot);
		const changes = diffSnapshots(previous, snapshot);
		const frozenChanged = frozen.join(',') !== member.frozen.join(',');
		if (frozenChanged) {
			const added = frozen.filter(pid => !member.frozen.includes(pid));
			const gone = member.frozen.filter(pid => !frozen.includes(pid));
			if (added.length > 0) changes.push({kind: 'locks', message: `holder FROZEN (stopped, SIGSTOP?): pid ${added.join(', ')} holds its lock but does not run`});
			if (gone.length > 0) changes.push({kind: 'locks', message: `holder pid ${gone.join(', ')} runs again (or is gone)`});
		}

		member.last = snapshot;
		member.frozen = frozen;
		// Every probe, changed or not (the fleet screen's doctor column looks again at rest).
		this.emit('probe', member.group, snapshot, frozen);
		// A no-op unless the files or the layout changed (the pulse compares their identities).
		this.pulse.follow(member.group.lockPath, snapshot.probe);

		if (changes.length === 0) return;
		this.emit('update', {group: member.group, snapshot, previous, changes, mono, quietMono, frozen, first: false});
	}
}
