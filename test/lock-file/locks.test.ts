import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import process from 'node:process';
import {after, before, test} from 'node:test';
import {
	HolderCache,
	LockFileInputError,
	encodeNewLockFile,
	getLockOnByte,
	lockKind,
	openForNode,
	probeLockFile,
	tryLockByte,
	unlockByte,
	waitForByteLock,
	type ProbeMemo,
} from '../../source/lock-file/index.js';
import {hasPython, ofdHolder, posixHolder, ready, release} from '../helpers/holders.js';
import {tempDir} from '../helpers/temp.js';
import {blockedOn, threadsInFcntl} from '../helpers/threads.js';
import {waitFor} from '../helpers/wait.js';

const linux = process.platform === 'linux';
let temp: ReturnType<typeof tempDir>;
before(() => {
	temp = tempDir();
	fs.writeFileSync(temp.file, encodeNewLockFile());
});
after(() => temp.cleanup());

test('two descriptors in one process contend like two processes (OFD)', {skip: !linux && 'OFD locks are Linux-only'}, () => {
	assert.equal(lockKind(), 'OFD');
	const a = fs.openSync(temp.file, 'r+');
	const b = fs.openSync(temp.file, 'r+');
	try {
		assert.equal(tryLockByte(a, 1), true);
		assert.equal(tryLockByte(b, 1), false, 'second fd must not get the byte');
		assert.equal(tryLockByte(b, 2), true, 'other bytes are independent');
		assert.deepEqual(getLockOnByte(b, 1), {type: 'write', pid: undefined, kind: 'OFD', range: {start: 1, length: 1}});
		unlockByte(a, 1);
		assert.equal(getLockOnByte(b, 1), undefined);
		assert.equal(tryLockByte(b, 1), true);
	} finally {
		fs.closeSync(a);
		fs.closeSync(b);
	}
});

test('probe names a POSIX holder in another process (pid, command, kind)', {skip: !hasPython && 'python3 not found'}, async () => {
	const child = await posixHolder(temp.file, 1);
	try {
		const probe = probeLockFile(temp.file);
		assert.equal(probe.locks.live.locked, true);
		assert.equal(probe.locks.backup.locked, false);
		assert.equal(probe.locks.state.locked, false);
		const [holder] = probe.locks.live.holders;
		assert.equal(holder.pid, child.pid);
		assert.equal(holder.kind, 'POSIX');
		assert.equal(holder.sameProcess, false);
		assert.match(holder.command!, /python3/);
	} finally {
		await release(child);
	}

	assert.equal(probeLockFile(temp.file).locks.live.locked, false, 'a dead holder leaves no lock');
});

test('a holder\'s command line is read again after it execs (same pid and start time, another program)', {skip: !hasPython && 'python3 not found'}, async () => {
	// The probe remembers command lines by process image (pid, start time, command name): a holder
	// at rest is not read again, but one that execs keeps its pid, its start time and its POSIX
	// lock — bin/artemis is a shell that execs java — and must not keep its old command line.
	const child = spawn('python3', ['-c', `
import fcntl, os, sys
f = open(sys.argv[1], 'r+b')
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 1, 0)
print('locked', flush=True)
os.set_inheritable(f.fileno(), True)
sys.stdin.readline()
os.execvp('sleep', ['sleep', '30'])
`, temp.file], {stdio: ['pipe', 'pipe', 'inherit']});
	await ready(child);
	// As a store probes (probe.ts ProbeMemo): the same reading gives back the same probe, and an
	// exec — same pid, start time, lock and bytes — is a different reading (the process image).
	const memo: ProbeMemo = {};
	try {
		const first = probeLockFile(temp.file, undefined, memo);
		assert.match(first.locks.live.holders[0]?.command ?? '', /python3/);
		assert.match(probeLockFile(temp.file).locks.live.holders[0]?.command ?? '', /python3/, 'the same process image: the same command');
		assert.equal(probeLockFile(temp.file, undefined, memo), first, 'the same reading: the same probe');
		child.stdin!.write('\n');
		await waitFor('the holder to exec sleep', () => /^sleep 30$/.test(probeLockFile(temp.file, undefined, memo).locks.live.holders[0]?.command ?? ''));
		assert.equal(probeLockFile(temp.file, undefined, memo).locks.live.holders[0]?.pid, child.pid, 'the same pid, the lock kept across exec');
	} finally {
		child.kill('SIGKILL');
		await once(child, 'exit');
	}
});

test('probe names an OFD holder in another process through /proc fdinfo', {skip: !linux && 'Linux only'}, async () => {
	const child = await ofdHolder(temp.file, 2);
	try {
		const probe = probeLockFile(temp.file);
		assert.equal(probe.locks.backup.locked, true);
		assert.deepEqual(probe.locks.backup.holders.map(holder => [holder.pid, holder.kind, holder.sameProcess]), [[child.pid, 'OFD', false]]);
	} finally {
		await release(child);
	}
});

test('a cached probe follows an OFD handover from one process to another', {skip: !linux && 'Linux only'}, async () => {
	// /proc/locks shows both as "OFDLCK … -1 dev:inode 1 1": only the owners' fdinfo differs.
	const cache = new HolderCache();
	const first = await ofdHolder(temp.file, 1);
	assert.deepEqual(probeLockFile(temp.file, cache).locks.live.holders.map(h => h.pid), [first.pid]);
	await release(first);
	const second = await ofdHolder(temp.file, 1);
	try {
		assert.deepEqual(probeLockFile(temp.file, cache).locks.live.holders.map(h => h.pid), [second.pid]);
	} finally {
		await release(second);
	}
});

