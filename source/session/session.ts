// The engine behind the TUI: one watcher on the lock file plus the nodes started from the
// screen, folded into one immutable SessionView that changes on every watcher update and
// node event. Each node has its own FileLockNodeManager (its own open file description), so
// on Linux their OFD locks contend exactly as separate processes would.
//
// It composes small parts that own their timers: the cadence (cadence.ts: fast while something
// can change fast, slow at rest), the hand-over hold (hand-over.ts: nothing of ours on the
// thread between one of our nodes releasing the live lock and another taking it), the lock
// pulse (lock-pulse.ts) and the doctor (doctor.ts). At rest an outside process taking a FREE
// lock changes no byte, so it is seen by the rest pulse (≤ restPulseMs, then one probe and one
// frame) instead of the fast one; after that the session is active again. Once quit was
// decided (stopAll, close) every action is refused.
// The doctor (session/doctor.ts) sees every snapshot but reads /proc only when the probe
// changed, or now and then while a lock is held; the `d` panel's wider look runs on its own
// timer, only while the panel is open.
import process from 'node:process';
import {LockFileInputError, supportsSeveralNodesPerProcess, type LayoutChoice, type Probe} from '../lock-file/index.js';
import {FileLockNodeManager, HaNode, type HaNodeOptions, type NodeEvent, type NodeManager, type NodeRole} from '../node-manager/index.js';
import {monotonicMs} from '../time.js';
import {LockFileWatcher, type WatchUpdate, type WatcherOptions} from '../watch/index.js';
import type {Snapshot} from '../watch/snapshot.js';
import {Cadence, type CadenceFacts, type CadenceMode} from './cadence.js';
import {HandOverHold} from './hand-over.js';
import {LockPulse} from './lock-pulse.js';
import {PANEL_MS, SessionDoctor} from './doctor.js';
import {appendLog, changeLevel, lockChangeText, nodeEventLine, ourHolders, type OurHolders, type Release} from './event-log.js';
import {holderText} from '../broker/holder-text.js';
import {holdingPids, waitingBrokers, type WaitingBroker} from '../broker/waiting.js';
import {isRunning, nodeName} from './labels.js';
import {NodeRegistry, nodeView, type NodeRecord} from './node-registry.js';
import {filePlanner} from './policy.js';
import {emptyTimeline, gaps, gapText, type Timeline} from './timeline.js';
import {observeNode, observeSnapshot} from './timeline-observe.js';
import type {LogEntry, LogLevel, NodeView, SessionLike, SessionView} from './types.js';
import {errorLine} from '../text/error-line.js';

/** The session's one store under its pulse (a fleet's pulse has one per group). */
const PULSE_KEY = 'store';

/** Which lock layout in-process nodes use (see source/lock-file/layout.ts); auto follows the directory. */
export type NodeLayout = LayoutChoice;

/** State-lock flaps within this long of the first share one event line. */
const FOLD_MS = 10_000;
/** Flaps a folded line keeps for the unfolded panel (e). */
export const FOLDED_LIMIT = 50;

export type SessionOptions = {
	intervalMs?: number;
	/** Lock layout of the nodes started from the screen (default auto). */
	layout?: NodeLayout;
	banner?: string;
	/** Passed to every in-process node (tests shorten the timings). */
	nodeOptions?: Omit<HaNodeOptions, 'role'>;
	/** Defaults to a FileLockNodeManager on the session's path. */
	createManager?: (path: string) => NodeManager;
	watcher?: Omit<WatcherOptions, 'intervalMs'>;
	/** A seam for tests: the watcher the session drives (default a LockFileWatcher on path). */
	createWatcher?: (path: string, options: WatcherOptions) => LockFileWatcher;
	/** Finished nodes beyond this many are dropped from the list, oldest first. */
	maxNodes?: number;
	/** How often to ask the kernel whether a lock changed (see lock-pulse.ts); 0: never. */
	pulseMs?: number;
	/** The probe's period at rest (default 2000 ms; never below intervalMs). */
	restIntervalMs?: number;
	/** The timeline's start: a recording's (ha-tui DIR --history FILE, timeline-record.ts). */
	timeline?: Timeline;
	/** The pulse's period at rest (default 100 ms; never below pulseMs). */
	restPulseMs?: number;
	/** How long after the last change the session stays fast (default 5000 ms). */
	lingerMs?: number;
	/** How often to look for brokers of this group that hold no lock (default WAITING_MS); 0: never. */
	waitingEveryMs?: number;
	/** A seam for tests: how to find them (default broker/waiting.ts waitingBrokers). */
	findWaiting?: (directory: string, holding: ReadonlySet<number>) => WaitingBroker[];
};

