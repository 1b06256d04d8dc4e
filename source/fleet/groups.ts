// A group as the fleet commands see it: what the user typed (or --scan found), the lock file
// it resolves to, and the name lines start with. Resolution is the single-group commands' own
// (target/resolve.ts: the real server.lock, instance and data directories, broker.xml), so
// every target they accept is accepted here, and two spellings of one group are one group.
import path from 'node:path';
import {LockFileInputError} from '../lock-file/index.js';
import {resolveTarget, type MissingPolicy, type ResolvedTarget} from '../target/resolve.js';

export type FoundBy = 'argument' | 'server.lock' | 'serverlock files' | 'flock files' | `broker.xml ${string}`;

export type Group = {
	/** What lines start with: the group's real lock directory (a URL for a table). */
	readonly label: string;
	/** The target as given (or found). */
	readonly target: string;
	/** The lock file the probes read. */
	readonly lockPath: string;
	readonly foundBy: FoundBy;
	readonly resolved?: ResolvedTarget;
	/** Why the target names no group (status reports it as UNKNOWN). */
	readonly error?: string;
};

/** `label`: the name to use when the target names no group (a scanned directory). */
export function groupOf(target: string, foundBy: FoundBy = 'argument', missing: MissingPolicy = 'error', label?: string): Group {
	try {
		const resolved = resolveTarget(target, {missing});
		return {label: resolved.directory, target, lockPath: resolved.file, foundBy, resolved};
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		const absolute = path.resolve(target);
		return {label: label ?? absolute, target, lockPath: label ? path.join(label, 'server.lock') : absolute, foundBy, error: error.message};
	}
}

/** The groups to look at, each once (two spellings of one directory are one group). */
export function uniqueGroups(groups: readonly Group[]): Group[] {
	const seen = new Set<string>();
	return groups.filter(group => {
		if (seen.has(group.lockPath)) return false;
		seen.add(group.lockPath);
		return true;
	});
}

/** Worst exit code first: a critical group outranks one we cannot read, which outranks a warning. */
const severity: Readonly<Record<number, number>> = {0: 0, 1: 1, 3: 2, 2: 3};

export function worstExitCode(codes: Iterable<number>): 0 | 1 | 2 | 3 {
	let worst = 0;
	for (const code of codes) if ((severity[code] ?? 2) > (severity[worst] ?? 0)) worst = code;
	return worst as 0 | 1 | 2 | 3;
}
