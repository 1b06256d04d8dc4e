// An immutable picture of the lock file at one instant, and how to take one.
import {brokerOf, type BrokerInfo} from '../broker/index.js';
import {holderName, holderRole} from '../broker/holder-text.js';
import {LockFileInputError, assess, describeFsError, type Assessment, type Holder, type Probe, type Segment} from '../lock-file/index.js';

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

/** A holder with the broker behind it, looked up while the process was there (null: not a broker). */
export type HolderWithBroker = Holder & {readonly broker?: BrokerInfo | null};

/**
 * Each holder with its broker (command line and broker.xml, brokerOf), read at the probe, while
 * the process is alive: a line about a holder that has died since ("broker-a (primary) pid 4242
 * → free") still names it. A holder already seen in the previous snapshot keeps what was read
 * then (no /proc read per probe and holder at rest). A dying holder still holds its lock for a
 * moment after its command line reads empty (the kernel drops locks late in exit): the same
 * holder (pid, kind, open file description) without a command keeps the one seen before.
 */
function withBrokers(probe: Probe, previous: Probe | undefined): Probe {
	const known = (holder: Holder): HolderWithBroker | undefined => {
		for (const segment of ['live', 'backup', 'state'] as const) {
			const found = previous?.locks[segment].holders.find(other => other.pid === holder.pid && other.kind === holder.kind && other.ofd === holder.ofd && (other.command === holder.command || holder.command === undefined) && 'broker' in other) as HolderWithBroker | undefined;
			if (found) return found;
		}

		return undefined;
	};

	const withBroker = (holder: Holder): HolderWithBroker => {
		if (holder.sameProcess || holder.pid === undefined) return holder;
		const seen = known(holder);
		if (seen && holder.command === undefined && seen.command !== undefined) return {...holder, command: seen.command, broker: seen.broker ?? null};
		return {...holder, broker: seen ? seen.broker ?? null : brokerOf(holder.pid) ?? null};
	};

	const lock = (segment: Segment) => ({...probe.locks[segment], holders: probe.locks[segment].holders.map(withBroker)});
	return {...probe, locks: {state: lock('state'), live: lock('live'), backup: lock('backup')}};
}

/**
 * The look each store probe became (withBrokers). A store gives back the same probe object when
 * it read the same thing (probe.ts ProbeMemo): folded with the look it became last time, it
 * becomes that look again (every holder was seen then, with its broker), so it is kept as is.
 */
const lookOf = new WeakMap<Probe, Probe>();

/** One look through `probe` (the store's: store.ts probeSync), folded with the previous look. */
export function takeSnapshot(path: string, previous: Snapshot | undefined, probe: () => Probe, firstIdentity?: {device: number; inode: number}): Snapshot {
	const takenAt = Date.now();
	const none: Record<Segment, number | undefined> = {state: undefined, live: undefined, backup: undefined};
	try {
		const raw = probe();
		const last = lookOf.get(raw);
		const look = last !== undefined && last === previous?.probe ? last : withBrokers(raw, previous?.probe);
		lookOf.set(raw, look);
		const heldSince = {...none};
		for (const segment of ['state', 'live', 'backup'] as const) {
			const key = holdersKey(look, segment);
			if (!key) continue;
			const same = previous?.probe && holdersKey(previous.probe, segment) === key && previous.probe.inode === look.inode;
			heldSince[segment] = same ? previous.heldSince[segment] ?? takenAt : takenAt;
		}

		const replaced = firstIdentity !== undefined && (firstIdentity.inode !== look.inode || firstIdentity.device !== look.device);
		return {path, takenAt, status: 'ok', probe: look, assessment: assess(look, holderName, holderRole), heldSince, replaced};
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
