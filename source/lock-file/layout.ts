// Where the locks of a group live: the three file layouts of docs/protocol.md, each described
// once. The probe (probe.ts), the node manager, the pulse, the watcher, the status report and
// the TUI's panel read these descriptions; none of them names a layout's files itself.
// Pure: the evidence is gathered by the probe, decided here.
//
// Adding a layout: write its LayoutDescription below (files, lock targets with their primitive,
// state locks, what creating it means, how it shows), add it to LAYOUTS, and — if it locks in
// a way not yet known — its primitive in primitives.ts. Nothing else names layouts by file.
import path from 'node:path';
import {WHOLE_FILE, byteAt, type LockRange} from './fcntl.js';
import {BACKUP_LOCK_OFFSET, LIVE_LOCK_OFFSET, STATE_OFFSET, type Segment} from './format.js';

/**
 * ranges: HornetQ and Artemis ≤ 2.9 (NIO) lock bytes 1 (live) and 2 (backup) of server.lock.
 * files: Artemis ≥ 2.10 locks the whole files serverlock.1 (primary) and serverlock.2 (backup).
 * flock: HornetQ 2.2–2.4 and Artemis ≤ 2.0 with an AIO journal flock server.1.lock / server.2.lock.
 */
export type Layout = 'files' | 'ranges' | 'flock';
export type DetectedLayout = Layout | 'mixed';
export type LayoutChoice = Layout | 'auto';

export const SERVER_LOCK = 'server.lock';

/**
 * How a lock is taken: fcntl record locks (OFD on Linux, POSIX elsewhere; what Java's
 * FileChannel.tryLock takes) or flock (HornetQ's native AIO layer). On Linux the two never
 * see each other.
 */
export type LockPrimitive = 'fcntl' | 'flock';

/** One lock: which file (a name in the directory), which range, taken how. */
export type TargetSpec = {readonly name: string; readonly range: LockRange; readonly primitive: LockPrimitive};

/** A state lock; `optional`: taken only where its file exists, looked for at every state access. */
export type StateLockSpec = TargetSpec & {readonly optional?: boolean};

export type LayoutDescription = {
	readonly name: Layout;
	/**
	 * The layout's own files besides server.lock: their presence is evidence of the layout, and a
	 * starting node creates them (empty, 0666 less the umask) BEFORE server.lock, so that a node
	 * starting beside it never sees a server.lock alone.
	 */
	readonly files: readonly string[];
	readonly live: TargetSpec;
	readonly backup: TargetSpec;
	/** Taken in this order around every state read and write; none: the state is read and written bare. */
	readonly stateLocks: readonly StateLockSpec[];
	/** Files the layout may have that are neither created nor evidence (serverlock.0 of 2.10.x). */
	readonly optionalFiles: readonly string[];
	/** Who uses it, in words (status, doctor); `optionalPresent`: an optional file is there. */
	readonly generation: (optionalPresent: boolean) => string;
	/** The same, short, for the TUI's one line. */
	readonly label: (optionalPresent: boolean) => string;
	/** The state-lock line of `status`: where it lives. */
	readonly stateWhere: (optionalPresent: boolean) => string;
	/** Bytes 1–2 of server.lock are the live and backup locks (the panel marks them). */
	readonly bytesAreLocks: boolean;
	/** When a node writes L: HornetQ right after getting the live lock; Artemis ≥ 2.0 at activationComplete. */
	readonly writesLiveAt: string;
};

const whole = (name: string, primitive: LockPrimitive = 'fcntl'): TargetSpec => ({name, range: WHOLE_FILE, primitive});
const byte = (offset: number): TargetSpec => ({name: SERVER_LOCK, range: byteAt(offset), primitive: 'fcntl'});

export const RANGES: LayoutDescription = {
	name: 'ranges',
	files: [],
	live: byte(LIVE_LOCK_OFFSET),
	backup: byte(BACKUP_LOCK_OFFSET),
	// HornetQ and Artemis < 2.4 take none; taking it is harmless to them and keeps 2.4–2.9 out.
	stateLocks: [byte(STATE_OFFSET)],
	optionalFiles: [],
	generation: () => 'HornetQ / Artemis ≤ 2.9: byte locks at bytes 1 (live) and 2 (backup) of server.lock',
	label: () => 'HornetQ / Artemis ≤ 2.9: bytes 1 (live) and 2 (backup) of server.lock',
	stateWhere: () => 'byte 0',
	bytesAreLocks: true,
	writesLiveAt: 'HornetQ: right after the live lock; Artemis 2.0–2.9: at activation complete',
};

