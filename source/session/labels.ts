// Words for node phases and lock holders, shared by the event log, the dialogs and the screen.
// Every holder the TUI names goes through holderName here (one place to follow the
// holder-to-text function below the session once the snapshot carries it).
import {brokerLabel, type BrokerInfo} from '../broker/index.js';
import {isTerminalPhase, type NodePhase} from '../node-manager/ha-node.js';
import type {Holder} from '../lock-file/probe.js';
import {HIDDEN_HOLDER} from '../broker/holder-text.js';
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

/** `broker-a (primary) pid 4264` or `pid 4264 OFD` — the part of a holder that fits anywhere. */
export function holderName(holder: Holder): string {
	if (holder.sameProcess) return `this process (${holder.kind})`;
	if (holder.pid === undefined) return `${HIDDEN_HOLDER} (${holder.kind})`;
	const broker = holderBroker(holder);
	return broker ? `${brokerLabel(broker)} pid ${holder.pid}` : `pid ${holder.pid} ${holder.kind}`;
}

/** `broker-a (primary) pid 4264` or `pid 4264`: who, without the lock kind (event log sentences). */
export function holderWho(holder: Holder): string {
	if (holder.sameProcess) return 'this process';
	if (holder.pid === undefined) return HIDDEN_HOLDER;
	const broker = holderBroker(holder);
	return broker ? `${brokerLabel(broker)} pid ${holder.pid}` : `pid ${holder.pid}`;
}
