// When an action makes sense, and what it will do, in words. Pure functions of the view:
// the screen asks before it offers a confirmation, the session asks again before it acts
// (the group may have changed while the question was on screen).
import {STATE, describeStateByte} from '../lock-file/format.js';
import {holderName, isRunning, nodeName, phaseLabel} from './labels.js';
import type {NodeView, SessionView} from './types.js';

export type Plan =
	| {readonly ok: false; readonly message: string}
	/** message says what will happen; confirm: ask y/n first (it disturbs the group). */
	| {readonly ok: true; readonly message: string; readonly confirm: boolean};

const refuse = (message: string): Plan => ({ok: false, message});

/** Who holds the live lock, naming an in-process node when it is one of ours. */
export function liveHolder(view: SessionView): {text: string; node?: NodeView} | undefined {
	const lock = view.snapshot.probe?.locks.live;
	if (!lock?.locked) return undefined;
	const holder = lock.holders[0];
	if (holder?.sameProcess) {
		const node = view.nodes.find(candidate => candidate.phase === 'live');
		if (node) return {text: `${nodeName(node)} (this process)`, node};
	}

	return {text: holder ? holderName(holder) : 'a holder on another host'};
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

	return holder ? holderName(holder) : 'a holder on another host';
}

function failbackInProgress(view: SessionView): NodeView | undefined {
	return view.nodes.find(node => node.role === 'live' && (node.phase === 'failing-back' || node.phase === 'idle'));
}

export function planStartLive(view: SessionView): Plan {
	const holder = liveHolder(view);
	if (!holder) return {ok: true, confirm: false, message: 'start a live node: it writes F, takes the free live lock and writes L'};
	if (holder.node && !holder.node.activated) {
		return {ok: true, confirm: true, message: `start another live node? The live lock is held by ${holder.text}, a live (not a backup): it will not step down, so the new node waits and the state stays F (failing back) meanwhile.`};
	}

	return {ok: true, confirm: true, message: `failback: a new live node writes F and waits for the live lock. The current live, ${holder.text}, steps down if it is an activated backup; then the new node becomes live.`};
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
	if (holder.node && !holder.node.activated) return refuse(`no failback: the live is ${holder.text}, which started as a live, not an activated backup`);
	return {ok: true, confirm: true, message: `failback: a new live node writes F and waits; the live backup (${holder.text}) steps down and releases the live lock, then the new node becomes live.`};
}

function findNode(view: SessionView, nodeId: string | undefined): NodeView | Plan {
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

export function planQuit(view: SessionView): Plan {
	const running = view.nodes.filter(node => isRunning(node));
	if (running.length === 0) return {ok: true, confirm: false, message: 'quit'};
	const names = running.map(node => nodeName(node)).join(', ');
	return {ok: true, confirm: true, message: `quit: ${running.length} in-process node${running.length === 1 ? '' : 's'} running (${names}). They will be stopped.`};
}
