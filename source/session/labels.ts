// Words for node phases, shared by the event log, the dialogs and the screen. Holders are
// worded by broker/holder-text.ts (holderText's 'name' form), as everywhere else.
import type {BrokerInfo} from '../broker/index.js';
import {isTerminalPhase, type NodePhase} from '../node-manager/ha-node.js';
import type {Holder} from '../lock-file/probe.js';
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

export function isRunning(node: Pick<NodeView, 'phase'>): boolean {
	return !isTerminalPhase(node.phase);
}

/** `#2 backup` — a node as people refer to it on screen. */
export function nodeName(node: Pick<NodeView, 'label' | 'role'>): string {
	return `${node.label} ${node.role}`;
}

/** A holder with the broker behind it, when known (null: looked, not a broker we can read). */
export type HolderWithBroker = Holder & {readonly broker?: BrokerInfo | null};

/** The broker behind a holder (from its command line and broker.xml), if ha-tui knows it. */
export function holderBroker(holder: Holder): BrokerInfo | undefined {
	return (holder as HolderWithBroker).broker ?? undefined;
}
