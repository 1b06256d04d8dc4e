// The flock layout with the REAL AIOFileLockNodeManager (HornetQ 2.4.7, Artemis 2.0.0): what a
// broker of those generations uses with its default journal type ASYNCIO when the native libaio
// layer loads. The state byte and node id stay in server.lock, never locked; the live and backup
// locks are flock(LOCK_EX|LOCK_NB) on server.1.lock and server.2.lock, taken by the JNI library
// (libHornetQAIO64.so / libartemis-native-64.so, out of hornetq-native / artemis-native, linked
// against the OS's libaio.so.1).
//
// What it takes to run these classes on this machine's Java 17 (all set up by helpers/artemis.ts
// and scripts/fetch-artemis.sh, nothing binary in git):
//   - libaio1 from Debian (.ci/run installs it when `dpkg -s libaio1` says it is missing);
//   - the .so extracted from its jar into the interop cache, on -Djava.library.path;
//   - `--patch-module java.base=<compiled test/interop/jdk-patch>`: a java.nio.channels.FileLock
//     whose constructors accept a null channel. The one thing patched, and why: HornetQFileLock /
//     ActiveMQFileLock call `super((FileChannel) null, 0, 0, false)`, which Java 9+ rejects with
//     NullPointerException("Null channel") (JDK-6880737), so without it the first lock fails. The
//     first test below shows that failure, so the patch is known to be needed and sufficient.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import {driverCommand, driverEvent, driverSetup, inodeOf, kernelLocksOn} from '../helpers/artemis.js';
import {type Spawned} from '../helpers/spawned.js';
import {holdsFor, stateByte, withCase, type Case} from './real-node-manager.js';
import {label, type RealVersion} from './versions.js';

/** /proc/locks on one file: the FLOCK holders' pids (held locks only). */
export function flockHolders(file: string): number[] {
	const inode = inodeOf(file);
	if (inode === undefined) return [];
	return kernelLocksOn(inode).filter(lock => lock.kind === 'FLOCK').map(lock => lock.pid);
}

/** Any lock at all on server.lock: the AIO node manager never locks it. */
function locksOnServerLock(c: Case): Array<{kind: string; pid: number}> {
	const inode = inodeOf(c.lockFile);
	return inode === undefined ? [] : kernelLocksOn(inode);
}

async function untilFlocks(c: Case, expected: {live: number[]; backup: number[]}, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const live = flockHolders(path.join(c.dir, 'server.1.lock'));
		const backup = flockHolders(path.join(c.dir, 'server.2.lock'));
		if (JSON.stringify(live) === JSON.stringify(expected.live) && JSON.stringify(backup) === JSON.stringify(expected.backup)) return;
		if (Date.now() > deadline) throw new Error(`flock holders: live ${JSON.stringify(live)}, backup ${JSON.stringify(backup)}; expected ${JSON.stringify(expected)}`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

export function aioInterop(version: RealVersion): void {
	const run = (t: TestContext, body: (c: Case) => Promise<void>) => withCase(t, version, 'flock', body);
	const jvm = (c: Case, role: 'primary' | 'backup', name?: string): Spawned => c.jvm(role, name);

	describe(`real AIOFileLockNodeManager of ${label(version)} (flock layout: server.1.lock / server.2.lock)`, () => {
		test('on Java 9+ the unpatched class fails with "Null channel" (why the FileLock patch exists)', async t => run(t, async c => {
			const setup = driverSetup(c.artemis, version, {patch: false});
			const unpatched = c.group.spawn('jvm-unpatched', c.artemis.java, ['-XX:-UsePerfData', ...setup.jvmArgs, '-cp', `${c.artemis.driverDir}${path.delimiter}${setup.classpath}`, 'RealNodeManagerDriver', 'primary', c.dir, ...setup.driverArgs], {stdio: ['pipe', 'pipe', 'pipe']});
			const {code} = await unpatched.waitExit(30_000);
			assert.notEqual(code, 0);
			assert.ok(unpatched.events().some(event => event.event === 'error' && /Null channel/.test(String(event.detail))), `no "Null channel" error: ${unpatched.lines.join('\n')}`);
			assert.deepEqual(flockHolders(path.join(c.dir, 'server.1.lock')), [], 'it holds nothing');
		}));

		test('two JVMs: flock on server.1.lock (live) and server.2.lock (backup), server.lock never locked; SIGKILL of the live → the backup takes over', async t => run(t, async c => {
			const primary = jvm(c, 'primary');
			await driverEvent(primary, 'live');
			const backup = jvm(c, 'backup');
			await driverEvent(backup, 'backup');
			await untilFlocks(c, {live: [primary.pid], backup: [backup.pid]});
			assert.equal(stateByte(c.lockFile), 'L', `${version.product} writes L ${version.product === 'HornetQ' ? 'right after taking the lock' : 'in activationComplete'}`);
			await holdsFor(1000, () => {
				assert.deepEqual(locksOnServerLock(c), [], 'server.lock is never locked in the flock layout');
				assert.equal(backup.hasEvent('live'), false);
			});
			assert.equal(fs.existsSync(path.join(c.dir, 'serverlock.1')), false, 'no files-layout files');

			const from = backup.lines.length;
			primary.kill('SIGKILL');
			await driverEvent(backup, 'live', 10_000, from);
			await untilFlocks(c, {live: [backup.pid], backup: []});
			assert.equal(stateByte(c.lockFile), 'L');
		}));

		test('P respected: a paused JVM live is not taken over by the JVM backup; a restarted live is served', async t => run(t, async c => {
			const primary = jvm(c, 'primary', 'jvm-primary-1');
			await driverEvent(primary, 'live');
			const backup = jvm(c, 'backup');
			await driverEvent(backup, 'backup');
			const from = backup.lines.length;
			driverCommand(primary, 'pause');
			await driverEvent(primary, 'paused');
			assert.equal((await primary.exited).code, 0);
			assert.equal(stateByte(c.lockFile), 'P');
			// The backup takes server.1.lock, reads P, lets go and sleeps 2 s: one whole round.
			await holdsFor(3000, () => {
				assert.equal(backup.hasEvent('live', from), false, 'the JVM backup became live after a clean stop (P)');
			});
			assert.equal(stateByte(c.lockFile), 'P');

			const second = jvm(c, 'primary', 'jvm-primary-2');
			await driverEvent(second, 'live', 20_000);
			await untilFlocks(c, {live: [second.pid], backup: [backup.pid]});
			assert.equal(backup.hasEvent('live', from), false);
		}));

		test('failback: a restarted JVM live (F) makes the activated JVM backup step down and queue again', async t => run(t, async c => {
			const first = jvm(c, 'primary', 'jvm-primary-1');
			await driverEvent(first, 'live');
			const backup = jvm(c, 'backup');
			await driverEvent(backup, 'backup');
			first.kill('SIGKILL');
			const activated = await driverEvent(backup, 'live', 10_000);
			const second = jvm(c, 'primary', 'jvm-primary-2');
			const steppedDown = await driverEvent(backup, 'stepping-down', 20_000, activated.index);
			await driverEvent(second, 'live', 10_000);
			await driverEvent(backup, 'backup', 20_000, steppedDown.index);
			await untilFlocks(c, {live: [second.pid], backup: [backup.pid]});
			assert.equal(stateByte(c.lockFile), 'L');
		}));
	});
}
