// Taking or dropping a lock changes no byte, so no file event tells the watcher; its probe
// (bytes, /proc/locks, holder pids: ~0.2 ms) runs every intervalMs (250 by default). The pulse
// asks the store only for a change signature ("which locks are held, by what kind": for a
// directory three F_OFD_GETLK, ~8 µs, or a look at /proc/locks for flock locks) every few
// tens of ms, and asks for a full probe when the answer changes: a crashed live shows on
// screen within ~pulse + one frame, not ~interval.
// Each tick wakes the process (~0.15 ms of CPU here even for an empty timer), so the session
// slows the pulse down at rest (setPeriod). The timer lives here; what to look at is the
// store's (source/store/, StorePulse).
import type {StoreProbeCommon, StorePulse} from '../store/store.js';

export class LockPulse<P extends StoreProbeCommon = StoreProbeCommon> {
	private last = '';
	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly looks: StorePulse<P>, private period: number, private readonly onChange: () => void) {}

	/** The period of the pulse now (ms). */
	get periodMs(): number {
		return this.period;
	}

	start(): void {
		this.timer ??= setInterval(() => this.check(), this.period);
		// Only a pulse; it must not keep the process alive on its own.
		this.timer.unref();
	}

	/** Changes the period; the next look comes a full period from now. */
	setPeriod(ms: number): void {
		if (ms === this.period) return;
		this.period = ms;
		if (!this.timer) return;
		clearInterval(this.timer);
		this.timer = undefined;
		this.start();
	}

	/** Follows the watcher: what it probed last (the store reopens, retargets, closes). */
	follow(probe: P | undefined): void {
		if (this.looks.follow(probe)) this.last = this.looks.signature() ?? '';
	}

	/**
	 * Lets go of the timer and the store pulse's descriptors, for good. close(), not stop(): in
	 * this code stop() ends a node's part in the group (HaNode, Stopper: P or L is written);
	 * close() releases what an object holds and tells no one (chokidar's, fs' sense). Idempotent.
	 */
	close(): void {
		clearInterval(this.timer);
		this.timer = undefined;
		this.looks.close();
		this.last = '';
	}

	private check(): void {
		const now = this.looks.signature();
		if (now === undefined || now === this.last) return;
		this.last = now;
		this.onChange();
	}
}
