// The one-glance health of a group, in the monitoring-plugin tradition (0 OK … 3 UNKNOWN).
import {STATE} from './format.js';
import {mixedWords} from './layout.js';
import type {Probe} from './probe.js';

export type Verdict = 'healthy' | 'no-backup' | 'failing-back' | 'transition' | 'no-live' | 'mixed-layout' | 'unknown';

export type Assessment = {
	readonly verdict: Verdict;
	readonly exitCode: 0 | 1 | 2 | 3;
	/** One line a person can act on. */
	readonly summary: string;
};

export const verdictLabel: Readonly<Record<Verdict, string>> = {
	healthy: 'OK: healthy',
	'no-backup': 'WARNING: no backup',
	'failing-back': 'WARNING: failing back',
	transition: 'WARNING: in transition',
	'no-live': 'CRITICAL: NO LIVE',
	'mixed-layout': 'CRITICAL: MIXED LAYOUT',
	unknown: 'UNKNOWN',
};

/** What a verdict needs of a probe: the state byte, which locks are held, the layout. */
export type AssessInput = Pick<Probe, 'state'> & Partial<Pick<Probe, 'layout' | 'links' | 'layoutDecision'>> & {readonly locks: Readonly<Record<'live' | 'backup', {readonly locked: boolean}>>};

export function assess(probe: AssessInput): Assessment {
	if (probe.layout === 'mixed') {
		const words = probe.layoutDecision && probe.layoutDecision.because !== 'both' ? mixedWords(probe.layoutDecision) : 'byte locks on server.lock and serverlock files';
		return {verdict: 'mixed-layout', exitCode: 2, summary: `two generations share this directory and cannot see each other's locks (${words}): a second live is possible`};
	}

	const liveHeld = probe.locks.live.locked;
	const backupHeld = probe.locks.backup.locked;
	const {state} = probe;
	// A hard link to another directory's server.lock reads, here, as a ranges-layout file nobody
	// locks: the group's serverlock files (and its holders) are beside the other name.
	if ((probe.links ?? 1) > 1 && probe.layout === 'ranges' && !liveHeld && !backupHeld) {
		return {verdict: 'unknown', exitCode: 3, summary: `server.lock has ${probe.links} hard links and no serverlock files or byte locks here: this may be a second name of another directory's server.lock, whose locks live in that directory — run ha-tui on the directory the brokers use`};
	}

	if (state === STATE.failingBack) {
		return {verdict: 'failing-back', exitCode: 1, summary: liveHeld ? 'a live wants its role back; the active node should step down' : 'a live announced failback and is taking the live lock'};
	}

	if (!liveHeld) {
		const why = state === STATE.paused
			? 'paused: the live stopped cleanly and backups will not take over'
			: state === STATE.live
				? (backupHeld ? 'crashed: a backup should be taking over now' : 'crashed, and no backup is queued')
				: state === STATE.firstStart || state === STATE.notStarted || state === undefined
					? 'never started'
					: 'unknown state byte and nobody holds the live lock';
		return {verdict: 'no-live', exitCode: 2, summary: `no process holds the live lock: ${why}`};
	}

	if (state !== STATE.live) {
		return {verdict: 'transition', exitCode: 1, summary: 'the live lock is held but the state is not L (a node is starting or checking)'};
	}

	if (!backupHeld) return {verdict: 'no-backup', exitCode: 1, summary: 'live is up, but no backup is queued'};
	return {verdict: 'healthy', exitCode: 0, summary: 'live is up and a backup is queued'};
}
