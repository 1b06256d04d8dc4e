// The in-process nodes behind a screen, once for every store: start, pause, force failover,
// clear, restart and stop them, each checked again against the store's plans (the group may
// have changed while the question was on screen), and none once quit was decided. The file
// session (session.ts) and the JDBC one (jdbc-session.ts) extend it with what they watch and
// how a node is made; the Stopper (stopper.ts) stops through stopAll.
import type {HaNode, NodeEvent, NodeRole} from '../node-manager/index.js';
import {errorLine} from '../text/error-line.js';
import {appendLog} from './event-log.js';
import {isRunning, nodeName, phaseLabel} from './labels.js';
import type {Planner} from './policy.js';
import type {ActionResult, LogEntry, LogLevel, NodeActions, NodeView} from './types.js';

export type NodeRecord = {
	readonly id: string;
	readonly label: string;
	readonly node: HaNode;
	detail?: string;
};

export const nodeView = (record: NodeRecord): NodeView => ({
	id: record.id,
	label: record.label,
	role: record.node.role,
	phase: record.node.phase,
	since: record.node.phaseSince,
	activated: record.node.activated,
	stateBeforeFailingBack: record.node.stateBeforeFailingBack,
	detail: record.detail,
});

/** What a registry needs of its session's view: the list it keeps, the log it writes. */
export type RegistryView = {readonly nodes: readonly NodeView[]; readonly log: readonly LogEntry[]};

/** The store's words where the actions' results name what a live holds. */
export type RegistryWords = {
	/** A live node: `live` (a directory) or `primary` (a table). */
	readonly live: string;
	/** What a forced failover lets go of: `the live lock`, `the primary lease`. */
	readonly liveLock: string;
};

export type RegistryOptions<V> = {
	readonly planner: Planner<V>;
	readonly words: RegistryWords;
	/** Finished nodes beyond this many are dropped from the list, oldest first (default 6). */
	readonly maxNodes?: number;
};

export abstract class NodeRegistry<V extends RegistryView, R extends NodeRecord = NodeRecord> implements NodeActions {
	protected readonly records: R[] = [];
	protected readonly listeners = new Set<() => void>();
	protected abstract view: V;
	/** Quit was decided (stopAll or close): no action may start anything any more. */
	protected closing = false;
	private seq = 0;
	private counter = 0;

	constructor(private readonly registry: RegistryOptions<V>) {}

	/** Makes a new node of this store (not started yet). */
	protected abstract createRecord(role: NodeRole, id: string, label: string): R;
	protected abstract onNodeEvent(record: R, event: NodeEvent): void;
	/** The list changed (`started`: a node was added and started): put it in the view, tell the screen. */
	protected abstract nodesChanged(started?: R): void;

	getView(): V {
		return this.view;
	}

	/** Called after every change of the view; returns the unsubscribe function. */
	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** True once quit was decided (stopAll or close): every action is refused from then on. */
	get isClosing(): boolean {
		return this.closing;
	}

	startLive(): ActionResult {
		const closing = this.refuseWhenClosing(`no ${this.registry.words.live} started`);
		if (closing) return closing;
		const plan = this.registry.planner.startLive(this.view);
		return plan.ok ? this.startNode('live') : plan;
	}

	startBackup(): ActionResult {
		return this.refuseWhenClosing('no backup started') ?? this.startNode('backup');
	}

	/** Like startLive, refused unless a backup is live. */
	requestFailback(): ActionResult {
		const closing = this.refuseWhenClosing('no failback');
		if (closing) return closing;
		const plan = this.registry.planner.failback(this.view);
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
		const plan = this.registry.planner.pause(this.view, nodeId);
		if (!plan.ok) return plan;
		const record = this.record(nodeId);
		this.log('action', 'info', `${record.node.phase === 'live' ? 'pause' : 'stop'} ${nodeName(nodeView(record))} requested`);
		await record.node.pause();
		return {ok: true, message: `${nodeName(nodeView(record))} is ${phaseLabel[record.node.phase]}`};
	}

	async forceFailover(nodeId: string): Promise<ActionResult> {
		const closing = this.refuseWhenClosing('no failover');
		if (closing) return closing;
		const plan = this.registry.planner.forceFailover(this.view, nodeId);
		if (!plan.ok) return plan;
		const record = this.record(nodeId);
		this.beforeForceFailover(record);
		this.log('action', 'warn', `force failover on ${nodeName(nodeView(record))} requested`);
		await record.node.forceFailover();
		await this.afterForceFailover();
		return {ok: true, message: `${nodeName(nodeView(record))} released ${this.registry.words.liveLock} leaving L`};
	}

