// Byte-range fcntl locks through koffi (prebuilt FFI, no compiler at install).
// Linux: open-file-description (OFD) locks, owned by the open file rather than the process,
// so two nodes in one process contend exactly like two processes, and they still conflict
// with the POSIX locks a JVM takes with FileChannel.tryLock(pos, 1, false).
// Elsewhere: classic POSIX locks, which cannot separate two nodes of one process.
import process from 'node:process';
import koffi from 'koffi';
import {LockError} from './errors.js';

export type LockKind = 'OFD' | 'POSIX';
export type LockType = 'read' | 'write';

/** Byte offsets of `struct flock`'s fields on this platform (not a lock-file layout: see layout.ts). */
type FlockStructOffsets = {
	size: number;
	type: number;
	whence: number;
	start: number;
	len: number;
	pid: number;
};

type Platform = {
	libc: string;
	flockStruct: FlockStructOffsets;
	rdlck: number;
	wrlck: number;
	unlck: number;
	getlk: number;
	setlk: number;
	setlkw: number;
	kind: LockKind;
	/** fcntl's syscall number, to find a pool thread blocked in it (Linux only). */
	fcntlSyscall?: number;
};

const linuxFlockStruct: FlockStructOffsets = {size: 32, type: 0, whence: 2, start: 8, len: 16, pid: 24};

function detectPlatform(): Platform {
	if (process.platform === 'linux') {
		return {
			libc: 'libc.so.6',
			flockStruct: linuxFlockStruct,
			rdlck: 0,
			wrlck: 1,
			unlck: 2,
			getlk: 36, // F_OFD_GETLK
			setlk: 37, // F_OFD_SETLK
			setlkw: 38, // F_OFD_SETLKW
			kind: 'OFD',
			fcntlSyscall: process.arch === 'x64' ? 72 : process.arch === 'arm64' ? 25 : undefined,
		};
	}

	if (process.platform === 'darwin' || process.platform === 'freebsd') {
		// struct flock { off_t l_start; off_t l_len; pid_t l_pid; short l_type; short l_whence; (+ l_sysid on FreeBSD) }
		return {
			libc: process.platform === 'darwin' ? 'libSystem.B.dylib' : 'libc.so.7',
			flockStruct: {size: process.platform === 'darwin' ? 24 : 32, start: 0, len: 8, pid: 16, type: 20, whence: 22},
			rdlck: 1,
			wrlck: 3,
			unlck: 2,
			getlk: process.platform === 'darwin' ? 7 : 11,
			setlk: process.platform === 'darwin' ? 8 : 12,
			setlkw: process.platform === 'darwin' ? 9 : 13,
			kind: 'POSIX',
		};
	}

	throw new LockError(`byte-range locks are not supported on ${process.platform}`);
}

type Binding = {
	platform: Platform;
	futimens: (fd: number, times: Buffer) => number;
	fcntl: (fd: number, cmd: number, arg: Buffer) => number;
	fcntlAsync: (fd: number, cmd: number, arg: Buffer, callback: (error: unknown, result: number) => void) => void;
};

let binding: Binding | undefined;

function load(): Binding {
	if (binding) return binding;
	const platform = detectPlatform();
	const libc = koffi.load(platform.libc);
	// Declared with a fixed third argument: on x86-64 and Linux arm64 a variadic callee reads
	// it from the same register, and koffi cannot run variadic functions on a worker thread.
	// On Apple arm64 variadic arguments go on the stack, so there we use the variadic form.
	const variadic = process.platform === 'darwin' && process.arch === 'arm64';
	const fixed = libc.func('int fcntl(int fd, int cmd, _Inout_ uint8_t *arg)');
	const fcntl = variadic
		? (() => {
			const varFcntl = libc.func('int fcntl(int fd, int cmd, ...)');
			return (fd: number, cmd: number, arg: Buffer) => varFcntl(fd, cmd, '_Inout_ uint8_t *', arg) as number;
		})()
		: (fd: number, cmd: number, arg: Buffer) => fixed(fd, cmd, arg) as number;
	const futimens = libc.func('int futimens(int fd, const uint8_t *times)');
	binding = {platform, fcntl, fcntlAsync: fixed.async, futimens: (fd, times) => futimens(fd, times) as number};
	return binding;
}

export function lockKind(): LockKind {
	return load().platform.kind;
}

/** True where one process can run several contending nodes (OFD locks). */
export function supportsSeveralNodesPerProcess(): boolean {
	return lockKind() === 'OFD';
}

/**
 * A lock range: `length` 0 means from `start` to the end of the file and beyond, which with
 * start 0 is Java's whole-file `FileChannel.tryLock()` (the files layout).
 */
export type LockRange = {readonly start: number; readonly length: number};
export const WHOLE_FILE: LockRange = Object.freeze({start: 0, length: 0});
export const byteAt = (offset: number): LockRange => ({start: offset, length: 1});
export const isWholeFile = (range: LockRange): boolean => range.start === 0 && range.length === 0;

