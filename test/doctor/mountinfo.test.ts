import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import {analyseMount, deviceNumbers, fsFamily, mountFor, nfsRequestTimeout, parseMountinfo, parseMountinfoLine, type MountEntry} from '../../source/doctor/mountinfo.js';
import {fixture} from '../broker/fake-broker.js';

const entry = (name: string): MountEntry => {
	const entries = parseMountinfo(fs.readFileSync(fixture('mountinfo', `${name}.txt`), 'utf8'));
	assert.equal(entries.length, 1, name);
	return entries[0];
};

test('every fixture parses: type, source, mount point (octal escapes), both option lists', () => {
	const expected: Record<string, [string, string]> = {
		nfs4: ['nfs4', '/mnt/shared'],
		'nfs4-recommended': ['nfs4', '/mnt/artemis shared'],
		nfs3: ['nfs', '/srv/journal'],
		'nfs3-nolock': ['nfs', '/srv/journal'],
		cifs: ['cifs', '/mnt/smb'],
		cephfs: ['ceph', '/mnt/cephfs'],
		sshfs: ['fuse.sshfs', '/mnt/remote'],
		ext4: ['ext4', '/'],
		xfs: ['xfs', '/var/lib/artemis'],
		tmpfs: ['tmpfs', '/dev/shm'],
		overlay: ['overlay', '/'],
	};
	for (const [name, [type, mountPoint]] of Object.entries(expected)) {
		const mount = entry(name);
		assert.equal(mount.fsType, type, name);
		assert.equal(mount.mountPoint, mountPoint, name);
	}

	const nfs = entry('nfs4');
	assert.equal(nfs.source, 'nfs-server.example:/export/artemis');
	assert.equal(nfs.device, '0:52');
	assert.deepEqual(nfs.mountOptions, ['rw', 'relatime']);
	assert.ok(nfs.superOptions.includes('timeo=600'));
	assert.equal(entry('cephfs').source, '10.0.0.21:6789,10.0.0.22:6789,10.0.0.23:6789:/');
	// Optional fields (shared:N, master:N) may be absent or several.
	assert.equal(parseMountinfoLine('36 35 98:0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root rw,errors=continue')?.fsType, 'ext3');
	assert.equal(parseMountinfoLine('36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 propagate_from:3 - ext3 /dev/root rw')?.mountPoint, '/mnt2');
	assert.equal(parseMountinfoLine('garbage'), undefined);
	assert.equal(parseMountinfoLine(''), undefined);
});

test('this machine\'s own /proc/self/mountinfo parses and has a root mount', {skip: process.platform !== 'linux'}, () => {
	const entries = parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
	assert.ok(entries.some(mount => mount.mountPoint === '/'));
	const root = mountFor(entries, '/', fs.statSync('/').dev);
	assert.equal(root?.mountPoint, '/');
});

test('mountFor: the longest mount point above the directory, the directory\'s own device first', () => {
	const entries = ['ext4', 'xfs', 'nfs4', 'tmpfs'].map(name => entry(name));
	assert.equal(mountFor(entries, '/var/lib/artemis/data/journal')?.fsType, 'xfs');
	assert.equal(mountFor(entries, '/var/lib/artemisX')?.fsType, 'ext4');
	assert.equal(mountFor(entries, '/mnt/shared/journal')?.fsType, 'nfs4');
	assert.equal(mountFor(entries, '/mnt/shared')?.fsType, 'nfs4');
	// Device 254:0 is the root ext4 even under a prefix that another mount claims (e.g. an over-mounted directory).
	assert.equal(mountFor(entries, '/mnt/shared/journal', Number((254n << 8n) | 0n))?.fsType, 'ext4');
	assert.equal(deviceNumbers(Number((254n << 8n) | 0n)), '254:0');
	assert.equal(deviceNumbers(0x34), '0:52');
});

