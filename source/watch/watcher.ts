// Turns file events and periodic probes into snapshots and changes. Taking or dropping a
// lock changes no byte and fires no file event, so a probe runs every interval as well;
// chokidar brings byte changes (and deletion/creation) without waiting for the next probe.
// The interval can be changed while running (the TUI's session probes slowly at rest).
import {EventEmitter} from 'node:events';
import {DirectoryStore, type DirectoryStoreOptions, type DirectoryWatcher} from '../store/directory-store.js';
import type {Store, StoreChangeFeed, StoreWatcher} from '../store/store.js';
import type {FsKind} from '../lock-file/file-system.js';
import type {Probe} from '../lock-file/probe.js';
import {diffSnapshots, type Change} from './changes.js';
import {takeSnapshot, type Snapshot} from './snapshot.js';

/**
 * What the watcher needs of a store (store.ts), and nothing else: a synchronous probe into a
 * Probe, its change feed and pulse, and what it is on. The directory store is one; the JDBC
 * table, whose probe is a query, has its own StoreWatcher (store/jdbc/watcher.ts).
 */
export type WatchedStore = Pick<Store<Probe>, 'watchChanges' | 'pulse' | 'network' | 'medium'> & {probeSync(): Probe};

export type WatcherOptions = {
	/** Probe period in ms (locks come and go without file events). */
	intervalMs?: number;
	/** Force chokidar polling; automatic on network file systems. */
	polling?: boolean;
	/** Only probe; no chokidar (used by one-shot tools and tests). */
	fileEvents?: boolean;
	/** A seam for tests: what watches the directory (default chokidar.watch). */
	watchDirectory?: DirectoryStoreOptions['watchDirectory'];
	/** The store to watch (default: the directory store of the path). */
	store?: WatchedStore;
	/** false: no timer of its own — the caller probes on its schedule (the fleet batches its groups' timed probes). */
	timer?: boolean;
};

export type {DirectoryWatcher};

export type WatchUpdate = {snapshot: Snapshot; changes: Change[]};

/** The directory's StoreWatcher: a look is a Snapshot, an update the Change[] since the last one. */
export class LockFileWatcher extends EventEmitter<{update: [WatchUpdate]; look: [snapshot: Snapshot, changed: boolean]; 'file-events-failed': [message: string]; 'file-event': []}> implements StoreWatcher<Snapshot, WatchUpdate> {
	readonly fsKind: FsKind;
	/** Why file events stopped (chokidar's error, one line), once they did. */
	fileEventsError: string | undefined;
	private pollingOnly: boolean;
	private closed = false;
	private closing: Promise<void> | undefined;
	readonly store: WatchedStore;
	private intervalMs: number;
	private timer: NodeJS.Timeout | undefined;
	private feed: StoreChangeFeed | undefined;
	private firstIdentity: {device: number; inode: number} | undefined;
	private current: Snapshot | undefined;
	private pending = false;
	/** Timed and file-event probes wait (see hold); `missed`: one is owed. */
	private held = false;
	private missed = false;

	constructor(readonly path: string, private readonly options: WatcherOptions = {}) {
		super();
		this.intervalMs = options.intervalMs ?? 250;
		this.store = options.store ?? new DirectoryStore(path, {watchDirectory: options.watchDirectory});
		this.fsKind = {name: this.store.medium, network: this.store.network};
		this.pollingOnly = options.polling ?? this.store.network;
	}

	get latest(): Snapshot | undefined {
		return this.current;
	}

	/** Changes arrive only by the periodic probe: a network file system, or file events failed. */
	get polling(): boolean {
		return this.pollingOnly;
	}

	/** The period of the timed probe now (ms). */
	get periodMs(): number {
		return this.intervalMs;
	}

	/** Changes the period of the timed probe; the next one comes a full period from now. */
	setPeriod(ms: number): void {
		if (ms === this.intervalMs) return;
		this.intervalMs = ms;
		if (!this.timer) return;
		clearInterval(this.timer);
		this.timer = setInterval(() => this.timedRefresh(), ms);
	}

	/** The caller's timed probe (timer: false): held like the watcher's own. */
	timedProbe(): void {
		if (!this.closed) this.timedRefresh();
	}

	/**
	 * Holds the timed and file-event probes (a probe takes up to ~10 ms of this thread) while
	 * the caller needs the thread for something short, e.g. a lock hand-over between in-process
	 * nodes; released, a probe that was due runs at once. refresh() itself is never held.
	 */
	hold(held: boolean): void {
		this.held = held;
		if (held || !this.missed) return;
		this.missed = false;
		if (!this.closed) this.refresh();
	}

	private timedRefresh(): void {
		if (this.held) this.missed = true;
		else this.refresh();
	}

	start(): Snapshot {
		this.refresh();
		if (this.options.timer !== false) this.timer = setInterval(() => this.timedRefresh(), this.intervalMs);
		if (this.options.fileEvents !== false) {
			// The store's own change events (for a directory: chokidar on it, filtered to the
			// names of every layout); the timed probe catches what they miss.
			this.feed = this.store.watchChanges({
				polling: this.polling,
				intervalMs: this.intervalMs,
				onChange: () => {
					this.emit('file-event');
					this.lookSoon();
				},
				onError: why => this.fileEventsFailed(why),
			});
		}

		return this.current!;
	}

	/** A probe on the next turn (held like a timed one); a burst of file events makes one. */
	lookSoon(): void {
		if (this.pending) return;
		this.pending = true;
		setImmediate(() => {
			this.pending = false;
			if (!this.closed) this.timedRefresh();
		});
	}

	/**
	 * Probes now; emits 'look' every time (the TUI's doctor compares what the changes leave out,
	 * such as server.lock's mtime), then 'update' when anything changed (never after close()).
	 */
	refresh(): Snapshot {
		if (this.closed && this.current) return this.current;
		const snapshot = takeSnapshot(this.path, this.current, () => this.store.probeSync(), this.firstIdentity);
		if (snapshot.probe && !this.firstIdentity) this.firstIdentity = {device: snapshot.probe.device, inode: snapshot.probe.inode};
		const changes = diffSnapshots(this.current, snapshot);
		this.current = snapshot;
		if (!this.closed) this.emit('look', snapshot, changes.length > 0);
		if (changes.length > 0 && !this.closed) this.emit('update', {snapshot, changes});
		return snapshot;
	}

	/**
	 * Releases the timer and the change feed; nothing is emitted after it. Once: a second call
	 * returns the first one's promise (chokidar's close()).
	 */
	close(): Promise<void> {
		this.closing ??= this.closeOnce();
		return this.closing;
	}

	private async closeOnce(): Promise<void> {
		this.closed = true;
		clearInterval(this.timer);
		this.timer = undefined;
		const feed = this.feed;
		this.feed = undefined;
		await feed?.close();
	}

	private fileEventsFailed(why: string): void {
		if (this.closed || this.fileEventsError !== undefined) return;
		this.fileEventsError = why;
		this.pollingOnly = true;
		const feed = this.feed;
		this.feed = undefined;
		void feed?.close().catch(() => {});
		// The interval asked for at construction: a session that slowed the probe at rest goes
		// back to it when it learns that file events are gone.
		this.emit('file-events-failed', `file events failed (${why}): polling, a probe every ${this.options.intervalMs ?? 250} ms`);
	}
}
