// Live and backup activations over a NodeManager: the shared-store HA algorithm of
// docs/protocol.md (HornetQ's design; Artemis' SharedStorePrimaryActivation and
// SharedStoreBackupActivation). The node is an explicit state machine: every phase change
// goes through setPhase, which refuses a transition the table does not list.
// It reacts to events, not to sleeps: a lock wait sits in the kernel, and where the state
// byte says "wait" (P, F, 0, N) or an activated backup watches for F, the node waits for a
// change of server.lock (inotify), with a timeout as the fallback (other NFS hosts' writes).
import {EventEmitter} from 'node:events';
import process from 'node:process';
import {setTimeout as sleep} from 'node:timers/promises';
import {STATE} from '../lock-file/format.js';
import {monotonicMs} from '../time.js';
import type {NodeManager} from './node-manager.js';

export type NodeRole = 'live' | 'backup';

export type NodePhase =
	| 'idle'
	| 'waiting-backup-lock'
	| 'backup'
	| 'waiting-live-lock'
	| 'failing-back'
	| 'live'
	| 'stepping-down'
	| 'paused'
	| 'stopped'
	| 'lost-lock';

/** Which phase may follow which. Terminal phases have none. */
export const PHASE_TRANSITIONS: Readonly<Record<NodePhase, readonly NodePhase[]>> = {
	idle: ['failing-back', 'live', 'waiting-backup-lock', 'backup', 'stopped'],
	'failing-back': ['live', 'stopped', 'lost-lock'],
	'waiting-backup-lock': ['backup', 'waiting-backup-lock', 'stopped'],
	backup: ['waiting-live-lock', 'live', 'waiting-backup-lock', 'stopped'],
	'waiting-live-lock': ['live', 'waiting-backup-lock', 'stopped'],
	live: ['stepping-down', 'paused', 'stopped', 'lost-lock'],
	'stepping-down': ['waiting-backup-lock', 'backup', 'stopped'],
	paused: [],
	stopped: [],
	'lost-lock': [],
};

/** A phase nothing follows (paused, stopped, lost-lock): the node has ended. */
export const isTerminalPhase = (phase: NodePhase) => PHASE_TRANSITIONS[phase].length === 0;

export class IllegalTransitionError extends Error {
	override name = 'IllegalTransitionError';
}

/** Throws IllegalTransitionError unless the table lists from → to (every phase change goes through here). */
export function checkTransition(from: NodePhase, to: NodePhase): void {
	if (!PHASE_TRANSITIONS[from].includes(to)) throw new IllegalTransitionError(`illegal transition ${from} → ${to}`);
}

export type NodeEvent = {
	readonly event: Exclude<NodePhase, 'idle'> | 'error';
	/** Wall clock, ms since the epoch. */
	readonly time: number;
	/** CLOCK_MONOTONIC in ms (process.hrtime), comparable across processes on one host. */
	readonly mono: number;
	readonly pid: number;
	readonly role: NodeRole;
	readonly nodeId?: string;
	/** e.g. "state P: backing off", "activated after the live died" */
	readonly detail?: string;
	/** For `live`: ms from the start of the lock wait that ended it. */
	readonly waitedMs?: number;
};

/**
 * A look at the store that decided to wait and change nothing: a backup that read P, F, 0 or N
 * (or, on a table, did not try the live lock), a backup waiting for a deleted lock file to come
 * back. A decision not to act leaves no other trace outside the process: `ha-tui node --trace`
 * prints these, so whoever watches the node (its tests, an operator asking "why does the backup
 * not take over?") sees each look happen instead of waiting and hoping.
 */
export type NodeLook = Omit<NodeEvent, 'event' | 'waitedMs'> & {
	readonly event: 'look';
	/** Looks of this kind since the node started: the nth time it decided to wait. */
	readonly looks: number;
	/** The state byte it read, as a character ('P'); absent where it read none (the file missing). */
	readonly state?: string;
	readonly detail: string;
};

export type HaNodeOptions = {
	role: NodeRole;
	/** An activated backup steps down when a live announces failback (F). Artemis default: on. */
	allowFailback?: boolean;
	/** Stopping a live leaves L (a backup takes over) instead of writing P. */
	failoverOnShutdown?: boolean;
	/** How often a live checks it still holds its lock (Artemis: every 2 s). */
	lostLockCheckMs?: number;
	/** At most this long between looks for F by an activated backup when no file event comes. */
	failbackCheckMs?: number;
	/** At most this long between looks at a P, F, 0 or N state when no file event comes. */
	backoffMs?: number;
	/** How long a stop may wait for the state lock to write P before it gives up. */
	stopTimeoutMs?: number;
};

