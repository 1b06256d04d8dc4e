// When an action makes sense, and what it will do, in words. Pure functions of the view:
// the screen asks before it offers a confirmation, the session asks again before it acts
// (the group may have changed while the question was on screen).
import {STATE, describeStateByte} from '../lock-file/format.js';
import {holderText} from '../broker/holder-text.js';
import {holderBroker, isRunning, nodeName, phaseLabel} from './labels.js';
import type {NodeView, SessionView} from './types.js';

export type Plan =
	| {readonly ok: false; readonly message: string}
	/** message says what will happen; confirm: ask y/n first (it disturbs the group). */
	| {readonly ok: true; readonly message: string; readonly confirm: boolean};

/**
 * What the screen's keys ask before they act (ui/keys.ts): this file's plans for a directory,
 * jdbc-policy.ts's for a table. The same key machine, the store's own words.
 */
export type Planner<V> = {
	readonly startLive: (view: V) => Plan;
	readonly failback: (view: V) => Plan;
	readonly pause: (view: V, nodeId: string | undefined) => Plan;
	readonly forceFailover: (view: V, nodeId: string | undefined) => Plan;
	readonly clear: (view: V) => Plan;
	readonly restart: (view: V, nodeId: string | undefined) => Plan;
	readonly quit: (view: V) => Plan;
};

const refuse = (message: string): Plan => ({ok: false, message});

/** What the live is, as far as ha-tui can tell: it decides whether a failback can work. */
export type LiveKind = 'primary' | 'activated-backup' | 'unknown';

export type LiveHolder = {
	readonly text: string;
	/** One of ours, when the live lock is held in this process. */
	readonly node?: NodeView;
	readonly kind: LiveKind;
	/** Why ha-tui thinks so, for the dialog: "its broker.xml", "it held the backup lock before". */
	readonly because?: string;
	/** A backup broker's allow-failback (false: it never steps down); undefined when unknown. */
	readonly allowFailback?: boolean;
};

/**
 * Who holds the live lock and what it is: one of our nodes (a live, or an activated backup),
 * else a process whose broker.xml names its role, or that was seen holding the backup lock
 * first (an activated backup), else unknown (another host, an unreadable process).
 */
export function liveHolder(view: SessionView): LiveHolder | undefined {
	const lock = view.snapshot.probe?.locks.live;
	if (!lock?.locked) return undefined;
	const holder = lock.holders[0];
	if (holder?.sameProcess) {
		const node = view.nodes.find(candidate => candidate.phase === 'live');
		if (node) return {text: `${nodeName(node)} (this process)`, node, kind: node.activated ? 'activated-backup' : 'primary'};
	}

	if (!holder) return {text: 'a holder on another host', kind: 'unknown'};
	const text = holderText(holder, {form: 'name', kind: true});
	const broker = holderBroker(holder);
	const allowFailback = broker?.role === 'backup' ? broker.allowFailback ?? undefined : undefined;
	if (holder.pid !== undefined && view.backupPids?.includes(holder.pid)) return {text, kind: 'activated-backup', because: 'it held the backup lock before', allowFailback};
	if (broker?.role === 'backup') return {text, kind: 'activated-backup', because: 'its broker.xml says backup', allowFailback};
	if (broker?.role === 'primary') return {text, kind: 'primary', because: 'its broker.xml says primary'};
	return {text, kind: 'unknown'};
}

/** Who holds the backup lock (the next in line), naming an in-process node when it is one of ours. */
export function backupHolder(view: SessionView): string | undefined {
	const lock = view.snapshot.probe?.locks.backup;
	if (!lock?.locked) return undefined;
	const holder = lock.holders[0];
	if (holder?.sameProcess) {
		const node = view.nodes.find(candidate => candidate.phase === 'waiting-live-lock' || candidate.phase === 'backup');
		if (node) return `${nodeName(node)} (this process)`;
	}

	return holder ? holderText(holder, {form: 'name', kind: true}) : 'a holder on another host';
}

function failbackInProgress(view: SessionView): NodeView | undefined {
	return view.nodes.find(node => node.role === 'live' && (node.phase === 'failing-back' || node.phase === 'idle'));
}

/** Where the live lock is, in the layout's terms: "serverlock.1", "byte 1 of server.lock". */
function liveLockPlace(view: SessionView): string {
	const probe = view.snapshot.probe;
	if (!probe) return '';
	if (probe.layout === 'ranges') return ' (byte 1 of server.lock)';
	const name = probe.locks.live.file.split('/').at(-1);
	return name ? ` (${name})` : '';
}