/** A second backup polling for the backup lock shows within this long (its scan is a read of every process's argv). */
export const WAITING_MS = 5000;

/** The timers as they run now: fast (active) or slow (rest). */
export type CadenceNow = {readonly mode: CadenceMode; readonly probeMs: number; readonly pulseMs: number | undefined};

/** waitingSince: the mono time of the node's first event of its current wait for the live lock. */
type FileRecord = NodeRecord & {lastPhase: NodeView['phase']; waitingSince?: number};
const WAITING_EVENTS = new Set<NodeEvent['event']>(['backup', 'waiting-backup-lock', 'waiting-live-lock', 'failing-back']);

export class Session extends NodeRegistry<SessionView, FileRecord> implements SessionLike {
	private readonly watcher: LockFileWatcher;
	private readonly pulse: LockPulse<Probe> | undefined;
	protected view: SessionView;
	private lastRelease: Release | undefined;
	/**
	 * `pid 4264` or `broker-a (primary) pid 4264`: the last other process the watcher saw holding the live lock. Kept after the
	 * lock changes hands: the probe that shows our node holding it can run before the node's
	 * own 'live' event is handled (both wait their turn on this thread).
	 */
	private lastOutsideHolder: string | undefined;
	/** The previous look and which of our nodes held each lock then: our nodes by name in lock change lines. */
	private lastSnapshot: Snapshot | undefined;
	private lastOurs: OurHolders = {};
	/** Gaps without a live that ended by this moment are told (a --history record's are not news). */
	private gapsToldUntil = Date.now();
	/**
	 * The last look that saw the locks as they were (epoch ms): a probe without a change, or the
	 * kernel pulse. What a probe finds changed, changed after it (a gap's range, store/no-live.ts).
	 */
	private lastQuietLook: number | undefined;
	/** The pulse saw a change: the tick before it (epoch ms), until the probe it asked for. */
	private pulseChangeAfter: number | undefined;
	private refreshQueued = false;
	private closed = false;
	/** The newest state-lock line, while flaps fold into it (see foldStateLock). */
	private stateFold: {seq: number; since: number; count: number} | undefined;
	/** Outside processes seen holding the backup lock while watching: a live among them is an activated backup. */
	private readonly backupPids = new Set<number>();
	private readonly intervalMs: number;
	private readonly pulseMs: number;
	private readonly pace: Cadence;
	private readonly doctor = new SessionDoctor(message => this.log('watch', 'warn', message));
	/** Set while the `d` panel is open. */
	private doctorTimer: NodeJS.Timeout | undefined;
	private waitingTimer: NodeJS.Timeout | undefined;
	private waitingKey = '';
	/** A hand-over between our nodes is under way: frames and probes wait (see hand-over.ts). */
	private readonly handOver: HandOverHold;
	/** Epoch ms at monotonic 0: the nodes' events carry CLOCK_MONOTONIC to the µs. */
	private readonly monoOrigin = Date.now() - monotonicMs();

