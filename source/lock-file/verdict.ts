// The ONE assessment of a group: state byte, who holds which lock, each holder's process state
// (/proc/PID/stat, read by the probe), the layout. `status`, `watch`, `doctor` and the TUI (through
// the watcher's snapshot) all print this, so they cannot disagree; doctor adds evidence and
// fixes, never another verdict. In the monitoring-plugin tradition: 0 OK … 3 UNKNOWN.
import {STATE, describeStateByte, isKnownState} from './format.js';
import {mixedWords} from './layout.js';
import type {Holder, Probe} from './probe.js';

export type Verdict = 'healthy' | 'no-backup' | 'no-usable-backup' | 'failing-back' | 'transition' | 'live-frozen' | 'no-live' | 'mixed-layout' | 'bad-state' | 'unknown';

export type Assessment = {
	readonly verdict: Verdict;
	readonly exitCode: 0 | 1 | 2 | 3;
	/** One line a person can act on. */
	readonly summary: string;
};

export const verdictLabel: Readonly<Record<Verdict, string>> = {
	healthy: 'OK: healthy',
	'no-backup': 'WARNING: no backup',
	'no-usable-backup': 'WARNING: no usable backup',
	'failing-back': 'WARNING: failing back',
	transition: 'WARNING: in transition',
	'live-frozen': 'CRITICAL: LIVE FROZEN',
	'no-live': 'CRITICAL: NO LIVE',
	'mixed-layout': 'CRITICAL: MIXED LAYOUT',
	'bad-state': 'CRITICAL: BAD STATE BYTE',
	unknown: 'UNKNOWN',
};

/** The verdict in one line, as status' first line, watch's verdict lines and doctor's say it. */
export function verdictText(assessment: Pick<Assessment, 'verdict' | 'summary'>): string {
	return `${verdictLabel[assessment.verdict]} — ${assessment.summary}`;
}

type HolderFacts = Pick<Holder, 'pid' | 'kind'> & Partial<Pick<Holder, 'command' | 'state'>>;

/** What a verdict needs of a probe: the state byte, which locks are held and by whom, the layout. */
export type AssessInput = Pick<Probe, 'state'> & Partial<Pick<Probe, 'layout' | 'links' | 'layoutDecision'>> & {
	readonly locks: Readonly<Record<'live' | 'backup', {readonly locked: boolean; readonly holders?: readonly HolderFacts[]}>> & {
		readonly state?: {readonly locked: boolean; readonly holders?: readonly HolderFacts[]};
	};
};

/** How a holder is named in a summary; status and the watcher pass the broker-aware one. */
export type HolderNamer = (holder: HolderFacts) => string;

/**
 * The role a holder was configured for (a broker's ha-policy, `ha-tui node --role`), when known:
 * with state F the primary lock's holder is either the active backup that should step down, or
 * the primary that wrote F, got the lock and is activating (loading its journal) — only its role
 * tells which. status and the watcher pass the broker-aware one (broker/holder-text.ts).
 */
export type HolderRole = (holder: HolderFacts) => 'primary' | 'backup' | undefined;

/** Without broker facts: an `ha-tui node --role …` by its command line, else unknown. */
export const roleByCommand: HolderRole = holder => {
	const match = /^ha-tui\s+node\s.*?--role[= ](live|primary|backup)\b/.exec(holder.command?.trim() ?? '');
	return match ? (match[1] === 'backup' ? 'backup' : 'primary') : undefined;
};

const byPid: HolderNamer = holder => (holder.pid === undefined ? 'a holder this host cannot see' : `pid ${holder.pid}`);

/** T (SIGSTOP or job control), t (stopped by a tracer), Z (zombie): keeps its locks, does no work. */
export function isFrozenState(state: string | undefined): boolean {
	return state === 'T' || state === 't' || state === 'Z';
}

const frozenAs = (state: string | undefined) => (state === 'Z' ? 'a zombie (Z)' : state === 't' ? 'stopped by a tracer (t)' : 'stopped (T)');

/** A process that runs exactly one node: a broker (POSIX locks are per process) or `ha-tui node`. */
function oneNodePerProcess(holder: HolderFacts): boolean {
	const command = holder.command?.trim() ?? '';
	return holder.kind === 'POSIX' || /^ha-tui\s+node\s/.test(command) || (holder.kind === 'FLOCK' && /(^|\/)java\s/.test(command));
}

/**
 * The node that holds both locks: a backup that took the primary lock and has not yet let go
 * of the backup lock (Artemis releases it only once activation completes, about a second).
 * Two nodes of one TUI process (OFD locks) are two nodes, not one.
 */
function holderOfBoth(live: readonly HolderFacts[], backup: readonly HolderFacts[]): HolderFacts | undefined {
	return live.find(a => a.pid !== undefined && oneNodePerProcess(a) && backup.some(b => b.pid === a.pid && oneNodePerProcess(b)));
}