export {monotonicMs} from '../time.js';

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** Why a backup's attempt ended: the path no longer names the file it queued on. */
class FileReplaced extends Error {
	override name = 'FileReplaced';
}

export class HaNode extends EventEmitter<{event: [NodeEvent]; look: [NodeLook]}> {
	readonly role: NodeRole;
	private currentPhase: NodePhase = 'idle';
	private since = Date.now();
	private wasActivated = false;
	private readonly options: Required<HaNodeOptions>;
	private readonly controller = new AbortController();
	private running: Promise<void> | undefined;
	private stopping: Promise<void> | undefined;
	/** The state a starting live found before it wrote F (to undo an F that led nowhere). */
	private stateBeforeFailback: number | undefined;
	/** Looks that decided to wait (NodeLook.looks). */
	private looks = 0;

	constructor(readonly manager: NodeManager, options: HaNodeOptions) {
		super();
		this.role = options.role;
		this.options = {
			allowFailback: true,
			failoverOnShutdown: false,
			lostLockCheckMs: 200,
			failbackCheckMs: 250,
			backoffMs: 250,
			stopTimeoutMs: 2000,
			...options,
		};
	}

	get phase(): NodePhase {
		return this.currentPhase;
	}

	/** When the current phase began (ms epoch). */
	get phaseSince(): number {
		return this.since;
	}

	/** True once this node (role backup) took over as live. */
	get activated(): boolean {
		return this.wasActivated;
	}

	/** The state byte a live node found before it wrote F (what a stop while failing back puts back). */
	get stateBeforeFailingBack(): number | undefined {
		return this.stateBeforeFailback;
	}

	get nodeId(): string | undefined {
		return this.manager.nodeId;
	}

	get isLive(): boolean {
		return this.currentPhase === 'live';
	}

	/** Opens the store and runs the activation in the background; events tell the progress. */
	start(): void {
		if (this.running) throw new Error('node already started');
		// Bad input throws here, at once; a store that must wait before it can open (see
		// NodeManager.open) runs the activation after it, and reports failure as an 'error' event.
		const opened = this.manager.open({signal: this.controller.signal});
		this.running = (async () => {
			await opened;
			await (this.role === 'live' ? this.runLive() : this.runBackup());
		})().catch(async (error: unknown) => {
			if (isAbort(error) && this.controller.signal.aborted) return;
			this.emitEvent('error', {detail: error instanceof Error ? error.message : String(error)});
			this.shutDown('stopped', true);
		});
	}

	/** Clean stop. A live writes P (backups stay put) unless failover is asked for: then it leaves L. Idempotent. */
	async stop(options: {failover?: boolean} = {}): Promise<void> {
		// A database store releases asynchronously: stop() resolves once that is done.
		this.stopping ??= this.stopOnce(options.failover ?? this.options.failoverOnShutdown).then(async () => this.manager.settled?.());
		return this.stopping;
	}

	private async stopOnce(failover: boolean): Promise<void> {
		this.controller.abort();
		await this.running?.catch(() => {});
		if (isTerminalPhase(this.currentPhase)) return;
		if (this.currentPhase === 'failing-back' && this.stateBeforeFailback === STATE.live) {
			// We announced failback to a running group and never got the lock. Left in place, our
			// F would keep every backup from taking over when that live dies later: put its L
			// back, and the file's times with it (a newer mtime with L reads as a takeover to an
			// Artemis 2.29+ primary), unless someone wrote since (another failback, a pause).
			const restored = await this.manager.undoLastWrite(STATE.live, AbortSignal.timeout(this.options.stopTimeoutMs)).catch(() => false);
			this.shutDown('stopped', true, restored ? 'stopped before getting the live lock; put back the L it replaced' : 'stopped before getting the live lock');
			return;
		}

		if (this.currentPhase !== 'live') {
			this.shutDown('stopped', true);
			return;
		}

		if (failover) {
			this.shutDown('stopped', true, 'left L: a backup takes over');
			return;
		}

		try {
			await this.manager.writeState(STATE.paused, AbortSignal.timeout(this.options.stopTimeoutMs));
			this.shutDown('paused', true, 'wrote P: backups will not take over');
		} catch (error) {
			// The state lock never came free (a frozen holder): leave L rather than hang.
			this.shutDown('stopped', true, `could not write P (${error instanceof Error ? error.message : String(error)}): left L, a backup may take over`);
		}
	}

