// Fixed snapshots and a fake session: the screen tested without a lock file or a node.
import {assess, decodeLockFile, describeLayout, encodeNewLockFile, uuidToNodeId, whereLabel, type Holder, type Probe} from '../../source/lock-file/index.js';
import {runDoctor} from '../../source/doctor/index.js';
import type {ActionResult, DoctorView, LogEntry, NodeView, SessionLike, SessionView} from '../../source/session/types.js';
import {planClear, planFailback, planForceFailover, planPause, planRestart} from '../../source/session/policy.js';
import type {Snapshot} from '../../source/watch/snapshot.js';
import {waitFor} from '../helpers/wait.js';
import {emptyTimeline, observe, type Timeline} from '../../source/session/timeline.js';
import {observeNode} from '../../source/session/timeline-observe.js';

export const NODE_ID = '7ece4f00-c0f4-15c4-967a-a7156bda59d8';
export const PATH = '/srv/artemis/data/journal/server.lock';
export const T0 = new Date(2026, 0, 2, 3, 4, 5).getTime();

export const outside = (pid: number, command = 'java -cp artemis.jar org.apache.activemq.artemis.boot.Artemis run'): Holder => ({pid, command, kind: 'OFD', sameProcess: false, identity: `pid ${pid}`});
export const ours: Holder = {pid: process.pid, command: 'ha-tui', kind: 'OFD', sameProcess: true, identity: `pid ${process.pid}`};

export const DIRECTORY = '/srv/artemis/data/journal';

export function makeSnapshot(options: {state?: string | number; live?: Holder; backup?: Holder; replaced?: boolean; takenAt?: number; layout?: 'files' | 'ranges'} = {}): Snapshot {
	const layout = options.layout ?? 'files';
	const file = (name: string) => `${DIRECTORY}/${name}`;
	const bytes = encodeNewLockFile(uuidToNodeId(NODE_ID));
	const state = options.state ?? 'L';
	bytes[0] = typeof state === 'number' ? state : state.charCodeAt(0);
	const takenAt = options.takenAt ?? T0;
	const lock = (holder: Holder | undefined, name: string, where: string) => ({locked: holder !== undefined, file: file(layout === 'files' ? name : 'server.lock'), where, holders: holder ? [holder] : []});
	const probe: Probe = {
		...decodeLockFile(bytes),
		store: 'directory',
		target: PATH,
		path: PATH,
		directory: DIRECTORY,
		device: 65024,
		inode: 2146390,
		mtimeMs: takenAt - 60_000,
		layout,
		layoutDecision: {layout, because: layout},
		generation: describeLayout(layout),
		files: [
			{name: 'server.lock', path: PATH, exists: true, device: 65024, inode: 2146390, size: 19},
			{name: 'serverlock.0', path: file('serverlock.0'), exists: false},
			{name: 'serverlock.1', path: file('serverlock.1'), exists: layout === 'files', ...(layout === 'files' ? {device: 65024, inode: 2146391, size: 0} : {})},
			{name: 'serverlock.2', path: file('serverlock.2'), exists: layout === 'files', ...(layout === 'files' ? {device: 65024, inode: 2146392, size: 0} : {})},
		],
		locks: {state: lock(undefined, 'server.lock', whereLabel(layout, 'state')), live: lock(options.live, 'serverlock.1', whereLabel(layout, 'live')), backup: lock(options.backup, 'serverlock.2', whereLabel(layout, 'backup'))},
	};
	return {
		path: PATH,
		takenAt,
		status: 'ok',
		probe,
		assessment: assess(probe),
		heldSince: {state: undefined, live: options.live ? takenAt - 12_000 : undefined, backup: options.backup ? takenAt - 3000 : undefined},
		replaced: options.replaced ?? false,
	};
}

export function missingSnapshot(replaced = false): Snapshot {
	return {
		path: PATH,
		takenAt: T0,
		status: 'missing',
		error: `waiting for ${PATH} (no such file)`,
		assessment: {verdict: 'unknown', exitCode: 3, summary: 'the lock file does not exist (yet)'},
		heldSince: {state: undefined, live: undefined, backup: undefined},
		replaced,
	};
}

export function makeNode(id: number, role: NodeView['role'], phase: NodeView['phase'], extra: Partial<NodeView> = {}): NodeView {
	return {id: `n${id}`, label: `#${id}`, role, phase, since: T0 - 5000, activated: false, ...extra};
}

export function makeView(overrides: Partial<SessionView> = {}): SessionView {
	return {path: PATH, fsKind: 'ext4', polling: false, intervalMs: 250, snapshot: makeSnapshot({live: outside(4264)}), nodes: [], log: [], ...overrides};
}

