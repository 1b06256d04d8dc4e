// Reading a small /proc file (stat, fdinfo, locks) in one open + read + close. fs.readFileSync
// does more for a file whose size reads 0 (an fstat, a read that finds EOF, a buffer per call,
// its options): a fleet at rest makes thousands of these reads a minute, and its cost at rest is
// mostly that JS and those syscalls, run on a cold cache (issue 19: ~14 µs against ~4 µs here).
// The text is what readFileSync would give: the whole file, however long (the buffer grows).
import fs from 'node:fs';

let buffer = Buffer.allocUnsafe(16 * 1024);

/**
 * The whole text of a /proc (or other small) file; throws as readFileSync does (ENOENT, ESRCH…).
 * `oneRecord`: the file is one seq_file record (/proc/PID/stat, /proc/PID/fdinfo/FD: the kernel
 * writes the whole record at the first read when it fits), so a read that does not fill the
 * buffer is all of it — one read, not a second one to find EOF. A full buffer reads on.
 */
export function readProcFile(file: string, encoding: 'utf8' | 'latin1' = 'utf8', oneRecord = false): string {
	const fd = fs.openSync(file, 'r');
	try {
		let length = 0;
		for (;;) {
			const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
			if (read === 0) break;
			length += read;
			if (oneRecord && length < buffer.length) break;
			if (length === buffer.length) {
				// Full: there may be more (a host's /proc/locks can be long). Grow and read on.
				const bigger = Buffer.allocUnsafe(buffer.length * 2);
				buffer.copy(bigger, 0, 0, length);
				buffer = bigger;
			}
		}

		return buffer.toString(encoding, 0, length);
	} finally {
		fs.closeSync(fd);
	}
}
