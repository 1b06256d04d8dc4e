// What a closed session must not do, and how it tells the screen that file events are gone.
// The session's watcher comes through the createWatcher seam.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {Session} from '../../source/session/session.js';
import {Header} from '../../source/ui/header.js';
import {LockFileWatcher} from '../../source/watch/index.js';
import {tempDir} from '../helpers/temp.js';

afterEach(cleanup);

test('an update delivered after close() does not reopen the pulse\'s descriptor', async () => {
	const temp = tempDir();
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());
		const openOnFile = () => fs.readdirSync('/proc/self/fd').filter(fd => {
			try {
				return fs.readlinkSync(path.join('/proc/self/fd', fd)) === temp.file;
			} catch {
				return false;
			}
		}).length;
		let watcher: LockFileWatcher | undefined;
		const session = new Session(temp.file, {intervalMs: 60_000, pulseMs: 60_000, watcher: {fileEvents: false}, createWatcher: (file, options) => watcher = new LockFileWatcher(file, options)}).start();
		const snapshot = watcher!.latest!;
		await session.close();
		assert.equal(openOnFile(), 0, 'closed');
		let changes = 0;
		session.subscribe(() => changes++);
		// What a probe that was already running when close() ran delivers.
		watcher!.emit('update', {snapshot: {...snapshot, probe: {...snapshot.probe!, inode: snapshot.probe!.inode}}, changes: [{kind: 'state', message: 'late'}]});
		assert.equal(openOnFile(), 0, 'no descriptor reopened after close()');
		assert.equal(changes, 0);
	} finally {
		temp.cleanup();
	}
});

test('file events that fail are reported, and the session falls back to probing (visibly)', async () => {
	const temp = tempDir();
	try {
		fs.writeFileSync(temp.file, encodeNewLockFile());
		let watcher: LockFileWatcher | undefined;
		const session = new Session(temp.file, {intervalMs: 60_000, pulseMs: 0, watcher: {fileEvents: false}, createWatcher: (file, options) => watcher = new LockFileWatcher(file, options)}).start();
		try {
			assert.equal(session.getView().polling, false);
			// What the watcher says when chokidar fails (its wording: test/watch/watcher.test.ts).
			watcher!.emit('file-events-failed', 'file events failed (ENOSPC: the inotify watch limit is reached (fs.inotify.max_user_watches)): polling, a probe every 60000 ms');
			assert.equal(session.getView().polling, true);
			assert.ok(session.getView().log.some(entry => entry.level === 'warn' && /file events failed \(ENOSPC: the inotify watch limit is reached .*\): polling/.test(entry.text)));
			assert.match(render(<Header view={session.getView()} now={0} width={120}/>).lastFrame() ?? '', /\(polling\)/);
		} finally {
			await session.close();
		}
	} finally {
		temp.cleanup();
	}
});