test('probe marks our own OFD lock as this process', {skip: !linux && 'Linux only'}, () => {
	const fd = fs.openSync(temp.file, 'r+');
	try {
		assert.ok(tryLockByte(fd, 1));
		const [holder] = probeLockFile(temp.file).locks.live.holders;
		assert.equal(holder.pid, process.pid);
		assert.equal(holder.sameProcess, true);
	} finally {
		fs.closeSync(fd);
	}
});

test('a probe never takes a lock and never changes the file', () => {
	const before = fs.readFileSync(temp.file);
	const {mtimeMs} = fs.statSync(temp.file);
	const probe = probeLockFile(temp.file);
	assert.equal(probe.inode, fs.statSync(temp.file).ino);
	assert.equal(probe.device, fs.statSync(temp.file).dev);
	const fd = fs.openSync(temp.file, 'r+');
	try {
		for (const offset of [0, 1, 2]) assert.ok(tryLockByte(fd, offset), `byte ${offset} free after probe`);
	} finally {
		fs.closeSync(fd);
	}

	assert.deepEqual(fs.readFileSync(temp.file), before);
	assert.equal(fs.statSync(temp.file).mtimeMs, mtimeMs);
	if (linux) assert.doesNotMatch(fs.readFileSync('/proc/locks', 'utf8'), new RegExp(`:${probe.inode} `));
});

test('bad files are refused with one line naming the file and the cause', () => {
	const empty = `${temp.dir}/empty.lock`;
	fs.writeFileSync(empty, '');
	assert.throws(() => probeLockFile(empty), (error: unknown) => error instanceof LockFileInputError && error.message === `${empty}: is empty (0 bytes); a lock file has 19`);
	const short = `${temp.dir}/short.lock`;
	fs.writeFileSync(short, 'L00');
	assert.throws(() => probeLockFile(short), /too short \(3 bytes\)/);
	assert.throws(() => probeLockFile(`${temp.dir}/missing.lock`), /missing\.lock: no such file or directory$/);
	assert.throws(() => probeLockFile(temp.dir), /is a directory without server\.lock/);
	assert.equal(fs.readFileSync(short, 'utf8'), 'L00', 'never modified');
	assert.equal(fs.statSync(empty).size, 0);
});

test('kernel wait: wakes when the holder lets go, and cancels without leaving a lock or a blocked thread', {skip: !linux && 'Linux only'}, async () => {
	const holder = fs.openSync(temp.file, 'r+');
	const waiter = fs.openSync(temp.file, 'r+');
	try {
		assert.ok(tryLockByte(holder, 1));
		const controller = new AbortController();
		const cancelled = waitForByteLock(waiter, 1, {signal: controller.signal});
		await waitFor('a pool thread to block in fcntl on the waiter', () => blockedOn(waiter) === 1);
		controller.abort();
		await assert.rejects(cancelled, {name: 'AbortError'});
		assert.deepEqual(threadsInFcntl(), [], 'no thread left blocked in fcntl');

		const modes: string[] = [];
		const granted = waitForByteLock(waiter, 1, {onMode: mode => modes.push(mode)});
		await waitFor('a pool thread to block in fcntl on the waiter again', () => blockedOn(waiter) === 1);
		unlockByte(holder, 1);
		await granted;
		assert.deepEqual(modes, ['kernel']);
		assert.equal(tryLockByte(holder, 1), false, 'the waiter holds it now');
	} finally {
		fs.closeSync(holder);
		fs.closeSync(waiter);
	}
});

test('process.exit() with kernel waits in flight does not hang on the blocked pool threads', {skip: !linux && 'Linux only'}, () => {
	const kernelWait = new URL('../../source/lock-file/index.js', import.meta.url).href;
	// spawnSync's timeout is the deadline: a hang is killed and fails the status check below.
	const result = spawnSync(process.execPath, ['--input-type=module', '-e', `
import fs from 'node:fs';
import {tryLockByte, waitForByteLock} from ${JSON.stringify(kernelWait)};
const [a, b, c] = [0, 1, 2].map(() => fs.openSync(process.argv[1], 'r+'));
tryLockByte(a, 1);
waitForByteLock(b, 1, {onMode: mode => console.log(mode)});
waitForByteLock(c, 1);
setTimeout(() => process.exit(7), 100);
`, temp.file], {encoding: 'utf8', timeout: 5000});
	assert.equal(result.status, 7, `exit status (signal ${result.signal}): ${result.stderr}`);
	assert.equal(result.stdout.trim(), 'kernel');
});

test('a node creates a missing file once, atomically, and never replaces a node id', () => {
	const {dir, file, cleanup} = tempDir();
	try {
		const first = openForNode(file);
		const id = fs.readFileSync(file).subarray(3);
		const second = openForNode(file);
		assert.deepEqual(fs.readFileSync(file).subarray(3), id);
		assert.equal(fs.readFileSync(file).length, 19);
		assert.deepEqual([...fs.readFileSync(file).subarray(0, 3)], [0x30, 0x30, 0x30]);
		fs.closeSync(first.fd);
		fs.closeSync(second.fd);
		assert.deepEqual(fs.readdirSync(dir), ['server.lock'], 'no temp files left beside it');
	} finally {
		cleanup();
	}
});
