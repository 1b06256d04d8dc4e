// Before a node writes a byte or takes a lock: is this directory the group's one directory?
// A node locks serverlock.1/.2 BESIDE server.lock and writes the state byte INTO server.lock;
// if those two are not in the same directory as the brokers see it, the node writes F/L into
// the group's state while locking files nobody else locks — a second live, or a real primary
// that reads its lock as lost (the issue-14 outage: a symlink to server.lock in another
// directory). So a node refuses, with one line and nothing written, where it cannot be sure:
// - server.lock (or a serverlock file) is a symbolic link: its directory is not this one;
// - server.lock has more than one hard link: some other directory may be the group's;
// - a serverlock file has more than one link, or lives on another device than server.lock;
// - a lock file is a mount point (a bind-mounted file from somewhere else);
// - the directory changed identity (renamed, replaced) between this check and the open.
// docs/protocol.md ("Which directory is the group's") says what is safe and why.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {LockFileInputError} from './lock-file.js';
import {readMountinfo} from './file-system.js';
import {LAYOUT_FILES, SERVER_LOCK} from './layout.js';

/** Every lock file any layout names (layout.ts). */
const LOCK_NAMES = LAYOUT_FILES;
/** The layouts' own lock files (serverlock.N, server.N.lock), as opposed to the state file. */
const LAYOUT_LOCK_FILES = new Set(LAYOUT_FILES.filter(name => name !== SERVER_LOCK));

/** The directory a node checked, held open so its identity can be compared after the opens. */
export type PinnedDirectory = {
	readonly path: string;
	readonly fd: number;
	readonly device: number;
	readonly inode: number;
};

function refuse(file: string, cause: string): never {
	throw new LockFileInputError(file, `refusing to start a node: ${cause}`);
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
	try {
		return fs.lstatSync(file);
	} catch {
		return undefined;
	}
}

/** Mount points of this mount namespace (a bind-mounted file shows up as one). */
function mountPoints(): Set<string> {
	return new Set(readMountinfo().map(entry => entry.mountPoint));
}

/**
 * ha-tui's own creation of server.lock links a complete temporary file into place and then
 * removes the temporary name: for that instant the new server.lock has two links. The other
 * name is `.server.lock.<pid>.<hex>.tmp` in the same directory, on the same inode.
 */
function isOurCreationInProgress(directory: string, stat: fs.Stats): boolean {
	try {
		return fs.readdirSync(directory).some(name => /^\.server\.lock\.\d+\.[\da-f]+\.tmp$/.test(name) && fs.lstatSync(path.join(directory, name)).ino === stat.ino);
	} catch {
		return false;
	}
}

function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** server.lock's link count, waiting out (≤ 200 ms) a node's creation in progress. */
function settledLinks(file: string, stat: fs.Stats): number {
	let current = stat;
	for (let tries = 0; current.nlink > 1 && tries < 20 && isOurCreationInProgress(path.dirname(file), current); tries++) {
		sleepSync(10);
		current = lstatOrUndefined(file) ?? current;
	}

	return current.nlink;
}

function checkName(directory: string, name: string, mounts: ReadonlySet<string>): fs.Stats | undefined {
	const file = path.join(directory, name);
	const stat = lstatOrUndefined(file);
	if (!stat) return undefined;
	if (stat.isSymbolicLink()) {
		let target = '?';
		try {
			target = fs.readlinkSync(file);
		} catch {}

		refuse(file, `${name} is a symbolic link (to ${target}); the group's lock files must be real files in one directory (run ha-tui on the directory that holds the real files)`);
	}

	if (mounts.has(file)) refuse(file, `${name} is a mount point (a bind-mounted file): it may be another directory's file`);
	const links = stat.isFile() && name === 'server.lock' ? settledLinks(file, stat) : stat.nlink;
	if (stat.isFile() && name === 'server.lock' && links > 1) {
		refuse(file, `server.lock has ${links} hard links: another directory may hold this group's serverlock files, and a node here would lock the wrong ones (use the directory the brokers use; remove the extra link)`);
	}

	if (stat.isFile() && name !== 'server.lock' && stat.nlink > 1) {
		refuse(file, `${name} has ${stat.nlink} hard links: it may be another group's lock (Artemis creates it with one)`);
	}

	return stat;
}

