// What the TUI sees of a session, and what it may ask of it. Components depend on these
// types only, so tests can drive the screen with a fake session and no lock file.
import type {Finding} from '../doctor/types.js';
import type {NodePhase, NodeRole} from '../node-manager/ha-node.js';
import type {Snapshot} from '../watch/snapshot.js';
import type {Timeline} from './timeline.js';

export type NodeView = {
	/** Stable and short, never a pid: all in-process nodes share one. */
	readonly id: string;
	/** `#1`, `#2`, … in start order. */
	readonly label: string;
	readonly role: NodeRole;
	readonly phase: NodePhase;
	/** ms epoch of the last phase change. */
	readonly since: number;
	/** A backup that took over as live. */
	readonly activated: boolean;
	/** A live node: the state byte it found before writing F (a stop while failing back puts an L back). */
	readonly stateBeforeFailingBack?: number;
	readonly detail?: string;
};

export type LogLevel = 'info' | 'ok' | 'warn' | 'error';

export type LogEntry = {
	readonly seq: number;
	/** ms epoch */
	readonly time: number;
	/** watch: seen on the file; node: an in-process node; action: a key the user pressed. */
	readonly source: 'watch' | 'node' | 'action';
	readonly level: LogLevel;
	readonly text: string;
	/** A folded line of state-lock flaps: each flap (the latest FOLDED_LIMIT), for the unfolded events panel. */
	readonly folded?: ReadonlyArray<{readonly time: number; readonly text: string}>;
};

import type {WaitingBroker} from '../broker/waiting.js';

export type SessionView = {
	readonly path: string;
	readonly fsKind: string;
	/** inotify cannot see other hosts' writes on this file system: changes arrive by polling. */
	readonly polling: boolean;
	readonly intervalMs: number;
	readonly snapshot: Snapshot;
	readonly nodes: readonly NodeView[];
	/** Oldest first, bounded. */
	readonly log: readonly LogEntry[];
	/** Shown above the panels, e.g. the demo's "press k on the live" hint. */
	readonly banner?: string;
	/** Absent while there is no lock file to diagnose. */
	readonly doctor?: DoctorView;
	/** Pids of other processes seen holding the backup lock while watching: a live among them is an activated backup. */
	readonly backupPids?: readonly number[];
	/** ms epoch of the first snapshot: a lock already held then has been held for longer than it was seen. */
	readonly watchingSince?: number;
	/** Who held each lock and what each node did, over the last hour (timeline.ts); a new object on every change. */
	readonly timeline?: Timeline;
	/** Brokers of this group on this host that hold no lock (a second backup polling, a primary starting). */
	readonly waiting?: readonly WaitingBroker[];
};

/** The doctor's findings on the current snapshot (see session/doctor.ts). */
export type DoctorView = {
	/** Worst first. */
	readonly findings: readonly Finding[];
	/** Every broker on this host was looked at (the `d` panel's look), not only the lock holders. */
	readonly full: boolean;
};

export type ActionResult = {readonly ok: boolean; readonly message: string};

/** What a screen asks of its session's in-process nodes: the file session and the JDBC one alike (node-registry.ts). */
export interface NodeActions {
	startLive(): ActionResult;
	startBackup(): ActionResult;
	/** Like startLive, refused unless a backup is live. */
	requestFailback(): ActionResult;
	pause(nodeId: string): Promise<ActionResult>;
	forceFailover(nodeId: string): Promise<ActionResult>;
	/** Drops the stopped and paused nodes from the list. */
	clearFinished(): ActionResult;
	/** Starts a node of the same role in a finished node's place. */
	restart(nodeId: string): ActionResult;
	/** Stops every running in-process node; a live pauses (P) unless failover is asked for. */
	stopAll(options: {failover: boolean}): Promise<void>;
}

export interface SessionLike extends NodeActions {
	getView(): SessionView;
	/** Called after every change of the view; returns the unsubscribe function. */
	subscribe(listener: () => void): () => void;
	/** The `d` panel is open: look at every broker on this host now, and every few seconds until closed. */
	setDoctorOpen(open: boolean): void;
}
