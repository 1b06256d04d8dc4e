// LockFileWatcher on a real temp file, its directory events through the watchDirectory seam
// where the test must cause what chokidar would report (an event, an ENOSPC).
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import fs from 'node:fs';
import {test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {LockFileWatcher, type DirectoryWatcher} from '../../source/watch/index.js';
import {tempDir} from '../helpers/temp.js';

/** Stands for chokidar: the test emits what it would. */
class FakeDirectory extends EventEmitter implements DirectoryWatcher {
	closed = false;
	async close(): Promise<void> {
		this.closed = true;
	}
}

function watching(file: string) {
	const directory = new FakeDirectory();
	const watcher = new LockFileWatcher(file, {intervalMs: 60_000, watchDirectory: () => directory});
	return {directory, watcher};
}

test('nothing is emitted after close(), even by a probe a file event already asked for', async () => {
	const temp = tempDir();
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());
		const {directory, watcher} = watching(temp.file);
		watcher.start();
		let updates = 0;
		watcher.on('update', () => updates++);
		// A file event queues a probe for the next turn (bursts coalesce) …
		directory.emit('all');
		fs.writeFileSync(temp.file, Buffer.from('P'), {flag: 'r+'});
		// … and close() comes first. Once: a second close is the first one's promise.
		const closing = watcher.close();
		assert.equal(watcher.close(), closing);
		await closing;
		assert.equal(directory.closed, true);
		await new Promise(resolve => setImmediate(resolve));
		watcher.refresh();
		assert.equal(updates, 0);
	} finally {
		temp.cleanup();
	}
});

test('a file event probes on the next turn: the change arrives without waiting for the timed probe', async () => {
	const temp = tempDir();
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());
		const {directory, watcher} = watching(temp.file);
		watcher.start();
		const update = new Promise<string>(resolve => watcher.once('update', ({changes}) => resolve(changes.map(change => change.kind).join())));
		fs.writeFileSync(temp.file, Buffer.from('P'), {flag: 'r+'});
		directory.emit('all');
		assert.match(await update, /state/);
		await watcher.close();
	} finally {
		temp.cleanup();
	}
});

test('file events that fail (ENOSPC) are said in one line, and the watcher goes on by probing', async () => {
	const temp = tempDir();
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());
		const {directory, watcher} = watching(temp.file);
		watcher.start();
		const failed = new Promise<string>(resolve => watcher.once('file-events-failed', resolve));
		directory.emit('error', Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {code: 'ENOSPC'}));
		assert.match(await failed, /^file events failed \(ENOSPC: the inotify watch limit is reached \(fs\.inotify\.max_user_watches\)\): polling, a probe every 60000 ms$/);
		assert.equal(watcher.polling, true);
		assert.equal(directory.closed, true, 'the failed watcher is closed');
		await watcher.close();
	} finally {
		temp.cleanup();
	}
});
