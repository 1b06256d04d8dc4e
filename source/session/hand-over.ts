// Nothing of ours on this thread between a lock release and the takeover by another of our
// nodes: a frame costs 10–20 ms of this thread (Ink lays out and styles every cell) and a probe
// up to ~10 ms, and the taking node's kernel wait completes on this thread too (measured: a
// failover of 0.5 ms took 23 ms at p95 inside the TUI when a frame fell in between). From
// begin() until end() (the next 'live'), or boundMs at most, the view's notifications and
// probes are held (the watcher's timed and file-event ones through `hold`), then run once.

/** What holds its timed probes while asked to (LockFileWatcher.hold). */
export type Holdable = {hold(held: boolean): void};

/** What was asked for while held, to run once it ends. */
export type Owed = {readonly emit: boolean; readonly refresh: boolean};

export class HandOverHold {
	private state: {timer: NodeJS.Timeout; emit: boolean; refresh: boolean; done: Promise<void>; resolve: () => void} | undefined;

	constructor(private readonly watcher: Holdable, private readonly onEnd: (owed: Owed) => void, private readonly boundMs = 100) {}

	get active(): boolean {
		return this.state !== undefined;
	}

	/** Resolves when the hold in progress ends (at once when there is none). */
	get done(): Promise<void> {
		return this.state?.done ?? Promise.resolve();
	}

	begin(): void {
		if (this.state) return;
		const timer = setTimeout(() => this.end(), this.boundMs);
		timer.unref();
		let resolve = () => {};
		const done = new Promise<void>(settle => {
			resolve = settle;
		});
		this.state = {timer, emit: false, refresh: false, done, resolve};
		this.watcher.hold(true);
	}

	/** A notification while held is owed, not sent: true when it was deferred. */
	deferEmit(): boolean {
		if (!this.state) return false;
		this.state.emit = true;
		return true;
	}

	/** A probe while held is owed, not run: true when it was deferred. */
	deferRefresh(): boolean {
		if (!this.state) return false;
		this.state.refresh = true;
		return true;
	}

	/** Ends the hold and pays what is owed (once). */
	end(): void {
		const held = this.state;
		if (!held) return;
		this.state = undefined;
		clearTimeout(held.timer);
		held.resolve();
		this.watcher.hold(false);
		this.onEnd({emit: held.emit, refresh: held.refresh});
	}

	/** Ends without paying: the session is closing. */
	close(): void {
		const held = this.state;
		if (!held) return;
		this.state = undefined;
		clearTimeout(held.timer);
		held.resolve();
	}
}
