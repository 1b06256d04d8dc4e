// Words for node phases and lock holders, shared by the event log and the screen.
import type {NodePhase} from '../node-manager/ha-node.js';
import type {Holder} from '../lock-file/probe.js';
import {HOLDER_NOT_VISIBLE} from '../watch/changes.js';
import type {NodeView} from './types.js';

export const phaseLabel: Readonly<Record<NodePhase, string>> = {
	idle: 'starting',
	'waiting-backup-lock': 'waiting for backup lock',
	backup: 'backup',
	'waiting-live-lock': 'waiting for live lock',
	'failing-back': 'failing back',
	live: 'live',
	'stepping-down': 'stepping down',
	paused: 'paused',
	stopped: 'stopped',
	'lost-lock': 'lost lock',
};

const finished = new Set<NodePhase>(['paused', 'stopped', 'lost-lock']);

export function isRunning(node: Pick<NodeView, 'phase'>): boolean {
	return !finished.has(node.phase);
}

/** `#2 backup` — a node as people refer to it on screen. */
export function nodeName(node: Pick<NodeView, 'label' | 'role'>): string {
	return `${node.label} ${node.role}`;
}

/** `pid 4264 OFD` — the part of a holder that fits anywhere. */
export function holderName(holder: Holder): string {
	if (holder.sameProcess) return `this process (${holder.kind})`;
	if (holder.pid === undefined) return `${HOLDER_NOT_VISIBLE} (${holder.kind})`;
	return `pid ${holder.pid} ${holder.kind}`;
}