/** State F: who holds the primary lock decides what is going on (see HolderRole). */
function failingBack(liveHolders: readonly HolderFacts[], liveHeld: boolean, name: HolderNamer, role: HolderRole): string {
	if (!liveHeld) return 'a live announced failback and is taking the live lock';
	const holder = liveHolders.length === 1 ? liveHolders[0] : undefined;
	const holderRole = holder ? role(holder) : undefined;
	if (holder && holderRole === 'primary') return `${name(holder)} holds the primary lock and is activating: a primary writes F before it takes the lock, and L once it is active (loading a large journal takes a while)`;
	if (holder && holderRole === 'backup') return `a primary announced failback: the active backup ${name(holder)} should step down and let it take the primary lock`;
	return 'a primary announced failback (F) and the primary lock is held: either the active backup is about to step down, or the primary got the lock and is activating';
}

export function assess(probe: AssessInput, name: HolderNamer = byPid, role: HolderRole = roleByCommand): Assessment {
	if (probe.layout === 'mixed') {
		const words = probe.layoutDecision && probe.layoutDecision.because !== 'both' ? mixedWords(probe.layoutDecision) : 'byte locks on server.lock and serverlock files';
		return {verdict: 'mixed-layout', exitCode: 2, summary: `two generations share this directory and cannot see each other's locks (${words}): a second live is possible`};
	}

	const liveHeld = probe.locks.live.locked;
	const backupHeld = probe.locks.backup.locked;
	const liveHolders = probe.locks.live.holders ?? [];
	const backupHolders = probe.locks.backup.holders ?? [];
	const {state} = probe;
	// A hard link to another directory's server.lock reads, here, as a ranges-layout file nobody
	// locks: the group's serverlock files (and its holders) are beside the other name.
	if ((probe.links ?? 1) > 1 && probe.layout === 'ranges' && !liveHeld && !backupHeld) {
		return {verdict: 'unknown', exitCode: 3, summary: `server.lock has ${probe.links} hard links and no serverlock files or byte locks here: this may be a second name of another directory's server.lock, whose locks live in that directory — run ha-tui on the directory the brokers use`};
	}

	// A frozen live keeps its lock: clients get no answers and no backup can take over.
	const frozenLive = liveHolders.find(holder => isFrozenState(holder.state));
	if (liveHeld && frozenLive) {
		return {verdict: 'live-frozen', exitCode: 2, summary: `${name(frozenLive)} holds the primary lock and is ${frozenAs(frozenLive.state)}: clients get no answers, and no backup can take over while it holds the lock`};
	}

	// Not one of 0 N L P F (e.g. NUL: an empty server.lock existed before the first broker, whose
	// createNewFile() then failed, so it wrote the node id but never '0' '0' '0'). No broker
	// recovers from it: an Artemis backup holding the primary lock loops on it for ever (its
	// loop has no branch for an unknown state), a primary never sees its failback answered.
	// Permanent, so not "in transition": the operator must fix the byte (doctor says how).
	// With nobody on the primary lock it is a "no live" like any other (below), said as plainly.
	if (state !== undefined && !isKnownState(state) && liveHeld) {
		return {verdict: 'bad-state', exitCode: 2, summary: `the state byte is ${describeStateByte(state)}, not one of 0 N L P F: a node holds the primary lock and loops on it for ever; stop the brokers and fix or remove server.lock`};
	}

	if (state === STATE.failingBack) {
		return {verdict: 'failing-back', exitCode: 1, summary: failingBack(liveHolders, liveHeld, name, role)};
	}

	const frozenBackup = backupHolders.find(holder => isFrozenState(holder.state));
	if (!liveHeld) {
		const why = state === STATE.paused
			? 'paused: the live stopped cleanly and backups will not take over'
			: state === STATE.live
				? (frozenBackup ? `crashed, and the queued backup ${name(frozenBackup)} is ${frozenAs(frozenBackup.state)}: it cannot take over` : backupHeld ? 'crashed: a backup should be taking over now' : 'crashed, and no backup is queued')
				: state === STATE.firstStart || state === STATE.notStarted || state === undefined
					? 'never started'
					: `unknown state byte ${describeStateByte(state)}, from which no backup ever takes over; stop the brokers and fix or remove server.lock`;
		return {verdict: 'no-live', exitCode: 2, summary: `no process holds the live lock: ${why}`};
	}

	if (state !== STATE.live) {
		return {verdict: 'transition', exitCode: 1, summary: 'the live lock is held but the state is not L (a node is starting or checking)'};
	}

	const both = holderOfBoth(liveHolders, backupHolders);
	if (both) {
		return {verdict: 'transition', exitCode: 1, summary: `${name(both)} is taking over: it holds the primary lock and still the backup lock (a backup lets go of it once it is active); until then no other backup can queue`};
	}

	if (!backupHeld) return {verdict: 'no-backup', exitCode: 1, summary: 'live is up, but no backup is queued'};
	if (frozenBackup) {
		return {verdict: 'no-usable-backup', exitCode: 1, summary: `live is up, but the queued backup ${name(frozenBackup)} is ${frozenAs(frozenBackup.state)}: it cannot take over, and it keeps other backups from queuing`};
	}

	// The state lock is held for a read or a write only: frozen in it, nobody can read the state.
	const frozenState = (probe.locks.state?.holders ?? []).find(holder => isFrozenState(holder.state));
	if (frozenState) {
		return {verdict: 'no-usable-backup', exitCode: 1, summary: `live is up, but ${name(frozenState)} holds the state lock and is ${frozenAs(frozenState.state)}: no node can read the state, so no backup can take over`};
	}

	return {verdict: 'healthy', exitCode: 0, summary: 'live is up and a backup is queued'};
}
