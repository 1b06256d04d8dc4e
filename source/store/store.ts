// The store seam: where a shared-store HA group keeps its state and its locks. A directory in
// one of the file layouts (source/lock-file/layout.ts) is one store; a database table (Artemis'
// JDBC store) is another. Everything above this seam — watch, session, commands, ui, doctor —
// should need only what is here; everything below it is the store's own business.
//
// What a new store must provide (read this before writing one):
// 1. probe(): one look at the store, into a StoreProbe: the common part (state byte, node id,
//    each lock's holders with a display identity, what the store is in words) and a part of its
//    own under a `store` tag of its own ('directory': bytes, layout, files; 'jdbc': rows,
//    leases). A probe NEVER takes a lock, never writes, never creates anything: a monitor must
//    not disturb the brokers (docs/protocol.md, "Observing without interfering"). Bad input
//    (no such store, not a lock store, refused credentials) throws StoreInputError with one
//    line naming the target and the cause, never a password.
// 2. pulse(): a cheap change signature (a string that changes when a lock is taken or released
//    or changes hands), cheap enough to run every few tens of ms; it asks for a full probe
//    when it changes. It follows the last probe (which files, which rows).
// 3. watchChanges(): events for changes the store can see without polling (inotify on the
//    directory, LISTEN/NOTIFY…), or `polling: true` where there are none; the watcher probes
//    on a timer either way. The store's watcher (StoreWatcher below) is built on probe, pulse
//    and watchChanges: one per store, with the same life cycle and events.
// 4. nodeManager(): a NodeManager (source/node-manager/node-manager.ts) on this store, with
//    the same semantics as Artemis' node manager for it: the scenario suite in
//    test/node-manager/scenarios.test.ts runs against every implementation.
// The assessment (lock-file/verdict.ts `assess`) reads only the common part, so it is the same
// for every store.
import type {Assessment} from '../lock-file/verdict.js';
import type {Segment, StateName} from '../lock-file/format.js';
import type {NodeManager} from '../node-manager/node-manager.js';

/** Bad input for a store: one line naming the target and the cause (never a password). */
export {LockFileInputError as StoreInputError} from '../lock-file/lock-file.js';

export type StoreKind = 'directory' | 'jdbc';

/** Who holds a lock, as far as the store can tell. */
export type StoreHolder = {
	/** Who it is, in words: "pid 2795", "holder not visible", "node 4e1f… on db-host". */
	readonly identity: string;
	/** A process on this host, where known (the doctor and the broker lookup use it). */
	readonly pid: number | undefined;
	/** Its command line, where readable (outside text: sanitize before printing). */
	readonly command: string | undefined;
	/** How the lock is held: 'POSIX', 'OFD', 'FLOCK' (file locks), 'LEASE' (a row), 'unknown'. */
	readonly kind: string;
	/** Held by this very process (one of our in-process nodes). */
	readonly sameProcess: boolean;
};

export type StoreLock = {
	readonly locked: boolean;
	/** Where this lock lives, for a person: "serverlock.1", "byte 1 of server.lock", "row 2". */
	readonly where: string;
	readonly holders: readonly StoreHolder[];
};

/** The part of a probe every store has. */
export type StoreProbeCommon = {
	readonly store: StoreKind;
	/** What the user pointed at, safe to print (a path; a URL without its password). */
	readonly target: string;
	/** The state byte (docs/protocol.md): undefined where there is none yet. */
	readonly state: number | undefined;
	readonly stateName: StateName;
	readonly nodeId: string | undefined;
	readonly locks: Readonly<Record<Segment, StoreLock>>;
	/** What the store is, in words: the generation(s) of its layout, or its schema. */
	readonly generation: string;
};

/** One look, with the assessment that every consumer (status, watch, TUI, doctor) shares. */
export type StoreSnapshot<P extends StoreProbeCommon = StoreProbeCommon> = {
	readonly probe: P;
	readonly assessment: Assessment;
};

