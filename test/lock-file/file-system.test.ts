// One classifier of file systems for the watcher (statfs) and the doctor (mountinfo): they
// used to disagree on fuseblk (the watcher polled it as network, the doctor called it local).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import test from 'node:test';
import {deviceNumbers, deviceToProc, splitDevice} from '../../source/lock-file/device-number.js';
import {fileSystemKind, fsFamily, isNetworkFamily, kindFromStatfs, mountFor, readMountinfo} from '../../source/lock-file/file-system.js';
import {analyseMount, parseMountinfoLine} from '../../source/doctor/mountinfo.js';

const FUSE = 0x65735546;

test('fuseblk is local for the watcher and the doctor alike; other FUSE mounts are network for both', () => {
	const fuseblk = parseMountinfoLine('40 1 8:17 / /media/usb rw,relatime - fuseblk /dev/sdb1 rw,user_id=0,group_id=0,allow_other')!;
	assert.deepEqual(kindFromStatfs(FUSE, fuseblk.fsType), {name: 'fuseblk', network: false});
	assert.equal(analyseMount(fuseblk).family, 'local');
	assert.deepEqual([analyseMount(fuseblk).problems, analyseMount(fuseblk).notes], [[], []]);

	const sshfs = parseMountinfoLine('41 1 0:50 / /mnt/remote rw,nosuid - fuse.sshfs user@host:/srv rw,user_id=0')!;
	assert.deepEqual(kindFromStatfs(FUSE, sshfs.fsType), {name: 'fuse', network: true});
	assert.equal(analyseMount(sshfs).family, 'fuse');
	// A FUSE magic whose mount cannot be found stays on the safe side: polled.
	assert.deepEqual(kindFromStatfs(FUSE, undefined), {name: 'fuse', network: true});
});

test('every statfs name gets the same network answer as the doctor\'s family of that name', () => {
	const cases: Array<[number, string, boolean]> = [
		[0xef53, 'ext4', false], [0x58465342, 'xfs', false], [0x9123683e, 'btrfs', false], [0x01021994, 'tmpfs', false],
		[0x794c7630, 'overlayfs', false], [0x2fc12fc1, 'zfs', false], [0x6969, 'nfs', true], [0xff534d42, 'cifs', true],
		[0xfe534d42, 'smb2', true], [0x00c36400, 'ceph', true], [0x01021997, '9p', true], [0x47504653, 'gpfs', true],
		[0x0bd00bd0, 'lustre', true], [0x564c, 'ncp', true], [0x5346414f, 'afs', true], [0x1234, '0x1234', false],
	];
	for (const [magic, name, network] of cases) {
		assert.deepEqual(kindFromStatfs(magic), {name, network}, name);
		assert.equal(fsFamily(name) !== 'local', network, name);
	}
});

test('one device-number decoding, in mountinfo\'s decimal and /proc/locks\' hex spelling', () => {
	const dev = Number((259n << 8n) | 3n | (1n << 20n)); // major 259; minor 3 plus 256 from the high bits
	assert.deepEqual(splitDevice(dev), {major: 259n, minor: 259n});
	assert.equal(deviceNumbers(dev), '259:259');
	assert.equal(deviceToProc(dev), '103:103');
	assert.equal(deviceToProc(Number((254n << 8n) | 1n)), 'fe:01');
	// The temp directory's own device is found in this host's mountinfo by that decoding.
	const {dev: here} = fs.statSync(os.tmpdir());
	const mount = mountFor(readMountinfo(), fs.realpathSync(os.tmpdir()), here);
	assert.ok(mount, 'a mount above the temp directory');
	assert.equal(fileSystemKind(os.tmpdir()).network, isNetworkFamily(fsFamily(mount.fsType)), mount.fsType);
});
