// Taking or dropping a lock changes no byte, so no file event tells the watcher; its probe
// (bytes, /proc/locks, holder pids: ~0.2 ms) runs every intervalMs (250 by default). The pulse
// asks the kernel only "which segments are locked, by what kind" (three F_OFD_GETLK, ~8 µs)
// every few tens of ms through one read-only descriptor, and asks for a full probe when the
// answer changes: a crashed live shows on screen within ~pulse + one frame, not ~interval.
import fs from 'node:fs';
import {SEGMENTS, SEGMENT_OFFSET, getLockOnByte} from '../lock-file/index.js';

export class LockPulse {
	private fd: number | undefined;
	private inode: number | undefined;
	private last = '';
	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly path: string, private readonly periodMs: number, private readonly onChange: () => void) {}

	start(): void {
		this.timer ??= setInterval(() => this.check(), this.periodMs);
		// Only a pulse; it must not keep the process alive on its own.
		this.timer.unref();
	}

	/** Follows the watcher: the file it probed last (reopen when replaced, close when gone). */
	follow(inode: number | undefined): void {
		if (inode === this.inode) return;
		this.closeFd();
		if (inode === undefined) return;
		try {
			const fd = fs.openSync(this.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
			const stat = fs.fstatSync(fd);
			if (!stat.isFile() || stat.ino !== inode) {
				fs.closeSync(fd);
				return;
			}

			this.fd = fd;
			this.inode = inode;
			this.last = this.signature() ?? '';
		} catch {}
	}

	stop(): void {
		clearInterval(this.timer);
		this.timer = undefined;
		this.closeFd();
	}

	private signature(): string | undefined {
		if (this.fd === undefined) return undefined;
		try {
			return SEGMENTS.map(segment => {
				const lock = getLockOnByte(this.fd!, SEGMENT_OFFSET[segment]);
				return lock ? `${lock.kind}:${lock.pid ?? ''}` : '-';
			}).join('|');
		} catch {
			return undefined;
		}
	}

	private check(): void {
		const now = this.signature();
		if (now === undefined || now === this.last) return;
		this.last = now;
		this.onChange();
	}

	private closeFd(): void {
		if (this.fd !== undefined) {
			try {
				fs.closeSync(this.fd);
			} catch {}
		}

		this.fd = undefined;
		this.inode = undefined;
		this.last = '';
	}
}
