// status, watch, doctor and the TUI's engine only look: in either layout they never create,
// write, truncate or touch a lock file (a touched mtime while L stops an Artemis 2.29+
// primary) and never take a lock. Checked on every file's bytes, mtime, ctime and inode, and
// on the directory listing, with lock holders that look like a JVM (POSIX whole-file locks).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, test} from 'node:test';
import {STATE, encodeNewLockFile} from '../../source/lock-file/index.js';
import {Session} from '../../source/session/session.js';
import {LockFileWatcher} from '../../source/watch/watcher.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';
import {hasPython, posixHolder, release} from '../helpers/holders.js';
import {runCli} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';

type Picture = Record<string, {bytes: string; mtimeNs: bigint; ctimeNs: bigint; ino: bigint}>;

function picture(dir: string): Picture {
	const result: Picture = {};
	for (const name of fs.readdirSync(dir).sort()) {
		const file = path.join(dir, name);
		const stat = fs.statSync(file, {bigint: true});
		result[name] = {bytes: fs.readFileSync(file).toString('hex'), mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs, ino: stat.ino};
	}

	return result;
}

const processes = new ProcessGroup();
afterEach(async () => processes.killAll());

for (const layout of ['files', 'ranges'] as const) {
	test(`${layout} layout: status, watch, doctor and a TUI session change nothing in the directory`, {skip: !hasPython && 'python3 is needed for the lock holders', timeout: 60_000}, async () => {
		const temp = tempDir();
		const bytes = encodeNewLockFile();
		bytes[0] = STATE.live;
		fs.writeFileSync(temp.file, bytes);
		if (layout === 'files') for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(temp.dir, name), '');
		const [primaryFile, backupFile, length] = layout === 'files'
			? [path.join(temp.dir, 'serverlock.1'), path.join(temp.dir, 'serverlock.2'), 0]
			: [temp.file, temp.file, 1];
		const primary = await posixHolder(primaryFile, layout === 'files' ? 0 : 1, length);
		const backup = await posixHolder(backupFile, layout === 'files' ? 0 : 2, length);
		try {
			const before = picture(temp.dir);
			const status = await runCli(['status', temp.dir, '--json']);
			assert.equal(status.code, 0, status.stdout + status.stderr);
			assert.equal(JSON.parse(status.stdout).layout, layout);
			await runCli(['doctor', temp.dir, '--json']);
			// watch until it has reported (probed, file events set up), then SIGTERM (its normal end);
			// a TUI session until its watcher has probed five times.
			const watch = processes.cli('watch', ['watch', temp.dir, '--json']);
			let watcher: LockFileWatcher | undefined;
			let probes = 0;
			const session = new Session(temp.file, {intervalMs: 50, createWatcher(file, options) {
				watcher = new LockFileWatcher(file, options);
				watcher.on('look', () => probes++);
				return watcher;
			}}).start();
			await watch.waitLine('watch\'s first report', () => true, 10_000);
			await waitFor('five probes of the session', () => probes >= 5, {timeoutMs: 10_000});
			await session.close();
			watch.kill('SIGTERM');
			await watch.waitExit();
			assert.deepEqual(picture(temp.dir), before);
		} finally {
			await release(primary);
			await release(backup);
			temp.cleanup();
		}
	});
}
