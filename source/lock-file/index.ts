export * from './format.js';
export * from './errors.js';
// Not bindingForWait and encodeRequest: @internal, for kernel-wait.ts only.
export {
	lockKind,
	supportsSeveralNodesPerProcess,
	WHOLE_FILE,
	byteAt,
	isWholeFile,
	tryLock,
	unlock,
	tryLockByte,
	unlockByte,
	getConflictingLock,
	getLockOnByte,
	setFileTimesNs,
	type LockKind,
	type LockType,
	type LockRange,
	type ConflictingLock,
} from './fcntl.js';
export * from './kernel-wait.js';
export * from './layout.js';
export * from './lock-file.js';
export * from './group-directory.js';
export * from './probe.js';
export * from './verdict.js';
export {tryFlock, unflock} from './flock.js';
export * from './primitives.js';
