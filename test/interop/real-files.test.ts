// ha-tui against the real FileLockNodeManager of org.apache.activemq:artemis-server:2.40.0, the files
// layout of every Artemis since 2.10 (whole-file POSIX locks on serverlock.1 = primary and
// serverlock.2 = backup, the state lock on server.lock; a 2.29+ primary's lock monitor shuts it down
// when server.lock's mtime moves under it). Shared tests in real-node-manager.ts, plus an ha-tui
// backup joining a healthy pair of real ones without disturbing it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {driverEvent, inodeOf, kernelLocksOn} from '../helpers/artemis.js';
import {hexId, holdsFor, nodeManagerInterop, pids, statusWhen, withCase} from './real-node-manager.js';

nodeManagerInterop('2.40.0', 'files');

describe('real FileLockNodeManager 2.40.0: an ha-tui backup (layout auto) joining a healthy pair of JVMs', () => {
	test('never takes serverlock.1 while the primary lives, never touches server.lock, queues behind the JVM backup, takes over when both JVMs die in order', async t => withCase(t, '2.40.0', undefined, async c => {
		const primary = c.jvm('primary');
		await driverEvent(primary, 'live');
		const jvmBackup = c.jvm('backup');
		await driverEvent(jvmBackup, 'backup');
		const primaryLock = inodeOf(path.join(c.dir, 'serverlock.1'));
		const backupLock = inodeOf(path.join(c.dir, 'serverlock.2'));
		assert.ok(primaryLock && backupLock, 'Artemis 2.40 created serverlock.1 and serverlock.2');
		const bytesBefore = fs.readFileSync(c.lockFile);
		const statBefore = fs.statSync(c.lockFile);

		const backup = c.haTui('backup'); // no --layout: ha-tui must see the files layout itself
		await backup.waitEvent('waiting-backup-lock', 15_000);

		// Longer than one run of the primary's lock monitor (every 2 s), which would stop it on a
		// touched server.lock. Held locks only: a blocked waiter ("->" in /proc/locks) holds nothing.
		let statusRuns = 0;
		const checks = await holdsFor(2500, async () => {
			for (const lock of kernelLocksOn(primaryLock)) assert.deepEqual(lock, {kind: 'POSIX', pid: primary.pid, range: '0 EOF'}, `serverlock.1 held by someone other than the JVM primary: ${JSON.stringify(lock)}`);
			for (const lock of kernelLocksOn(backupLock)) assert.deepEqual(lock, {kind: 'POSIX', pid: jvmBackup.pid, range: '0 EOF'}, `serverlock.2 held by someone other than the JVM backup: ${JSON.stringify(lock)}`);
			assert.equal(backup.hasEvent('backup'), false, 'ha-tui got the backup lock the JVM backup holds');
			assert.equal(backup.hasEvent('live'), false, 'ha-tui went live beside a live primary: split brain');
			assert.equal(primary.hasEvent('lost-lock'), false, 'the JVM primary lost its lock');
			if (statusRuns++ % 10 === 0) {
				// status is read-only too: it runs in the window.
				const {code, report} = await statusWhen(c.dir, 'the pair', () => true);
				assert.equal(code, 0, JSON.stringify(report));
				assert.deepEqual(pids(report, 'live'), [primary.pid]);
			}
		});
		t.diagnostic(`${checks} looks at /proc/locks over 2.5 s`);
		assert.deepEqual(fs.readFileSync(c.lockFile), bytesBefore, 'server.lock bytes unchanged');
		const statAfter = fs.statSync(c.lockFile);
		assert.equal(statAfter.mtimeMs, statBefore.mtimeMs, 'server.lock mtime unchanged');
		assert.equal(statAfter.ino, statBefore.ino, 'server.lock not replaced');
		assert.equal(primary.exit, undefined, 'the JVM primary still runs');

		// The primary dies: the JVM backup takes over, ha-tui gets the backup lock and waits behind it.
		primary.kill('SIGKILL');
		await driverEvent(jvmBackup, 'live', 10_000);
		await backup.waitEvent('waiting-live-lock', 10_000);
		const queued = await statusWhen(c.dir, 'JVM backup live + ha-tui backup', r => pids(r, 'live').includes(jvmBackup.pid) && pids(r, 'backup').includes(backup.pid));
		assert.equal(queued.code, 0, queued.raw.stdout);
		assert.equal(queued.report.verdict, 'healthy');
		assert.equal(backup.hasEvent('live'), false);
		assert.equal(hexId(queued.report.nodeId), hexIdOf(bytesBefore), 'one group: the node id never changed');

		// Then the activated JVM backup dies: ha-tui takes over.
		jvmBackup.kill('SIGKILL');
		await backup.waitEvent('live', 10_000);
		const last = await statusWhen(c.dir, 'ha-tui live', r => pids(r, 'live').length === 1 && pids(r, 'live')[0] === backup.pid);
		assert.equal(last.report.state, 'L');
		assert.equal(last.report.layout, 'files');
		assert.equal(last.code, 1);
	}));
});

/** The node id bytes 3..18 of server.lock as 32 hex digits. */
function hexIdOf(bytes: Buffer): string {
	return bytes.subarray(3, 19).toString('hex');
}
