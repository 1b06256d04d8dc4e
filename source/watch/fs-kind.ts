// Which file system holds the lock file, and whether inotify can see changes made on it.
// On network file systems another host's writes fire no local event: watch by polling.
import fs from 'node:fs';
import path from 'node:path';

const names = new Map<number, string>([
	[0xef53, 'ext4'],
	[0x58465342, 'xfs'],
	[0x9123683e, 'btrfs'],
	[0x01021994, 'tmpfs'],
	[0x794c7630, 'overlayfs'],
	[0x2fc12fc1, 'zfs'],
	[0x6969, 'nfs'],
	[0xff534d42, 'cifs'],
	[0xfe534d42, 'smb2'],
	[0x65735546, 'fuse'],
	[0x00c36400, 'ceph'],
	[0x01021997, '9p'],
	[0x47504653, 'gpfs'],
	[0x0bd00bd0, 'lustre'],
	[0x564c, 'ncp'],
	[0x5346414f, 'afs'],
]);

const networked = new Set(['nfs', 'cifs', 'smb2', 'fuse', 'ceph', '9p', 'gpfs', 'lustre', 'ncp', 'afs']);

export type FsKind = {name: string; network: boolean};

/** The kind of the file system at path, or at its nearest existing parent. */
export function fileSystemKind(file: string): FsKind {
	let candidate = file;
	for (;;) {
		try {
			const {type} = fs.statfsSync(candidate);
			const name = names.get(type) ?? `0x${type.toString(16)}`;
			return {name, network: networked.has(name)};
		} catch {
			const parent = path.dirname(candidate);
			if (parent === candidate) return {name: 'unknown', network: false};
			candidate = parent;
		}
	}
}