	constructor(readonly path: string, private readonly options: SessionOptions = {}) {
		super({planner: filePlanner, words: {live: 'live', liveLock: 'the live lock'}, maxNodes: options.maxNodes});
		this.intervalMs = options.intervalMs ?? 250;
		this.watcher = options.createWatcher?.(path, {...options.watcher, intervalMs: this.intervalMs}) ?? new LockFileWatcher(path, {...options.watcher, intervalMs: this.intervalMs});
		this.watcher.on('look', (snapshot, changed) => this.onProbe(snapshot, changed));
		this.watcher.on('update', update => this.onWatch(update));
		this.watcher.on('file-events-failed', message => {
			this.view = {...this.view, polling: true};
			this.retune();
			this.log('watch', 'warn', message);
		});
		// Something touched the files: things may be moving (a broker starting, a takeover).
		this.watcher.on('file-event', () => this.changed());
		this.pulseMs = options.pulseMs ?? Math.min(30, this.intervalMs);
		if (this.pulseMs > 0) {
			this.pulse = new LockPulse(this.pulseMs);
			const pulse = this.pulse;
			this.pulse.watch(PULSE_KEY, this.watcher.store.pulse(), () => {
				// Called before the tick marks itself quiet: quietSince is still the tick before.
				const quiet = pulse.quietSince(PULSE_KEY);
				if (quiet !== undefined) this.pulseChangeAfter ??= this.monoOrigin + quiet;
				this.refreshSoon(0);
			});
		}
		this.pace = new Cadence(this.watcher, this.pulse, () => this.cadenceFacts(), {
			intervalMs: this.intervalMs,
			pulseMs: this.pulseMs,
			restIntervalMs: options.restIntervalMs,
			restPulseMs: options.restPulseMs,
			lingerMs: options.lingerMs,
		});
		this.handOver = new HandOverHold(this.watcher, owed => {
			if (owed.emit) this.emitChange();
			if (owed.refresh) this.refreshSoon();
		});
		this.view = {
			path,
			fsKind: this.watcher.fsKind.name,
			polling: this.watcher.polling,
			intervalMs: options.intervalMs ?? 250,
			snapshot: {path, takenAt: Date.now(), status: 'missing', error: `waiting for ${path}`, assessment: {verdict: 'unknown', exitCode: 3, summary: 'not probed yet'}, heldSince: {state: undefined, live: undefined, backup: undefined}, replaced: false},
			nodes: [],
			log: [],
			banner: options.banner,
			timeline: options.timeline ?? emptyTimeline(),
		};
	}

	/** Takes the first snapshot (synchronously: the first frame has data) and starts watching. */
	start(): this {
		this.watcher.start();
		this.pulse?.follow(PULSE_KEY, this.watcher.latest?.probe);
		this.pulse?.start();
		const every = this.options.waitingEveryMs ?? WAITING_MS;
		if (every > 0) {
			// After the first frame (drawn in the same turn as start()): reading every process's
			// command line and its brokers' XML took 20–30 ms of it here, for rows that only add.
			setImmediate(() => this.lookForWaiting());
			this.waitingTimer = setInterval(() => this.lookForWaiting(), every);
			this.waitingTimer.unref();
		}

		this.retune();
		if (this.view.polling) this.log('watch', 'warn', `${this.view.fsKind} is a network file system: polling every ${this.view.intervalMs} ms (inotify cannot see other hosts)`);
		return this;
	}

	private get timeline(): Timeline {
		return this.view.timeline ?? emptyTimeline();
	}

	/** The timers' periods as they run now (for tests and the bench). */
	get cadence(): CadenceNow {
		return {mode: this.pace.mode, probeMs: this.watcher.periodMs, pulseMs: this.pulse?.periodMs};
	}

	/** How many times the doctor has read /proc so far (tests and the bench: none at rest). */
	get doctorLooks(): number {
		return this.doctor.looks;
	}

	setDoctorOpen(open: boolean): void {
		clearTimeout(this.doctorTimer);
		this.doctorTimer = undefined;
		if (open && !this.closed) this.lookFully();
	}