	/** Pause a live (P) or stop a backup. */
	async pause(): Promise<void> {
		return this.stop({failover: false});
	}

	/** Stop a live leaving L, as a crash would: the next backup takes over. */
	async forceFailover(): Promise<void> {
		return this.stop({failover: true});
	}

	/** Drops everything without a word in the file, as SIGKILL would (for tests and demos). */
	crash(): void {
		this.stopping ??= (this.running ?? Promise.resolve()).catch(() => {});
		this.controller.abort();
		this.shutDown('stopped', false, 'crashed: locks dropped, nothing written');
	}

	/**
	 * Ends the node. It says so before letting go — once the lock is free another node may
	 * report live, and anyone reading the events in order must never see two lives — and lets
	 * go in `finally`, so a throwing listener cannot keep the lock held.
	 */
	private shutDown(phase: 'stopped' | 'paused' | 'lost-lock', unlock: boolean, detail?: string): void {
		if (isTerminalPhase(this.currentPhase)) return;
		this.controller.abort();
		try {
			this.setPhase(phase, {detail});
		} finally {
			if (unlock) {
				for (const segment of ['live', 'backup'] as const) {
					try {
						void this.manager.unlock(segment);
					} catch {}
				}
			}

			this.manager.close();
		}
	}

	private emitEvent(event: NodeEvent['event'], extra: Partial<NodeEvent> = {}): void {
		const record: NodeEvent = {event, time: Date.now(), mono: monotonicMs(), pid: process.pid, role: this.role, nodeId: this.manager.nodeId, ...extra};
		this.emit('event', record);
	}

	/** Says that a look decided to wait (NodeLook); costs nothing when nobody listens. */
	private looked(state: number | undefined, detail: string): void {
		this.looks++;
		if (this.listenerCount('look') === 0) return;
		const look: NodeLook = {event: 'look', time: Date.now(), mono: monotonicMs(), pid: process.pid, role: this.role, nodeId: this.manager.nodeId, looks: this.looks, ...(state === undefined ? {} : {state: String.fromCharCode(state)}), detail};
		this.emit('look', look);
	}

	private setPhase(phase: Exclude<NodePhase, 'idle'>, extra: Partial<NodeEvent> = {}): void {
		checkTransition(this.currentPhase, phase);
		this.currentPhase = phase;
		this.since = Date.now();
		this.emitEvent(phase, extra);
	}

	private async runLive(): Promise<void> {
		const {signal} = this.controller;
		// A starting live always announces failback first, so an activated backup steps down
		// and waiting backups keep off the live lock until we have it.
		// The event comes whether or not the lock is free: an activated backup may step down
		// before we even ask, and the F is in the file either way.
		this.stateBeforeFailback = await this.manager.readState(signal);
		await this.manager.writeState(STATE.failingBack, signal);
		this.setPhase('failing-back', {detail: 'wrote F, taking the live lock'});
		const started = monotonicMs();
		if (!(await this.manager.tryLock('live'))) await this.manager.waitLock('live', signal);

		if (!this.manager.sameFile()) {
			// Granted on a file that was deleted or replaced while we waited: not a live lock any more.
			this.shutDown('lost-lock', false, 'the lock file was deleted or replaced while waiting for the live lock');
			return;
		}

		await this.manager.writeState(STATE.live, signal);
		this.setPhase('live', {waitedMs: monotonicMs() - started});
		await this.monitorWhileLive();
	}

	private async runBackup(): Promise<void> {
		const {signal} = this.controller;
		for (;;) {
			// A backup queues on one inode. If the file is deleted or replaced (an operator's rm,
			// a bad NFS remount) its locks there mean nothing: watch for it and rejoin on the new file.
			const replacement = this.watchForReplacement();
			const attempt = AbortSignal.any([signal, replacement.signal]);
			try {
				await this.joinBackupsAndAwaitLive(attempt);
			} catch (error) {
				if (signal.aborted || !(attempt.reason instanceof FileReplaced || error instanceof FileReplaced)) throw error;
				await this.rejoinOnNewFile();
				continue;
			} finally {
				replacement.dispose();
			}

			await this.monitorWhileLive();
			// monitorWhileLive returns only after stepping down (or when the node ended).
			if (isTerminalPhase(this.currentPhase)) return;
		}
	}

	/** A signal that aborts when the path stops naming the file we opened, until disposed. */
	private watchForReplacement(): {signal: AbortSignal; dispose: () => void} {
		const replaced = new AbortController();
		const timer = setInterval(() => {
			if (this.manager.sameFile()) return;
			clearInterval(timer);
			replaced.abort(new FileReplaced('the lock file was deleted or replaced'));
		}, this.options.lostLockCheckMs);
		return {signal: replaced.signal, dispose: () => clearInterval(timer)};
	}

