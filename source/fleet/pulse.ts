// The kernel pulse for many groups: taking or dropping a lock changes no byte, so no file
// event says so. One timer for the whole fleet (not one per group: 100 timers at 50 ms would
// wake the process 2000 times a second); each tick asks the kernel, through read-only
// descriptors, who holds each lock of each group (the directory store's pulse: F_OFD_GETLK, a
// few µs per group, or /proc/locks for flock locks) and asks
// that group's watcher for a full probe when the answer changed.
import type {Probe} from '../lock-file/index.js';
import {DirectoryPulse} from '../store/directory-pulse.js';
import {monotonicMs} from '../time.js';

/** One group's looks are the directory store's pulse (store/directory-pulse.ts: every layout, flock included). */
class GroupPulse {
	readonly looks = new DirectoryPulse();
	last = '';
	/** CLOCK_MONOTONIC ms of the last tick that saw the holders unchanged. */
	quietMono = monotonicMs();

	constructor(readonly onChange: () => void) {}

	follow(probe: Probe | undefined): void {
		if (this.looks.follow(probe)) this.last = this.looks.signature() ?? '';
	}

	signature(): string | undefined {
		return this.looks.signature();
	}

	close(): void {
		this.looks.close();
		this.last = '';
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

	/** Releases the timer and every group's pulse, for good (close, as LockPulse: stop() is for nodes). */
	close(): void {
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
