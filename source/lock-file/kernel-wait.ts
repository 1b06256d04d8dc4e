// Waiting for a lock without polling: a blocking F_OFD_SETLKW (or flock LOCK_EX) on a libuv
// pool thread wakes ~0.2 ms after the holder lets go and costs nothing while it sleeps.
// A blocked fcntl cannot be abandoned, so cancelling interrupts it: a no-op handler,
// installed without SA_RESTART, turns a signal sent to that one thread into EINTR.
// The thread is found through /proc/self/task/*/syscall (syscall number, fd, command).
// Both primitives (fcntl, flock) go through the same machinery: a Blocking says which call.
// A descriptor with a wait in flight is never closed under the pool thread: closeDescriptor
// cancels the wait and closes it once the call has returned, so a lock granted as the cancel
// lands can never be released through an fd number that already names another file.
import fs from 'node:fs';
import process from 'node:process';
import {setTimeout as sleep} from 'node:timers/promises';
import koffi from 'koffi';
import {LockError} from './errors.js';
import {bindingForWait, encodeRequest, tryLock, unlock, type LockRange, type LockType} from './fcntl.js';
import {flockForWait, tryFlock, unflock} from './flock.js';

type Interrupter = {
	signal: number;
	tgkill: (tgid: number, tid: number, signal: number) => number;
};

let interrupter: Interrupter | undefined | null;

/** Can this process see which of its threads sit in which syscall? (not in gVisor, some hardened kernels) */
function canSeeThreadSyscalls(): boolean {
	try {
		return fs.readFileSync(`/proc/self/task/${process.pid}/syscall`, 'utf8').length > 0;
	} catch {
		return false;
	}
}

function setUpInterrupter(): Interrupter | undefined {
	if (interrupter !== undefined) return interrupter ?? undefined;
	interrupter = null;
	if (process.platform !== 'linux' || !canSeeThreadSyscalls()) return undefined;
	try {
		const libc = koffi.load('libc.so.6');
		const dlsym = libc.func('void *dlsym(void *handle, const char *name)');
		const sigaction = libc.func('int sigaction(int signal, const uint8_t *act, _Out_ uint8_t *old)');
		const sigrtmax = libc.func('int __libc_current_sigrtmax(void)');
		const tgkill = libc.func('int tgkill(int tgid, int tid, int signal)');
		// getpid ignores its argument and is async-signal-safe: a perfect no-op handler.
		const noop = dlsym(null, 'getpid');
		// glibc struct sigaction: handler (8), sa_mask (128), sa_flags (int), sa_restorer (8).
		const act = Buffer.alloc(152);
		act.writeBigUInt64LE(koffi.address(noop), 0);
		act.writeInt32LE(0, 136); // no SA_RESTART: that is the point
		const previous = Buffer.alloc(152);
		// A real-time signal nobody else uses: Node, libuv and V8 leave these alone.
		for (let signal = sigrtmax() - 3; signal > sigrtmax() - 10; signal--) {
			if (sigaction(signal, null, previous) !== 0) continue;
			if (previous.readBigUInt64LE(0) !== 0n) continue; // someone else's
			if (sigaction(signal, act, null) === 0) {
				interrupter = {signal, tgkill: (tgid, tid, sig) => tgkill(tgid, tid, sig) as number};
				return interrupter;
			}
		}
	} catch {}

	return undefined;
}

/**
 * libuv's pool size, as libuv read it: from the environment the process started with (the
 * launcher, dist/bin/cli.js, sets 16). Read once: a later change of the variable from
 * JavaScript does not resize a pool the module loader has already started.
 */
const poolSize = Math.min(Number(process.env.UV_THREADPOOL_SIZE) || 4, 1024);

/** Pool threads we may park in a blocking wait; the rest stay free for fs work. */
export function kernelWaitBudget(): number {
	return Math.max(1, poolSize - 2);
}

/** One blocking lock call: how to issue it, find it in /proc, retry it without blocking, undo it. */
type Blocking = {
	/** The syscall and its second argument as /proc/self/task/TID/syscall shows them. */
	readonly syscall: number | undefined;
	readonly command: number;
	call(callback: (error: unknown, result: number) => void): void;
	/** The same request without blocking: true = granted. */
	tryAgain(): boolean;
	/** Give back a lock granted just as the wait was cancelled. */
	release(): void;
};

function fcntlBlocking(fd: number, range: LockRange, type: LockType): Blocking {
	const binding = bindingForWait();
	const request = encodeRequest(Buffer.alloc(binding.platform.flockStruct.size), type, range);
	return {
		syscall: binding.platform.fcntlSyscall,
		command: binding.platform.setlkw,
		call: callback => binding.fcntlAsync(fd, binding.platform.setlkw, request, callback),
		tryAgain: () => tryLock(fd, range, type),
		release: () => unlock(fd, range),
	};
}

