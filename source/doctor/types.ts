// The doctor's vocabulary: what it looks at (a probe and its context) and what it says (findings).
import type {BrokerInfo} from '../broker/config.js';
import type {Credentials} from '../broker/proc.js';
import type {MountEntry} from './mountinfo.js';
import type {Segment} from '../lock-file/format.js';

export type Level = 'ok' | 'info' | 'warning' | 'critical';

export type FindingId =
	| 'paused'
	| 'never-started'
	| 'not-shared'
	| 'failback-stuck'
	| 'holder-stopped'
	| 'remote-holder'
	| 'mixed-layout'
	| 'network-fs'
	| 'touched-while-live'
	| 'permissions'
	| 'healthy'
	| 'no-backup'
	| 'no-live'
	| 'failing-back'
	| 'transition'
	| 'waiting'
	| 'live-frozen'
	| 'no-usable-backup'
	| 'bad-state'
	| 'unknown'
	// JDBC store (store/jdbc/doctor.ts)
	| 'lease-expired'
	| 'renew-late'
	| 'clock-skew'
	| 'stale-failback'
	| 'old-table-format';

export type Finding = {
	readonly id: FindingId;
	readonly level: Level;
	/** One line. */
	readonly title: string;
	/** What was seen, one fact a line. */
	readonly evidence: readonly string[];
	/** What to do. */
	readonly fix: string;
};

export type DoctorHolder = {
	readonly pid: number | undefined;
	readonly command: string | undefined;
	readonly kind: string;
	readonly sameProcess: boolean;
	/** /proc/PID/stat state letter, as the probe read it. */
	readonly state?: string;
	/** "pid:fd" of an OFD lock's open file description. */
	readonly ofd?: string;
};

/**
 * The part of a lock-file Probe (source/lock-file/probe.ts) the doctor reads. Structural, so
 * it accepts the probe before and after the files-layout refactor (layout, directory, files
 * and mtimeMs are optional here).
 */
export type DoctorProbe = {
	readonly path: string;
	readonly directory?: string;
	readonly size: number;
	readonly state: number | undefined;
	readonly stateName: string;
	readonly nodeId: string | undefined;
	readonly mtimeMs?: number;
	readonly layout?: 'files' | 'ranges' | 'flock' | 'mixed';
	readonly generation?: string;
	readonly files?: ReadonlyArray<{readonly name: string; readonly path: string; readonly exists: boolean}>;
	readonly locks: Readonly<Record<Segment, {readonly locked: boolean; readonly file?: string; readonly holders: readonly DoctorHolder[]}>>;
	readonly links?: number;
};

export type FileOwnership = {
	readonly name: string;
	readonly path: string;
	readonly uid: number;
	readonly gid: number;
	/** Permission bits (mode & 0o7777). */
	readonly mode: number;
};

/** A holder told apart by open file description where known ("pid:fd"): two nodes of one TUI share a pid. */
export const holderKey = (holder: DoctorHolder): string => holder.ofd ?? String(holder.pid);

/** What the doctor knows about one local process (a lock holder, or a broker found in /proc). */
export type ProcessFacts = {
	readonly pid: number;
	/** /proc/PID/stat state letter: R, S, D, T (stopped), t (traced), Z (zombie), … */
	readonly state?: string;
	readonly credentials?: Credentials;
	readonly command?: string;
	readonly broker?: BrokerInfo;
	/**
	 * Whether the broker's resolved lock directory is this directory (compared by device and
	 * inode, so symlinks and bind mounts do not fool it); null when it cannot be told.
	 */
	readonly usesThisDirectory?: boolean | null;
};

/** What an observer that watched the file saw (the TUI session, or doctor's own short watch). */
export type Observation = {
	/** ms since the epoch when the current state byte was first seen. */
	readonly stateSince: number;
	/** server.lock's mtime when the current state byte was first seen, or when the primary lock last changed hands. */
	readonly stateMtimeMs?: number;
	/** The live-lock holder then. */
	readonly livePid?: number;
	/** The live-lock holder then, by open file description where known ("pid:fd"), else pid (holderKey). */
	readonly liveHolderKey?: string;
};

export type DoctorContext = {
	/** ms since the epoch. */
	readonly now: number;
	/** Every process the doctor knows: the lock holders, and the local brokers found in /proc. */
	readonly processes: ReadonlyMap<number, ProcessFacts>;
	/** The mount the lock directory is on (from /proc/self/mountinfo). */
	readonly mount?: MountEntry;
	readonly observation?: Observation;
	/** How long the doctor watched before deciding (ms), if it did. */
	readonly watchedMs?: number;
	/** Owner and mode of each lock file that exists, and of the directory. */
	readonly files?: readonly FileOwnership[];
	readonly directory?: FileOwnership;
};