/** The doctor's findings on a snapshot, as the session's header look would give them (no process facts). */
export function doctorFor(snapshot: Snapshot, full = false): DoctorView | undefined {
	return snapshot.probe ? {findings: runDoctor(snapshot.probe, {now: snapshot.takenAt, processes: new Map()}), full} : undefined;
}

export const entry = (seq: number, text: string, level: LogEntry['level'] = 'info', source: LogEntry['source'] = 'watch'): LogEntry => ({seq, time: T0 + seq, source, level, text});

/** Records what the screen asked for; refuses as the real session would (same policy). */
export class FakeSession implements SessionLike {
	calls: string[] = [];
	private readonly listeners = new Set<() => void>();

	constructor(public view: SessionView) {}

	set(view: Partial<SessionView>): void {
		this.view = {...this.view, ...view};
		for (const listener of this.listeners) listener();
	}

	getView(): SessionView {
		return this.view;
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	startLive(): ActionResult {
		this.calls.push('startLive');
		return {ok: true, message: 'started #9 live'};
	}

	startBackup(): ActionResult {
		this.calls.push('startBackup');
		return {ok: true, message: 'started #9 backup'};
	}

	requestFailback(): ActionResult {
		this.calls.push('requestFailback');
		const plan = planFailback(this.view);
		return plan.ok ? {ok: true, message: 'started #9 live (failback)'} : plan;
	}

	async pause(nodeId: string): Promise<ActionResult> {
		this.calls.push(`pause ${nodeId}`);
		const plan = planPause(this.view, nodeId);
		return plan.ok ? {ok: true, message: `${nodeId} paused`} : plan;
	}

	async forceFailover(nodeId: string): Promise<ActionResult> {
		this.calls.push(`forceFailover ${nodeId}`);
		const plan = planForceFailover(this.view, nodeId);
		return plan.ok ? {ok: true, message: `${nodeId} released`} : plan;
	}

	clearFinished(): ActionResult {
		this.calls.push('clearFinished');
		const plan = planClear(this.view);
		return plan.ok ? {ok: true, message: 'cleared'} : plan;
	}

	restart(nodeId: string): ActionResult {
		this.calls.push(`restart ${nodeId}`);
		const plan = planRestart(this.view, nodeId);
		return plan.ok ? {ok: true, message: `restarted ${nodeId}`} : plan;
	}

	async stopAll(options: {failover: boolean}): Promise<void> {
		this.calls.push(`stopAll failover=${options.failover}`);
	}

	/** As the session: opening looks (fully) at once. */
	setDoctorOpen(open: boolean): void {
		this.calls.push(`doctor ${open ? 'open' : 'closed'}`);
		if (open) this.set({doctor: doctorFor(this.view.snapshot, true)});
	}
}

/**
 * The ready handshake before the first key: Ink subscribes to stdin ('readable') in the same
 * effect flush that registers the app's key handler, and a key written before is lost. After
 * that, wait for the frame a key needs (the app handles keys with the last frame's state).
 */
export async function listening(stdin: {listenerCount(event: string): number}): Promise<void> {
	await until('the app to listen for keys', () => stdin.listenerCount('readable') > 0);
}

/** waitFor (helpers/wait.ts) with the UI tests' 2 s deadline. */
export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 2000): Promise<T> {
	return waitFor(what, check, timeoutMs);
}

/** The timeline's start in nightTimeline(); its window ends a minute later. */
export const TIMELINE_T = new Date(2026, 0, 2, 3, 4, 0).getTime();

/**
 * broker-a live for 20 s, killed: no live for 412 ms (as probes saw it), then our #1 (an
 * activated backup); at 40 s #1 is forced to fail over to our #2 in 0.4 ms (the nodes' clock).
 */
export function nightTimeline(): Timeline {
	const T = TIMELINE_T;
	const a = makeNode(1, 'backup', 'backup');
	const b = makeNode(2, 'backup', 'backup');
	let timeline = observe(emptyTimeline(), 'live', T, {kind: 'held', label: 'broker-a'});
	timeline = observe(timeline, 'state', T, {kind: 'state', label: 'L'});
	timeline = observeNode(timeline, a, 'backup', 'idle', T + 1000);
	timeline = observeNode(timeline, b, 'waiting-backup-lock', 'idle', T + 1000);
	timeline = observe(timeline, 'live', T + 20_000, {kind: 'free', label: ''});
	timeline = observeNode(timeline, a, 'live', 'backup', T + 20_412);
	timeline = observeNode(timeline, b, 'backup', 'waiting-backup-lock', T + 20_413);
	timeline = observeNode(timeline, a, 'stopped', 'live', T + 40_000.1);
	timeline = observeNode(timeline, b, 'live', 'backup', T + 40_000.5);
	return observe(timeline, 'backup', T + 40_001, {kind: 'free', label: ''});
}