	/**
	 * Brokers of this group that hold no lock (broker/waiting.ts: every process's argv, then the
	 * brokers' configuration): on each change of the locks and every WAITING_MS — a second backup
	 * that starts changes no lock at all. Never during a hand-over between our nodes.
	 */
	private lookForWaiting(): void {
		if (this.closed || this.handOver.active) return;
		const probe = this.view.snapshot.probe;
		let waiting: WaitingBroker[] = [];
		try {
			waiting = probe ? (this.options.findWaiting ?? waitingBrokers)(probe.directory, holdingPids(probe)) : [];
		} catch {
			// Extra information: a reader's bug must not take the screen down.
		}

		const key = waiting.map(broker => `${broker.pid}:${broker.state ?? ''}:${broker.text}`).join('\n');
		if (key === this.waitingKey) return;
		this.waitingKey = key;
		this.view = {...this.view, waiting};
		this.emitChange();
	}

	/**
	 * The panel's look: every broker on this host, then again in PANEL_MS, or in 20 times what
	 * the look took if that is longer (a host with thousands of processes: ≤ 5 % of a core).
	 */
	private lookFully(): void {
		const started = monotonicMs();
		// During a hand-over between our nodes nothing of ours runs on this thread: next time.
		if (!this.handOver.active && this.doctor.look(true)) {
			this.view = {...this.view, doctor: this.doctor.current};
			this.emitChange();
		}

		this.doctorTimer = setTimeout(() => this.lookFully(), Math.max(PANEL_MS, 20 * (monotonicMs() - started)));
		this.doctorTimer.unref();
	}

	protected override beforeForceFailover(record: FileRecord): void {
		// From the request on: the live lets go a few loop turns later (its monitor must stop
		// first), and a frame for this log line would land right in the hand-over.
		if (this.records.some(other => other !== record && other.node.phase === 'waiting-live-lock')) this.handOver.begin();
	}

	protected override async afterForceFailover(): Promise<void> {
		// Resolved after the takeover: the caller's reaction (a notice, a frame) must not run
		// on this thread between the release and the waiting node taking the lock.
		await this.handOver.done;
	}

	/** Stops watching. Nodes still running keep running: call stopAll first. */
	async close(): Promise<void> {
		this.closing = true;
		this.closed = true;
		this.listeners.clear();
		this.pace.close();
		clearTimeout(this.doctorTimer);
		this.doctorTimer = undefined;
		clearInterval(this.waitingTimer);
		this.waitingTimer = undefined;
		this.handOver.close();
		this.pulse?.close();
		await this.watcher.close();
	}

	protected override refuseStart(role: NodeRole): string | undefined {
		if (this.options.createManager || supportsSeveralNodesPerProcess()) return undefined;
		// POSIX locks belong to the process, and closing any descriptor of the file (every
		// probe does) drops them all: an in-process node cannot work next to the watcher.
		return `cannot start a ${role} here: on ${process.platform} locks are POSIX (one owner per process), so run it as a separate process: ha-tui node ${this.path} --role ${role}`;
	}

	protected override startError(error: unknown): string {
		return error instanceof LockFileInputError ? error.message : errorLine(error);
	}

	protected createRecord(role: NodeRole, id: string, label: string): FileRecord {
		const manager = this.options.createManager?.(this.path) ?? new FileLockNodeManager(this.path, {layout: this.options.layout ?? 'auto'});
		const node = new HaNode(manager, {...this.options.nodeOptions, role});
		return {id, label, node, lastPhase: 'idle'};
	}

	protected nodesChanged(started?: FileRecord): void {
		this.view = {...this.view, nodes: this.nodeViews(), ...(started ? {timeline: observeNode(this.timeline, nodeView(started), started.node.phase, 'idle', Date.now())} : {})};
		if (started) {
			this.changed();
			this.emitChange();
			this.refreshSoon();
		} else {
			this.emitChange();
		}
	}

