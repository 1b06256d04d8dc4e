// The groups a fleet command works on: the targets typed, then those --scan finds. Usage
// problems (an unreadable scan root) are one line and exit 3, as everywhere.
import process from 'node:process';
import {groupOf, uniqueGroups, type Group} from '../fleet/groups.js';
import {ScanRootError, scanForGroups, type ScanResult} from '../fleet/scan.js';
import type {Io} from './output.js';

export type FleetTargets = {targets: readonly string[]; scan?: string; depth?: number; signal?: AbortSignal};

/** error: status (a missing lock file is that group's UNKNOWN); wait: watch, serve, the fleet screen. */
export type FleetPolicy = 'error' | 'wait';

export async function resolveFleet(options: FleetTargets, io: Io, policy: FleetPolicy = 'error'): Promise<{groups: Group[]; scan?: ScanResult} | {error: string}> {
	const groups = options.targets.map(target => groupOf(target, 'argument', policy));
	// Watching: a target that names no group is a usage error, as for one group (exit 3).
	const bad = policy === 'wait' ? groups.find(group => group.error !== undefined) : undefined;
	if (bad) return {error: bad.error!};
	let scan: ScanResult | undefined;
	if (options.scan !== undefined) {
		// A progress line on stderr when a (network) file system is slow: on a terminal only.
		const onProgress = process.stderr.isTTY
			? ({directories, entries, groups: found, current}: {directories: number; entries: number; groups: number; current: string}) => {
				process.stderr.write(`\rscanning: ${directories} directories, ${entries} entries, ${found} groups — ${current.slice(-60)}\u001B[K`);
			}
			: undefined;
		try {
			scan = await scanForGroups(options.scan, {depth: options.depth, onProgress, signal: options.signal});
		} catch (error) {
			if (error instanceof ScanRootError) return {error: error.message};
			throw error;
		} finally {
			if (onProgress) process.stderr.write('\r\u001B[K');
		}

		const notes: string[] = [];
		if (scan.unreadableCount > 0) notes.push(`${scan.unreadableCount} unreadable director${scan.unreadableCount === 1 ? 'y' : 'ies'} (first: ${scan.unreadable[0].path}: ${scan.unreadable[0].error})`);
		if (scan.skippedLinks > 0) notes.push(`${scan.skippedLinks} symlink${scan.skippedLinks === 1 ? '' : 's'} out of ${scan.root} not followed`);
		if (scan.incomplete) notes.push(`INCOMPLETE: ${scan.incomplete}`);
		io.err(`ha-tui: scanned ${scan.root}: ${scan.directories} directories, ${scan.entries} entries, ${scan.groups.length} group${scan.groups.length === 1 ? '' : 's'}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`);
		// Through the resolver as typed targets are: real paths, so a group found twice is one.
		groups.push(...scan.groups.map(found => groupOf(found.target, found.foundBy, policy, found.label)));
		if (groups.length === 0) return {error: `--scan ${options.scan}: no group found (no server.lock, serverlock.1/.2, server.1.lock/.2 or shared-store broker.xml within depth ${options.depth ?? 6})`};
	}

	return {groups: uniqueGroups(groups), ...(scan ? {scan} : {})};
}
