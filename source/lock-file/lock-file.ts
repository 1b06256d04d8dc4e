// Opening, reading and creating server.lock. Read-only paths never create or change a file;
// only a starting node (openForNode) may create one, atomically, with a fresh node id.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {randomBytes} from 'node:crypto';
import {describeFsError} from './errors.js';
import {FILE_SIZE, NODE_ID_LENGTH, NODE_ID_OFFSET, STATE, STATE_OFFSET, encodeNewLockFile, isKnownState, newNodeId} from './format.js';
import {SERVER_LOCK} from './layout.js';

/** @deprecated the same name as layout.ts SERVER_LOCK, kept for the library's users. */
export const LOCK_FILE_NAME = SERVER_LOCK;

/** Bad input: the message is one line, naming the file and the cause. */
export class LockFileInputError extends Error {
	/** `code`: the errno name (ENOENT, EACCES…) when a file-system call failed, for callers to test instead of the words. */
	constructor(readonly path: string, readonly cause_: string, readonly code?: string) {
		super(`${path}: ${cause_}`);
		this.name = 'LockFileInputError';
	}
}

/** A failed file-system call on `file`, in one line, keeping its errno code. */
function fsInputError(file: string, error: unknown): LockFileInputError {
	return new LockFileInputError(file, describeFsError(error), (error as NodeJS.ErrnoException | undefined)?.code);
}

function kindOf(stat: fs.Stats): string {
	if (stat.isDirectory()) return 'a directory';
	if (stat.isFIFO()) return 'a FIFO (named pipe), not a lock file';
	if (stat.isCharacterDevice()) return 'a character device, not a lock file';
	if (stat.isBlockDevice()) return 'a block device, not a lock file';
	if (stat.isSocket()) return 'a socket, not a lock file';
	return 'not a regular file';
}

/**
 * A directory argument means DIR/server.lock, as in Artemis' journal directory; so does a
 * path ending in a slash that does not exist yet (a node may create it with --create-dir).
 */
export function resolveLockPath(argument: string): string {
	const absolute = path.resolve(argument);
	if (/[/\\]$/.test(argument)) return path.join(absolute, SERVER_LOCK);
	try {
		if (fs.statSync(absolute).isDirectory()) return path.join(absolute, SERVER_LOCK);
	} catch {}

	return absolute;
}

export type OpenedLockFile = {
	readonly path: string;
	readonly fd: number;
	readonly device: number;
	readonly inode: number;
};

function checkRegular(file: string, stat: fs.Stats, wasDirectoryArgument = false): void {
	if (stat.isFile()) return;
	if (stat.isDirectory() && !wasDirectoryArgument) throw new LockFileInputError(file, `is a directory without ${SERVER_LOCK}`);
	throw new LockFileInputError(file, `is ${kindOf(stat)}`);
}

/** Opens an existing lock file read-only, for probing. Never creates or modifies anything. */
export function openForReading(file: string): OpenedLockFile {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(file);
	} catch (error) {
		throw fsInputError(file, error);
	}

	checkRegular(file, stat);
	let fd: number;
	try {
		// O_NONBLOCK: if the path is swapped for a FIFO between stat and open, open must not hang.
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
	} catch (error) {
		throw fsInputError(file, error);
	}

	let opened: fs.Stats;
	try {
		opened = fs.fstatSync(fd);
		if (!opened.isFile()) checkRegular(file, opened);
	} catch (error) {
		// Never leak the descriptor, whatever went wrong after the open.
		fs.closeSync(fd);
		if (error instanceof LockFileInputError) throw error;
		throw fsInputError(file, error);
	}

	return {path: file, fd, device: opened.dev, inode: opened.ino};
}

export function readBytes(fd: number, length = FILE_SIZE): Uint8Array {
	const buffer = Buffer.alloc(length);
	const read = fs.readSync(fd, buffer, 0, length, 0);
	return new Uint8Array(buffer.subarray(0, read));
}

export function readStateByte(fd: number): number | undefined {
	const buffer = Buffer.alloc(1);
	return fs.readSync(fd, buffer, 0, 1, STATE_OFFSET) === 1 ? buffer[0] : undefined;
}

/** pwrite of the one state byte, then fdatasync: the state must survive a power loss. */
export function writeStateByte(fd: number, state: number): void {
	fs.writeSync(fd, Buffer.of(state), 0, 1, STATE_OFFSET);
	fs.fdatasyncSync(fd);
}

function createAtomically(file: string): boolean {
	// Write a complete file aside, then link() it into place: link fails if the name exists,
	// so of two starters exactly one creates it, and nobody ever sees a half-written file.
	const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	const fd = fs.openSync(temporary, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o666);
	try {
		fs.writeSync(fd, encodeNewLockFile());
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}

	try {
		fs.linkSync(temporary, file);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	} finally {
		fs.rmSync(temporary, {force: true});
	}
}

/** Fills in what a short file lacks (a state byte, a node id) but never replaces a node id. */
function completeShortFile(fd: number): void {
	const bytes = readBytes(fd);
	if (bytes.length >= FILE_SIZE) return;
	if (bytes.length === 0) {
		fs.writeSync(fd, Buffer.from([STATE.firstStart, STATE.firstStart, STATE.firstStart]), 0, 3, 0);
	} else if (bytes.length < NODE_ID_OFFSET) {
		fs.writeSync(fd, Buffer.alloc(NODE_ID_OFFSET - bytes.length, STATE.firstStart), 0, NODE_ID_OFFSET - bytes.length, bytes.length);
	}

	// A partial node id is no node id: nobody can have used it.
	fs.writeSync(fd, newNodeId(), 0, NODE_ID_LENGTH, NODE_ID_OFFSET);
	fs.fsyncSync(fd);
}