/**
 * The checks before a node creates or opens anything in the directory of `file` (which the
 * caller resolved with realpath). Returns the directory held open; pass it to confirmOpened
 * once the files are open, then release it.
 */
export function pinGroupDirectory(file: string): PinnedDirectory {
	const directory = path.dirname(file);
	let fd: number;
	try {
		fd = fs.openSync(directory, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
	} catch (error) {
		throw new LockFileInputError(directory, `cannot open the directory: ${(error as Error).message}`);
	}

	try {
		const stat = fs.fstatSync(fd);
		const pinned = {path: directory, fd, device: stat.dev, inode: stat.ino};
		const named = lstatOrUndefined(directory);
		if (!named || named.dev !== stat.dev || named.ino !== stat.ino) refuse(directory, 'the directory changed while it was being checked');
		const mounts = mountPoints();
		if (path.basename(file) !== 'server.lock') {
			// Another name for the state file: its directory's serverlock files are still what a
			// node locks, so the same rules apply to the file itself.
			const own = lstatOrUndefined(file);
			if (own?.isSymbolicLink()) refuse(file, 'it is a symbolic link; give the real file');
			if (own?.isFile() && settledLinks(file, own) > 1) refuse(file, `it has ${own.nlink} hard links: another directory may hold this group's serverlock files`);
		}

		for (const name of LOCK_NAMES) checkName(directory, name, mounts);
		return pinned;
	} catch (error) {
		fs.closeSync(fd);
		throw error;
	}
}

/** The entry `name` of the pinned directory itself (not whatever the path names now). */
function entryOfPinned(pinned: PinnedDirectory, name: string): fs.Stats | undefined {
	const viaFd = process.platform === 'linux' ? path.join(`/proc/self/fd/${pinned.fd}`, name) : path.join(pinned.path, name);
	return lstatOrUndefined(viaFd);
}

/**
 * After the node opened its files: every one of them is the entry of that name in the pinned
 * directory (so none moved in between), that directory is still the one at the path, the
 * serverlock files are on server.lock's device, and server.lock still has one link.
 */
export function confirmOpened(pinned: PinnedDirectory, opened: ReadonlyArray<{readonly path: string; readonly device: number; readonly inode: number}>): void {
	const now = lstatOrUndefined(pinned.path);
	if (!now || now.dev !== pinned.device || now.ino !== pinned.inode) refuse(pinned.path, 'the directory was renamed or replaced while the node opened its files');
	const server = opened.find(file => path.basename(file.path) === SERVER_LOCK) ?? opened.find(file => !LAYOUT_LOCK_FILES.has(path.basename(file.path)));
	for (const file of opened) {
		const name = path.basename(file.path);
		if (path.dirname(file.path) !== pinned.path) refuse(file.path, `${name} is not in ${pinned.path}`);
		const entry = entryOfPinned(pinned, name);
		if (!entry || entry.isSymbolicLink() || entry.dev !== file.device || entry.ino !== file.inode) refuse(file.path, `${name} changed while the node opened it`);
		if (server && file !== server && file.device !== server.device) {
			refuse(file.path, `${name} is on another device than ${path.basename(server.path)} (a mount or bind mount between them): they cannot be one group's files`);
		}

		if (file === server && settledLinks(file.path, entry) > 1) refuse(file.path, `${name} has ${entry.nlink} hard links`);
	}
}

export function releasePinned(pinned: PinnedDirectory | undefined): void {
	if (!pinned) return;
	try {
		fs.closeSync(pinned.fd);
	} catch {}
}
