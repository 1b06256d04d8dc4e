// The primitives a node needs from the shared store, after Artemis' NodeManager: a state
// byte read and written under the state lock, a node id, and two exclusive locks (live and
// backup). Activation logic (ha-node.ts) only talks to this interface, so it runs unchanged
// on the real files (either layout) and on the in-memory store.
export type LockSegment = 'live' | 'backup';

export interface NodeManager {
	/** How locks are taken, for display: "OFD whole-file locks (files layout)", "in memory", … */
	readonly description: string;
	/**
	 * Opens the store, creating it unless create is false (then a missing store throws), and
	 * reads (or creates once) the node id. Throws LockFileInputError on bad input. May return a
	 * promise where opening has to wait (a directory whose layout does not show yet; a database
	 * connection): then it rejects instead of throwing, and `signal` cancels the wait.
	 */
	open(options?: {create?: boolean; signal?: AbortSignal}): void | Promise<void>;
	/** Does the path still name the file we opened? false once it is deleted or replaced. */
	sameFile(): boolean;
	readonly nodeId: string | undefined;
	/** Reads the state byte under the state lock (waiting for it, cancellably). */
	readState(signal?: AbortSignal): Promise<number | undefined>;
	/** Writes the state byte durably under the state lock. */
	writeState(state: number, signal?: AbortSignal): Promise<void>;
	/**
	 * Undoes this node's last state write — `previous` back, and server.lock's times as they
	 * were — if nobody wrote or touched the file since; false otherwise. One hold of the state lock.
	 */
	undoLastWrite(previous: number, signal?: AbortSignal): Promise<boolean>;
	/** A database store answers asynchronously (HaNode awaits either). */
	tryLock(segment: LockSegment): boolean | Promise<boolean>;
	/** Resolves holding the lock; rejects (holding nothing) when the signal aborts. */
	waitLock(segment: LockSegment, signal: AbortSignal): Promise<void>;
	/** A database store releases asynchronously: await it where the order matters (a takeover). */
	unlock(segment: LockSegment): void | Promise<void>;
	/**
	 * For a live: why it must consider its lock lost (file gone or replaced, lock vanished,
	 * server.lock modified by another node while L), or undefined while all is well.
	 */
	lostLock(signal?: AbortSignal): Promise<string | undefined>;
	/** Updates server.lock's times (no content change), as an Artemis 2.29+ backup taking over does. */
	touch(): void;
	/**
	 * Resolves when the state may have changed (a file event, or another node's write in
	 * memory), or after timeoutMs at the latest; rejects when the signal aborts.
	 */
	waitForChange(timeoutMs: number, signal: AbortSignal): Promise<void>;
	/**
	 * Releases every lock without writing anything, like a process that dies. A lock wait in
	 * flight is cancelled first; its descriptor closes once the kernel has let go of it.
	 */
	close(): void;
	/**
	 * A store whose unlock/close run asynchronously (a database): resolves when every release
	 * has run and the connections are closed. HaNode.stop() waits for it.
	 */
	settled?(): Promise<void>;
	/**
	 * JdbcNodeManager's order (JDBC.md): a backup reads the state without any lock and tries the
	 * live lock only when it is L. The file protocol locks first and reads after (false/absent).
	 */
	readonly readsStateBeforeLiveLock?: boolean;
}
