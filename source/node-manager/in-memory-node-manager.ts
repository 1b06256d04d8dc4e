// NodeManager on an in-memory store: the same contract without a file, for fast tests of
// the activation logic. Locks are handed to waiters in arrival order when released.
import {EventEmitter} from 'node:events';
import {STATE, nodeIdToUuid, newNodeId} from '../lock-file/format.js';
import type {LockSegment, NodeManager} from './node-manager.js';
import {waitForChangeOrTimeout} from './wait-for-change.js';

type Waiter = {owner: InMemoryNodeManager; resolve: () => void};

/** One "file": a state byte, a node id and the two locks. */
export class InMemoryStore {
	/** 'change' on every state write and touch: the in-memory twin of a file event. */
	readonly events = new EventEmitter<{change: []}>();
	state: number | undefined;
	nodeId: string | undefined;
	readonly owners = new Map<LockSegment, InMemoryNodeManager>();
	waiters: Record<LockSegment, Waiter[]> = {live: [], backup: []};
	/** Bumped by replace(): a node that opened an older generation has lost its file. */
	generation = 0;
	/** False after remove(): like an rm with no new file yet. */
	exists = true;
	/** Counts writes and touches: the in-memory twin of the file's mtime. */
	writes = 0;

	/** Simulates `rm server.lock`. */
	remove(): void {
		this.replace();
		this.exists = false;
	}

	/** Simulates `rm server.lock` + a new file: new id, no locks. */
	replace(): void {
		this.generation++;
		this.exists = true;
		this.state = undefined;
		this.nodeId = undefined;
		this.owners.clear();
		// Waiters stay blocked, as a kernel wait on the old inode would: forever, unless aborted.
		this.waiters.live = [];
		this.waiters.backup = [];
	}

	release(segment: LockSegment, owner: InMemoryNodeManager): void {
		if (this.owners.get(segment) !== owner) return;
		this.owners.delete(segment);
		const next = this.waiters[segment].shift();
		if (next) {
			this.owners.set(segment, next.owner);
			next.resolve();
		}
	}
}

export class InMemoryNodeManager implements NodeManager {
	readonly description = 'in-memory locks';
	private generation = -1;
	private lastOwnWrite = 0;
	private writesBefore: number | undefined;

	constructor(readonly store: InMemoryStore) {}

	get nodeId(): string | undefined {
		return this.store.nodeId;
	}

	open(options: {create?: boolean} = {}): void {
		if (!this.store.exists) {
			if (options.create === false) throw new Error('the store does not exist');
			this.store.exists = true;
		}

		this.generation = this.store.generation;
		this.lastOwnWrite = this.store.writes;
		if (this.store.state === undefined) this.store.state = STATE.firstStart;
		this.store.nodeId ??= nodeIdToUuid(newNodeId());
	}

	async readState(): Promise<number | undefined> {
		return this.store.state;
	}

	async writeState(state: number): Promise<void> {
		// A node whose file was replaced writes into the old (now unlinked) file: not the store.
		if (this.generation !== this.store.generation) return;
		this.writesBefore = this.store.writes;
		this.store.state = state;
		this.lastOwnWrite = ++this.store.writes;
		this.store.events.emit('change');
	}

	async undoLastWrite(previous: number): Promise<boolean> {
		// Only our own write, untouched since (the counter is the in-memory mtime).
		if (this.generation !== this.store.generation || this.lastOwnWrite !== this.store.writes || this.writesBefore === undefined) return false;
		this.store.state = previous;
		this.store.writes = this.writesBefore;
		this.lastOwnWrite = this.writesBefore;
		this.writesBefore = undefined;
		this.store.events.emit('change');
		return true;
	}

	touch(): void {
		if (this.generation !== this.store.generation) return;
		this.lastOwnWrite = ++this.store.writes;
		this.store.events.emit('change');
	}

	async waitForChange(timeoutMs: number, signal: AbortSignal): Promise<void> {
		await waitForChangeOrTimeout(wake => {
			this.store.events.on('change', wake);
			return () => this.store.events.off('change', wake);
		}, timeoutMs, signal);
	}

	tryLock(segment: LockSegment): boolean {
		if (this.store.owners.has(segment) && this.store.owners.get(segment) !== this) return false;
		this.store.owners.set(segment, this);
		return true;
	}

	async waitLock(segment: LockSegment, signal: AbortSignal): Promise<void> {
		signal.throwIfAborted();
		if (this.tryLock(segment)) return;
		await new Promise<void>((resolve, reject) => {
			const waiter: Waiter = {
				owner: this,
				resolve: () => {
					signal.removeEventListener('abort', onAbort);
					resolve();
				},
			};
			const onAbort = () => {
				const queue = this.store.waiters[segment];
				const index = queue.indexOf(waiter);
				if (index !== -1) queue.splice(index, 1);
				reject(signal.reason);
			};

			this.store.waiters[segment].push(waiter);
			signal.addEventListener('abort', onAbort, {once: true});
		});
	}

	unlock(segment: LockSegment): void {
		this.store.release(segment, this);
	}

	sameFile(): boolean {
		return this.generation === this.store.generation;
	}

	async lostLock(): Promise<string | undefined> {
		if (!this.sameFile()) return 'the store was replaced';
		if (this.store.owners.get('live') !== this) return 'the live lock is not held';
		// As the file's mtime check: another node touched or wrote while the state is L.
		if (this.store.writes > this.lastOwnWrite) {
			if (this.store.state === STATE.live) return 'the store was modified by another node while the state is L';
			this.lastOwnWrite = this.store.writes;
		}

		return undefined;
	}

	close(): void {
		this.store.release('live', this);
		this.store.release('backup', this);
	}
}
