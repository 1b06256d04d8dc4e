// Every group probed once, with one holder scan shared by all (status over many groups).
import fs from 'node:fs';
import path from 'node:path';
import {LAYOUT_FILES, LockFileInputError, SERVER_LOCK, assess, probeLockFile, type Assessment, type Probe} from '../lock-file/index.js';
import type {FileIdentity} from '../lock-file/proc-locks.js';
import type {Group} from './groups.js';
import {SharedOwnerScan} from './shared-owners.js';

export type GroupProbe = {
	readonly group: Group;
	readonly probe?: Probe;
	readonly assessment: Assessment;
	/** One line: why there is no probe. */
	readonly error?: string;
};

/** The identities of a group's lock files, for the shared scan: a stat each, no open. */
export function identitiesOf(group: Group): FileIdentity[] {
	const directory = path.dirname(group.lockPath);
	const identities: FileIdentity[] = [];
	// Every layout's lock files (layout.ts), beside the group's server.lock.
	for (const file of [group.lockPath, ...LAYOUT_FILES.filter(name => name !== SERVER_LOCK).map(name => path.join(directory, name))]) {
		try {
			const stat = fs.statSync(file, {throwIfNoEntry: false});
			if (stat?.isFile()) identities.push({device: stat.dev, inode: stat.ino});
		} catch {}
	}

	return identities;
}

export function probeGroups(groups: readonly Group[]): {results: GroupProbe[]; scans: number} {
	const scan = new SharedOwnerScan(groups.filter(group => group.error === undefined).flatMap(group => identitiesOf(group)));
	const results = groups.map((group): GroupProbe => {
		if (group.error !== undefined) return {group, assessment: {verdict: 'unknown', exitCode: 3, summary: group.error}, error: group.error};
		try {
			const probe = probeLockFile(group.lockPath, scan);
			return {group, probe, assessment: assess(probe)};
		} catch (error) {
			if (!(error instanceof LockFileInputError)) throw error;
			return {group, assessment: {verdict: 'unknown', exitCode: 3, summary: error.message}, error: error.message};
		}
	});
	return {results, scans: scan.scans};
}
