// The lock primitives a layout's targets use (layout.ts `LockPrimitive`), behind one shape, so
// that the node manager takes, waits for, releases and re-checks any target the same way.
// Each descriptor passed here must be the lock's own open file description.
import fs from 'node:fs';
import process from 'node:process';
import {getConflictingLock, lockKind, tryLock, unlock, type LockRange} from './fcntl.js';
import {tryFlock, unflock} from './flock.js';
import {waitForFlock, waitForLock, type WaitMode} from './kernel-wait.js';
import type {LockPrimitive} from './layout.js';
import {parseProcLockLine} from './proc-locks.js';

export type PrimitiveOps = {
	/** Non-blocking; true = taken. */
	tryLock(fd: number, range: LockRange): boolean;
	/** Resolves holding the lock; rejects (holding nothing) when the signal aborts. */
	wait(fd: number, range: LockRange, options: {signal?: AbortSignal; onMode?: (mode: WaitMode) => void}): Promise<void>;
	unlock(fd: number, range: LockRange): void;
	/**
	 * Does `fd` still hold its lock? `probeFd`: a second, read-only descriptor on the same file.
	 * undefined where this cannot be told (POSIX locks are invisible to their own process).
	 * Never takes anything.
	 */
	stillHeld(fd: number, probeFd: number, range: LockRange): boolean | undefined;
	/** What /proc/locks calls locks of this primitive taken by ha-tui. */
	readonly kind: () => 'OFD' | 'POSIX' | 'FLOCK';
};

const fcntlOps: PrimitiveOps = {
	tryLock: (fd, range) => tryLock(fd, range),
	wait: (fd, range, options) => waitForLock(fd, range, options),
	unlock: (fd, range) => unlock(fd, range),
	stillHeld: (_fd, probeFd, range) => lockKind() === 'OFD' ? getConflictingLock(probeFd, range) !== undefined : undefined,
	kind: () => lockKind(),
};

/** This descriptor's own flock, as its fdinfo lists it (Linux); undefined without /proc. */
function holdsFlock(fd: number): boolean | undefined {
	if (process.platform !== 'linux') return undefined;
	let info: string;
	try {
		info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
	} catch {
		return undefined;
	}

	return info.split('\n').some(line => line.startsWith('lock:') && parseProcLockLine(line.slice(5))?.kind === 'FLOCK');
}

const flockOps: PrimitiveOps = {
	tryLock: fd => tryFlock(fd),
	wait: (fd, _range, options) => waitForFlock(fd, options),
	unlock: fd => unflock(fd),
	stillHeld: fd => holdsFlock(fd),
	kind: () => 'FLOCK',
};

export const PRIMITIVES: Readonly<Record<LockPrimitive, PrimitiveOps>> = {fcntl: fcntlOps, flock: flockOps};