function flockBlocking(fd: number): Blocking {
	const binding = flockForWait();
	return {
		syscall: binding.syscall,
		command: binding.command,
		call: callback => binding.call(fd, callback),
		tryAgain: () => tryFlock(fd),
		release: () => unflock(fd),
	};
}

type InFlight = {
	/** The call, to find its thread (kernel waits). */
	blocking: Blocking;
	/** Interrupt the call and reject the wait with this error. */
	cancel: (reason: Error) => void;
	/** Close the descriptor once the call has returned (closeDescriptor was called). */
	closeAfter: boolean;
	/** Parked on a pool thread (false: a polling wait). */
	kernel: boolean;
};

/**
 * fds with a blocking fcntl in flight (one wait per fd: a node waits for one lock per
 * descriptor at a time). Its size is the number of parked pool threads.
 */
const inFlight = new Map<number, InFlight>();
let exitHookInstalled = false;

/** Sends the no-restart signal to every thread blocked in the call on this fd; returns how many. */
function knock(fd: number, interrupt: Interrupter, blocking: Blocking): number {
	const tids = findBlockedThreads(fd, blocking.command, blocking.syscall!);
	for (const tid of tids) interrupt.tgkill(process.pid, tid, interrupt.signal);
	return tids.length;
}

function interruptAll(): void {
	const interrupt = setUpInterrupter();
	if (!interrupt || inFlight.size === 0) return;
	// Exiting joins the libuv pool; a thread blocked in fcntl would hang the exit forever.
	// A wait may also be queued and not yet in the kernel: close its descriptor first, so that
	// such a call fails at once (EBADF) instead of blocking. The process is going away: its
	// descriptors close now or a moment later. Then, synchronously ('exit' handlers must be),
	// knock until no thread is left in fcntl on those descriptors.
	for (const [fd, record] of inFlight) {
		if (!record.kernel) continue;
		try {
			fs.closeSync(fd);
		} catch {}
	}

	const deadline = Date.now() + 1000;
	for (;;) {
		let blocked = 0;
		for (const [fd, record] of inFlight) if (record.kernel) blocked += knock(fd, interrupt, record.blocking);
		if (blocked === 0 || Date.now() > deadline) return;
		const until = Date.now() + 1;
		while (Date.now() < until) {} // eslint-disable-line no-empty
	}
}

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', interruptAll);
}

export function canWaitInKernel(primitive: 'fcntl' | 'flock' = 'fcntl'): boolean {
	const syscall = primitive === 'fcntl' ? bindingForWait().platform.fcntlSyscall : flockForWait().syscall;
	return syscall !== undefined && setUpInterrupter() !== undefined;
}

/** How many kernel waits are parked on pool threads right now. */
export function kernelWaitsInFlight(): number {
	let count = 0;
	for (const record of inFlight.values()) if (record.kernel) count++;
	return count;
}

function abortError(signal: AbortSignal | undefined): Error {
	const reason = signal?.reason;
	return reason instanceof Error ? reason : new DOMException('The wait was aborted', 'AbortError');
}

function findBlockedThreads(fd: number, command: number, syscall: number): number[] {
	const tids: number[] = [];
	const prefix = `${syscall} 0x${fd.toString(16)} 0x${command.toString(16)} `;
	let tasks: string[];
	try {
		tasks = fs.readdirSync('/proc/self/task');
	} catch {
		return tids;
	}

	for (const tid of tasks) {
		try {
			if (fs.readFileSync(`/proc/self/task/${tid}/syscall`, 'utf8').startsWith(prefix)) tids.push(Number(tid));
		} catch {}
	}

	return tids;
}

/** Knocking every 2 ms for this long without the call returning means nobody can interrupt it. */
const KICK_DEADLINE_MS = 2000;

