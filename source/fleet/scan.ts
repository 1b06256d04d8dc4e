// `--scan ROOT`: the groups under a root. A group is a directory holding lock files (server.lock;
// serverlock.1/.2 of Artemis ≥ 2.10; server.1.lock/.2 of the flock layout), or one named as
// the lock directory by a broker.xml found there. Bounded: depth, entries, time; symlinks are
// followed only where they stay inside ROOT (each directory once: loops end), never into
// /proc, /sys or /dev. Read-only: readdir, lstat, realpath, and broker.xml (with limits).
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {artemisBroker} from '../broker/index.js';
import {LAYOUTS, SERVER_LOCK} from '../lock-file/index.js';
import {errorLine} from '../text/error-line.js';
import type {FoundBy, Group} from './groups.js';

export type ScanOptions = {
	/** Levels below ROOT to look into (ROOT itself is 0). */
	readonly depth?: number;
	/** Directory entries to read in all, then stop. */
	readonly maxEntries?: number;
	/** Give up after this long (a hung network mount). */
	readonly timeoutMs?: number;
	/** Called about every second while the scan runs, from the first second on. */
	readonly onProgress?: (progress: ScanProgress) => void;
	readonly signal?: AbortSignal;
};

export type ScanProgress = {directories: number; entries: number; groups: number; current: string};

export type ScanResult = {
	readonly root: string;
	readonly groups: Group[];
	readonly directories: number;
	readonly entries: number;
	/** Directories that could not be read, with why (first 20). */
	readonly unreadable: Array<{path: string; error: string}>;
	readonly unreadableCount: number;
	/** Symlinks not followed because they lead out of ROOT (or into /proc). */
	readonly skippedLinks: number;
	/** Why the scan stopped before the end: depth is not a reason (it is what was asked). */
	readonly incomplete?: string;
};

export class ScanRootError extends Error {
	override name = 'ScanRootError';
}

const PSEUDO = ['/proc', '/sys', '/dev'];
const within = (dir: string, root: string) => dir === root || dir.startsWith(root.endsWith('/') ? root : `${root}/`);
const isPseudo = (dir: string) => PSEUDO.some(pseudo => within(dir, pseudo));

