// flock(2) through koffi: the lock HornetQ's native AIO layer takes (AIOFileLockNodeManager,
// HornetQ 2.2–2.4 and Artemis ≤ 2.0 with an AIO journal) on server.1.lock and server.2.lock.
// A flock belongs to the open file description, like an OFD lock: two descriptors opened
// separately contend even in one process. On Linux flock and fcntl locks never see each other,
// and there is no "get lock" for a flock: who holds one is read from /proc/locks (FLOCK lines),
// never by trying — a try that succeeds takes the lock.
import process from 'node:process';
import koffi from 'koffi';
import {LockError} from './errors.js';

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

type FlockBinding = {
	flock: (fd: number, operation: number) => number;
	flockAsync: (fd: number, operation: number, callback: (error: unknown, result: number) => void) => void;
	/** flock's syscall number, to find a pool thread blocked in it (Linux only). */
	syscall: number | undefined;
};

let binding: FlockBinding | undefined;

function libcName(): string {
	if (process.platform === 'linux') return 'libc.so.6';
	if (process.platform === 'darwin') return 'libSystem.B.dylib';
	if (process.platform === 'freebsd') return 'libc.so.7';
	throw new LockError(`flock is not supported on ${process.platform}`);
}

function load(): FlockBinding {
	if (binding) return binding;
	const libc = koffi.load(libcName());
	const flock = libc.func('int flock(int fd, int operation)');
	const syscall = process.platform === 'linux' ? (process.arch === 'x64' ? 73 : process.arch === 'arm64' ? 32 : undefined) : undefined;
	binding = {flock: (fd, operation) => flock(fd, operation) as number, flockAsync: flock.async, syscall};
	return binding;
}

const WOULD_BLOCK = new Set([koffi.os.errno.EWOULDBLOCK, koffi.os.errno.EAGAIN].filter(n => n !== undefined));

/** Non-blocking exclusive flock. true = taken, false = another open file description holds it. */
export function tryFlock(fd: number): boolean {
	const b = load();
	if (b.flock(fd, LOCK_EX | LOCK_NB) === 0) return true;
	const errno = koffi.errno();
	if (WOULD_BLOCK.has(errno)) return false;
	throw LockError.fromErrno('flock', errno);
}

export function unflock(fd: number): void {
	const b = load();
	if (b.flock(fd, LOCK_UN) !== 0) throw LockError.fromErrno('unlock (flock)', koffi.errno());
}

/** @internal for kernel-wait.ts: a blocking LOCK_EX on a pool thread. */
export function flockForWait(): {syscall: number | undefined; command: number; call: (fd: number, callback: (error: unknown, result: number) => void) => void} {
	const b = load();
	return {syscall: b.syscall, command: LOCK_EX, call: (fd, callback) => b.flockAsync(fd, LOCK_EX, callback)};
}
