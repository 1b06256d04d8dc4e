// The fleet screen's doctor column (issue 19 §2): each group's worst finding, from the probes
// the fleet watcher takes anyway — the findings are pure functions (source/doctor), so no second
// scan per group. The reading behind a look is the group screen header's (the holders' /proc
// entries, the files' owners), never the /proc scan for every broker on the host, with one mount
// table read for the whole fleet at most every MOUNTS_MS; and a group is looked at again only when
// something findings depend on changed (see()), so a fleet at rest reads nothing for it.
import {DoctorObserver, gatherContext, readMountinfo, runDoctor, worstFinding, type Finding, type GatherOptions, type Level, type MountEntry} from '../doctor/index.js';
import {STATE, type Probe} from '../lock-file/index.js';
import {RELOOK_MS, probeKey} from '../session/doctor.js';
import {monotonicMs} from '../time.js';
import type {Snapshot} from '../watch/index.js';

/** How long one read of /proc/self/mountinfo serves every group (a mount changes rarely). */
export const MOUNTS_MS = 10_000;

type GroupDoctor = {observer: DoctorObserver; key: string | undefined; findings: readonly Finding[] | undefined};

export class FleetDoctor {
	/** gatherContext calls so far, and mount table reads (the tests and the bench count them). */
	looks = 0;
	mountReads = 0;
	private readonly groups = new Map<string, GroupDoctor>();
	private mounts: {entries: readonly MountEntry[]; at: number} | undefined;

	constructor(private readonly readMounts: () => readonly MountEntry[] = readMountinfo) {}

	/**
	 * Every probe of a group, with the holders the fleet watcher found stopped; true when its
	 * findings changed (the row needs redrawing). It looks again only when what findings depend
	 * on changed: the probe (state, holders, layout, file identity, mtime: session/doctor.ts
	 * probeKey), the frozen holders (the fleet reads their /proc state at each probe anyway), or,
	 * while the state is F, every RELOOK_MS (a failback becomes stuck with nothing changing).
	 */
	see(key: string, snapshot: Snapshot, frozen: readonly number[] = []): boolean {
		let group = this.groups.get(key);
		if (!group) {
			group = {observer: new DoctorObserver(), key: undefined, findings: undefined};
			this.groups.set(key, group);
		}

		const {probe} = snapshot;
		if (snapshot.status !== 'ok' || !probe) {
			const changed = group.findings !== undefined;
			group.key = undefined;
			group.findings = undefined;
			return changed;
		}

		const observation = group.observer.observe(probe, snapshot.takenAt);
		const lookKey = [probeKey(probe), frozen.join(','), probe.state === STATE.failingBack ? Math.floor(monotonicMs() / RELOOK_MS) : ''].join('|');
		if (lookKey === group.key) return false;
		group.key = lookKey;
		let findings: Finding[];
		try {
			findings = runDoctor(probe, this.gather(probe, {observation}));
		} catch {
			// Extra information: a bug in a reader must not take the screen down.
			return false;
		}

		const changed = JSON.stringify(findings) !== JSON.stringify(group.findings);
		group.findings = findings;
		return changed;
	}

	/** The group's worst finding now (undefined before its first probe, or without a lock file). */
	worst(key: string): Finding | undefined {
		const findings = this.groups.get(key)?.findings;
		return findings ? worstFinding(findings) : undefined;
	}

	private gather(probe: Probe, options: GatherOptions) {
		this.looks++;
		const now = monotonicMs();
		if (!this.mounts || now - this.mounts.at >= MOUNTS_MS) {
			this.mountReads++;
			this.mounts = {entries: this.readMounts(), at: now};
		}

		return gatherContext(probe, {...options, scanBrokers: false, mounts: this.mounts.entries});
	}
}

const symbol: Readonly<Record<Exclude<Level, 'ok'>, string>> = {critical: '✖', warning: '▲', info: '·'};

/**
 * The column's text: the level as the group screen marks it (theme.tsx levelSymbol: ✖ ▲ ·), then
 * the title — "▲ pid 10 is live and no backup holds the backup lock"; "" when all is well.
 */
export function findingText(finding: Finding | undefined): string {
	if (!finding || finding.level === 'ok') return '';
	return `${symbol[finding.level]} ${finding.title}`;
}
