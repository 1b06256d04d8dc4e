// Errors that carry a one-line, user-facing message. Anything else is a bug.
import os from 'node:os';
import {errorLine} from '../text/error-line.js';

const errnoNames = new Map<number, string>(
	Object.entries(os.constants.errno).map(([name, code]) => [code, name]),
);

export class LockError extends Error {
	constructor(message: string, readonly code?: string) {
		super(message);
		this.name = 'LockError';
	}

	static fromErrno(operation: string, errno: number): LockError {
		const code = errnoNames.get(errno) ?? `errno ${errno}`;
		const explained: Record<string, string> = {
			EBADF: 'the file is not open for writing',
			ENOLCK: 'the kernel or the file system has no locks left (NFS lock daemon down?)',
			EINVAL: 'the file system does not support byte-range locks',
			EDEADLK: 'waiting would deadlock',
			EINTR: 'interrupted',
		};
		return new LockError(`${operation} failed: ${explained[code] ?? code} (${code})`, code);
	}
}

/** A one-line description of a Node fs error: "no such file", "permission denied", … */
export function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const known: Record<string, string> = {
		ENOENT: 'no such file or directory',
		EACCES: 'permission denied',
		EPERM: 'operation not permitted',
		ELOOP: 'too many levels of symbolic links (symlink loop)',
		EISDIR: 'is a directory',
		ENOTDIR: 'a path component is not a directory',
		EROFS: 'read-only file system',
		ENOSPC: 'no space left on device',
		EIO: 'input/output error',
		ENAMETOOLONG: 'file name too long',
	};
	if (code && known[code]) return known[code];
	return errorLine(error);
}