	/** Drops the stopped and paused nodes from the list (they hold nothing). */
	clearFinished(): ActionResult {
		const closing = this.refuseWhenClosing('nothing cleared');
		if (closing) return closing;
		const plan = this.registry.planner.clear(this.view);
		if (!plan.ok) return plan;
		const gone = this.records.filter(record => !isRunning(nodeView(record)));
		for (const record of gone) this.records.splice(this.records.indexOf(record), 1);
		this.log('action', 'info', `cleared ${gone.map(record => nodeName(nodeView(record))).join(', ')} from the list`);
		this.nodesChanged();
		return {ok: true, message: `cleared ${gone.length} finished node${gone.length === 1 ? '' : 's'}`};
	}

	/** Starts a new node of a finished node's role in its place. */
	restart(nodeId: string): ActionResult {
		const closing = this.refuseWhenClosing('no restart');
		if (closing) return closing;
		const plan = this.registry.planner.restart(this.view, nodeId);
		if (!plan.ok) return plan;
		const record = this.record(nodeId);
		this.log('action', 'info', `restart ${nodeName(nodeView(record))} requested`);
		const started = this.startNode(record.node.role);
		if (started.ok) {
			this.records.splice(this.records.indexOf(record), 1);
			this.nodesChanged();
		}

		return started;
	}

	/** Stops every running node: backups first (none of ours takes over from a live we stop), then the lives (P, or L with failover). */
	async stopAll(options: {failover: boolean}): Promise<void> {
		// From here on the session only winds down: an action deferred by the screen, or asked
		// for while the nodes stop, must not start a node that nobody will stop.
		this.closing = true;
		const running = this.records.filter(record => isRunning(nodeView(record)));
		if (running.length === 0) return;
		this.log('action', 'info', `stopping ${running.length} in-process node${running.length === 1 ? '' : 's'}${options.failover ? ' with failover (a live leaves L)' : ' (a live pauses: P)'}`);
		const lives = running.filter(record => record.node.phase === 'live');
		await Promise.all(running.filter(record => !lives.includes(record)).map(async record => record.node.stop()));
		await Promise.all(lives.map(async record => record.node.stop({failover: options.failover})));
	}

	/** Why no node of this role can start here at all (before one is counted), if so. */
	protected refuseStart(_role: NodeRole): string | undefined {
		return undefined;
	}

	/** A node's start() threw: the reason in one line. */
	protected startError(error: unknown): string {
		return errorLine(error);
	}

	/** Just before a forced failover's release (the file session holds its frames: hand-over.ts). */
	protected beforeForceFailover(_record: R): void {
		// Nothing by default.
	}

	/** After it: resolves when the caller may react (a notice, a frame). */
	protected async afterForceFailover(): Promise<void> {
		// Nothing by default.
	}

	protected nextSeq(): number {
		return ++this.seq;
	}

	protected log(source: LogEntry['source'], level: LogLevel, text: string, time = Date.now()): void {
		this.view = {...this.view, log: appendLog(this.view.log, {seq: this.nextSeq(), time, source, level, text})};
		this.emitChange();
	}

	protected emitChange(): void {
		for (const listener of this.listeners) listener();
	}

	/** The running nodes' list as the view shows it. */
	protected nodeViews(): NodeView[] {
		return this.records.map(record => nodeView(record));
	}

	/** An action asked for after quit was decided (a key's deferred action, a signal meanwhile). */
	private refuseWhenClosing(what: string): ActionResult | undefined {
		return this.closing ? {ok: false, message: `${what}: ha-tui is quitting, nothing new is started or stopped`} : undefined;
	}

	/** The plan found it, so it is there. */
	private record(nodeId: string): R {
		return this.records.find(candidate => candidate.id === nodeId)!;
	}

	private startNode(role: NodeRole): ActionResult {
		const refused = this.refuseStart(role);
		if (refused) {
			this.log('action', 'error', refused);
			return {ok: false, message: refused};
		}

		const number = ++this.counter;
		const record = this.createRecord(role, `n${number}`, `#${number}`);
		// Registered before start(): a live that finds the lock free is live before start() returns.
		this.records.push(record);
		record.node.on('event', event => this.onNodeEvent(record, event));
		this.log('action', 'info', `starting ${nodeName(nodeView(record))}`);
		try {
			record.node.start();
		} catch (error) {
			this.records.splice(this.records.indexOf(record), 1);
			this.counter--;
			const message = `cannot start a ${role === 'live' ? this.registry.words.live : 'backup'}: ${this.startError(error)}`;
			this.log('action', 'error', message);
			return {ok: false, message};
		}

		this.prune();
		this.nodesChanged(record);
		return {ok: true, message: `started ${nodeName(nodeView(record))}`};
	}

	private prune(): void {
		const max = this.registry.maxNodes ?? 6;
		while (this.records.length > max) {
			const index = this.records.findIndex(record => !isRunning(nodeView(record)));
			if (index === -1) return;
			this.records.splice(index, 1);
		}
	}
}
