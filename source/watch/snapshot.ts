// An immutable picture of the lock file at one instant, and how to take one.
import {holderName} from '../broker/holder-text.js';
import {LockFileInputError, assess, describeFsError, type Assessment, type Probe, type Segment} from '../lock-file/index.js';

export type SnapshotStatus = 'ok' | 'missing' | 'error';

export type Snapshot = {
	readonly path: string;
	readonly takenAt: number;
	readonly status: SnapshotStatus;
	/** One line, for 'missing' and 'error'. */
	readonly error?: string;
	readonly probe?: Probe;
	readonly assessment: Assessment;
	/** When each segment's current holders were first seen (ms epoch), while locked. */
	readonly heldSince: Readonly<Record<Segment, number | undefined>>;
	/** The path now names another file than the first one seen (deleted and re-created, replaced). */
	readonly replaced: boolean;
};

const unknown = (summary: string): Assessment => ({verdict: 'unknown', exitCode: 3, summary});

export function holdersKey(probe: Probe | undefined, segment: Segment): string {
	const lock = probe?.locks[segment];
	if (!lock?.locked) return '';
	// By open file description where known: two nodes of one process are two holders (issue 14 §5).
	return lock.holders.map(holder => `${holder.kind}:${holder.ofd ?? holder.pid ?? '?'}`).sort().join(',') || 'locked';
}

/** One look through `probe` (the store's: store.ts probeSync), folded with the previous look. */
export function takeSnapshot(path: string, previous: Snapshot | undefined, probe: () => Probe, firstIdentity?: {device: number; inode: number}): Snapshot {
	const takenAt = Date.now();
	const none: Record<Segment, number | undefined> = {state: undefined, live: undefined, backup: undefined};
	try {
		const look = probe();
		const heldSince = {...none};
		for (const segment of ['state', 'live', 'backup'] as const) {
			const key = holdersKey(look, segment);
			if (!key) continue;
			const same = previous?.probe && holdersKey(previous.probe, segment) === key && previous.probe.inode === look.inode;
			heldSince[segment] = same ? previous.heldSince[segment] ?? takenAt : takenAt;
		}

		const replaced = firstIdentity !== undefined && (firstIdentity.inode !== look.inode || firstIdentity.device !== look.device);
		return {path, takenAt, status: 'ok', probe: look, assessment: assess(look, holderName), heldSince, replaced};
	} catch (error) {
		const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
		const message = error instanceof LockFileInputError ? error.message : `${path}: ${describeFsError(error)}`;
		return {
			path,
			takenAt,
			status: missing ? 'missing' : 'error',
			error: message,
			assessment: unknown(missing ? 'the lock file does not exist (yet)' : message),
			heldSince: none,
			replaced: firstIdentity !== undefined,
		};
	}
}
