// The kernel wait's hard edges (issue 9 §5): a descriptor is never closed under a pool thread,
// the pool is sized before node starts, and a failed open leaves nothing behind.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {closeDescriptor, tryLockByte, waitForByteLock} from '../../source/lock-file/index.js';
import {FileLockNodeManager} from '../../source/node-manager/index.js';
import {cliPath} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';
import {blockedOn} from '../helpers/threads.js';
import {waitFor} from '../helpers/wait.js';

const linux = process.platform === 'linux';

test('closeDescriptor during a kernel wait: the fd number stays taken until the pool thread lets go, then it is closed', {skip: !linux && 'Linux only'}, async () => {
	const temp = tempDir();
	fs.writeFileSync(temp.file, '0000000000000000000');
	const holder = fs.openSync(temp.file, 'r+');
	const waiter = fs.openSync(temp.file, 'r+');
	try {
		assert.ok(tryLockByte(holder, 1));
		const wait = waitForByteLock(waiter, 1);
		await waitFor('the pool thread to block in fcntl', () => blockedOn(waiter) === 1);
		closeDescriptor(waiter);
		// Were the number free now, the next open would get it, and an unlock meant for the
		// wait could land on another node's file.
		const other = fs.openSync(temp.file, 'r');
		assert.notEqual(other, waiter, 'fd number reused while a pool thread still used it');
		fs.closeSync(other);
		await assert.rejects(wait, {name: 'AbortError'});
		assert.equal(blockedOn(waiter), 0);
		assert.throws(() => fs.fstatSync(waiter), {code: 'EBADF'}, 'closed once the call returned');
		assert.ok(tryLockByte(holder, 1), 'the holder still holds its lock');
	} finally {
		fs.closeSync(holder);
		temp.cleanup();
	}
});

test('the shipped bin sizes libuv\'s pool before node starts (16 threads unless UV_THREADPOOL_SIZE says otherwise)', {skip: !linux && 'Linux only'}, async () => {
	const temp = tempDir();
	const started: Array<ReturnType<typeof spawn>> = [];
	const threads = async (env: NodeJS.ProcessEnv) => {
		// Run the bin itself, as a user does: its first line is the sh launcher.
		const child = spawn(cliPath, ['node', temp.dir, '--role', 'backup'], {env, stdio: ['ignore', 'pipe', 'inherit']});
		started.push(child);
		let text = '';
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			text += chunk;
		});
		// Waiting for the state byte (a fresh directory): the pool has been used by then.
		await waitFor('the backup to queue', () => text.includes('"backup"'));
		return fs.readdirSync(`/proc/${child.pid}/task`).length;
	};

	try {
		const {UV_THREADPOOL_SIZE: _, ...clean} = process.env;
		const byDefault = await threads(clean);
		const four = await threads({...clean, UV_THREADPOOL_SIZE: '4'});
		assert.equal(byDefault - four, 12, `threads: ${byDefault} by default, ${four} with UV_THREADPOOL_SIZE=4`);
	} finally {
		for (const child of started) {
			child.kill('SIGKILL');
			if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
		}

		temp.cleanup();
	}
});

test('a failed open leaves no descriptor behind and the manager closed (a serverlock file that is a directory)', {skip: !linux && 'Linux only'}, async () => {
	const temp = tempDir();
	fs.mkdirSync(path.join(temp.dir, 'serverlock.2'));
	// libuv keeps one inotify descriptor per loop once anything watched a file: make it first.
	fs.watch(temp.dir).close();
	const descriptors = () => fs.readdirSync('/proc/self/fd').map(fd => {
		try {
			return fs.readlinkSync(`/proc/self/fd/${fd}`);
		} catch {
			return 'gone';
		}
	}).filter(target => target !== 'gone').sort();
	const before = descriptors();
	const manager = new FileLockNodeManager(temp.file, {layout: 'files'});
	assert.throws(() => manager.open(), /serverlock\.2: is a directory/);
	assert.deepEqual(descriptors(), before, 'descriptors leaked');
	assert.equal(manager.sameFile(), false);
	assert.throws(() => manager.tryLock('live'), /not open/);
	fs.rmdirSync(path.join(temp.dir, 'serverlock.2'));
	await manager.open();
	assert.ok(manager.tryLock('live'));
	manager.close();
	temp.cleanup();
});
