// Live and backup activations over a NodeManager: the shared-store HA algorithm of
// PROTOCOL.md (HornetQ's design, Artemis' SharedStoreLiveActivation / SharedStoreBackupActivation).
import {EventEmitter} from 'node:events';
import process from 'node:process';
import {STATE} from '../lock-file/format.js';
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

export type HaNodeOptions = {
	role: NodeRole;
	/** An activated backup steps down when a live announces failback (F). Artemis default: on. */
	allowFailback?: boolean;
	/** Stopping a live leaves L (a backup takes over) instead of writing P. */
	failoverOnShutdown?: boolean;
	/** How often a live checks it still holds its lock on the same file. */
	lostLockCheckMs?: number;
	/** How often an activated backup looks for F. */
	failbackCheckMs?: number;
	/**
	 * Pause between looks when the state says "do not take over" (P, F, 0, N). Artemis waits
	 * 2 s; a look is three syscalls (~20 µs), and a backup backing off when the live dies
	 * takes over only after it, so ha-tui looks every 50 ms.
	 */
	backoffMs?: number;
};

export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** Abort reason of a backup's wait when the path stops naming the file it queued on. */
class FileReplaced extends Error {
	override name = 'AbortError';
}

export class HaNode extends EventEmitter<{event: [NodeEvent]}> {
	readonly role: NodeRole;
	phase: NodePhase = 'idle';
	phaseSince = Date.now();
	/** True once this node (role backup) took over as live. */
	activated = false;
	private readonly options: Required<HaNodeOptions>;
	private controller = new AbortController();
	private timers = new Set<NodeJS.Timeout>();
	private running: Promise<void> | undefined;
	private stopping = false;

	constructor(readonly manager: NodeManager, options: HaNodeOptions) {
		super();
		this.role = options.role;
		this.options = {
			allowFailback: true,
			failoverOnShutdown: false,
			lostLockCheckMs: 200,
			failbackCheckMs: 200,
			backoffMs: 50,
			...options,
		};
	}

	get nodeId(): string | undefined {
		return this.manager.nodeId;
	}

	get isLive(): boolean {
		return this.phase === 'live';
	}

	/** Opens the store and runs the activation in the background; events tell the progress. */
	start(): void {
		if (this.running) throw new Error('node already started');
		this.manager.open();
		this.running = (this.role === 'live' ? this.runLive() : this.runBackup()).catch(error => {
			if (isAbort(error)) return;
			this.emitEvent('error', {detail: error instanceof Error ? error.message : String(error)});
			this.shutDown('stopped', false);
		});
	}

	/** Clean stop. A live writes P (backups stay put) unless failover is asked for: then it leaves L. */
	async stop(options: {failover?: boolean} = {}): Promise<void> {
		const failover = options.failover ?? this.options.failoverOnShutdown;
		if (this.stopping) return this.running;
		this.stopping = true;
		this.controller.abort();
		await this.running?.catch(() => {});
		if (this.phase === 'stopped' || this.phase === 'paused' || this.phase === 'lost-lock') return;
		const wasLive = this.phase === 'live';
		if (wasLive && !failover) {
			this.manager.writeState(STATE.paused);
			this.shutDown('paused', true, 'wrote P: backups will not take over');
		} else {
			this.shutDown('stopped', true, wasLive ? 'left L: a backup takes over' : undefined);
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
		this.stopping = true;
		this.controller.abort();
		this.shutDown('stopped', false, 'crashed: locks dropped, nothing written');
	}

	private shutDown(phase: 'stopped' | 'paused' | 'lost-lock', unlock: boolean, detail?: string): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		// Say it before letting go: once the lock is free another node may report live, and
		// anyone reading the events in order must never see two lives.
		this.setPhase(phase, {detail});
		if (unlock) {
			for (const segment of ['live', 'backup'] as const) {
				try {
					this.manager.unlock(segment);
				} catch {}
			}
		}

		this.manager.close();
	}

	private emitEvent(event: NodeEvent['event'], extra: Partial<NodeEvent> = {}): void {
		const record: NodeEvent = {event, time: Date.now(), mono: monotonicMs(), pid: process.pid, role: this.role, nodeId: this.manager.nodeId, ...extra};
		this.emit('event', record);
	}

	private setPhase(phase: Exclude<NodePhase, 'idle'>, extra: Partial<NodeEvent> = {}): void {
		this.phase = phase;
		this.phaseSince = Date.now();
		this.emitEvent(phase, extra);
	}

	private sleep(ms: number, signal = this.controller.signal): Promise<void> {
		return new Promise((resolve, reject) => {
			if (signal.aborted) {
				reject(signal.reason);
				return;
			}

			const timer = setTimeout(() => {
				this.timers.delete(timer);
				signal.removeEventListener('abort', onAbort);
				resolve();
			}, ms);
			const onAbort = () => {
				clearTimeout(timer);
				this.timers.delete(timer);
				reject(signal.reason);
			};

			this.timers.add(timer);
			signal.addEventListener('abort', onAbort, {once: true});
		});
	}