	protected onNodeEvent(record: FileRecord, event: NodeEvent): void {
		// Our live lets go leaving L (failover) or steps down for a failback, and another of our
		// nodes waits for the lock: it takes it within a ms, unless this thread is busy.
		const handsOver = record.lastPhase === 'live' && (event.event === 'stopped' || event.event === 'stepping-down')
			&& this.records.some(other => other !== record && (other.node.phase === 'waiting-live-lock' || other.node.phase === 'failing-back'));
		if (handsOver) this.handOver.begin();
		const view = nodeView(record);
		if (WAITING_EVENTS.has(event.event)) record.waitingSince ??= event.mono;
		const line = nodeEventLine(view, event, this.lastRelease, this.lastOutsideHolder, record.waitingSince);
		if (!WAITING_EVENTS.has(event.event) && event.event !== 'error') record.waitingSince = undefined;
		const timeline = event.event === 'error' ? this.timeline : observeNode(this.timeline, view, event.event, record.lastPhase, this.monoOrigin + event.mono);
		if (record.lastPhase === 'live' && event.event !== 'live') this.lastRelease = {mono: event.mono, name: nodeName(view)};
		if (event.event !== 'error') record.lastPhase = event.event;
		if (event.detail) record.detail = event.detail;
		this.view = {...this.view, nodes: this.nodeViews(), timeline};
		this.log('node', line.level, line.text, event.time);
		if (event.event === 'live') this.handOver.end();
		this.changed();
		// A node changed the locks: look now rather than at the next probe (which may be
		// intervalMs away, or more at rest): a takeover shows in the next frame. After 'live'
		// the hand-over is done: no need to let it finish first.
		this.refreshSoon(event.event === 'live' ? 0 : 3);
	}

	/**
	 * Every probe, before its update if it changed anything: the doctor compares (a key of a few
	 * fields) and reads /proc only when that differs; see session/doctor.ts.
	 */
	private onProbe(snapshot: Snapshot, changed: boolean): void {
		if (!changed) {
			this.lastQuietLook = snapshot.takenAt;
			this.pulseChangeAfter = undefined;
		}

		// Every probe (the pulse's re-probes after a change find the same; see lock-pulse.ts).
		if (!this.closed) this.pulse?.follow(PULSE_KEY, snapshot.probe);
		if (this.closed || !this.doctor.see(snapshot, this.doctorTimer !== undefined) || changed) return;
		// Nothing the view shows changed but the findings (server.lock touched, a holder stopped).
		this.view = {...this.view, doctor: this.doctor.current};
		this.emitChange();
	}

	private onWatch({snapshot: seen, changes}: WatchUpdate): void {
		// A probe already under way when close() ran must not reopen the pulse's descriptor.
		if (this.closed) return;
		// Its holders carry their brokers already (watch/snapshot.ts).
		const snapshot = seen;
		for (const holder of snapshot.probe?.locks.backup.holders ?? []) {
			if (!holder.sameProcess && holder.pid !== undefined) this.backupPids.add(holder.pid);
		}

		let log = this.view.log;
		const add = (level: LogLevel, text: string) => {
			log = appendLog(log, {seq: this.nextSeq(), time: snapshot.takenAt, source: 'watch', level, text});
		};

		const nodes = this.nodeViews();
		const ours = ourHolders(nodes);
		for (const change of changes) {
			if (change.kind === 'locks' && change.segment === 'state') log = this.foldStateLock(log, snapshot.takenAt, change.message);
			else add(changeLevel(change, snapshot), lockChangeText(change, {snapshot: this.lastSnapshot, ours: this.lastOurs}, {snapshot, ours}));
		}

		this.lastSnapshot = snapshot;
		this.lastOurs = ours;

		const outside = snapshot.probe?.locks.live.holders.find(holder => !holder.sameProcess && holder.pid !== undefined);
		if (outside) {
			this.lastOutsideHolder = holderText(outside, {form: 'name'});
			// Another process took the live lock since our node let go: a later takeover is from it.
			this.lastRelease = undefined;
		}
		const timeline = observeSnapshot(this.timeline, snapshot, nodes, this.changedAfter());
		this.lastQuietLook = snapshot.takenAt;
		this.pulseChangeAfter = undefined;
		// A gap that ended since the last look, in the timeline's own words: the label on t and
		// this line never disagree. (Our nodes' own hand-overs, exact, have their node lines.)
		const gap = gaps(timeline).at(-1);
		if (gap?.end !== undefined && gap.end > this.gapsToldUntil && !gap.exact) {
			const text = gapText(gap);
			if (text) add('ok', `${gap.oneLook ? 'live lock changed hands between two looks' : 'live lock held again'}: ${text} (as looks saw it: kernel pulse every ${this.pulse?.periodMs ?? '–'} ms, probes every ${this.watcher.periodMs} ms)`);
			this.gapsToldUntil = gap.end;
		}

		// (The pulse followed this probe already: onProbe runs for every look, before its update.)
		this.view = {...this.view, snapshot, log, nodes, timeline, doctor: this.doctor.current, backupPids: [...this.backupPids], watchingSince: this.view.watchingSince ?? snapshot.takenAt};
		if (changes.some(change => change.kind === 'locks' && change.segment !== 'state') && (this.options.waitingEveryMs ?? WAITING_MS) > 0) this.lookForWaiting();
		this.changed();
		this.emitChange();
	}

