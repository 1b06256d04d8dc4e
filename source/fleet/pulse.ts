// The kernel pulse for many groups: taking or dropping a lock changes no byte, so no file
// event says so. One timer for the whole fleet (not one per group: 100 timers at 50 ms would
// wake the process 2000 times a second); each tick asks the kernel, through read-only
// descriptors, who holds each lock of each group (F_OFD_GETLK, a few µs per group) and asks
// that group's watcher for a full probe when the answer changed.
import fs from 'node:fs';
import {WHOLE_FILE, byteAt, getConflictingLock, type LockRange, type Probe} from '../lock-file/index.js';
import {monotonicMs} from '../time.js';

type Look = {fd: number; range: LockRange};

class GroupPulse {
	looks: Look[] = [];
	key = '';
	last = '';
	/** CLOCK_MONOTONIC ms of the last tick that saw the holders unchanged. */
	quietMono = monotonicMs();

	constructor(readonly onChange: () => void) {}

	follow(probe: Probe | undefined): void {
		const targets = probe ? pulseTargets(probe) : [];
		const key = targets.map(target => `${target.inode}@${target.range.start}+${target.range.length}`).join(',');
		if (key === this.key) return;
		this.close();
		this.key = key;
		for (const target of targets) {
			try {
				const fd = fs.openSync(target.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
				const stat = fs.fstatSync(fd);
				if (!stat.isFile() || stat.ino !== target.inode) {
					fs.closeSync(fd);
					continue;
				}

				this.looks.push({fd, range: target.range});
			} catch {}
		}

		this.last = this.signature() ?? '';
	}

	signature(): string | undefined {
		try {
			return this.looks.map(look => {
				const lock = getConflictingLock(look.fd, look.range);
				return lock ? `${lock.kind}:${lock.pid ?? ''}` : '-';
			}).join('|');
		} catch {
			return undefined;
		}
	}

	close(): void {
		for (const look of this.looks) {
			try {
				fs.closeSync(look.fd);
			} catch {}
		}

		this.looks = [];
		this.last = '';
		this.key = '';
	}
}

export class FleetPulse {
	private readonly groups = new Map<string, GroupPulse>();
	private timer: NodeJS.Timeout | undefined;

	constructor(private period: number) {}

	get periodMs(): number {
		return this.period;
	}

	/** Adds a group (by key) or retargets it to the files its latest probe saw. */
	follow(key: string, probe: Probe | undefined, onChange: () => void): void {
		let group = this.groups.get(key);
		if (!group) {
			group = new GroupPulse(onChange);
			this.groups.set(key, group);
		}

		group.follow(probe);
	}

	/** When the group's locks were last seen as they were before the latest change (ms, monotonic). */
	quietSince(key: string): number | undefined {
		return this.groups.get(key)?.quietMono;
	}

	start(): void {
		this.timer ??= setInterval(() => this.tick(), this.period);
		this.timer.unref();
	}

	setPeriod(ms: number): void {
		if (ms === this.period) return;
		this.period = ms;
		if (!this.timer) return;
		clearInterval(this.timer);
		this.timer = undefined;
		this.start();
	}

	stop(): void {
		clearInterval(this.timer);
		this.timer = undefined;
		for (const group of this.groups.values()) group.close();
		this.groups.clear();
	}

	private tick(): void {
		const mono = monotonicMs();
		for (const group of this.groups.values()) {
			const now = group.signature();
			if (now === undefined) continue;
			if (now === group.last) {
				group.quietMono = mono;
				continue;
			}

			group.last = now;
			group.onChange();
			group.quietMono = mono;
		}
	}
}

/** ranges: bytes 0–2 of server.lock; files: server.lock, serverlock.1, .2 (and both in mixed). */
function pulseTargets(probe: Probe): Array<{path: string; inode: number; range: LockRange}> {
	const server = {path: probe.path, inode: probe.inode};
	if (probe.layout === 'ranges') return [0, 1, 2].map(offset => ({...server, range: byteAt(offset)}));
	const targets = [{...server, range: WHOLE_FILE}];
	for (const file of probe.files) {
		if ((file.name === 'serverlock.1' || file.name === 'serverlock.2') && file.inode !== undefined) targets.push({path: file.path, inode: file.inode, range: WHOLE_FILE});
	}

	if (probe.layout === 'mixed') targets.push(...[1, 2].map(offset => ({...server, range: byteAt(offset)})));
	return targets;
}
