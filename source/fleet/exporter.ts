// The Prometheus metrics of a fleet (issue 19 §3), kept up to date from FleetWatcher updates.
// Per-group series carry `path`; the info metric ha_tui_group_info adds node_id and layout
// (and ha_tui_verdict carries them too), so a node id change does not reset the counters.
// Everything here comes from the lock files and /proc: it goes on reporting while every
// broker of a group is down.
import {Counter, Gauge, Histogram, Registry} from 'prom-client';
import {verdictLabel, type Verdict} from '../lock-file/index.js';
import {monotonicMs} from '../time.js';
import type {FleetUpdate} from './fleet-watcher.js';
import {EpisodeTracker} from './history.js';
import {groupEvent, type GroupEvent} from './record.js';

/** A group as the exporter names it: its label (a path; a URL without its password and the table), how it was found, its verdicts. */
export type ExportedGroup = {readonly label: string; readonly foundBy: string; readonly verdicts?: readonly string[]};

// Every verdict the one assessment can give (verdict.ts labels each), so a new one is exported too.
const VERDICTS: readonly string[] = Object.keys(verdictLabel) as Verdict[];

type Labels = Record<string, string>;
type Current = {info?: Labels; verdict?: Labels; state?: Labels; holders: Labels[]; changedMono: number; foundBy: string; verdicts: readonly string[]};

export class FleetExporter {
	readonly registry = new Registry();
	private readonly tracker = new EpisodeTracker(undefined, {keep: false});
	private readonly current = new Map<string, Current>();
	private lastUpdateMono = monotonicMs();
	private readonly groupCount: Gauge;
	private readonly info: Gauge;
	private readonly verdict: Gauge;
	private readonly verdictState: Gauge;
	private readonly primaryHeld: Gauge;
	private readonly backupHeld: Gauge;
	private readonly readable: Gauge;
	private readonly stateInfo: Gauge;
	private readonly holderInfo: Gauge;
	private readonly failovers: Counter;
	private readonly failbacks: Counter;
	private readonly lostLocks: Counter;
	private readonly pauses: Counter;
	private readonly noLive: Histogram;
	private readonly lastNoLive: Gauge;
	private readonly noLiveMin: Histogram;
	private readonly lastNoLiveMin: Gauge;

	constructor(groups: readonly ExportedGroup[]) {
		const registers = [this.registry];
		this.groupCount = new Gauge({name: 'ha_tui_groups', help: 'Groups watched by this exporter', registers});
		this.groupCount.set(groups.length);
		this.info = new Gauge({name: 'ha_tui_group_info', help: 'A group: its lock directory, node id and lock layout (always 1)', labelNames: ['path', 'node_id', 'layout', 'found_by'], registers});
		this.verdict = new Gauge({name: 'ha_tui_verdict', help: 'The group\'s verdict as a monitoring exit code: 0 healthy, 1 warning (no backup, no usable backup, failing back, in transition), 2 critical (no live, live frozen, bad state byte, mixed layout), 3 unknown', labelNames: ['path', 'node_id', 'layout'], registers});
		this.verdictState = new Gauge({name: 'ha_tui_verdict_state', help: 'The group\'s verdict by name: 1 for the current one, 0 for the others', labelNames: ['path', 'verdict'], registers});
		this.primaryHeld = new Gauge({name: 'ha_tui_primary_lock_held', help: 'Is the primary (live) lock held (1) or free (0)', labelNames: ['path'], registers});
		this.backupHeld = new Gauge({name: 'ha_tui_backup_lock_held', help: 'Is the backup lock held (1) or free (0)', labelNames: ['path'], registers});
		this.readable = new Gauge({name: 'ha_tui_lock_file_readable', help: 'Could the group\'s server.lock (or node-manager table) be read (1) or not (0: missing, unreadable, not a lock file, database unreachable)', labelNames: ['path'], registers});
		this.stateInfo = new Gauge({name: 'ha_tui_state_info', help: 'The state byte of server.lock (L live, P paused, F failing back, N not started, …), always 1', labelNames: ['path', 'state', 'state_name'], registers});
		this.holderInfo = new Gauge({name: 'ha_tui_holder_info', help: 'A process holding the live or backup lock: pid, broker name and role where known; for a table, the lease\'s holder id (always 1)', labelNames: ['path', 'lock', 'pid', 'broker', 'role', 'holder'], registers});
		const groupsNow = this.current;
		new Gauge({
			name: 'ha_tui_seconds_since_change',
			help: 'Seconds since the group\'s verdict, state or lock holders last changed (or since the exporter started)',
			labelNames: ['path'],
			registers,
			collect() {
				const now = monotonicMs();
				for (const [path, current] of groupsNow) this.set({path}, Math.max(0, (now - current.changedMono) / 1000));
			},
		});
		this.failovers = new Counter({name: 'ha_tui_failovers_total', help: 'Failovers seen since the exporter started (the live lock went to another holder)', labelNames: ['path'], registers});
		this.failbacks = new Counter({name: 'ha_tui_failbacks_total', help: 'Failbacks seen since the exporter started (the live lock went back after F)', labelNames: ['path'], registers});
		this.lostLocks = new Counter({name: 'ha_tui_lost_locks_total', help: 'Lock files replaced or deleted while a live held them, since the exporter started', labelNames: ['path'], registers});
		this.pauses = new Counter({name: 'ha_tui_pauses_total', help: 'Clean stops (P) of a live that ended with a live again, since the exporter started', labelNames: ['path'], registers});
		const buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
		this.noLive = new Histogram({name: 'ha_tui_failover_no_live_seconds', help: 'Time without a live during each failover or failback, at most (upper bound: a directory, from the last look (kernel pulse or probe) that saw the old live to the look that saw the new; a table, from the old live\'s last lease renew)', labelNames: ['path'], buckets, registers});
		this.lastNoLive = new Gauge({name: 'ha_tui_last_failover_no_live_seconds', help: 'Time without a live during the last failover or failback, at most (as ha_tui_failover_no_live_seconds)', labelNames: ['path'], registers});
		// The lower bound, as history and the TUI's timeline give it (store/no-live.ts; a table's:
		// store/jdbc/no-live.ts — all it proves is that the old live was gone by its lease's expiry).
		this.noLiveMin = new Histogram({name: 'ha_tui_failover_no_live_min_seconds', help: 'Time without a live during each failover or failback, at least (a directory: from the first look that saw the live lock free to the last one, 0 when no look saw it free; a table: from the old live\'s lease expiry)', labelNames: ['path'], buckets, registers});
		this.lastNoLiveMin = new Gauge({name: 'ha_tui_last_failover_no_live_min_seconds', help: 'Time without a live during the last failover or failback, at least (as ha_tui_failover_no_live_min_seconds)', labelNames: ['path'], registers});
		for (const group of groups) {
			this.current.set(group.label, {holders: [], changedMono: monotonicMs(), foundBy: group.foundBy, verdicts: group.verdicts ?? VERDICTS});
			for (const counter of [this.failovers, this.failbacks, this.lostLocks, this.pauses]) counter.inc({path: group.label}, 0);
		}
	}

