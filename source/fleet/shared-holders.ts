// One holder cache for a whole fleet (issue 19 §2). Each group's probes keep their own small
// HolderCache (its key and the owners of its own locks: re-checked in one fdinfo read each),
// but the costly part — the scan of every process's descriptors — is this one object's: a scan
// covers the files of every group it has been asked about, and every group that needs a scan in
// the same turn of the event loop takes its answer from it (the fleet's first probes, a batch of
// timed probes, a burst of changes: one scan, not one per group) — never a scan from an earlier
// turn, which may predate the change that asks for it. Its answer is filtered to the group's files.
import {HolderCache} from '../lock-file/index.js';
import {readProcLocksText, scanOfdOwners, type FileIdentity, type OfdOwner} from '../lock-file/proc-locks.js';

type Scan = {owners: Map<string, OfdOwner[]>; openers: OfdOwner[]};

export class SharedHolders {
	/** Full scans of /proc (the tests and the bench count them). */
	scans = 0;
	private readonly known = new Map<string, FileIdentity>();
	private last: {result: Scan; covered: ReadonlySet<string>} | undefined;

	/** /proc/locks reads (the bench counts them). */
	procLocksReads = 0;
	private procLocks: {text: string | undefined} | undefined;

	/** A holder cache for one group, sharing this fleet's scans and its /proc/locks reads. */
	cache(ownerRetryMs?: number): HolderCache {
		return new HolderCache(ownerRetryMs, files => this.scanFor(files), () => this.procLocksText());
	}

	/**
	 * /proc/locks once per turn of the event loop: the probes of one batch (fleet-watcher.ts) read
	 * it once — it lists every lock on the host, so its size grows with the fleet.
	 */
	procLocksText(): string | undefined {
		if (!this.procLocks) {
			this.procLocksReads++;
			this.procLocks = {text: readProcLocksText()};
			setImmediate(() => this.procLocks = undefined);
		}

		return this.procLocks.text;
	}

	/** Files the next scan must cover (every group's, before the first probes: one scan for all). */
	know(files: readonly FileIdentity[]): void {
		for (const file of files) this.known.set(`${file.device}:${file.inode}`, file);
	}

	private scanFor(files: readonly FileIdentity[]): Scan {
		const keys = files.map(file => `${file.device}:${file.inode}`);
		for (const [index, key] of keys.entries()) this.known.set(key, files[index]);
		if (!this.last || keys.some(key => !this.last!.covered.has(key))) {
			this.scans++;
			const scan = {result: scanOfdOwners([...this.known.values()]), covered: new Set(this.known.keys())};
			// This turn only: the next turn's changes need a scan of their own.
			if (!this.last) setImmediate(() => this.last = undefined);
			this.last = scan;
		}

		// Only this group's files: rangeKey keys start with the inode; openers carry theirs.
		const inodes = new Set(files.map(file => file.inode));
		const owners = new Map([...this.last.result.owners].filter(([key]) => inodes.has(Number(key.split('|')[0]))));
		const openers = this.last.result.openers.filter(opener => opener.inode === undefined || inodes.has(opener.inode));
		return {owners, openers};
	}
}
