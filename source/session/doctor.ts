// `ha-tui doctor` inside the TUI, kept current at little cost. The DoctorObserver sees every
// snapshot: failback-stuck and touched-while-live compare with what it saw earlier. The
// reading behind a look (gatherContext: /proc of the holders, mountinfo, stat; ~1 ms) runs
// only when the probe changed in a way findings depend on (state, holders, layout, file
// identity, mtime), or when the last look is older than RELOOK_MS while a lock is held or the
// state is F: a holder can be stopped (kill -STOP) or an F become stuck with no change to the
// probe. At rest (nothing held, nothing changing) it reads nothing, and it never runs on the
// lock pulse. The header's look reads the lock holders only; the `d` panel's also scans /proc
// for every broker on this host (~10 ms on a small box, more with many processes): once on
// opening, then every PANEL_MS while open (the session's timer).
import {DoctorObserver, gatherContext, runDoctor, type DoctorContext, type GatherOptions, type Observation} from '../doctor/index.js';
import {SEGMENTS, STATE, type Probe} from '../lock-file/index.js';
import {monotonicMs} from '../time.js';
import {holdersKey, type Snapshot} from '../watch/snapshot.js';
import {errorLine} from '../text/error-line.js';
import type {DoctorView} from './types.js';

/** While something can change without the probe showing it: look again after this long. */
export const RELOOK_MS = 5000;
/** How often the open `d` panel looks again. */
export const PANEL_MS = 2000;

export type Gather = (probe: Probe, options: GatherOptions) => DoctorContext;

/** What findings depend on in a probe; mtime too: a touch of server.lock while L is one. */
export function probeKey(probe: Probe): string {
	return [probe.state, probe.layout, probe.device, probe.inode, probe.mtimeMs, ...SEGMENTS.map(segment => holdersKey(probe, segment))].join('|');
}

export class SessionDoctor {
	/** Looks so far (gatherContext calls): tests and the bench check that none run at rest. */
	looks = 0;
	/** The latest findings, or undefined while there is no lock file. */
	current: DoctorView | undefined;
	private readonly observer = new DoctorObserver();
	private observation: Observation | undefined;
	private probe: Probe | undefined;
	private key: string | undefined;
	private lookedAt = Number.NEGATIVE_INFINITY;
	private shown = '';
	private lastError: string | undefined;

	constructor(private readonly onError: (message: string) => void, private readonly gather: Gather = gatherContext) {}

	/** Every snapshot. True when the findings changed (the view needs them). */
	see(snapshot: Snapshot, full: boolean): boolean {
		const {probe} = snapshot;
		if (snapshot.status !== 'ok' || !probe) {
			this.probe = undefined;
			this.key = undefined;
			return this.set(undefined);
		}

		this.probe = probe;
		this.observation = this.observer.observe(probe, snapshot.takenAt);
		const key = probeKey(probe);
		const timeMatters = probe.state === STATE.failingBack || SEGMENTS.some(segment => probe.locks[segment].locked);
		if (key === this.key && !(timeMatters && monotonicMs() - this.lookedAt >= RELOOK_MS)) return false;
		this.key = key;
		return this.look(full);
	}

	/** Looks at the latest probe now; full: every broker on this host too. True when the findings changed. */
	look(full: boolean): boolean {
		if (!this.probe) return false;
		this.looks++;
		this.lookedAt = monotonicMs();
		try {
			const findings = runDoctor(this.probe, this.gather(this.probe, {observation: this.observation, scanBrokers: full}));
			this.lastError = undefined;
			return this.set({findings, full});
		} catch (error) {
			// Extra information: a bug in a reader must not take the screen down. Said once.
			const message = `doctor: ${errorLine(error)}`;
			if (message !== this.lastError) this.onError(message);
			this.lastError = message;
			return false;
		}
	}

	private set(view: DoctorView | undefined): boolean {
		const text = view ? JSON.stringify(view) : '';
		if (text === this.shown) return false;
		this.shown = text;
		this.current = view;
		return true;
	}
}