test('NFS request timeout: TCP linear backoff, UDP doubling, capped (nfs(5))', () => {
	// Artemis' example of a long wait: timeo=600, retrans=5 over TCP.
	assert.equal(nfsRequestTimeout(600, 5, 'tcp').ms, (60 + 120 + 180 + 240 + 300 + 360) * 1000);
	assert.equal(nfsRequestTimeout(50, 1, 'tcp').ms, 15_000);
	assert.match(nfsRequestTimeout(50, 1, 'tcp').computation, /5 s \+ 10 s = 15 s/);
	// TCP defaults: timeo=600, retrans=2 → 60 + 120 + 180 s.
	assert.equal(nfsRequestTimeout(600, 2, 'tcp').ms, 360_000);
	// The 600 s cap per wait.
	assert.equal(nfsRequestTimeout(4000, 2, 'tcp').ms, (400 + 600 + 600) * 1000);
	// UDP defaults: timeo=11, retrans=3 → 1.1 + 2.2 + 4.4 + 8.8 s.
	assert.equal(nfsRequestTimeout(11, 3, 'udp').ms, 16_500);
	assert.equal(nfsRequestTimeout(400, 3, 'udp').ms, (40 + 60 + 60 + 60) * 1000);
});

test('NFSv4 with defaults (hard, attribute cache): every recommendation but local locks fails', () => {
	const analysis = analyseMount(entry('nfs4'));
	assert.equal(analysis.family, 'nfs');
	assert.equal(analysis.nfs?.version, '4.2');
	assert.equal(analysis.nfs?.soft, false);
	assert.equal(analysis.nfs?.requestTimeoutMs, null);
	assert.equal(analysis.nfs?.localLocks, false);
	assert.deepEqual(analysis.nfs?.checks.filter(check => !check.ok).map(check => check.option), ['sync', 'noac', 'soft', 'lookupcache=none', 'timeo/retrans']);
	assert.deepEqual(analysis.problems, []);
	assert.ok(analysis.notes.some(note => /lease/.test(note)));
});

test('NFSv4 mounted as Artemis recommends: all checks pass, 15 s worst case', () => {
	const analysis = analyseMount(entry('nfs4-recommended'));
	assert.deepEqual(analysis.nfs?.checks.filter(check => !check.ok), []);
	assert.equal(analysis.nfs?.requestTimeoutMs, 15_000);
	assert.equal(analysis.nfs?.version, '4.1');
});

test('NFSv3: NLM note; nolock / local_lock=all is a split-brain problem', () => {
	const v3 = analyseMount(entry('nfs3'));
	assert.equal(v3.nfs?.version, '3');
	assert.ok(v3.notes.some(note => /NLM/.test(note)));
	assert.deepEqual(v3.problems, []);
	const nolock = analyseMount(entry('nfs3-nolock'));
	assert.equal(nolock.nfs?.localLocks, true);
	assert.match(nolock.problems[0], /split brain/);
	assert.equal(nolock.nfs?.protocol, 'udp');
	assert.equal(nolock.nfs?.requestTimeoutMs, 16_500);
});

test('CIFS, CephFS, sshfs are network file systems; sshfs keeps locks local', () => {
	assert.equal(analyseMount(entry('cifs')).family, 'cifs');
	assert.deepEqual(analyseMount(entry('cifs')).problems, []);
	const nobrl = {...entry('cifs'), superOptions: [...entry('cifs').superOptions, 'nobrl']};
	assert.match(analyseMount(nobrl).problems[0], /nobrl/);
	assert.equal(analyseMount(entry('cephfs')).family, 'ceph');
	assert.deepEqual(analyseMount(entry('cephfs')).problems, []);
	assert.equal(analyseMount(entry('sshfs')).family, 'fuse');
	assert.match(analyseMount(entry('sshfs')).problems[0], /local/);
});

test('ext4, xfs, tmpfs, overlay are local: nothing to say', () => {
	for (const name of ['ext4', 'xfs', 'tmpfs', 'overlay']) {
		const analysis = analyseMount(entry(name));
		assert.equal(analysis.family, 'local', name);
		assert.deepEqual([analysis.problems, analysis.notes], [[], []], name);
	}

	assert.equal(fsFamily('fuseblk'), 'local');
	assert.equal(fsFamily('glusterfs'), 'other-network');
});