export const FILES: LayoutDescription = {
	name: 'files',
	files: ['serverlock.1', 'serverlock.2'],
	live: whole('serverlock.1'),
	backup: whole('serverlock.2'),
	// 2.10.x locks serverlock.0, 2.11+ the whole server.lock: a directory a 2.10.x broker ever ran
	// on keeps serverlock.0 (nobody deletes it) and a 2.11+ broker may run there now, so both,
	// in this order (no two ha-tui nodes deadlock; an Artemis node only ever takes one).
	stateLocks: [{...whole('serverlock.0'), optional: true}, whole(SERVER_LOCK)],
	optionalFiles: ['serverlock.0'],
	generation: serverlock0 => serverlock0
		? 'Artemis 2.10.x: whole-file locks on serverlock.1 / serverlock.2, state lock on serverlock.0'
		: 'Artemis 2.10+: whole-file locks on serverlock.1 (primary) / serverlock.2 (backup)',
	label: serverlock0 => serverlock0 ? 'Artemis 2.10.x' : 'Artemis ≥ 2.10',
	stateWhere: serverlock0 => serverlock0 ? 'serverlock.0 + server.lock' : SERVER_LOCK,
	bytesAreLocks: false,
	writesLiveAt: 'at activation complete',
};

export const FLOCK: LayoutDescription = {
	name: 'flock',
	files: ['server.1.lock', 'server.2.lock'],
	live: whole('server.1.lock', 'flock'),
	backup: whole('server.2.lock', 'flock'),
	// AIOFileLockNodeManager never locks server.lock: the state is read and written bare.
	stateLocks: [],
	optionalFiles: [],
	generation: () => 'HornetQ 2.2–2.4 / Artemis ≤ 2.0 with an AIO journal: flock on server.1.lock (live) / server.2.lock (backup); server.lock is never locked',
	label: () => 'HornetQ / Artemis ≤ 2.0, AIO journal: flock on server.1.lock / server.2.lock',
	stateWhere: () => 'none (this generation takes no state lock)',
	bytesAreLocks: false,
	writesLiveAt: 'right after the live lock',
};

export const LAYOUTS: Readonly<Record<Layout, LayoutDescription>> = {ranges: RANGES, files: FILES, flock: FLOCK};
export const LAYOUT_NAMES = Object.keys(LAYOUTS) as Layout[];

/** Every file any layout names (server.lock first): what the watcher and the probe look at. */
export const LAYOUT_FILES: readonly string[] = [SERVER_LOCK, ...new Set(LAYOUT_NAMES.flatMap(name => [...LAYOUTS[name].optionalFiles, ...LAYOUTS[name].files]))];

export const describeTargets = (layout: Layout): readonly TargetSpec[] => {
	const description = LAYOUTS[layout];
	return [...description.stateLocks, description.live, description.backup];
};

export type LayoutEvidence = {
	readonly serverLockExists: boolean;
	/** Per layout: one of its own files exists. */
	readonly present: Readonly<Partial<Record<Layout, boolean>>>;
	/** Per layout: somebody holds its live or backup lock (for ranges: a byte lock, not a whole-file one). */
	readonly held: Readonly<Partial<Record<Layout, boolean>>>;
	/**
	 * server.lock alone is only a few seconds old, in state '0' (or empty), with no lock on it:
	 * a broker that has just created it and not yet its lock files (Artemis creates server.lock
	 * first) or taken its first lock. Not evidence of the ranges layout.
	 */
	readonly freshServerLock?: boolean;
};

export type LayoutDecision = {
	readonly layout: DetectedLayout;
	/**
	 * Why: `files` / `ranges` / `flock` — the directory shows it; `both` (files and ranges),
	 * `files+flock`, `ranges+flock`, `all` — more than one; `new` — nothing there yet (the files
	 * layout, what every supported Artemis uses); `server-lock-only` — server.lock with no lock
	 * files and no locks (an old group at rest, or one made by ha-tui); `fresh` — the same, but
	 * so new that its creator may not have made its lock files yet: a node looks again.
	 */
	readonly because: 'files' | 'ranges' | 'flock' | 'both' | 'files+flock' | 'ranges+flock' | 'all' | 'new' | 'server-lock-only' | 'fresh';
};