	/** How long since any group was last probed with a change or started (healthz). */
	get msSinceUpdate(): number {
		return monotonicMs() - this.lastUpdateMono;
	}

	/** A directory group's change (FleetWatcher). */
	onUpdate(update: FleetUpdate): void {
		this.onEvent(groupEvent(update), update.first);
	}

	/** Any store's look as a record event (a directory's through groupEvent, a table's through jdbc-group.ts). */
	onEvent(event: GroupEvent, first: boolean): void {
		this.lastUpdateMono = monotonicMs();
		const path = event.group;
		const current = this.current.get(path) ?? {holders: [], changedMono: event.mono, foundBy: 'argument', verdicts: VERDICTS};
		this.current.set(path, current);
		if (!first) current.changedMono = event.mono;
		this.setGroup(event, current);
		for (const episode of this.tracker.add(event)) {
			if (episode.kind === 'failover' || episode.kind === 'failback') {
				(episode.kind === 'failover' ? this.failovers : this.failbacks).inc({path});
				if (episode.noLiveMs !== undefined) {
					this.noLive.observe({path}, episode.noLiveMs / 1000);
					this.lastNoLive.set({path}, episode.noLiveMs / 1000);
				}

				if (episode.noLiveMinMs !== undefined) {
					this.noLiveMin.observe({path}, episode.noLiveMinMs / 1000);
					this.lastNoLiveMin.set({path}, episode.noLiveMinMs / 1000);
				}
			} else if (episode.kind === 'lost-lock') {
				this.lostLocks.inc({path});
			} else if (episode.kind === 'pause') {
				this.pauses.inc({path});
			}
		}
	}

	private setGroup(event: GroupEvent, current: Current): void {
		const path = event.group;
		const nodeId = event.nodeId ?? '';
		const layout = event.layout ?? '';
		const replace = (gauge: Gauge, old: Labels | undefined, labels: Labels, value: number): Labels => {
			if (old && JSON.stringify(old) !== JSON.stringify(labels)) gauge.remove(old);
			gauge.set(labels, value);
			return labels;
		};

		current.info = replace(this.info, current.info, {path, node_id: nodeId, layout, found_by: current.foundBy}, 1);
		current.verdict = replace(this.verdict, current.verdict, {path, node_id: nodeId, layout}, event.exitCode);
		for (const verdict of current.verdicts) this.verdictState.set({path, verdict}, verdict === event.verdict ? 1 : 0);
		this.primaryHeld.set({path}, event.locks.live.locked ? 1 : 0);
		this.backupHeld.set({path}, event.locks.backup.locked ? 1 : 0);
		this.readable.set({path}, event.status === 'ok' ? 1 : 0);
		current.state = replace(this.stateInfo, current.state, {path, state: event.state ?? '', state_name: event.stateName ?? (event.status === 'ok' ? '' : event.status)}, 1);
		for (const labels of current.holders) this.holderInfo.remove(labels);
		current.holders = [];
		for (const lock of ['live', 'backup'] as const) {
			// The record's holders carry the broker read at the probe (record.ts recordLock).
			for (const holder of event.locks[lock].holders) {
				const labels = {path, lock, pid: holder.pid === null ? 'hidden' : String(holder.pid), broker: holder.broker ?? '', role: holder.role ?? '', holder: holder.id ?? ''};
				this.holderInfo.set(labels, 1);
				current.holders.push(labels);
			}
		}
	}
}
