// Waiting for a byte lock without polling: a blocking F_OFD_SETLKW on a libuv pool thread
// wakes ~0.2 ms after the holder lets go and costs nothing while it sleeps.
// A blocked fcntl cannot be abandoned, so cancelling interrupts it: a no-op handler,
// installed without SA_RESTART, turns a signal sent to that one thread into EINTR.
// The thread is found through /proc/self/task/*/syscall (syscall number, fd, command).
import fs from 'node:fs';
import process from 'node:process';
import koffi from 'koffi';
import {bindingForWait, encodeRequest, tryLockByte, unlockByte, type LockType} from './fcntl.js';

type Interrupter = {
	signal: number;
	tgkill: (tgid: number, tid: number, signal: number) => number;
};

let interrupter: Interrupter | undefined | null;

function setUpInterrupter(): Interrupter | undefined {
	if (interrupter !== undefined) return interrupter ?? undefined;
	interrupter = null;
	const {platform} = bindingForWait();
	if (process.platform !== 'linux' || platform.fcntlSyscall === undefined) return undefined;
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

/** Pool threads we may park in a blocking wait; the rest stay free for fs work. */
function kernelWaitBudget(): number {
	const size = Number(process.env.UV_THREADPOOL_SIZE) || 4;
	return Math.max(1, size - 2);
}

/**
 * fds with a blocking fcntl in flight (one wait per fd: a node waits for one lock at a time).
 * Its size is the number of parked pool threads; process.exit() must not find one stuck.
 */
const inFlight = new Set<number>();
let exitHookInstalled = false;

/** Sends the no-restart signal to every thread blocked in fcntl on this fd; returns how many. */
function knock(fd: number, interrupt: Interrupter): number {
	const {platform} = bindingForWait();
	const tids = findBlockedThreads(fd, platform.setlkw, platform.fcntlSyscall!);
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
	for (const fd of inFlight) {
		try {
			fs.closeSync(fd);
		} catch {}
	}

	const deadline = Date.now() + 1000;
	for (;;) {
		let blocked = 0;
		for (const fd of inFlight) blocked += knock(fd, interrupt);
		if (blocked === 0 || Date.now() > deadline) return;
		const until = Date.now() + 1;
		while (Date.now() < until) {} // eslint-disable-line no-empty
	}
}

function trackInFlight(fd: number): void {
	inFlight.add(fd);
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.on('exit', interruptAll);
	}
}

export function canWaitInKernel(): boolean {
	return setUpInterrupter() !== undefined;
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

function blockingWait(fd: number, offset: number, type: LockType, signal: AbortSignal | undefined): Promise<void> {
	const binding = bindingForWait();
	const interrupt = setUpInterrupter()!;
	const request = encodeRequest(Buffer.alloc(binding.platform.layout.size), type, offset);
	trackInFlight(fd);
	return new Promise<void>((resolve, reject) => {
		let settled = false;
		let cancelling = false;
		let kickTimer: NodeJS.Timeout | undefined;

		const kick = () => {
			// The signal may land before the thread enters fcntl; keep knocking until it returns.
			if (settled) return;
			knock(fd, interrupt);
			kickTimer = setTimeout(kick, 2);
		};

		const onAbort = () => {
			cancelling = true;
			kick();
		};

		const issue = () => {
			binding.fcntlAsync(fd, binding.platform.setlkw, request, (error, result) => {
				if (!error && result === 0 && !cancelling) {
					finish();
					resolve();
					return;
				}

				if (!error && result === 0) {
					// Granted just as we cancelled: give it back, the caller no longer wants it.
					try {
						unlockByte(fd, offset);
					} catch {}
				}

				if (cancelling || error) {
					finish();
					reject(cancelling ? abortError(signal) : error);
					return;
				}

				// EINTR from some other signal: wait again.
				issue();
			});
		};

		const finish = () => {
			settled = true;
			inFlight.delete(fd);
			clearTimeout(kickTimer);
			signal?.removeEventListener('abort', onAbort);
		};

		signal?.addEventListener('abort', onAbort, {once: true});
		issue();
	});
}

async function pollingWait(fd: number, offset: number, type: LockType, signal: AbortSignal | undefined): Promise<void> {
	// Where the kernel wait is not available (not Linux, or every spare pool thread parked):
	// poll, quickly at first then settling at 50 ms (~0.5 % of a core through koffi).
	let delay = 1;
	for (;;) {
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(done, delay);
			function done() {
				signal?.removeEventListener('abort', aborted);
				resolve();
			}

			function aborted() {
				clearTimeout(timer);
				reject(abortError(signal));
			}

			signal?.addEventListener('abort', aborted, {once: true});
		});
		if (tryLockByte(fd, offset, type)) return;
		delay = Math.min(50, delay * 2);
	}
}

export type WaitMode = 'kernel' | 'polling';

/**
 * Resolves once this fd holds a lock on the byte; rejects with an AbortError when the signal
 * fires first, in which case no lock is left behind.
 */
export async function waitForByteLock(fd: number, offset: number, options: {type?: LockType; signal?: AbortSignal; onMode?: (mode: WaitMode) => void} = {}): Promise<void> {
	const {type = 'write', signal} = options;
	if (signal?.aborted) throw abortError(signal);
	if (tryLockByte(fd, offset, type)) return;
	const kernel = canWaitInKernel() && inFlight.size < kernelWaitBudget();
	options.onMode?.(kernel ? 'kernel' : 'polling');
	await (kernel ? blockingWait(fd, offset, type, signal) : pollingWait(fd, offset, type, signal));
}