	private async rejoinOnNewFile(): Promise<void> {
		this.manager.close();
		this.setPhase('waiting-backup-lock', {detail: 'the lock file was deleted or replaced: rejoining on the file at the path'});
		for (;;) {
			try {
				// Never create it: whoever removed it may mean it. Wait for it to come back.
				await this.manager.open({create: false, signal: this.controller.signal});
				return;
			} catch (error) {
				if (isAbort(error)) throw error;
				this.looked(undefined, 'the lock file is not at the path: waiting for it to come back (a backup never creates it)');
				await sleep(this.options.lostLockCheckMs, undefined, {signal: this.controller.signal});
			}
		}
	}

	private async joinBackupsAndAwaitLive(signal: AbortSignal): Promise<void> {
		if (!(await this.manager.tryLock('backup'))) {
			if (this.currentPhase !== 'waiting-backup-lock') this.setPhase('waiting-backup-lock');
			await this.manager.waitLock('backup', signal);
		}

		this.setPhase('backup');
		for (;;) {
			const before = await this.manager.readState(signal);
			if (before === undefined || before === STATE.firstStart || before === STATE.notStarted) {
				// No live has ever run: nothing to take over yet. Wait for a write.
				this.looked(before, `state ${before === undefined ? 'unreadable' : String.fromCharCode(before)}: no live has run yet, nothing to take over; waiting for a change`);
				await this.manager.waitForChange(this.options.backoffMs, signal);
				continue;
			}

			if (before !== STATE.live && this.manager.readsStateBeforeLiveLock) {
				// JdbcNodeManager: P or F means wait, without touching the live lock at all.
				this.looked(before, `state ${String.fromCharCode(before)}: not taking over (the live lock is not tried); waiting for a change`);
				await this.manager.waitForChange(this.options.backoffMs, signal);
				continue;
			}

			const started = monotonicMs();
			if (!(await this.manager.tryLock('live'))) {
				if (this.currentPhase !== 'waiting-live-lock') this.setPhase('waiting-live-lock');
				await this.manager.waitLock('live', signal);
			}

			const waitedMs = monotonicMs() - started;
			if (!this.manager.sameFile()) {
				// The lock we got is on a file no longer at the path (its live died after an rm or
				// a replace): taking over there would make a second live. Rejoin instead.
				await this.manager.unlock('live');
				throw new FileReplaced('the lock file was deleted or replaced');
			}

			const state = await this.manager.readState(signal);
			if (state === STATE.live) {
				// The live died without a clean stop: we are live now (lock held, L in place).
				// As Artemis 2.29+: touch server.lock, so a live that is merely frozen or cut off
				// finds out through its lost-lock monitor, and file watchers see the takeover now.
				// Not a write of L: that could overwrite an F a failing-back live wrote in between.
				this.manager.touch();
				await this.manager.unlock('backup');
				// Before the event: whoever handles 'live' reads `activated` and must see true.
				this.wasActivated = true;
				this.setPhase('live', {detail: 'activated: the live lock was free and the state was L', waitedMs});
				return;
			}

			// P (clean stop) or F (failback in progress): do not take over; wait for a change.
			await this.manager.unlock('live');
			this.looked(state, `live lock free, state ${state === undefined ? 'unreadable' : String.fromCharCode(state)}: not taking over; waiting for a change`);
			await this.manager.waitForChange(this.options.backoffMs, signal);
		}
	}

	/** Lost-lock monitor for any live; failback checker for an activated backup. */
	private async monitorWhileLive(): Promise<void> {
		const {signal} = this.controller;
		const watchFailback = this.role === 'backup' && this.options.allowFailback;
		const period = watchFailback ? Math.min(this.options.lostLockCheckMs, this.options.failbackCheckMs) : this.options.lostLockCheckMs;
		for (;;) {
			// A file event (F written, the file touched) wakes us at once; the period is the fallback.
			await this.manager.waitForChange(period, signal);
			const lost = await this.manager.lostLock(signal);
			if (lost) {
				// Another live may exist. Stop acting as live at once and never write to the file again.
				this.shutDown('lost-lock', false, lost);
				return;
			}

			if (watchFailback && await this.manager.readState(signal) === STATE.failingBack) {
				this.setPhase('stepping-down', {detail: 'a live announced failback (F)'});
				await this.manager.unlock('live'); // without writing P: the failing-back live takes over
				return;
			}
		}
	}
}
