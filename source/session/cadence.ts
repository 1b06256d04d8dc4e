// How often the session looks: fast while something can change fast, slow at rest. It owns
// its one timer (the end of the linger) and sets the periods of what it drives; what "running"
// and "held" mean is the session's, asked through `facts` at each retune.
//
// Active: one of our nodes runs, a lock is held (its holder can die any moment and a backup
// take over), or something changed less than lingerMs ago. At rest the probe slows to
// restIntervalMs and the pulse to restPulseMs: each wake-up costs CPU even when it finds
// nothing. On a network file system (no file events) the probe stays at intervalMs.
import {monotonicMs} from '../time.js';

export type CadenceMode = 'active' | 'rest';

/** Something with a period: the watcher's timed probe, the lock pulse. */
export type Periodic = {setPeriod(ms: number): void};

export type CadenceFacts = {readonly running: boolean; readonly held: boolean; readonly polling: boolean};

export type CadenceOptions = {
	readonly intervalMs: number;
	readonly pulseMs: number;
	/** Default 2000 ms; never below intervalMs. */
	readonly restIntervalMs?: number;
	/** Default 100 ms; never below pulseMs. */
	readonly restPulseMs?: number;
	/** Default 5000 ms. */
	readonly lingerMs?: number;
	/** For tests: a clock in ms (default CLOCK_MONOTONIC). */
	readonly now?: () => number;
};

export class Cadence {
	private lastChangeAt: number;
	private restTimer: NodeJS.Timeout | undefined;
	private current: CadenceMode = 'active';
	private closed = false;
	private readonly now: () => number;

	constructor(private readonly probe: Periodic, private readonly pulse: Periodic | undefined, private readonly facts: () => CadenceFacts, private readonly options: CadenceOptions) {
		this.now = options.now ?? monotonicMs;
		this.lastChangeAt = this.now();
	}

	get mode(): CadenceMode {
		return this.current;
	}

	/** Something changed now: fast for at least lingerMs. */
	changed(): void {
		this.lastChangeAt = this.now();
		this.retune();
	}

	/** Sets the periods for the facts as they are now. */
	retune(): void {
		if (this.closed) return;
		const {running, held, polling} = this.facts();
		const linger = this.options.lingerMs ?? 5000;
		const quietFor = this.now() - this.lastChangeAt;
		this.current = running || held || quietFor < linger ? 'active' : 'rest';
		const rest = this.current === 'rest';
		const {intervalMs, pulseMs} = this.options;
		this.probe.setPeriod(rest && !polling ? Math.max(intervalMs, this.options.restIntervalMs ?? 2000) : intervalMs);
		this.pulse?.setPeriod(rest ? Math.max(pulseMs, this.options.restPulseMs ?? 100) : pulseMs);
		clearTimeout(this.restTimer);
		this.restTimer = undefined;
		if (!rest && !running && !held) {
			// Only the linger keeps us fast: look again when it is over.
			this.restTimer = setTimeout(() => this.retune(), linger - quietFor + 1);
			this.restTimer.unref();
		}
	}

	close(): void {
		this.closed = true;
		clearTimeout(this.restTimer);
		this.restTimer = undefined;
	}
}