	/** When what this probe found changed began, at the earliest: the last look that saw it as before. */
	private changedAfter(): number | undefined {
		const pulse = this.pulseChangeAfter ?? (this.pulse ? this.monoOrigin + (this.pulse.quietSince(PULSE_KEY) ?? Number.NEGATIVE_INFINITY) : undefined);
		const looks = [pulse, this.lastQuietLook].filter((moment): moment is number => moment !== undefined && Number.isFinite(moment));
		return looks.length > 0 ? Math.max(...looks) : undefined;
	}

	/**
	 * Every writer takes the state lock for microseconds: a line per flap drowns the real events.
	 * Within FOLD_MS of the first, the flaps share one line ("state lock taken 14× in 10 s"),
	 * rewritten in place while it is the newest entry.
	 */
	private foldStateLock(log: readonly LogEntry[], time: number, message: string): readonly LogEntry[] {
		const fold = this.stateFold;
		const last = log.at(-1);
		if (fold && last?.seq === fold.seq && time - fold.since <= FOLD_MS) {
			fold.count++;
			const seconds = Math.max(1, Math.round((time - fold.since) / 1000));
			const text = `state lock taken ${fold.count}× in ${seconds} s (last: ${message.replace(/^state lock: /, '')})`;
			const folded = [...(last.folded ?? [{time: last.time, text: last.text}]), {time, text: message}].slice(-FOLDED_LIMIT);
			return [...log.slice(0, -1), {...last, time, text, folded}];
		}

		const seq = this.nextSeq();
		this.stateFold = {seq, since: time, count: 1};
		return appendLog(log, {seq, time, source: 'watch', level: 'info', text: message});
	}

	/** Something changed now: fast for at least lingerMs (see cadence.ts). */
	private changed(): void {
		this.pace.changed();
	}

	private retune(): void {
		this.pace.retune();
	}

	private cadenceFacts(): CadenceFacts {
		const locks = this.view.snapshot.probe?.locks;
		return {
			running: this.records.some(record => isRunning(nodeView(record))),
			held: locks !== undefined && (locks.state.locked || locks.live.locked || locks.backup.locked),
			polling: this.view.polling,
		};
	}

	private refreshSoon(delayMs = 3): void {
		if (this.handOver.deferRefresh()) return;
		if (this.refreshQueued || this.closed) return;
		this.refreshQueued = true;
		// A few ms later, not at once: a lock hand-over between our nodes completes first, and
		// the probe (up to ~10 ms when holders change) does not delay the node taking over.
		setTimeout(() => {
			this.refreshQueued = false;
			if (!this.closed) this.watcher.refresh();
		}, delayMs);
	}

	protected override emitChange(): void {
		if (this.handOver.deferEmit()) return;
		super.emitChange();
	}
}
