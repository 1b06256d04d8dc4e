// One owner scan for many groups. Finding who holds an OFD lock means reading every process's
// fdinfo (/proc/*/fdinfo: the costly part of a probe, ~10 ms per 100 processes); a HolderCache
// does it per group, so `status` over 100 groups would do it 100 times. This does it once over
// the files of every group, and once more at most if a lock has no owner in the first answer
// (it moved between two holders while we looked, or its files were not known beforehand).
import {findOfdOwners, rangeKey, type FileIdentity, type OfdOwner, type ProcLock} from '../lock-file/proc-locks.js';
import type {OwnerLookup} from '../lock-file/probe.js';

export class SharedOwnerScan implements OwnerLookup {
	private owners: Map<string, OfdOwner[]> | undefined;
	private rescanned = false;
	private readonly known = new Map<string, FileIdentity>();
	/** How many /proc scans this object made (the bench and the tests count them). */
	scans = 0;

	/** The files of every group to be probed: the one scan covers them all. */
	constructor(files: readonly FileIdentity[] = []) {
		for (const file of files) this.known.set(`${file.device}:${file.inode}`, file);
	}

	ofdOwners(files: readonly FileIdentity[], locks: readonly ProcLock[]): Map<string, OfdOwner[]> {
		const ofd = locks.filter(lock => lock.kind === 'OFD');
		if (ofd.length === 0) return new Map();
		let unknownFile = false;
		for (const file of files) {
			const key = `${file.device}:${file.inode}`;
			if (this.known.has(key)) continue;
			this.known.set(key, file);
			unknownFile = true;
		}

		const ownerless = () => ofd.some(lock => (this.owners!.get(rangeKey(lock.inode, lock)) ?? []).length === 0);
		if (!this.owners) this.scan();
		else if ((unknownFile || ownerless()) && !this.rescanned) {
			this.rescanned = true;
			this.scan();
		}

		return this.owners!;
	}

	private scan(): void {
		this.scans++;
		this.owners = findOfdOwners([...this.known.values()]);
	}
}
