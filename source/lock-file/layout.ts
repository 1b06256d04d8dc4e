// Where the locks of a group live: the two layouts of docs/protocol.md. Pure: the evidence is
// gathered by the probe (probe.ts) and a starting node (lock-file.ts), decided here.
import path from 'node:path';
import {WHOLE_FILE, byteAt, type LockRange} from './fcntl.js';
import {BACKUP_LOCK_OFFSET, LIVE_LOCK_OFFSET, STATE_OFFSET, type Segment} from './format.js';

/**
 * ranges: HornetQ and Artemis ≤ 2.9 lock bytes 1 (live) and 2 (backup) of server.lock.
 * files: Artemis ≥ 2.10 locks the whole files serverlock.1 (primary) and serverlock.2 (backup).
 */
export type Layout = 'files' | 'ranges';
export type DetectedLayout = Layout | 'mixed';
export type LayoutChoice = Layout | 'auto';

export const SERVER_LOCK = 'server.lock';
/** serverlock.0 is 2.10.x's state lock; 2.11+ lock server.lock itself for the state. */
export const SERVERLOCK_FILES = ['serverlock.0', 'serverlock.1', 'serverlock.2'] as const;
export type LockFileName = typeof SERVER_LOCK | (typeof SERVERLOCK_FILES)[number];

export type LayoutEvidence = {
	readonly serverLockExists: boolean;
	/** serverlock.1 or serverlock.2 exists. */
	readonly serverlockFilesExist: boolean;
	/** Somebody holds a lock on serverlock.1 or serverlock.2. */
	readonly filesLocksHeld: boolean;
	/** Somebody holds a byte-range lock on byte 1 or 2 of server.lock (not a whole-file lock). */
	readonly rangeLocksHeld: boolean;
};

export type LayoutDecision = {
	readonly layout: DetectedLayout;
	/**
	 * Why: `files` / `ranges` / `both` — the directory shows it; `new` — nothing there yet (the
	 * files layout, what every supported Artemis uses); `server-lock-only` — server.lock with
	 * no serverlock files and no locks (an old group at rest, or one made by ha-tui).
	 */
	readonly because: 'files' | 'ranges' | 'both' | 'new' | 'server-lock-only';
};

export function detectLayout(evidence: LayoutEvidence): LayoutDecision {
	const files = evidence.serverlockFilesExist || evidence.filesLocksHeld;
	const ranges = evidence.rangeLocksHeld;
	if (files && ranges) return {layout: 'mixed', because: 'both'};
	if (files) return {layout: 'files', because: 'files'};
	if (ranges) return {layout: 'ranges', because: 'ranges'};
	return evidence.serverLockExists ? {layout: 'ranges', because: 'server-lock-only'} : {layout: 'files', because: 'new'};
}

export class LayoutConflictError extends Error {
	override name = 'LayoutConflictError';
}

/**
 * The layout a node must use: what the directory shows, or what the user asked for where the
 * directory does not say otherwise. Throws LayoutConflictError where a node would not see the
 * others' locks (mixed, or --layout against the evidence): it could become a second live.
 */
export function chooseLayout(choice: LayoutChoice, decision: LayoutDecision): Layout {
	if (decision.layout === 'mixed') {
		throw new LayoutConflictError('two lock layouts share this directory (byte locks on server.lock and serverlock files); their nodes cannot see each other\'s locks');
	}

	if (choice === 'auto') return decision.layout;
	const shown = decision.because === 'files' || decision.because === 'ranges';
	if (shown && choice !== decision.layout) {
		throw new LayoutConflictError(`--layout ${choice} contradicts the directory, which uses the ${decision.layout} layout (${describeLayout(decision.layout)})`);
	}

	return choice;
}

export function describeLayout(layout: DetectedLayout, serverlock0 = false): string {
	if (layout === 'files') {
		return serverlock0
			? 'Artemis 2.10.x: whole-file locks on serverlock.1 / serverlock.2, state lock on serverlock.0'
			: 'Artemis 2.10+: whole-file locks on serverlock.1 (primary) / serverlock.2 (backup)';
	}

	if (layout === 'ranges') return 'HornetQ / Artemis ≤ 2.9: byte locks at bytes 1 (live) and 2 (backup) of server.lock';
	return 'mixed: byte locks on server.lock AND serverlock files — two generations that cannot see each other';
}

export type LockTarget = {readonly file: string; readonly range: LockRange};

/**
 * Which file and range each lock is, for a layout. stateFile: where the state lock lives in
 * the files layout (serverlock.0 where that file exists, as 2.10.x; else server.lock).
 */
export function lockTargets(layout: Layout, directory: string, options: {serverlock0?: boolean} = {}): Readonly<Record<Segment, LockTarget>> {
	const at = (name: string) => path.join(directory, name);
	if (layout === 'ranges') {
		return {
			state: {file: at(SERVER_LOCK), range: byteAt(STATE_OFFSET)},
			live: {file: at(SERVER_LOCK), range: byteAt(LIVE_LOCK_OFFSET)},
			backup: {file: at(SERVER_LOCK), range: byteAt(BACKUP_LOCK_OFFSET)},
		};
	}

	return {
		state: {file: at(options.serverlock0 ? 'serverlock.0' : SERVER_LOCK), range: WHOLE_FILE},
		live: {file: at('serverlock.1'), range: WHOLE_FILE},
		backup: {file: at('serverlock.2'), range: WHOLE_FILE},
	};
}
