// What changed between two snapshots, as lines a person (or a script) can follow.
import {frozenWords, holderText, isFrozenState, lockHoldersText} from '../broker/holder-text.js';
import {describeStateByte, type Holder, type Segment} from '../lock-file/index.js';
import {holdersKey, type Snapshot} from './snapshot.js';

/**
 * file-events: the watcher lost its file events (e.g. the inotify limit) and now only probes.
 * process: a holder was stopped (SIGSTOP, a tracer), became a zombie, or resumed — it keeps its
 * locks either way, so only its /proc state tells.
 */
export type ChangeKind = 'appeared' | 'missing' | 'error' | 'identity' | 'state' | 'node-id' | 'locks' | 'process' | 'verdict' | 'file-events';

export type Change = {
	readonly kind: ChangeKind;
	readonly segment?: Segment;
	readonly message: string;
};

/** A lock's holders in the same words as `status` (broker/holder-text.ts). */
function holdersText(snapshot: Snapshot, segment: Segment): string {
	const lock = snapshot.probe?.locks[segment];
	return lock ? lockHoldersText(lock, {kind: true, separator: ', '}) : 'free';
}

const lockWords: Readonly<Record<Segment, string>> = {live: 'primary (live) lock', backup: 'backup lock', state: 'state lock'};

/** Holders that kept their lock but changed between running and frozen (T, t, Z). */
function processChanges(before: Snapshot, after: Snapshot): Change[] {
	const changes: Change[] = [];
	for (const segment of ['live', 'backup', 'state'] as const) {
		const was = before.probe?.locks[segment].holders ?? [];
		for (const holder of after.probe?.locks[segment].holders ?? []) {
			if (holder.pid === undefined) continue;
			const previous = was.find((other: Holder) => other.pid === holder.pid && (other.ofd ?? '') === (holder.ofd ?? ''));
			if (!previous || isFrozenState(previous.state) === isFrozenState(holder.state)) continue;
			const who = holderText({...holder, state: undefined});
			changes.push({
				kind: 'process',
				segment,
				message: isFrozenState(holder.state)
					? `${who}, holding the ${lockWords[segment]}, is ${frozenWords(holder.state)}: it keeps the lock and does no work`
					: `${who}, holding the ${lockWords[segment]}, resumed (${holder.state ?? 'running'})`,
			});
		}
	}

	return changes;
}

export function diffSnapshots(before: Snapshot | undefined, after: Snapshot): Change[] {
	const changes: Change[] = [];
	if (!before || before.status !== after.status) {
		if (after.status === 'missing') changes.push({kind: 'missing', message: before ? `${after.path} is gone (deleted or renamed)` : `waiting for ${after.path}`});
		else if (after.status === 'error') changes.push({kind: 'error', message: after.error ?? 'unreadable'});
		else changes.push({kind: 'appeared', message: before ? `${after.path} appeared` : `watching ${after.path}`});
	} else if (before.status === 'error' && after.error !== before.error) {
		changes.push({kind: 'error', message: after.error ?? 'unreadable'});
	}

	const a = before?.probe;
	const b = after.probe;
	if (!b) return changes;
	if (a && (a.inode !== b.inode || a.device !== b.device)) {
		changes.push({kind: 'identity', message: `the file was REPLACED: inode ${a.inode} → ${b.inode} (locks on the old file no longer count)`});
	}

	if (a && a.state !== b.state) {
		changes.push({kind: 'state', message: `state ${describeStateByte(a.state)} ${a.stateName} → ${describeStateByte(b.state)} ${b.stateName}`});
	}

	if (a && a.nodeId !== b.nodeId) {
		changes.push({kind: 'node-id', message: `node id ${a.nodeId ?? 'none'} → ${b.nodeId ?? 'none'}`});
	}

	for (const segment of ['live', 'backup', 'state'] as const) {
		const was = a ? holdersKey(a, segment) : '';
		const now = holdersKey(b, segment);
		if (a && was === now) continue;
		if (!a && !now) continue;
		const from = a ? holdersText(before!, segment) : undefined;
		let to = holdersText(after, segment);
		// The same words on both sides: the lock went to another open file description of the
		// same process (two nodes of one TUI or demo). Say so, by pid:fd, rather than "X → X".
		if (from === to) to = `another open file description of the same process (${b.locks[segment].holders.map(holder => holder.ofd ?? holder.pid).join(', ')})`;
		changes.push({kind: 'locks', segment, message: `${segment} lock: ${from === undefined ? '' : `${from} → `}${to}`});
	}

	if (before) changes.push(...processChanges(before, after));
	if (before?.assessment.verdict !== after.assessment.verdict || (before.assessment.summary !== after.assessment.summary && after.assessment.exitCode > 0)) {
		changes.push({kind: 'verdict', message: after.assessment.summary});
	}

	return changes;
}