/** How long after its creation a lone server.lock is not yet evidence of ranges (16 §3). */
export const FRESH_SERVER_LOCK_MS = 3000;

export function shownLayouts(evidence: LayoutEvidence): Layout[] {
	return LAYOUT_NAMES.filter(name => evidence.present[name] === true || evidence.held[name] === true);
}

export function detectLayout(evidence: LayoutEvidence): LayoutDecision {
	const shown = shownLayouts(evidence);
	if (shown.length > 1) {
		const key = shown.slice().sort().join('+');
		const because = key === 'files+ranges' ? 'both' : key === 'files+flock' ? 'files+flock' : key === 'flock+ranges' ? 'ranges+flock' : 'all';
		return {layout: 'mixed', because};
	}

	if (shown.length === 1) return {layout: shown[0], because: shown[0]};
	if (!evidence.serverLockExists) return {layout: 'files', because: 'new'};
	return {layout: 'ranges', because: evidence.freshServerLock ? 'fresh' : 'server-lock-only'};
}

/** The layouts a mixed decision names, for messages. */
export function mixedLayouts(decision: LayoutDecision): Layout[] {
	switch (decision.because) {
		case 'both': return ['ranges', 'files'];
		case 'files+flock': return ['files', 'flock'];
		case 'ranges+flock': return ['ranges', 'flock'];
		case 'all': return ['ranges', 'files', 'flock'];
		default: return [];
	}
}

const evidenceWords: Readonly<Record<Layout, string>> = {
	ranges: 'byte locks on server.lock',
	files: 'serverlock files',
	flock: 'flock files server.1.lock / server.2.lock',
};

/** "byte locks on server.lock and serverlock files" for a mixed decision. */
export function mixedWords(decision: LayoutDecision): string {
	const words = mixedLayouts(decision).map(name => evidenceWords[name]);
	return words.length <= 2 ? words.join(' and ') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
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
		throw new LayoutConflictError(`two lock layouts share this directory (${mixedWords(decision)}); their nodes cannot see each other's locks`);
	}

	if (choice === 'auto') return decision.layout;
	const shown = decision.because === decision.layout;
	if (shown && choice !== decision.layout) {
		throw new LayoutConflictError(`--layout ${choice} contradicts the directory, which uses the ${decision.layout} layout (${describeLayout(decision.layout)})`);
	}

	return choice;
}

/** Who uses the layout, in words (the mixed decision names its layouts where known). */
export function describeLayout(layout: DetectedLayout, optionalPresent = false, decision?: LayoutDecision): string {
	if (layout !== 'mixed') return LAYOUTS[layout].generation(optionalPresent);
	if (decision && decision.because !== 'both') return `mixed: ${mixedWords(decision)} — generations that cannot see each other`;
	return 'mixed: byte locks on server.lock AND serverlock files — two generations that cannot see each other';
}

export type LockTarget = {readonly file: string; readonly range: LockRange; readonly primitive: LockPrimitive};

export const targetIn = (directory: string, spec: TargetSpec): LockTarget => ({file: path.join(directory, spec.name), range: spec.range, primitive: spec.primitive});

/**
 * Which file and range each lock is, for a layout. The state target is the last (mandatory)
 * state lock, or server.lock where the layout has none; `serverlock0` picks 2.10.x's optional one.
 */
export function lockTargets(layout: Layout, directory: string, options: {serverlock0?: boolean} = {}): Readonly<Record<Segment, LockTarget>> {
	const description = LAYOUTS[layout];
	const state = options.serverlock0
		? description.stateLocks.find(spec => spec.optional)
		: description.stateLocks.filter(spec => !spec.optional).at(-1);
	return {
		state: targetIn(directory, state ?? whole(SERVER_LOCK, 'fcntl')),
		live: targetIn(directory, description.live),
		backup: targetIn(directory, description.backup),
	};
}

/** Where a segment's lock lives, for a person: "byte 1", "serverlock.1", "server.1.lock (flock)". */
export function whereLabel(layout: Layout, segment: Segment, optionalPresent = false): string {
	const description = LAYOUTS[layout];
	if (segment === 'state') return description.stateWhere(optionalPresent);
	const spec = description[segment];
	if (spec.range.length !== 0 || spec.name === SERVER_LOCK) return `byte ${spec.range.start}`;
	return spec.primitive === 'flock' ? `${spec.name} (flock)` : spec.name;
}