/** What a live that waits behind the current one does to the group meanwhile, and after. */
function waitingLiveConsequences(view: SessionView, holder: string): string {
	const putBack = view.snapshot.probe?.state === STATE.live ? 'p on the waiting node puts the L back.' : 'the F stays until a live writes L.';
	return `While it waits the state stays F, so the backups will NOT take over if ${holder} dies (failover is blocked); if ${holder} dies or stops, the new node becomes live instead of the backup. ${putBack}`;
}

export function planStartLive(view: SessionView): Plan {
	const holder = liveHolder(view);
	if (!holder) return {ok: true, confirm: false, message: `start a live node: it writes F, takes the free live lock${liveLockPlace(view)} and writes L`};
	const because = holder.because ? ` (${holder.because})` : '';
	if (holder.kind === 'primary') {
		return {ok: true, confirm: true, message: `start a second primary? The live lock is held by ${holder.text}, a primary${because}: a primary never steps down. Artemis allows a second one, but the new node writes F over the L and waits for the live lock. ${waitingLiveConsequences(view, holder.text)}`};
	}

	if (holder.kind === 'activated-backup' && holder.allowFailback === false) {
		return {ok: true, confirm: true, message: `start another live? ${holder.text} is a live backup with allow-failback false: it will not step down. The new node writes F and waits for the live lock. ${waitingLiveConsequences(view, holder.text)}`};
	}

	if (holder.kind === 'activated-backup') {
		return {ok: true, confirm: true, message: `failback: a new live node writes F and waits for the live lock. The current live, ${holder.text}, is an activated backup${because}: it steps down and releases the live lock, then the new node becomes live.`};
	}

	return {ok: true, confirm: true, message: `a new live node writes F and waits for the live lock. ha-tui cannot tell what the live, ${holder.text}, is (no readable broker.xml, never seen on the backup lock): if it is an activated backup this is a failback — it steps down and the new node becomes live; if it is a primary it never steps down, and the new node waits. ${waitingLiveConsequences(view, holder.text)}`};
}

export function planFailback(view: SessionView): Plan {
	const {snapshot} = view;
	if (snapshot.status !== 'ok' || !snapshot.probe) return refuse(`no failback: ${snapshot.error ?? 'the lock file cannot be read'}`);
	const waiting = failbackInProgress(view);
	if (waiting) return refuse(`no failback: ${nodeName(waiting)} is already failing back (waiting for the live lock)`);
	const {state} = snapshot.probe;
	const holder = liveHolder(view);
	if (!holder) return refuse(`no failback: no backup is live — nobody holds the live lock (state ${describeStateByte(state)} ${snapshot.probe.stateName}). Press l to start a primary (live).`);
	if (state === STATE.failingBack) return refuse('no failback: one is already in progress (state F: a live is waiting for the live lock)');
	if (state !== STATE.live) return refuse(`no failback: the state is ${describeStateByte(state)} ${snapshot.probe.stateName}, not L, so no backup is live`);
	if (holder.node && holder.kind === 'primary') return refuse(`no failback: the live is ${holder.text}, which started as a live, not an activated backup`);
	if (holder.kind === 'primary') return refuse(`no failback: the live, ${holder.text}, is a primary (${holder.because ?? 'its role'}), not an activated backup: it never steps down. l starts a second primary anyway and says what that does.`);
	if (holder.allowFailback === false) return refuse(`no failback: the live, ${holder.text}, is a backup with allow-failback false: it never steps down for a failback`);
	if (holder.kind === 'unknown') {
		return {ok: true, confirm: true, message: `failback: a new live node writes F and waits for the live lock. ha-tui cannot tell what the live, ${holder.text}, is: if it is an activated backup it steps down and the new node becomes live; if it is a primary it never does. ${waitingLiveConsequences(view, holder.text)}`};
	}

	return {ok: true, confirm: true, message: `failback: a new live node writes F and waits; the live backup (${holder.text}) steps down and releases the live lock, then the new node becomes live.`};
}

