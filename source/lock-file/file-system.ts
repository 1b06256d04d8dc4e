// Which file system holds a path: /proc/self/mountinfo parsed (proc(5): "36 35 98:0 /mnt1
// /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"), statfs' magic numbers, and
// the one classifier of both names (fsFamily): the watcher polls on a network file system
// (another host's writes fire no local event), the doctor checks its mount options.
import fs from 'node:fs';
import path from 'node:path';
import {deviceNumbers} from './device-number.js';

export type MountEntry = {
	readonly id: number;
	readonly parentId: number;
	/** "major:minor", as st_dev splits. */
	readonly device: string;
	/** The directory of the file system mounted here (not / for a bind mount of a subdirectory). */
	readonly root: string;
	readonly mountPoint: string;
	readonly mountOptions: readonly string[];
	readonly fsType: string;
	readonly source: string;
	readonly superOptions: readonly string[];
};

/** Octal escapes of mountinfo (\040 space, \011 tab, \012 newline, \134 backslash). */
function unescape(field: string): string {
	return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function parseMountinfoLine(line: string): MountEntry | undefined {
	const fields = line.trim().split(' ');
	const separator = fields.indexOf('-', 6);
	if (fields.length < 10 || separator < 0 || fields.length < separator + 3) return undefined;
	const [id, parentId, device, root, mountPoint, options] = fields;
	if (!/^\d+:\d+$/.test(device)) return undefined;
	return {
		id: Number(id),
		parentId: Number(parentId),
		device,
		root: unescape(root),
		mountPoint: unescape(mountPoint),
		mountOptions: options.split(','),
		fsType: unescape(fields[separator + 1]),
		source: unescape(fields[separator + 2]),
		superOptions: (fields[separator + 3] ?? '').split(',').filter(Boolean),
	};
}

export function parseMountinfo(text: string): MountEntry[] {
	return text.split('\n').map(line => parseMountinfoLine(line)).filter((entry): entry is MountEntry => entry !== undefined);
}

export function readMountinfo(): MountEntry[] {
	try {
		return parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
	} catch {
		return [];
	}
}

const isUnder = (directory: string, mountPoint: string) => mountPoint === '/' || directory === mountPoint || directory.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`);

/**
 * The mount a (real, absolute) directory is on: the last-mounted entry with the longest mount
 * point above it, preferring entries of the directory's own device (bind mounts and
 * over-mounts share prefixes; btrfs subvolumes report another device, hence the fallback).
 */
export function mountFor(entries: readonly MountEntry[], directory: string, device?: number): MountEntry | undefined {
	const candidates = entries.filter(entry => isUnder(directory, entry.mountPoint));
	const best = (list: readonly MountEntry[]) => list.reduce<MountEntry | undefined>((found, entry) => (!found || entry.mountPoint.length >= found.mountPoint.length ? entry : found), undefined);
	if (device !== undefined) {
		const numbers = deviceNumbers(device);
		const same = best(candidates.filter(entry => entry.device === numbers));
		if (same) return same;
	}

	return best(candidates);
}

// --- What the options mean

export type FsFamily = 'nfs' | 'cifs' | 'ceph' | 'fuse' | 'other-network' | 'local';

/**
 * The one classifier: a file system's type name (mountinfo's, or statfs' name below) → its family.
 * fuseblk is local: FUSE over a block device of this host (ntfs-3g, exfat-fuse), which no
 * other host writes, so inotify sees every change and its locks are this kernel's.
 */
export function fsFamily(fsType: string): FsFamily {
	if (fsType === 'nfs' || fsType === 'nfs4') return 'nfs';
	if (fsType === 'cifs' || fsType === 'smb3' || fsType === 'smbfs' || fsType === 'smb2') return 'cifs';
	if (fsType === 'ceph' || fsType === 'fuse.ceph' || fsType === 'fuse.ceph-fuse') return 'ceph';
	if (fsType === 'fuseblk') return 'local';
	if (fsType === 'fuse' || fsType.startsWith('fuse.')) return 'fuse';
	if (['9p', 'afs', 'glusterfs', 'gpfs', 'lustre', 'ocfs2', 'gfs2', 'ncpfs', 'ncp', 'virtiofs', 'orangefs', 'beegfs'].includes(fsType)) return 'other-network';
	return 'local';
}

/** Another host may change files here: inotify cannot see that (watch by polling). */
export const isNetworkFamily = (family: FsFamily) => family !== 'local';

// --- statfs

/** statfs f_type → name (linux/magic.h). FUSE has one magic for fuse.* and fuseblk alike. */
const statfsNames = new Map<number, string>([
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

const FUSE_SUPER_MAGIC = 0x65735546;

export type FsKind = {name: string; network: boolean};

/**
 * The kind from statfs' magic; for FUSE, whose magic does not tell fuseblk (local) from
 * fuse.sshfs (network), mountinfo's type name for the mount decides.
 */
export function kindFromStatfs(type: number, mountFsType?: string): FsKind {
	const name = type === FUSE_SUPER_MAGIC && mountFsType === 'fuseblk' ? 'fuseblk' : statfsNames.get(type) ?? `0x${type.toString(16)}`;
	return {name, network: isNetworkFamily(fsFamily(name))};
}

/** The kind of the file system at path, or at its nearest existing parent. */
export function fileSystemKind(file: string): FsKind {
	let candidate = file;
	for (;;) {
		try {
			const {type} = fs.statfsSync(candidate);
			const mount = type === FUSE_SUPER_MAGIC ? mountFor(readMountinfo(), fs.realpathSync(candidate), fs.statSync(candidate).dev) : undefined;
			return kindFromStatfs(type, mount?.fsType);
		} catch {
			const parent = path.dirname(candidate);
			if (parent === candidate) return {name: 'unknown', network: false};
			candidate = parent;
		}
	}
}
