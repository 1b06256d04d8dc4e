// Taking or dropping a lock changes no byte, so no file event tells the watcher; its probe
// (bytes, /proc/locks, holder pids: ~0.2 ms) runs every intervalMs (250 by default). The pulse
// asks the store only for a change signature ("which locks are held, by what kind": for a
// directory three F_OFD_GETLK, ~8 µs, or a look at /proc/locks for flock locks) every few
// tens of ms, and asks for a full probe when the answer changes: a crashed live shows on
// screen within ~pulse + one frame, not ~interval.
// Each tick wakes the process (~0.15 ms of CPU here even for an empty timer), so the session
// slows the pulse down at rest (setPeriod), and a fleet (source/fleet/) puts every group's
// store under one pulse — one timer, not one per group: 100 timers at 50 ms would wake the
// process 2000 times a second. The timer lives here; what to look at is each store's
// (source/store/, StorePulse).
// A change can come between a probe and the pulse's next baseline (the follow after it): a
// waiter granted the lock right after the probe saw it free, or still held by the killed
// holder's last reference with its descriptors gone (nobody to name). Read after the probe, the
// baseline would hold that change, and nothing else would show it until the timed probe (10 s
// in a fleet of 100: issue 19's 8 s trial). So a follow that retargets asks for one more probe
// at the next tick, and while the probe it follows saw a lock whose owner it could not name (a
// hand-over between OFD owners then changes no signature), again at 2, 4, … ticks, a few times.
// Only after a change: at rest the pulse follows the same probe and does no more than before.
import type {StoreProbeCommon, StorePulse} from '../store/store.js';
import {monotonicMs} from '../time.js';

/** One store under the pulse: its looks, the signature last seen, and who to tell when it changes. */
type Watched<P extends StoreProbeCommon> = {
	readonly looks: StorePulse<P>;
	readonly onChange: () => void;
	last: string;
	/** CLOCK_MONOTONIC ms of the last tick that saw its signature (changed or not). */
	quietMono: number;
	/** Ticks until a probe is asked for with no change seen (0: none). */
	recheckIn: number;
	/** The ticks between the last two such probes (doubles while the owner stays unnamed). */
	recheckStep: number;
	/** Followed a probe before: the first follow comes with the first probe, and start-up costs no more. */
	followed: boolean;
};

/** Re-probes while a held lock's owner stays unnamed: 1, 2, 4, … 32 ticks apart, then the timed probe's. */
const RECHECK_MAX_STEP = 32;

export class LockPulse<P extends StoreProbeCommon = StoreProbeCommon> {
	private readonly stores = new Map<string, Watched<P>>();
	private timer: NodeJS.Timeout | undefined;

	constructor(private period: number) {}

	/** The period of the pulse now (ms). */
	get periodMs(): number {
		return this.period;
	}

	/** Puts a store under the pulse by key (a session has one; a fleet one per group). Idempotent per key. */
	watch(key: string, looks: StorePulse<P>, onChange: () => void): void {
		if (!this.stores.has(key)) this.stores.set(key, {looks, onChange, last: '', quietMono: monotonicMs(), recheckIn: 0, recheckStep: 0, followed: false});
	}

	/** Follows the store's watcher: what it probed last (the store reopens, retargets, closes). */
	follow(key: string, probe: P | undefined): void {
		const store = this.stores.get(key);
		if (!store) return;
		if (store.looks.follow(probe)) {
			store.last = store.looks.signature() ?? '';
			// What changed between that probe and this baseline is in the baseline: look again.
			const first = !store.followed;
			store.followed = true;
			if (first && !store.looks.unnamedHolder?.()) return;
			store.recheckStep = 1;
			store.recheckIn = 1;
		} else if (store.recheckIn === 0 && store.recheckStep > 0) {
			// The re-probe found what the last one did: done, unless a held lock's owner is
			// still unnamed (the dead holder's file not yet released, a waiter not yet granted).
			store.recheckStep = store.looks.unnamedHolder?.() && store.recheckStep < RECHECK_MAX_STEP ? store.recheckStep * 2 : 0;
			store.recheckIn = store.recheckStep;
		}
	}

	/** When the store's locks were last seen as they were before its latest change (ms, monotonic). */
	quietSince(key: string): number | undefined {
		return this.stores.get(key)?.quietMono;
	}

	start(): void {
		this.timer ??= setInterval(() => this.tick(), this.period);
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

	/**
	 * Lets go of the timer and every store pulse's descriptors, for good. close(), not stop(): in
	 * this code stop() ends a node's part in the group (HaNode, Stopper: P or L is written);
	 * close() releases what an object holds and tells no one (chokidar's, fs' sense). Idempotent.
	 */
	close(): void {
		clearInterval(this.timer);
		this.timer = undefined;
		for (const store of this.stores.values()) store.looks.close();
		this.stores.clear();
	}

	private tick(): void {
		const mono = monotonicMs();
		for (const store of this.stores.values()) {
			const now = store.looks.signature();
			if (now === undefined) continue;
			if (now !== store.last) {
				store.last = now;
				store.recheckIn = 0;
				store.onChange();
			} else if (store.recheckIn > 0 && --store.recheckIn === 0) {
				store.onChange();
			}

			store.quietMono = mono;
		}
	}
}