/** The node a key is about, or why there is none (shared with jdbc-policy.ts). */
export function findNode(view: {readonly nodes: readonly NodeView[]}, nodeId: string | undefined): NodeView | Plan {
	if (view.nodes.length === 0) return refuse('no in-process node: start one with l (live) or b (backup)');
	const node = view.nodes.find(candidate => candidate.id === nodeId);
	if (!node) return refuse('no node selected: use ↑/↓ or tab');
	if (!isRunning(node)) return refuse(`${nodeName(node)} is already ${phaseLabel[node.phase]}`);
	return node;
}

export function planPause(view: SessionView, nodeId: string | undefined): Plan {
	const node = findNode(view, nodeId);
	if ('ok' in node) return node;
	const name = nodeName(node);
	if (node.phase === 'live') {
		return {ok: true, confirm: true, message: `pause ${name} (live): it writes P and releases the live lock. Backups will NOT take over: the group has NO LIVE until a live starts.`};
	}

	if (node.role === 'live' && node.phase === 'failing-back' && node.stateBeforeFailingBack === STATE.live) {
		// As HaNode.stop does: the L it replaced goes back, unless the file was written since.
		return {ok: true, confirm: true, message: `stop ${name} (${phaseLabel[node.phase]}): it gives up waiting and puts back the L it replaced with F (unless someone wrote the state since), so the backups can take over again if the live dies.`};
	}

	if (node.role === 'live') {
		return {ok: true, confirm: true, message: `stop ${name} (${phaseLabel[node.phase]}): it gives up waiting; the state byte stays F, so backups keep backing off until a live writes L.`};
	}

	return {ok: true, confirm: true, message: `stop ${name} (${phaseLabel[node.phase]}): it releases its locks; another backup may queue in its place.`};
}

export function planForceFailover(view: SessionView, nodeId: string | undefined): Plan {
	const node = findNode(view, nodeId);
	if ('ok' in node) return node;
	if (node.phase !== 'live') return refuse(`force failover needs a live node: ${nodeName(node)} is ${phaseLabel[node.phase]}`);
	const backup = backupHolder(view);
	const next = backup ? `the queued backup, ${backup}, takes over.` : 'NO backup is queued: the group has NO LIVE until one starts.';
	return {ok: true, confirm: true, message: `force failover on ${nodeName(node)}: it releases the live lock leaving L, as a crash would; ${next}`};
}

export function planQuit(view: {readonly nodes: readonly NodeView[]}): Plan {
	const running = view.nodes.filter(node => isRunning(node));
	if (running.length === 0) return {ok: true, confirm: false, message: 'quit'};
	const names = running.map(node => nodeName(node)).join(', ');
	const one = running.length === 1;
	return {ok: true, confirm: true, message: `quit: ${running.length} in-process node${one ? '' : 's'} running (${names}). ${one ? 'It' : 'They'} will be stopped.`};
}

export function planClear(view: SessionView): Plan {
	const finished = view.nodes.filter(node => !isRunning(node));
	if (finished.length === 0) return refuse('nothing to clear: no stopped or paused node in the list');
	const one = finished.length === 1;
	const names = finished.map(node => `${nodeName(node)} ${phaseLabel[node.phase]}`).join(', ');
	return {ok: true, confirm: true, message: `clear ${finished.length} finished node${one ? '' : 's'} (${names}) from the list? ${one ? 'It holds' : 'They hold'} no lock; nothing in the lock file changes.`};
}

export function planRestart(view: SessionView, nodeId: string | undefined): Plan {
	if (view.nodes.length === 0) return refuse('no in-process node: start one with l (live) or b (backup)');
	const node = view.nodes.find(candidate => candidate.id === nodeId);
	if (!node) return refuse('no node selected: use ↑/↓ or tab');
	if (isRunning(node)) return refuse(`${nodeName(node)} is ${phaseLabel[node.phase]}, not stopped: p stops it first`);
	if (node.role === 'backup') return {ok: true, confirm: true, message: `restart ${nodeName(node)} (${phaseLabel[node.phase]}): a new backup takes its place in the list and queues on the backup lock, as b does.`};
	const start = planStartLive(view);
	if (!start.ok) return start;
	return {ok: true, confirm: true, message: `restart ${nodeName(node)} (${phaseLabel[node.phase]}): a new live takes its place in the list. ${start.message}`};
}

/** The directory's plans, for the key machine (ui/keys.ts) and the session. */
export const filePlanner: Planner<SessionView> = {
	startLive: planStartLive,
	failback: planFailback,
	pause: planPause,
	forceFailover: planForceFailover,
	clear: planClear,
	restart: planRestart,
	quit: planQuit,
};
