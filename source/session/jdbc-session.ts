// The JDBC TUI's engine, as session.ts is the file TUI's: the watcher's looks (read-only), the
// in-process nodes (JdbcNodeManager under HaNode), the event log, the doctor's findings (pure,
// on every look) and the group's timings. The screen reads getView() and asks for actions;
// every action is checked again here against jdbc-policy.ts (the table may have changed while
// the question was on screen), and none is started once quit was decided.
import {HaNode, isTerminalPhase, type NodeEvent, type NodeRole} from '../node-manager/index.js';
import {jdbcFindings} from '../store/jdbc/doctor.js';
import {JdbcNodeManager} from '../store/jdbc/jdbc-node-manager.js';
import {groupTimings, type GroupTimings} from '../store/jdbc/timings.js';
import type {JdbcProbe} from '../store/jdbc/probe.js';
import type {JdbcUpdate, JdbcWatcher} from '../store/jdbc/watcher.js';
import {appendLog, formatMs} from './event-log.js';
import {jdbcPlanner, type JdbcView} from './jdbc-policy.js';
import {nodeName, phaseLabel} from './labels.js';
import {NodeRegistry, nodeView, type NodeRecord} from './node-registry.js';
import {leaseRanOut, observeLook} from './jdbc-timeline.js';
import {emptyTimeline, type Timeline} from './timeline.js';
import {observeNode} from './timeline-observe.js';
import type {LogLevel, NodeView} from './types.js';
import {monotonicMs} from '../time.js';

export type JdbcSessionOptions = {
	/** Tests: fast leases. Default: a JdbcNodeManager with the group's timings. */
	createManager?: (role: NodeRole) => JdbcNodeManager;
	/** Default: read from the brokers of the group on this host (timings.ts). */
	timings?: GroupTimings;
	maxNodes?: number;
	/** The timeline's start (default empty: from the first look on). */
	timeline?: Timeline;
};

type JdbcRecord = NodeRecord & {readonly manager: JdbcNodeManager; lastPhase: NodeView['phase']};

const MAX_BACKUP_HOLDERS = 32;

function eventLevel(event: NodeEvent['event']): LogLevel {
	if (event === 'error' || event === 'lost-lock') return 'error';
	if (event === 'live' || event === 'backup') return 'ok';
	if (event === 'paused' || event === 'stepping-down' || event === 'failing-back') return 'warn';
	return 'info';
}

const eventText: Partial<Record<NodeEvent['event'], string>> = {
	'waiting-backup-lock': 'waits for the backup lease (row 2)',
	backup: 'holds the backup lease (row 2): next in line',
	'waiting-live-lock': 'waits for the state L and the primary lease (row 1)',
	'failing-back': 'wrote F, waits for the primary lease (row 1)',
	live: 'is LIVE: holds the primary lease (row 1)',
	'stepping-down': 'steps down: releases the primary lease for a failback',
	paused: 'paused: wrote P and released its lease',
	stopped: 'stopped: released its leases',
	'lost-lock': 'LOST its lease: stops being live, writes nothing more',
};

/** The rows as text, a held row's expiry left out: what a renew does not change. */
function rowsBesidesRenews(rows: JdbcProbe['rows'] | undefined): string {
	return JSON.stringify(rows?.map(row => (row.holder_id === null || row.holder_id === undefined ? row : {...row, holder_expiration_time: undefined})));
}

const DETAILED = new Set<NodeEvent['event']>(['live', 'lost-lock', 'stepping-down', 'paused', 'stopped']);

export class JdbcSession extends NodeRegistry<JdbcView, JdbcRecord> {
	protected view: JdbcView;
	private closed = false;
	private readonly backupHolders = new Set<string>();
	/** Epoch ms at monotonic 0: the nodes' events carry CLOCK_MONOTONIC to the µs. */
	private readonly monoOrigin = Date.now() - monotonicMs();
	private readonly onUpdate = (update: JdbcUpdate) => this.see(update, true);
	/**
	 * Every look: the view takes it (the screen reads the latest look when it draws or paints),
	 * but a look that only moved a holder's expiry (a renew) or the clocks is no change to draw:
	 * the screen shows it at its next second (painted on a terminal, jdbc-painted.ts).
	 */
	private readonly onLook = (update: JdbcUpdate) => {
		if (this.closed || update.changes.length > 0 || update === this.view.update) return;
		const before = this.view.update;
		const same = before?.error === update.error && rowsBesidesRenews(before?.probe?.rows) === rowsBesidesRenews(update.probe?.rows);
		const timeline = this.observeLook(update);
		const moved = timeline !== this.view.timeline;
		this.view = {...this.view, update, timeline};
		this.refreshDoctor();
		if (!same || moved) this.emitChange();
	};

	constructor(readonly watcher: JdbcWatcher, private readonly options: JdbcSessionOptions = {}) {
		super({planner: jdbcPlanner, words: {live: 'primary', liveLock: 'the primary lease'}, maxNodes: options.maxNodes});
		const timings = options.timings ?? groupTimings(watcher.target);
		this.view = {display: watcher.target.display, table: watcher.target.table, update: undefined, nodes: [], holderIds: {}, backupHolders: [], log: [], doctor: undefined, timings, timeline: options.timeline ?? emptyTimeline()};
		if (watcher.latest) this.see(watcher.opening(), false);
		watcher.on('update', this.onUpdate);
		watcher.on('look', this.onLook);
	}