function encode(b: Binding, buffer: Buffer, type: number, range: LockRange): Buffer {
	const {flockStruct} = b.platform;
	buffer.fill(0);
	buffer.writeInt16LE(type, flockStruct.type);
	buffer.writeInt16LE(0, flockStruct.whence); // SEEK_SET
	buffer.writeBigInt64LE(BigInt(range.start), flockStruct.start);
	buffer.writeBigInt64LE(BigInt(range.length), flockStruct.len);
	// l_pid stays 0: OFD requests must pass 0.
	return buffer;
}

const EAGAIN = new Set([koffi.os.errno.EAGAIN, koffi.os.errno.EACCES].filter(n => n !== undefined));

// One scratch struct for all synchronous calls: JS is single-threaded, and allocating per
// call is what made naive polling expensive.
let scratch: Buffer | undefined;
function scratchBuffer(b: Binding): Buffer {
	scratch ??= Buffer.alloc(b.platform.flockStruct.size);
	return scratch;
}

function typeCode(b: Binding, type: LockType): number {
	return type === 'write' ? b.platform.wrlck : b.platform.rdlck;
}

/** Non-blocking lock. true = taken, false = someone else holds a conflicting lock. */
export function tryLock(fd: number, range: LockRange, type: LockType = 'write'): boolean {
	const b = load();
	const result = b.fcntl(fd, b.platform.setlk, encode(b, scratchBuffer(b), typeCode(b, type), range));
	if (result === 0) return true;
	const errno = koffi.errno();
	if (EAGAIN.has(errno)) return false;
	throw LockError.fromErrno('lock', errno);
}

export function unlock(fd: number, range: LockRange): void {
	const b = load();
	const result = b.fcntl(fd, b.platform.setlk, encode(b, scratchBuffer(b), b.platform.unlck, range));
	if (result !== 0) throw LockError.fromErrno('unlock', koffi.errno());
}

export const tryLockByte = (fd: number, offset: number, type: LockType = 'write'): boolean => tryLock(fd, byteAt(offset), type);
export const unlockByte = (fd: number, offset: number): void => unlock(fd, byteAt(offset));

export type ConflictingLock = {
	type: LockType;
	/** POSIX holders report their pid; OFD holders report -1 (the kernel cannot name one process). */
	pid: number | undefined;
	kind: LockKind | 'unknown';
	/** The conflicting lock's own range (length 0: to the end of the file). */
	range: LockRange;
};

/**
 * Asks the kernel who would block a write lock on a range, without taking anything.
 * On Linux F_OFD_GETLK also reports POSIX holders (with their pid).
 */
export function getConflictingLock(fd: number, range: LockRange): ConflictingLock | undefined {
	const b = load();
	const buffer = encode(b, scratchBuffer(b), b.platform.wrlck, range);
	if (b.fcntl(fd, b.platform.getlk, buffer) !== 0) throw LockError.fromErrno('probe', koffi.errno());
	const {flockStruct} = b.platform;
	const type = buffer.readInt16LE(flockStruct.type);
	if (type === b.platform.unlck) return undefined;
	const pid = buffer.readInt32LE(flockStruct.pid);
	return {
		type: type === b.platform.wrlck ? 'write' : 'read',
		pid: pid > 0 ? pid : undefined,
		kind: pid > 0 ? 'POSIX' : pid === -1 ? 'OFD' : 'unknown',
		range: {start: Number(buffer.readBigInt64LE(flockStruct.start)), length: Number(buffer.readBigInt64LE(flockStruct.len))},
	};
}

export const getLockOnByte = (fd: number, offset: number): ConflictingLock | undefined => getConflictingLock(fd, byteAt(offset));

/**
 * Sets a file's access and modification times to the nanosecond (fs.futimes goes through a
 * double and can land a few ns off): used to put back the times a node's own write changed.
 */
export function setFileTimesNs(fd: number, atimeNs: bigint, mtimeNs: bigint): void {
	const b = load();
	const times = Buffer.alloc(32); // struct timespec[2]: {int64 tv_sec; int64 tv_nsec}
	times.writeBigInt64LE(atimeNs / 1_000_000_000n, 0);
	times.writeBigInt64LE(atimeNs % 1_000_000_000n, 8);
	times.writeBigInt64LE(mtimeNs / 1_000_000_000n, 16);
	times.writeBigInt64LE(mtimeNs % 1_000_000_000n, 24);
	if (b.futimens(fd, times) !== 0) throw LockError.fromErrno('futimens', koffi.errno());
}

/** @internal for kernel-wait.ts */
export function bindingForWait(): Binding {
	return load();
}

/** @internal for kernel-wait.ts */
export function encodeRequest(buffer: Buffer, type: LockType, range: LockRange): Buffer {
	const b = load();
	return encode(b, buffer, typeCode(b, type), range);
}