	private async runLive(): Promise<void> {
		// A starting live always announces failback first, so an activated backup steps down
		// and waiting backups keep off the live lock until we have it.
		this.manager.writeState(STATE.failingBack);
		const started = monotonicMs();
		if (!this.manager.tryLock('live')) {
			this.setPhase('failing-back', {detail: 'wrote F, waiting for the live lock'});
			await this.manager.waitLock('live', this.controller.signal);
		}

		if (!this.manager.sameFile()) {
			// Granted on a file that was deleted or replaced while we waited: not a live lock any more.
			this.stopping = true;
			this.shutDown('lost-lock', false, 'the lock file was deleted or replaced while waiting for the live lock');
			return;
		}

		this.manager.writeState(STATE.live);
		this.setPhase('live', {waitedMs: monotonicMs() - started});
		await this.monitorWhileLive();
	}

	private async runBackup(): Promise<void> {
		for (;;) {
			// A backup queues on one inode. If the file is deleted or replaced (an operator's rm,
			// a bad NFS remount) its locks there mean nothing: watch for it and rejoin on the new file.
			const attempt = new AbortController();
			const stop = () => attempt.abort(this.controller.signal.reason);
			this.controller.signal.addEventListener('abort', stop, {once: true});
			const watchdog = setInterval(() => {
				if (!this.manager.sameFile()) attempt.abort(new FileReplaced('the lock file was deleted or replaced'));
			}, this.options.lostLockCheckMs);
			this.timers.add(watchdog);
			try {
				await this.joinBackupsAndAwaitLive(attempt.signal);
			} catch (error) {
				const replaced = error instanceof FileReplaced || attempt.signal.reason instanceof FileReplaced;
				if (!replaced || this.controller.signal.aborted) throw error;
				await this.rejoinOnNewFile();
				continue;
			} finally {
				clearInterval(watchdog);
				this.timers.delete(watchdog);
				this.controller.signal.removeEventListener('abort', stop);
			}

			this.activated = true;
			await this.monitorWhileLive();
			// monitorWhileLive returns only after stepping down or losing the lock.
			if (this.stopping) return;
		}
	}

	private async rejoinOnNewFile(): Promise<void> {
		this.manager.close();
		this.setPhase('waiting-backup-lock', {detail: 'the lock file was deleted or replaced: rejoining on the file at the path'});
		for (;;) {
			try {
				// Never create it: whoever removed it may mean it. Wait for it to come back.
				this.manager.open({create: false});
				return;
			} catch (error) {
				if (isAbort(error)) throw error;
				await this.sleep(this.options.lostLockCheckMs);
			}
		}
	}

	private async joinBackupsAndAwaitLive(signal: AbortSignal): Promise<void> {
		if (!this.manager.tryLock('backup')) {
			this.setPhase('waiting-backup-lock');
			await this.manager.waitLock('backup', signal);
		}

		this.setPhase('backup');
		for (;;) {
			const before = this.manager.readState();
			if (before === undefined || before === STATE.firstStart || before === STATE.notStarted) {
				// No live has ever run: nothing to take over yet.
				await this.sleep(this.options.backoffMs, signal);
				continue;
			}

			const started = monotonicMs();
			if (!this.manager.tryLock('live')) {
				if (this.phase !== 'waiting-live-lock') this.setPhase('waiting-live-lock');
				await this.manager.waitLock('live', signal);
			}

			const waitedMs = monotonicMs() - started;
			if (!this.manager.sameFile()) {
				// The lock we got is on a file no longer at the path (its live died after an rm or
				// a replace): taking over there would make a second live. Rejoin instead.
				this.manager.unlock('live');
				throw new FileReplaced('the lock file was deleted or replaced');
			}

			const state = this.manager.readState();
			if (state === STATE.live) {
				// The live died without a clean stop: we are live now (lock held, L in place).
				this.manager.unlock('backup');
				this.setPhase('live', {detail: 'activated: the live lock was free and the state was L', waitedMs});
				// A takeover changes no byte, so file watchers would only see it at their next probe.
				// Touch the file's times to wake them. Not a write of L, as Artemis does: that could
				// overwrite an F a failing-back live wrote in between.
				this.manager.touch();
				return;
			}

			// P (clean stop) or F (failback in progress) or a fresh file: do not take over.
			this.manager.unlock('live');
			await this.sleep(this.options.backoffMs, signal);
		}
	}

	/** Lost-lock monitor for any live; failback checker for an activated backup. */
	private async monitorWhileLive(): Promise<void> {
		const checkEvery = this.role === 'backup' && this.options.allowFailback
			? Math.min(this.options.lostLockCheckMs, this.options.failbackCheckMs)
			: this.options.lostLockCheckMs;
		for (;;) {
			await this.sleep(checkEvery);
			if (!this.manager.stillOwns('live')) {
				// The file was deleted or replaced, or the lock vanished (NFS): another live may
				// exist. Stop acting as live at once and never write to the file again.
				this.stopping = true;
				this.controller.abort();
				this.shutDown('lost-lock', false, 'the live lock is gone or the file at the path was replaced');
				return;
			}

			if (this.role === 'backup' && this.options.allowFailback && this.manager.readState() === STATE.failingBack) {
				this.setPhase('stepping-down', {detail: 'a live announced failback (F)'});
				this.manager.unlock('live'); // without writing P: the failing-back live takes over
				return;
			}
		}
	}
}