/** A cheap look at the locks only: a signature that changes when a holder does. */
export interface StorePulse<P extends StoreProbeCommon = StoreProbeCommon> {
	/**
	 * Look at what the last probe saw (reopen, retarget); cheap when nothing changed. true when
	 * it now looks at something else (the caller's last signature no longer compares).
	 */
	follow(probe: P | undefined): boolean;
	/** The current signature; undefined when the store cannot be asked right now. */
	signature(): string | undefined;
	/**
	 * Did the probe it follows see a lock held by an owner it could not name? Then a hand-over to
	 * another such owner need not change the signature (LockPulse re-probes a few times).
	 */
	unnamedHolder?(): boolean;
	/** Let go of whatever the pulse holds open. Idempotent. */
	close(): void;
}

/** Changes the store reports by itself (file events, notifications). */
export interface StoreChangeFeed {
	/** No events can come (a network file system, or they failed): the caller must poll. */
	readonly polling: boolean;
	/** Idempotent. */
	close(): Promise<void>;
}

export type StoreChangeOptions = {
	/** Force polling (no events). */
	polling?: boolean;
	/** For a polling feed: how often to look (ms). */
	intervalMs?: number;
	/** Something changed: probe soon. */
	onChange: () => void;
	/** Events stopped (one line, e.g. the inotify limit): the caller now polls. */
	onError: (why: string) => void;
};

/**
 * A store's watcher: one look at the store per period (sooner when its change feed or one of our
 * nodes says something moved), every look said ('look': the look and whether it changed
 * anything), every change said ('update'), closed once. Both stores have one: the directory's
 * LockFileWatcher (watch/watcher.ts: a synchronous probe through the store, file events,
 * Snapshot and Change[]) and the table's JdbcWatcher (store/jdbc/watcher.ts: one read-only
 * transaction per look, lease-shaped changes, renew cadence). What a look carries is the store's
 * own (Look, Update); a consumer that needs only the rhythm — the first look, the latest, a
 * look now, each look and each change, the end — takes any store's watcher through this.
 */
export interface StoreWatcher<Look, Update = Look> {
	/**
	 * The first look: a directory answers at once, a table after a round trip. Bad input throws
	 * (one line). The directory's first look also goes to listeners already attached (as a
	 * 'look' and an 'update' whose changes say what appeared); the table's opening lines are its
	 * own (JdbcWatcher.opening()).
	 */
	start(): Look | Promise<Look>;
	/** The latest look; undefined before start. */
	readonly latest: Look | undefined;
	/** Look again soon, without waiting for the period (a node of ours took or let go of a lock). */
	lookSoon(): void;
	/** Releases the timer, the change feed or connection; nothing is emitted after it. Once: a second call returns the first one's promise. */
	close(): Promise<void>;
	on(event: 'look', listener: (look: Look, changed: boolean) => void): this;
	on(event: 'update', listener: (update: Update) => void): this;
	off(event: 'look', listener: (look: Look, changed: boolean) => void): this;
	off(event: 'update', listener: (update: Update) => void): this;
}

export type NodeManagerOptions = {
	/** Create the store (the directory, the table) where it is missing. */
	createStore?: boolean;
};

export interface Store<P extends StoreProbeCommon = StoreProbeCommon> {
	readonly kind: StoreKind;
	/** What to call it in one line: a path, a URL without password. */
	readonly target: string;
	/** Is change detection by events impossible here (network file system, remote database)? */
	readonly network: boolean;
	/** What the store is on, in a word, for the header: the file system ('ext4', 'nfs'), the database. */
	readonly medium: string;
	/** One look. Never takes a lock, never writes. Throws StoreInputError on bad input. */
	probe(): Promise<P>;
	/** The same look at once, where the store can answer synchronously (a directory can). */
	probeSync?(): P;
	pulse(): StorePulse<P>;
	watchChanges(options: StoreChangeOptions): StoreChangeFeed;
	nodeManager(options?: NodeManagerOptions): NodeManager;
}
