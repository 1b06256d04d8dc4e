// The fleet screen's doctor column (issue 19 §2): each group's worst finding, from the probes
// the fleet watcher takes anyway — the findings are pure functions (source/doctor), so no second
// scan per group. Per group a SessionDoctor (session/doctor.ts: it looks again only when the
// probe changed in a way findings depend on, or every RELOOK_MS while a lock is held — the
// single-group header's rule); the reading behind a look is the header's (the holders' /proc
// entries, the files' owners), never the /proc scan for every broker on the host, and one mount
// table read for the whole fleet, at most every MOUNTS_MS.
import {gatherContext, readMountinfo, worstFinding, type Finding, type GatherOptions, type Level, type MountEntry} from '../doctor/index.js';
import type {Probe} from '../lock-file/index.js';
import {SessionDoctor} from '../session/doctor.js';
import {monotonicMs} from '../time.js';
import type {Snapshot} from '../watch/index.js';

/** How long one read of /proc/self/mountinfo serves every group (a mount changes rarely). */
export const MOUNTS_MS = 10_000;

export class FleetDoctor {
	/** gatherContext calls so far, and mount table reads (the tests and the bench count them). */
	looks = 0;
	mountReads = 0;
	private readonly doctors = new Map<string, SessionDoctor>();
	private mounts: {entries: readonly MountEntry[]; at: number} | undefined;

	constructor(private readonly readMounts: () => readonly MountEntry[] = readMountinfo) {}

	/** Every probe of a group; true when its findings changed (the row needs redrawing). */
	see(key: string, snapshot: Snapshot): boolean {
		let doctor = this.doctors.get(key);
		if (!doctor) {
			doctor = new SessionDoctor(() => {}, (probe: Probe, options: GatherOptions) => this.gather(probe, options));
			this.doctors.set(key, doctor);
		}

		return doctor.see(snapshot, false);
	}

	/** The group's worst finding now (undefined before its first probe, or without a lock file). */
	worst(key: string): Finding | undefined {
		const findings = this.doctors.get(key)?.current?.findings;
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
