// From what the session sees (snapshots, node events) to timeline observations (timeline.ts).
// Holders are named as everywhere else (holder-brokers.ts put the broker on them): the broker's
// name when ha-tui knows it, else the pid; our own nodes by their label (#2), since they all
// share this process' pid.
import type {NodePhase} from '../node-manager/ha-node.js';
import type {Holder} from '../lock-file/probe.js';
import {isFrozenState} from '../lock-file/verdict.js';
import type {Snapshot} from '../watch/snapshot.js';
import {holderBroker} from './labels.js';
import {observe, mark, type LockRowId, type Observation, type SpanKind, type Timeline} from './timeline.js';
import type {NodeView} from './types.js';

/** Labels come from outside (broker.xml names): at most this long, no control characters. */
const MAX_LABEL = 32;

export function cleanLabel(text: string): string {
	// eslint-disable-next-line no-control-regex
	const clean = text.replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, '').trim();
	return clean.length > MAX_LABEL ? `${clean.slice(0, MAX_LABEL - 1)}…` : clean;
}

/** `broker-a`, `pid 4264`, `hidden`: a holder as short as a segment needs. */
export function holderShortName(holder: Holder): string {
	if (holder.pid === undefined) return 'hidden';
	const name = holderBroker(holder)?.name;
	return name ? cleanLabel(name) : `pid ${holder.pid}`;
}

/** Which of our nodes a "this process" lock belongs to, judging by their phases. */
export function ourHolder(segment: LockRowId, nodes: readonly NodeView[]): NodeView | undefined {
	if (segment === 'live') return nodes.find(node => node.phase === 'live');
	if (segment === 'backup') return nodes.find(node => node.phase === 'backup' || (node.role === 'backup' && node.phase === 'waiting-live-lock'));
	return undefined;
}

/** Undefined: this process holds it but none of our nodes says so yet (its event is on its way, exact). */
export function lockObservation(snapshot: Snapshot, segment: 'live' | 'backup', nodes: readonly NodeView[]): Observation | undefined {
	const probe = snapshot.probe;
	if (snapshot.status !== 'ok' || !probe) return {kind: 'unknown', label: snapshot.status === 'missing' ? 'no file' : 'unreadable'};
	const lock = probe.locks[segment];
	if (!lock.locked) return {kind: 'free', label: ''};
	const names = lock.holders.map(holder => (holder.sameProcess ? ourHolder(segment, nodes)?.label : holderShortName(holder)));
	if (names.includes(undefined)) return undefined;
	const holders = lock.holders.map((holder, index) => (holder.sameProcess || holder.pid === undefined ? names[index]! : String(holder.pid)));
	return {kind: lock.holders.some(holder => isFrozenState(holder.state)) ? 'frozen' : 'held', label: [...new Set(names)].join('+') || 'hidden', holders: lock.holders.some(holder => holder.pid === undefined) ? [] : holders};
}

export function stateObservation(snapshot: Snapshot): Observation {
	const state = snapshot.probe?.state;
	if (snapshot.status !== 'ok' || state === undefined) return {kind: 'unknown', label: ''};
	return {kind: 'state', label: state >= 0x20 && state <= 0x7E ? String.fromCharCode(state) : `0x${state.toString(16).padStart(2, '0')}`};
}

/**
 * One probe's picture: the lock rows and the state byte; the state lock held is a mark. after:
 * the last look (kernel pulse or probe) that still saw the locks as before this one — what
 * changed, changed after it (the range of a gap, store/no-live.ts).
 */
export function observeSnapshot(timeline: Timeline, snapshot: Snapshot, nodes: readonly NodeView[], after?: number): Timeline {
	const time = snapshot.takenAt;
	let next = timeline;
	for (const segment of ['live', 'backup'] as const) {
		const seen = lockObservation(snapshot, segment, nodes);
		if (seen) next = observe(next, segment, time, after === undefined ? seen : {...seen, after});
	}

	next = observe(next, 'state', time, stateObservation(snapshot));
	if (snapshot.probe?.locks.state.locked) next = mark(next, time);
	return next;
}

const phaseSpan = (role: NodeView['role'], phase: NodePhase): Observation => {
	const spans: Record<NodePhase, [SpanKind, string]> = {
		idle: ['waiting', 'starting'],
		'waiting-backup-lock': ['waiting', 'waiting'],
		backup: ['backup', 'backup'],
		'waiting-live-lock': role === 'backup' ? ['backup', 'backup'] : ['waiting', 'waiting'],
		'failing-back': ['moving', 'failing back'],
		live: ['live', 'LIVE'],
		'stepping-down': ['moving', 'stepping down'],
		paused: ['stopped', 'paused'],
		stopped: ['stopped', 'stopped'],
		'lost-lock': ['lost', 'LOST LOCK'],
	};
	const [kind, label] = spans[phase];
	return {kind, label};
};

/** At most this many node rows: the oldest finished ones go first. */
export const MAX_NODE_ROWS = 12;

/**
 * A node's phase change at its exact time. Its own lock moves are exact too: it became live
 * (the primary row is its from now), or let go of the live lock (free from now, until a probe
 * or another node says who took it).
 */
export function observeNode(timeline: Timeline, node: Pick<NodeView, 'id' | 'label' | 'role'>, phase: NodePhase, previous: NodePhase, time: number): Timeline {
	let next = observe(timeline, `node:${node.id}`, time, phaseSpan(node.role, phase), true, `${node.label} ${node.role}`);
	if (phase === 'live') next = observe(next, 'live', time, {kind: 'held', label: node.label}, true);
	else if (previous === 'live' && phase !== 'lost-lock') next = observe(next, 'live', time, {kind: 'free', label: ''}, true);
	if (phase === 'backup') next = observe(next, 'backup', time, {kind: 'held', label: node.label}, true);
	const nodeRows = next.rows.filter(row => row.id.startsWith('node:'));
	if (nodeRows.length > MAX_NODE_ROWS) {
		const finished = nodeRows.find(row => ['stopped', 'lost'].includes(row.spans.at(-1)?.kind ?? '')) ?? nodeRows[0];
		next = {...next, rows: next.rows.filter(row => row !== finished)};
	}

	return next;
}
