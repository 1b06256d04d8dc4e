// The JDBC TUI's engine, as session.ts is the file TUI's: the watcher's looks (read-only), the
// in-process nodes (JdbcNodeManager under HaNode), the event log, the doctor's findings (pure,
// on every look) and the group's timings. The screen reads getView() and asks for actions;
// every action is checked again here against jdbc-policy.ts (the table may have changed while
// the question was on screen), and none is started once quit was decided.
import {HaNode, type NodeEvent, type NodeRole} from '../node-manager/index.js';
import {jdbcFindings} from '../store/jdbc/doctor.js';
import {JdbcNodeManager} from '../store/jdbc/jdbc-node-manager.js';
import {groupTimings, type GroupTimings} from '../store/jdbc/timings.js';
import type {JdbcUpdate, JdbcWatcher} from '../store/jdbc/watcher.js';
import {errorLine} from '../text/error-line.js';
import {appendLog, formatMs} from './event-log.js';
import {planJdbcClear, planJdbcFailback, planJdbcForceFailover, planJdbcPause, planJdbcRestart, planJdbcStartLive, type JdbcView} from './jdbc-policy.js';
import {isRunning, nodeName, phaseLabel} from './labels.js';
import type {ActionResult, LogEntry, LogLevel, NodeView} from './types.js';

export type JdbcSessionOptions = {
	/** Tests: fast leases. Default: a JdbcNodeManager with the group's timings. */
	createManager?: (role: NodeRole) => JdbcNodeManager;
	/** Default: read from the brokers of the group on this host (timings.ts). */
	timings?: GroupTimings;
	maxNodes?: number;
};

type NodeRecord = {
	readonly id: string;
	readonly label: string;
	readonly node: HaNode;
	readonly manager: JdbcNodeManager;
	detail?: string;
};

const nodeView = (record: NodeRecord): NodeView => ({
	id: record.id,
	label: record.label,
	role: record.node.role,
	phase: record.node.phase,
	since: record.node.phaseSince,
	activated: record.node.activated,
	stateBeforeFailingBack: record.node.stateBeforeFailingBack,
	detail: record.detail,
});

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

const DETAILED = new Set<NodeEvent['event']>(['live', 'lost-lock', 'stepping-down', 'paused', 'stopped']);

export class JdbcSession {
	private readonly records: NodeRecord[] = [];
	private readonly listeners = new Set<() => void>();
	private view: JdbcView;
	private seq = 0;
	private counter = 0;
	private closing = false;
	private closed = false;
	private readonly backupHolders = new Set<string>();
	private readonly onUpdate = (update: JdbcUpdate) => this.see(update, true);
	/** Every look: a renew changes no line of the log but moves the expiry (the bars refill). */
	private readonly onLook = (update: JdbcUpdate) => {
		if (this.closed || update.changes.length > 0 || update === this.view.update) return;
		const before = this.view.update;
		const same = before?.error === update.error && JSON.stringify(before?.probe?.rows) === JSON.stringify(update.probe?.rows);
		this.view = {...this.view, update};
		this.refreshDoctor();
		if (!same) this.emitChange();
	};

	constructor(readonly watcher: JdbcWatcher, private readonly options: JdbcSessionOptions = {}) {
		const timings = options.timings ?? groupTimings(watcher.target);
		this.view = {display: watcher.target.display, table: watcher.target.table, update: undefined, nodes: [], holderIds: {}, backupHolders: [], log: [], doctor: undefined, timings};
		if (watcher.latest) this.see(watcher.opening(), false);
		watcher.on('update', this.onUpdate);
		watcher.on('look', this.onLook);
	}

