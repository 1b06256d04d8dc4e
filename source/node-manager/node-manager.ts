// The primitives a node needs from the shared store, after Artemis' NodeManager: a state
// byte, a node id, and two exclusive one-byte locks. Activation logic (ha-node.ts) only
// talks to this interface, so it runs unchanged on the real file and on the in-memory store.
export type LockSegment = 'live' | 'backup';

export interface NodeManager {
	/** How locks are taken, for display: "OFD byte-range locks", "in memory", … */
	readonly description: string;
	/**
	 * Opens the store, creating it unless create is false (then a missing store throws), and
	 * reads (or creates once) the node id.
	 */
	open(options?: {create?: boolean}): void;
	/** Does the path still name the file we opened? false once it is deleted or replaced. */
	sameFile(): boolean;
	readonly nodeId: string | undefined;
	readState(): number | undefined;
	writeState(state: number): void;
	tryLock(segment: LockSegment): boolean;
	/** Resolves holding the lock; rejects (holding nothing) when the signal aborts. */
	waitLock(segment: LockSegment, signal: AbortSignal): Promise<void>;
	unlock(segment: LockSegment): void;
	/** Still holding it, on the same file the path names? false means split-brain danger. */
	stillOwns(segment: LockSegment): boolean;
	/** Updates the file's times (no content change), so inotify watchers look at it now. */
	touch(): void;
	/** Releases every lock without writing anything, like a process that dies. */
	close(): void;
}
