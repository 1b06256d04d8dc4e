// Which of this process's threads sit in fcntl right now, from /proc/self/task/*/syscall
// ("<nr> <arg0> <arg1> …"): a kernel wait is observed, not assumed after a sleep. Linux only
// (x86_64 fcntl is syscall 72, arm64 25); source/lock-file/kernel-wait.ts reads the same file.
import fs from 'node:fs';

const F_OFD_SETLKW = 0x26;

/** Thread ids blocked in fcntl(fd, F_OFD_SETLKW), or in any fcntl when fd is undefined. */
export function threadsInFcntl(fd?: number): number[] {
	const pattern = fd === undefined ? /^(72|25) / : new RegExp(`^(72|25) 0x${fd.toString(16)} 0x${F_OFD_SETLKW.toString(16)} `);
	let tasks: string[];
	try {
		tasks = fs.readdirSync('/proc/self/task');
	} catch {
		return [];
	}

	return tasks.filter(tid => {
		try {
			return pattern.test(fs.readFileSync(`/proc/self/task/${tid}/syscall`, 'utf8'));
		} catch {
			return false;
		}
	}).map(Number);
}

/** How many threads of this process are blocked in fcntl(fd, F_OFD_SETLKW) right now. */
export const blockedOn = (fd: number): number => threadsInFcntl(fd).length;