	getView(): JdbcView {
		return this.view;
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	get isClosing(): boolean {
		return this.closing;
	}

	startLive(): ActionResult {
		const closing = this.refuseWhenClosing('no primary started');
		if (closing) return closing;
		const plan = planJdbcStartLive(this.view);
		return plan.ok ? this.startNode('live') : plan;
	}

	startBackup(): ActionResult {
		return this.refuseWhenClosing('no backup started') ?? this.startNode('backup');
	}

	requestFailback(): ActionResult {
		const closing = this.refuseWhenClosing('no failback');
		if (closing) return closing;
		const plan = planJdbcFailback(this.view);
		if (!plan.ok) {
			this.log('action', 'warn', `failback refused: ${plan.message.replace(/^no failback: /, '')}`);
			return plan;
		}

		this.log('action', 'info', 'failback requested');
		return this.startNode('live');
	}

	async pause(nodeId: string): Promise<ActionResult> {
		const closing = this.refuseWhenClosing('no pause');
		if (closing) return closing;
		const plan = planJdbcPause(this.view, nodeId);
		if (!plan.ok) return plan;
		const record = this.records.find(candidate => candidate.id === nodeId)!;
		this.log('action', 'info', `${record.node.phase === 'live' ? 'pause' : 'stop'} ${nodeName(nodeView(record))} requested`);
		await record.node.pause();
		return {ok: true, message: `${nodeName(nodeView(record))} is ${phaseLabel[record.node.phase]}`};
	}

	async forceFailover(nodeId: string): Promise<ActionResult> {
		const closing = this.refuseWhenClosing('no failover');
		if (closing) return closing;
		const plan = planJdbcForceFailover(this.view, nodeId);
		if (!plan.ok) return plan;
		const record = this.records.find(candidate => candidate.id === nodeId)!;
		this.log('action', 'warn', `force failover on ${nodeName(nodeView(record))} requested`);
		await record.node.forceFailover();
		return {ok: true, message: `${nodeName(nodeView(record))} released the primary lease leaving L`};
	}

	clearFinished(): ActionResult {
		const closing = this.refuseWhenClosing('nothing cleared');
		if (closing) return closing;
		const plan = planJdbcClear(this.view);
		if (!plan.ok) return plan;
		const gone = this.records.filter(record => !isRunning(nodeView(record)));
		for (const record of gone) this.records.splice(this.records.indexOf(record), 1);
		this.log('action', 'info', `cleared ${gone.map(record => nodeName(nodeView(record))).join(', ')} from the list`);
		this.refreshNodes();
		return {ok: true, message: `cleared ${gone.length} finished node${gone.length === 1 ? '' : 's'}`};
	}

	restart(nodeId: string): ActionResult {
		const closing = this.refuseWhenClosing('no restart');
		if (closing) return closing;
		const plan = planJdbcRestart(this.view, nodeId);
		if (!plan.ok) return plan;
		const record = this.records.find(candidate => candidate.id === nodeId)!;
		this.log('action', 'info', `restart ${nodeName(nodeView(record))} requested`);
		const started = this.startNode(record.node.role);
		if (started.ok) {
			this.records.splice(this.records.indexOf(record), 1);
			this.refreshNodes();
		}

		return started;
	}

	/** Stops every running node: backups first (none of ours takes over from a live we stop), then the lives (P, or L with failover). */
	async stopAll(options: {failover: boolean}): Promise<void> {
		this.closing = true;
		const running = this.records.filter(record => isRunning(nodeView(record)));
		if (running.length === 0) return;
		this.log('action', 'info', `stopping ${running.length} in-process node${running.length === 1 ? '' : 's'}${options.failover ? ' with failover (a live leaves L)' : ' (a live pauses: P)'}`);
		const lives = running.filter(record => record.node.phase === 'live');
		await Promise.all(running.filter(record => !lives.includes(record)).map(async record => record.node.stop()));
		await Promise.all(lives.map(async record => record.node.stop({failover: options.failover})));
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

	private refuseWhenClosing(what: string): ActionResult | undefined {
		return this.closing ? {ok: false, message: `${what}: ha-tui is quitting, nothing new is started or stopped`} : undefined;
	}

	private startNode(role: NodeRole): ActionResult {
		const number = ++this.counter;
		const {timings} = this.view;
		const manager = this.options.createManager?.(role) ?? new JdbcNodeManager(this.watcher.target, {
			role: role === 'live' ? 'primary' : 'backup',
			// A node of this group leases as its brokers do.
			...(timings.fromBrokers ? {renewPeriodMs: timings.renewPeriodMs, expirationMs: timings.expirationMs} : {}),
		});
		// Database round trips, not file events: look for F / a change of state every 250 ms.
		const node = new HaNode(manager, {role, failbackCheckMs: 250, backoffMs: 250});
		const record: NodeRecord = {id: `n${number}`, label: `#${number}`, node, manager};
		this.records.push(record);
		node.on('event', event => this.onNodeEvent(record, event));
		this.log('action', 'info', `starting ${nodeName(nodeView(record))}`);
		try {
			node.start();
		} catch (error) {
			this.records.splice(this.records.indexOf(record), 1);
			this.counter--;
			const message = `cannot start a ${role === 'live' ? 'primary' : 'backup'}: ${errorLine(error)}`;
			this.log('action', 'error', message);
			return {ok: false, message};
		}

		this.prune();
		this.refreshNodes();
		return {ok: true, message: `started ${nodeName(nodeView(record))}`};
	}

	private prune(): void {
		const max = this.options.maxNodes ?? 6;
		while (this.records.length > max) {
			const index = this.records.findIndex(record => !isRunning(nodeView(record)));
			if (index === -1) return;
			this.records.splice(index, 1);
		}
	}

	private onNodeEvent(record: NodeRecord, event: NodeEvent): void {
		if (event.detail) record.detail = event.detail;
		const name = nodeName(nodeView(record));
		// HaNode's detail says why where the phase alone does not (activated, lost, stepped down).
		const detail = event.detail && DETAILED.has(event.event) ? ` (${event.detail})` : '';
		const what = event.event === 'error' ? `error: ${event.detail ?? 'unknown'}` : `${eventText[event.event] ?? phaseLabel[event.event]}${event.waitedMs === undefined ? '' : ` after ${formatMs(event.waitedMs)}`}${detail}`;
		this.log('node', eventLevel(event.event), `${name} ${what}`, event.time);
		this.refreshNodes();
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
			log = appendLog(log, {seq: ++this.seq, time: update.takenAt, source: 'watch', level, text: change.message});
		}

		this.view = {...this.view, update, log, backupHolders: [...this.backupHolders]};
		this.refreshDoctor();
		if (changed) this.emitChange();
	}

	private refreshDoctor(): void {
		const {update, timings} = this.view;
		const doctor = update?.probe ? {findings: jdbcFindings({probe: update.probe, connections: update.connections, timings}), full: true} : undefined;
		this.view = {...this.view, doctor};
	}

	private refreshNodes(): void {
		const holderIds: Record<string, string> = {};
		for (const record of this.records) holderIds[record.id] = record.manager.holderId;
		this.view = {...this.view, nodes: this.records.map(nodeView), holderIds};
		this.emitChange();
	}

	private log(source: LogEntry['source'], level: LogLevel, text: string, time = Date.now()): void {
		this.view = {...this.view, log: appendLog(this.view.log, {seq: ++this.seq, time, source, level, text})};
		this.emitChange();
	}

	private emitChange(): void {
		for (const listener of this.listeners) listener();
	}
}