export async function scanForGroups(rootArgument: string, options: ScanOptions = {}): Promise<ScanResult> {
	const depth = options.depth ?? 6;
	const maxEntries = options.maxEntries ?? 200_000;
	const deadline = Date.now() + (options.timeoutMs ?? 60_000);
	let root: string;
	try {
		root = fs.realpathSync(path.resolve(rootArgument));
		if (!fs.statSync(root).isDirectory()) throw new ScanRootError(`--scan ${rootArgument}: not a directory`);
	} catch (error) {
		if (error instanceof ScanRootError) throw error;
		throw new ScanRootError(`--scan ${rootArgument}: ${errorLine(error)}`);
	}

	if (isPseudo(root)) throw new ScanRootError(`--scan ${rootArgument}: ${root} is a kernel file system, not a place for lock files`);
	const groups = new Map<string, Group>();
	const add = (directory: string, foundBy: FoundBy) => {
		const lockPath = path.join(directory, SERVER_LOCK);
		if (!groups.has(lockPath)) groups.set(lockPath, {label: directory, target: directory, lockPath, foundBy});
	};

	const visited = new Set<string>();
	const unreadable: Array<{path: string; error: string}> = [];
	let unreadableCount = 0;
	let skippedLinks = 0;
	let directories = 0;
	let entries = 0;
	let incomplete: string | undefined;
	let current = root;
	const started = Date.now();
	const progress = options.onProgress
		? setInterval(() => options.onProgress!({directories, entries, groups: groups.size, current}), 1000)
		: undefined;
	progress?.unref();
	const queue: Array<{dir: string; level: number}> = [{dir: root, level: 0}];
	const brokerXmls: string[] = [];
	try {
		while (queue.length > 0) {
			if (options.signal?.aborted) {
				incomplete = 'interrupted';
				break;
			}

			if (Date.now() > deadline) {
				incomplete = `stopped after ${Math.round((Date.now() - started) / 1000)} s (time limit)`;
				break;
			}

			const {dir, level} = queue.shift()!;
			let identity: string;
			try {
				const stat = await fs.promises.stat(dir);
				identity = `${stat.dev}:${stat.ino}`;
			} catch (error) {
				unreadableCount++;
				if (unreadable.length < 20) unreadable.push({path: dir, error: errorLine(error)});
				continue;
			}

			if (visited.has(identity)) continue;
			visited.add(identity);
			current = dir;
			directories++;
			let handle: fs.Dir;
			try {
				handle = await fs.promises.opendir(dir, {bufferSize: 256});
			} catch (error) {
				unreadableCount++;
				if (unreadable.length < 20) unreadable.push({path: dir, error: errorLine(error)});
				continue;
			}

			const names = new Set<string>();
			const subdirectories: string[] = [];
			try {
				for await (const entry of handle) {
					entries++;
					if (entries > maxEntries) {
						incomplete = `stopped after ${maxEntries} directory entries (limit)`;
						break;
					}

					names.add(entry.name);
					const full = path.join(dir, entry.name);
					if (entry.isDirectory()) {
						subdirectories.push(full);
					} else if (entry.isSymbolicLink()) {
						// Follow only into ROOT: the link's target, resolved, must be a directory inside it.
						try {
							const target = await fs.promises.realpath(full);
							if (!within(target, root) || isPseudo(target)) {
								skippedLinks++;
								continue;
							}

							if ((await fs.promises.stat(target)).isDirectory()) subdirectories.push(target);
							else names.add(entry.name);
						} catch {
							skippedLinks++;
						}
					}
				}
			} catch (error) {
				unreadableCount++;
				if (unreadable.length < 20) unreadable.push({path: dir, error: errorLine(error)});
			}

			if (names.has(SERVER_LOCK)) add(dir, 'server.lock');
			else if (LAYOUTS.files.files.some(name => names.has(name))) add(dir, 'serverlock files');
			else if (LAYOUTS.flock.files.some(name => names.has(name))) add(dir, 'flock files');
			if (names.has('broker.xml')) brokerXmls.push(path.join(dir, 'broker.xml'));
			if (incomplete) break;
			if (level < depth) for (const sub of subdirectories.sort()) if (!isPseudo(sub)) queue.push({dir: sub, level: level + 1});
		}
	} finally {
		clearInterval(progress);
	}

	for (const xml of brokerXmls) {
		const directory = lockDirectoryOf(xml);
		if (directory === undefined) continue;
		// A broker.xml may name a lock directory outside ROOT: that is where its group is.
		const lockPath = path.join(directory, SERVER_LOCK);
		// The target is the broker.xml itself: the resolver (target/resolve.ts) follows it again.
		if (!groups.has(lockPath)) groups.set(lockPath, {label: directory, target: xml, lockPath, foundBy: `broker.xml ${xml}`});
	}

	return {root, groups: [...groups.values()].sort((a, b) => a.label.localeCompare(b.label)), directories, entries, unreadable, unreadableCount, skippedLinks, ...(incomplete ? {incomplete} : {})};
}

/** The lock directory a broker.xml names (node-manager-lock-directory, else the journal), with the instance it belongs to. */
function lockDirectoryOf(xml: string): string | undefined {
	const etc = path.dirname(xml);
	const instance = path.basename(etc) === 'etc' ? path.dirname(etc) : etc;
	try {
		const info = artemisBroker({kind: 'artemis', properties: new Map([['artemis.instance', instance], ['artemis.instance.etc', etc]]), classPath: [], args: [], brokerUri: pathToFileURL(xml).href});
		if (info.haPolicy !== 'shared-store' || !info.lockDirectory) return undefined;
		return path.resolve(info.lockDirectory);
	} catch {
		return undefined;
	}
}