/**
 * Before a node writes a byte: does this look like a server.lock a broker wrote? Only sizes
 * Artemis leaves (0: created, 3: crashed before the node id, 19) and a known state byte.
 * Anything else is somebody's file, and a node must leave it byte-for-byte alone.
 */
export function checkLooksLikeLockFile(file: string, fd: number): void {
	const stat = fs.fstatSync(fd);
	if (!stat.isFile()) checkRegular(file, stat);
	if (stat.size !== 0 && stat.size !== NODE_ID_OFFSET && stat.size !== FILE_SIZE) {
		throw new LockFileInputError(file, `is not a lock file: ${stat.size} bytes (a server.lock has 0, 3 or 19); remove it to start a new group`);
	}

	const first = readStateByte(fd);
	if (first !== undefined && !isKnownState(first)) {
		throw new LockFileInputError(file, `is not a lock file: its state byte is 0x${first.toString(16).padStart(2, '0')}, not one of 0 N L P F; remove it to start a new group`);
	}
}

/**
 * Before a node creates or writes anything (the layout's serverlock files beside it come first):
 * an existing server.lock must be a regular file that looks like one a broker wrote
 * (checkLooksLikeLockFile) — else a symlink to /dev/zero, or somebody's 64-byte file, left new
 * serverlock files in /dev or beside that file before the refusal. Missing is fine (the node
 * makes it). Read-only; throws LockFileInputError (one line).
 */
export function checkNodeTarget(file: string): void {
	try {
		if (!fs.statSync(file, {throwIfNoEntry: false})) return;
	} catch (error) {
		throw fsInputError(file, error);
	}

	const opened = openForReading(file);
	try {
		checkLooksLikeLockFile(file, opened.fd);
	} catch (error) {
		if (error instanceof LockFileInputError) throw error;
		throw fsInputError(file, error);
	} finally {
		fs.closeSync(opened.fd);
	}
}

/**
 * Opens (creating if needed) the lock file for a node: read-write, with a complete
 * 19-byte layout. createDirectory: also create the parent directory.
 */
export function openForNode(file: string, options: {createDirectory?: boolean; create?: boolean} = {}): OpenedLockFile {
	let fd: number | undefined;
	try {
		if (options.createDirectory) fs.mkdirSync(path.dirname(file), {recursive: true});
		const stat = fs.statSync(file, {throwIfNoEntry: false});
		if (stat) checkRegular(file, stat);
		else if (options.create !== false) createAtomically(file);
		fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
		checkLooksLikeLockFile(file, fd);
		const opened = fs.fstatSync(fd);
		if (opened.size < FILE_SIZE) completeShortFile(fd);
		return {path: file, fd, device: opened.dev, inode: opened.ino};
	} catch (error) {
		if (fd !== undefined) fs.closeSync(fd);
		if (error instanceof LockFileInputError) throw error;
		throw fsInputError(file, error);
	}
}

/**
 * Opens one of a layout's own lock files (serverlock.N, server.N.lock) for locking, creating
 * it empty where missing, as every Artemis ≥ 2.10 node does at start (and HornetQ's AIO layer
 * when it first tries the lock). An existing one must be a regular, empty file.
 */
export function openServerlockFile(file: string, options: {create?: boolean} = {}): OpenedLockFile {
	let fd: number | undefined;
	try {
		const stat = fs.statSync(file, {throwIfNoEntry: false});
		if (stat) checkRegular(file, stat);
		const flags = fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK | (stat || options.create === false ? 0 : fs.constants.O_CREAT);
		// 0o666 less the umask, as Java's File.createNewFile: brokers of one group may share a group id.
		fd = fs.openSync(file, flags, 0o666);
		const opened = fs.fstatSync(fd);
		if (!opened.isFile()) checkRegular(file, opened);
		if (opened.size !== 0) throw new LockFileInputError(file, `is not a ${path.basename(file).startsWith('serverlock.') ? 'serverlock' : 'lock'} file: it has ${opened.size} bytes (brokers keep them empty)`);
		return {path: file, fd, device: opened.dev, inode: opened.ino};
	} catch (error) {
		if (fd !== undefined) fs.closeSync(fd);
		if (error instanceof LockFileInputError) throw error;
		throw fsInputError(file, error);
	}
}

/** A second descriptor on an already opened file, without creating anything. */
export function reopen(opened: OpenedLockFile, mode: 'read' | 'write'): number {
	const fd = fs.openSync(opened.path, (mode === 'write' ? fs.constants.O_RDWR : fs.constants.O_RDONLY) | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
	const stat = fs.fstatSync(fd);
	if (stat.ino !== opened.inode || stat.dev !== opened.device) {
		fs.closeSync(fd);
		throw new LockFileInputError(opened.path, 'was replaced while it was being opened');
	}

	return fd;
}

/** Same file as when we opened it? false once it is deleted or replaced at that path. */
export function isSameFile(opened: OpenedLockFile): boolean {
	try {
		const stat = fs.statSync(opened.path);
		return stat.ino === opened.inode && stat.dev === opened.device;
	} catch {
		return false;
	}
}