	/** The `d` panel opened: look again for the group's brokers (their timings) on this host. */
	setDoctorOpen(open: boolean): void {
		if (!open || this.options.timings || this.closed) return;
		this.view = {...this.view, timings: groupTimings(this.watcher.target)};
		this.refreshDoctor();
		this.emitChange();
	}

	/** Stops listening (the watcher is the caller's). Nodes still running keep running: stopAll first. */
	close(): void {
		this.closing = true;
		this.closed = true;
		this.watcher.off('update', this.onUpdate);
		this.watcher.off('look', this.onLook);
		this.listeners.clear();
	}

	protected createRecord(role: NodeRole, id: string, label: string): JdbcRecord {
		const {timings} = this.view;
		const manager = this.options.createManager?.(role) ?? new JdbcNodeManager(this.watcher.target, {
			role: role === 'live' ? 'primary' : 'backup',
			// A node of this group leases as its brokers do.
			...(timings.fromBrokers ? {renewPeriodMs: timings.renewPeriodMs, expirationMs: timings.expirationMs} : {}),
		});
		// Database round trips, not file events: look for F / a change of state every 250 ms.
		const node = new HaNode(manager, {role, failbackCheckMs: 250, backoffMs: 250});
		return {id, label, node, manager, lastPhase: 'idle'};
	}

	protected onNodeEvent(record: JdbcRecord, event: NodeEvent): void {
		if (event.detail) record.detail = event.detail;
		if (event.event !== 'error') {
			// Exact to the µs: the node's own clock, not the next look. A lease it won from a holder
			// the last look saw: free from that lease's expiry (jdbc-timeline.ts).
			const time = this.monoOrigin + event.mono;
			const segment = event.event === 'live' ? 'live' : event.event === 'backup' ? 'backup' : undefined;
			const timeline = segment ? leaseRanOut(this.timeline, segment, this.view.update?.probe, {kind: 'held', label: record.label}, time, this.view.update?.renew[segment].leaseMs) : this.timeline;
			this.view = {...this.view, timeline: observeNode(timeline, nodeView(record), event.event, record.lastPhase, time)};
			record.lastPhase = event.event;
		}

		const name = nodeName(nodeView(record));
		// HaNode's detail says why where the phase alone does not (activated, lost, stepped down).
		const detail = event.detail && DETAILED.has(event.event) ? ` (${event.detail})` : '';
		const what = event.event === 'error' ? `error: ${event.detail ?? 'unknown'}` : `${eventText[event.event] ?? phaseLabel[event.event]}${event.waitedMs === undefined ? '' : ` after ${formatMs(event.waitedMs)}`}${detail}`;
		this.log('node', eventLevel(event.event), `${name} ${what}`, event.time);
		this.nodesChanged();
		// A lease changed hands: the table shows it in the next frame, not a tick later.
		this.watcher.lookSoon();
	}

	private see(update: JdbcUpdate, changed: boolean): void {
		if (this.closed) return;
		for (const segment of ['backup'] as const) {
			const id = update.probe?.locks[segment].holderId;
			if (id && update.probe?.locks[segment].held && !this.backupHolders.has(id)) {
				this.backupHolders.add(id);
				if (this.backupHolders.size > MAX_BACKUP_HOLDERS) this.backupHolders.delete(this.backupHolders.values().next().value!);
			}
		}

		let {log} = this.view;
		for (const change of update.changes) {
			const level: LogLevel = change.kind === 'error' || change.kind === 'lease-expired' ? 'error' : change.kind === 'renew-late' ? 'warn' : change.kind === 'verdict' ? (['ok', 'warn', 'error', 'warn'] as const)[update.assessment.exitCode] : 'info';
			log = appendLog(log, {seq: this.nextSeq(), time: update.takenAt, source: 'watch', level, text: change.message});
		}

		this.view = {...this.view, update, log, backupHolders: [...this.backupHolders], timeline: this.observeLook(update)};
		this.refreshDoctor();
		if (changed) this.emitChange();
	}

	private refreshDoctor(): void {
		const {update, timings} = this.view;
		const doctor = update?.probe ? {findings: jdbcFindings({probe: update.probe, connections: update.connections, timings}), full: true} : undefined;
		this.view = {...this.view, doctor};
	}

	protected nodesChanged(started?: JdbcRecord): void {
		const holderIds: Record<string, string> = {};
		for (const record of this.records) holderIds[record.id] = record.manager.holderId;
		// Our nodes at work: the table is watched at the full cadence (no rest, watcher.ts).
		this.watcher.setBusy(this.records.some(record => !isTerminalPhase(record.node.phase)));
		const timeline = started ? observeNode(this.timeline, nodeView(started), started.node.phase, 'idle', Date.now()) : this.timeline;
		this.view = {...this.view, nodes: this.nodeViews(), holderIds, timeline};
		this.emitChange();
	}

	private get timeline(): Timeline {
		return this.view.timeline ?? emptyTimeline();
	}

	private observeLook(update: JdbcUpdate): Timeline {
		return observeLook(this.timeline, update, this.view, this.view.update);
	}
}