function blockingWait(fd: number, blocking: Blocking, signal: AbortSignal | undefined): Promise<void> {
	const interrupt = setUpInterrupter()!;
	installExitHook();
	return new Promise<void>((resolve, reject) => {
		let cancelled: Error | undefined;
		let rejected = false;
		let kickTimer: NodeJS.Timeout | undefined;
		let kickStarted = 0;

		const kick = () => {
			// The signal may land before the thread enters fcntl; keep knocking until it returns.
			if (!inFlight.has(fd)) return;
			knock(fd, interrupt, blocking);
			if (Date.now() - kickStarted > KICK_DEADLINE_MS && !rejected) {
				// The thread never showed up in fcntl (or keeps re-entering it): stop waiting for
				// it. Its call still owns the descriptor, so it is closed when the call returns.
				rejected = true;
				reject(cancelled);
			}

			kickTimer = setTimeout(kick, rejected ? 100 : 2);
			kickTimer.unref();
		};

		const record: InFlight = {
			blocking,
			closeAfter: false,
			kernel: true,
			cancel(reason) {
				if (cancelled) return;
				cancelled = reason;
				kickStarted = Date.now();
				kick();
			},
		};
		const onAbort = () => record.cancel(abortError(signal));

		const finish = () => {
			inFlight.delete(fd);
			clearTimeout(kickTimer);
			signal?.removeEventListener('abort', onAbort);
			if (record.closeAfter) {
				try {
					fs.closeSync(fd); // also drops any lock the call was granted
				} catch {}
			}
		};

		const settle = (error: Error | undefined) => {
			finish();
			if (rejected) return;
			if (error) reject(error);
			else resolve();
		};

		const issue = () => {
			blocking.call((error, result) => {
				if (error) {
					settle(error instanceof Error ? error : new LockError(String(error)));
					return;
				}

				if (result === 0) {
					if (cancelled && !record.closeAfter) {
						// Granted just as we cancelled: give it back, the caller no longer wants it.
						// The fd is still ours (closing waits for this callback), so this is safe.
						try {
							blocking.release();
						} catch {}
					}

					settle(cancelled);
					return;
				}

				if (cancelled) {
					settle(cancelled);
					return;
				}

				// -1 without a cancel: EINTR from some other signal, or a real error (EBADF,
				// ENOLCK…) that waiting again would only repeat. errno belongs to the pool thread;
				// asking the same question without blocking tells the two apart.
				try {
					if (blocking.tryAgain()) {
						settle(undefined);
						return;
					}
				} catch (lockError) {
					settle(lockError as Error);
					return;
				}

				issue();
			});
		};

		inFlight.set(fd, record);
		signal?.addEventListener('abort', onAbort, {once: true});
		issue();
	});
}

async function pollingWait(fd: number, blocking: Blocking, signal: AbortSignal | undefined): Promise<void> {
	// Where the kernel wait is not available (not Linux, no /proc thread view, or every spare
	// pool thread parked): poll, quickly at first then settling at 50 ms (~0.5 % of a core).
	// Registered like a kernel wait, so closeDescriptor never closes the fd between two looks.
	const stop = new AbortController();
	const record: InFlight = {blocking, closeAfter: false, kernel: false, cancel: reason => stop.abort(reason)};
	const onAbort = () => stop.abort(abortError(signal));
	signal?.addEventListener('abort', onAbort, {once: true});
	inFlight.set(fd, record);
	let delay = 1;
	try {
		for (;;) {
			try {
				await sleep(delay, undefined, {signal: stop.signal});
			} catch {
				throw stop.signal.reason as Error;
			}

			if (blocking.tryAgain()) return;
			delay = Math.min(50, delay * 2);
		}
	} finally {
		inFlight.delete(fd);
		signal?.removeEventListener('abort', onAbort);
		if (record.closeAfter) {
			try {
				fs.closeSync(fd);
			} catch {}
		}
	}
}

export type WaitMode = 'kernel' | 'polling';

/**
 * Resolves once this fd holds a lock on the range; rejects with an AbortError when the signal
 * fires first, in which case no lock is left behind.
 */
export async function waitForLock(fd: number, range: LockRange, options: {type?: LockType; signal?: AbortSignal; onMode?: (mode: WaitMode) => void} = {}): Promise<void> {
	const {type = 'write'} = options;
	await waitWith(fd, fcntlBlocking(fd, range, type), 'fcntl', options);
}

/** As waitForLock, for an exclusive flock on the whole file (HornetQ's AIO layout). */
export async function waitForFlock(fd: number, options: {signal?: AbortSignal; onMode?: (mode: WaitMode) => void} = {}): Promise<void> {
	await waitWith(fd, flockBlocking(fd), 'flock', options);
}

async function waitWith(fd: number, blocking: Blocking, primitive: 'fcntl' | 'flock', options: {signal?: AbortSignal; onMode?: (mode: WaitMode) => void}): Promise<void> {
	const {signal} = options;
	if (signal?.aborted) throw abortError(signal);
	if (blocking.tryAgain()) return;
	if (inFlight.has(fd)) throw new LockError('a lock wait is already in flight on this descriptor');
	const kernel = canWaitInKernel(primitive) && kernelWaitsInFlight() < kernelWaitBudget();
	options.onMode?.(kernel ? 'kernel' : 'polling');
	await (kernel ? blockingWait(fd, blocking, signal) : pollingWait(fd, blocking, signal));
}

export async function waitForByteLock(fd: number, offset: number, options: Parameters<typeof waitForLock>[2] = {}): Promise<void> {
	return waitForLock(fd, {start: offset, length: 1}, options);
}

/**
 * Closes a descriptor that a lock wait may be using: the wait is cancelled and the descriptor
 * closed once the pool thread has let go of it; otherwise it is closed now.
 */
export function closeDescriptor(fd: number): void {
	const record = inFlight.get(fd);
	if (!record) {
		try {
			fs.closeSync(fd);
		} catch {}

		return;
	}

	record.closeAfter = true;
	record.cancel(new DOMException('The descriptor was closed', 'AbortError'));
}
