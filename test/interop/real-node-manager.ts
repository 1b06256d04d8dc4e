// Shared by real-ranges.test.ts (artemis-server 2.9.0), real-files.test.ts (2.40.0) and
// real-matrix.test.ts (HornetQ 2.2.14 … Artemis 2.56.0, test/interop/versions.ts): ha-tui nodes
// against the REAL FileLockNodeManager of that version (Artemis' or HornetQ's), driven by
// RealNodeManagerDriver.java, on one directory. Both failover directions, P respected both ways,
// failback both ways, `status --json` naming the JVM pid with the right verdict, and an ha-tui
// backup joining a healthy pair of JVMs without disturbing it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {describe, test, type TestContext} from 'node:test';
import {driverCommand, driverEvent, inodeOf, kernelLocksOn, realArtemis, startDriver, type DriverRole, type RealArtemis, type ServerVersion} from '../helpers/artemis.js';
import {ProcessGroup, statusJson, type Spawned, type StatusReport} from '../helpers/spawned.js';
import {label as versionLabel, type RealVersion} from './versions.js';

export type Layout = 'files' | 'ranges' | 'flock';
/** A version with its own full classpath (2.9.0, 2.40.0) or one of the matrix. */
export type Target = ServerVersion | RealVersion;
const targetName = (target: Target) => typeof target === 'string' ? `Artemis ${target}` : versionLabel(target);
const targetKey = (target: Target) => typeof target === 'string' ? target : target.key;

/** status --json with the fields of the two-layout contract (docs: CONTRACT.md). */
export type Report = StatusReport & {
	layout?: string;
	directory?: string;
	files?: Array<{name: string; path: string; exists: boolean; inode: number | null}>;
	locks: Record<'state' | 'live' | 'backup', {file?: string}>;
};

export type Case = {
	artemis: RealArtemis;
	dir: string;
	lockFile: string;
	group: ProcessGroup;
	/** A RealNodeManagerDriver on this case's directory. */
	jvm(role: DriverRole, name?: string, extra?: readonly string[]): Spawned;
	/** `ha-tui node <dir> --role live|backup [--layout …]` (layout undefined: ha-tui's default, auto). */
	haTui(role: 'live' | 'backup', name?: string, extra?: readonly string[]): Spawned;
};

export async function withCase(t: TestContext, version: Target, layout: Layout | undefined, body: (c: Case) => Promise<void>): Promise<void> {
	const artemis = await realArtemis();
	if ('skip' in artemis) {
		t.skip(artemis.skip);
		return;
	}

	// The AIO node managers need libaio; .ci/run installs it, so under CI its absence fails.
	if (typeof version !== 'string' && version.aio && !artemis.libaio) {
		const reason = `libaio.so.1 not found (Debian: apt-get install libaio1): ${versionLabel(version)} cannot load its native layer`;
		if (process.env.CI) assert.fail(`${reason}; .ci/run installs it`);
		t.skip(reason);
		return;
	}

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ha-tui-real-${targetKey(version)}-`));
	const group = new ProcessGroup();
	const c: Case = {
		artemis,
		dir,
		lockFile: path.join(dir, 'server.lock'),
		group,
		jvm: (role, name, extra) => startDriver(group, artemis, version, role, dir, name, extra),
		haTui: (role, name = `ha-tui-${role}`, extra = []) => group.cli(name, ['node', dir, '--role', role, ...(layout ? ['--layout', layout] : []), ...extra]),
	};
	try {
		await body(c);
	} catch (error) {
		// Every process's output makes a failure diagnosable from the test log alone.
		if (error instanceof Error) error.message += `\n${group.describe()}`;
		throw error;
	} finally {
		await group.killAll();
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

export const pids = (report: Report, segment: 'live' | 'backup') => report.locks[segment].holders.map(holder => holder.pid);
export const stateByte = (file: string) => String.fromCharCode(fs.readFileSync(file)[0]);
/** A node id as 32 lowercase hex digits, whatever the separators. */
export const hexId = (id: unknown) => String(id).replaceAll('-', '').toLowerCase();

/** status --json once it shows what we expect (a lock appears a moment after an event line). */
export async function statusWhen(target: string, what: string, ok: (report: Report, code: number | null) => boolean, timeoutMs = 5000): Promise<{code: number | null; report: Report; raw: {stdout: string}}> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const last = await statusJson(target);
		const report = last.report as Report;
		if (ok(report, last.code)) return {code: last.code, report, raw: last.raw};
		if (Date.now() > deadline) throw new Error(`status never showed ${what}; last (exit ${last.code}): ${last.raw.stdout}${last.raw.stderr}`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

/** A negative observation: `check` (which throws on a violation) holds for the whole window. */
export async function holdsFor(windowMs: number, check: () => void | Promise<void>, everyMs = 25): Promise<number> {
	const end = Date.now() + windowMs;
	let checks = 0;
	while (Date.now() < end) {
		await check();
		checks++;
		await new Promise(resolve => setTimeout(resolve, everyMs));
	}

	return checks;
}

/** The node id a driver printed in its "started" event. */
export function driverNodeId(driver: Spawned): string {
	const started = driver.events().find(event => event.event === 'started');
	const match = /node id ([\da-f-]{36})/.exec(String(started?.detail));
	assert.ok(match, `no node id in ${JSON.stringify(started)}`);
	return hexId(match[1]);
}

function assertLayoutFields(report: Report, layout: Layout): void {
	assert.equal(report.layout, layout, `status --json layout (${JSON.stringify(report.layout)})`);
	if (layout === 'files') {
		assert.match(report.locks.live.file ?? '', /serverlock\.1$/, 'live lock file');
		assert.match(report.locks.backup.file ?? '', /serverlock\.2$/, 'backup lock file');
	} else if (layout === 'flock') {
		assert.match(report.locks.live.file ?? '', /server\.1\.lock$/, 'live lock file');
		assert.match(report.locks.backup.file ?? '', /server\.2\.lock$/, 'backup lock file');
	}
}

/**
 * How /proc/locks and status name each side's locks: in ranges and files, Java's FileChannel locks
 * are POSIX (with the JVM's pid) and ha-tui's OFD, and the kernel makes them conflict; in the flock
 * layout both sides take flock(2) locks (the JVM's through its JNI layer).
 */
const lockKinds = (layout: Layout) => layout === 'flock' ? {jvm: 'FLOCK', haTui: 'FLOCK'} : {jvm: 'POSIX', haTui: 'OFD'};

/** The tests every layout shares (AIO versions: beside real-aio.ts' JVM-only ones). */
export function nodeManagerInterop(version: Target, layout: Layout): void {
	const label = `real ${typeof version !== 'string' && version.aio ? 'AIOFileLockNodeManager' : 'FileLockNodeManager'} of ${targetName(version)} (${layout} layout)`;
	const run = (t: TestContext, body: (c: Case) => Promise<void>) => withCase(t, version, layout, body);
	const kinds = lockKinds(layout);

	describe(`${label} ↔ ha-tui node --layout ${layout}`, () => {
		test('status on a healthy pair of two JVMs: exit 0, naming both pids', async t => run(t, async c => {
			const primary = c.jvm('primary');
			await driverEvent(primary, 'live');
			const backup = c.jvm('backup');
			await driverEvent(backup, 'backup');
			const healthy = await statusWhen(c.dir, 'both JVMs as holders', r => pids(r, 'live').includes(primary.pid) && pids(r, 'backup').includes(backup.pid));
			assert.equal(healthy.code, 0, healthy.raw.stdout);
			assert.equal(healthy.report.verdict, 'healthy');
			assertLayoutFields(healthy.report, layout);
			assert.deepEqual(pids(healthy.report, 'live'), [primary.pid]);
			assert.deepEqual(pids(healthy.report, 'backup'), [backup.pid]);
			assert.equal(healthy.report.state, 'L');
			assert.equal(hexId(healthy.report.nodeId), driverNodeId(primary));
			if (layout === 'files') {
				const names = (healthy.report.files ?? []).filter(file => file.exists).map(file => file.name).sort();
				// 2.10.x alone also has serverlock.0, its state lock (2.11 moved that onto server.lock).
				const stateLockFile = typeof version !== 'string' && version.version.startsWith('2.10.') ? ['serverlock.0'] : [];
				assert.deepEqual(names, ['server.lock', ...stateLockFile, 'serverlock.1', 'serverlock.2'], 'the files this Artemis creates');
			} else if (layout === 'flock') {
				assert.ok(fs.existsSync(path.join(c.dir, 'server.1.lock')) && fs.existsSync(path.join(c.dir, 'server.2.lock')), 'the AIO node manager\'s flock files');
				assert.equal(fs.existsSync(path.join(c.dir, 'serverlock.1')), false, 'no files-layout files');
			} else {
				assert.equal(fs.existsSync(path.join(c.dir, 'serverlock.1')), false, 'Artemis 2.9 creates no serverlock files');
			}
		}));

		test('JVM primary killed (SIGKILL) → queued ha-tui backup becomes live; status names the JVM pid, verdicts right', async t => run(t, async c => {
			const jvm = c.jvm('primary');
			await driverEvent(jvm, 'live');
			const backup = c.haTui('backup');
			await backup.waitEvent('waiting-live-lock', 15_000);

			const healthy = await statusWhen(c.dir, 'JVM primary + ha-tui backup', r => pids(r, 'live').includes(jvm.pid) && pids(r, 'backup').includes(backup.pid));
			assert.equal(healthy.code, 0, healthy.raw.stdout);
			assert.equal(healthy.report.verdict, 'healthy');
			assertLayoutFields(healthy.report, layout);
			assert.deepEqual(pids(healthy.report, 'live'), [jvm.pid]);
			const [holder] = healthy.report.locks.live.holders;
			assert.equal(holder.kind, kinds.jvm, 'Java FileChannel locks are POSIX fcntl locks; AIO ones flock');
			assert.match(holder.command ?? '', /RealNodeManagerDriver primary/);
			assert.equal(healthy.report.locks.backup.holders[0].kind, kinds.haTui);
			assert.equal(hexId(healthy.report.nodeId), driverNodeId(jvm), 'status shows the node id Artemis created');
			assert.equal(hexId(backup.events().find(event => event.event === 'backup')?.nodeId), driverNodeId(jvm), 'the ha-tui backup joined the JVM\'s group');
			const mtimeBefore = fs.statSync(c.lockFile).mtimeMs;

			const from = backup.lines.length;
			const killedAt = performance.now();
			jvm.kill('SIGKILL');
			await backup.waitEvent('live', 10_000, from);
			t.diagnostic(`ha-tui backup live ${(performance.now() - killedAt).toFixed(1)} ms after SIGKILL of the JVM primary`);

			const after = await statusWhen(c.dir, 'ha-tui holding the live lock alone', r => pids(r, 'live').length === 1 && pids(r, 'live')[0] === backup.pid);
			assert.equal(after.report.state, 'L');
			assert.equal(after.report.locks.backup.locked, false, 'the activated backup released the backup lock');
			assert.equal(after.code, 1, 'live up, no backup: WARNING');
			assert.equal(after.report.verdict, 'no-backup');
			if (layout === 'files') assert.ok(fs.statSync(c.lockFile).mtimeMs > mtimeBefore, 'taking over touched server.lock\'s mtime, as Artemis 2.29+ does');
		}));

		test('ha-tui live killed (SIGKILL) → queued JVM backup becomes live', async t => run(t, async c => {
			const live = c.haTui('live');
			await live.waitEvent('live', 15_000);
			const jvm = c.jvm('backup');
			await driverEvent(jvm, 'backup');
			const queued = await statusWhen(c.dir, 'ha-tui live + JVM backup', r => pids(r, 'live').includes(live.pid) && pids(r, 'backup').includes(jvm.pid));
			assert.equal(queued.code, 0, queued.raw.stdout);
			assert.equal(queued.report.verdict, 'healthy');
			assertLayoutFields(queued.report, layout);
			assert.equal(queued.report.locks.backup.holders[0].kind, kinds.jvm);
			assert.match(queued.report.locks.backup.holders[0].command ?? '', /RealNodeManagerDriver backup/);
			// Artemis reads bytes 3..18 as a time-based UUID and forces its version nibble to 1: an id
			// ha-tui writes must already be one, or the broker's node id differs from the one status shows.
			assert.equal(hexId(jvm.events().find(event => event.event === 'backup')?.detail), hexId(queued.report.nodeId), 'the node id Artemis uses is the one ha-tui created and status shows');

			const from = jvm.lines.length;
			const killedAt = performance.now();
			live.kill('SIGKILL');
			await driverEvent(jvm, 'live', 10_000, from);
			t.diagnostic(`JVM backup live ${(performance.now() - killedAt).toFixed(1)} ms after SIGKILL of ha-tui (Artemis polls every 500 ms)`);

			const after = await statusWhen(c.dir, 'the JVM holding the live lock alone', r => pids(r, 'live').length === 1 && pids(r, 'live')[0] === jvm.pid);
			assert.equal(after.report.state, 'L');
			assert.equal(after.report.locks.live.holders[0].kind, kinds.jvm);
			assert.equal(after.report.locks.backup.locked, false);
			assert.equal(after.code, 1);
			assert.equal(after.report.verdict, 'no-backup');
		}));

		test('P respected: a JVM primary paused (pausePrimaryServer) is not taken over by the ha-tui backup; a restarted JVM primary is', async t => run(t, async c => {
			const jvm = c.jvm('primary', 'jvm-primary-1');
			await driverEvent(jvm, 'live');
			const backup = c.haTui('backup');
			await backup.waitEvent('waiting-live-lock', 15_000);
			const from = backup.lines.length;
			driverCommand(jvm, 'pause');
			await driverEvent(jvm, 'paused');
			assert.equal((await jvm.exited).code, 0);
			assert.equal(stateByte(c.lockFile), 'P');

			// A negative: the backup must stay put. A fair window: ha-tui looks every 50 ms on P.
			await holdsFor(1500, () => {
				assert.equal(backup.hasEvent('live', from), false, 'ha-tui backup became live after a clean stop (P)');
				assert.equal(backup.exit, undefined, 'ha-tui backup still running');
			});
			assert.equal(stateByte(c.lockFile), 'P', 'nobody rewrote P');
			// The backup's own look at the state holds the live lock for a moment: wait out only that race.
			const stopped = await statusWhen(c.dir, 'no-live', (r, code) => code === 2 || r.verdict !== 'transition');
			assert.equal(stopped.code, 2, stopped.raw.stdout);
			assert.equal(stopped.report.verdict, 'no-live');
			assert.equal(stopped.report.state, 'P');
			assert.deepEqual(pids(stopped.report, 'backup'), [backup.pid]);

			const second = c.jvm('primary', 'jvm-primary-2');
			await driverEvent(second, 'live');
			const healthy = await statusWhen(c.dir, 'the restarted JVM primary + ha-tui backup', r => pids(r, 'live').includes(second.pid) && pids(r, 'backup').includes(backup.pid));
			assert.equal(healthy.code, 0, healthy.raw.stdout);
			assert.equal(backup.hasEvent('live', from), false, 'the backup never took the role');
		}));

		test('P respected: an ha-tui live stopped cleanly (SIGTERM → P) is not taken over by the JVM backup; a restarted ha-tui live is', async t => run(t, async c => {
			const live = c.haTui('live', 'ha-tui-live-1');
			await live.waitEvent('live', 15_000);
			const jvm = c.jvm('backup');
			await driverEvent(jvm, 'backup');
			const from = jvm.lines.length;
			live.kill('SIGTERM');
			assert.equal((await live.exited).code, 0);
			assert.ok(live.hasEvent('paused'));
			assert.equal(stateByte(c.lockFile), 'P');

			// Artemis' backup takes the live lock (500 ms polls), reads P, lets go and sleeps 2 s:
			// watch one whole round of that.
			await holdsFor(3000, () => {
				assert.equal(jvm.hasEvent('live', from), false, 'the JVM backup became live after a clean stop (P)');
				assert.equal(jvm.exit, undefined, 'JVM backup still running');
			});
			assert.equal(stateByte(c.lockFile), 'P');
			const stopped = await statusWhen(c.dir, 'no-live', (r, code) => code === 2 || r.verdict !== 'transition');
			assert.equal(stopped.code, 2, stopped.raw.stdout);
			assert.equal(stopped.report.verdict, 'no-live');

			const second = c.haTui('live', 'ha-tui-live-2');
			await second.waitEvent('live', 15_000);
			const healthy = await statusWhen(c.dir, 'the restarted ha-tui live + JVM backup', r => pids(r, 'live').includes(second.pid) && pids(r, 'backup').includes(jvm.pid));
			assert.equal(healthy.code, 0, healthy.raw.stdout);
			assert.equal(jvm.hasEvent('live', from), false);
		}));

		test('failback: a restarted JVM primary (F) makes the activated ha-tui backup step down and queue again', async t => run(t, async c => {
			const first = c.jvm('primary', 'jvm-primary-1');
			await driverEvent(first, 'live');
			const backup = c.haTui('backup');
			await backup.waitEvent('waiting-live-lock', 15_000);
			first.kill('SIGKILL');
			const activated = await backup.waitEvent('live', 10_000);

			const second = c.jvm('primary', 'jvm-primary-2');
			const steppedDown = await backup.waitEvent('stepping-down', 20_000, activated);
			await driverEvent(second, 'live');
			await backup.waitEvent('waiting-live-lock', 10_000, steppedDown);
			const back = await statusWhen(c.dir, 'JVM primary + ha-tui backup again', r => pids(r, 'live').includes(second.pid) && pids(r, 'backup').includes(backup.pid));
			assert.equal(back.code, 0, back.raw.stdout);
			assert.equal(back.report.verdict, 'healthy');
			assert.equal(back.report.state, 'L');
		}));

		test('failback: a restarted ha-tui live (F) makes the activated JVM backup step down (crashPrimaryServer) and queue again', async t => run(t, async c => {
			const first = c.haTui('live', 'ha-tui-live-1');
			await first.waitEvent('live', 15_000);
			const jvm = c.jvm('backup');
			await driverEvent(jvm, 'backup');
			first.kill('SIGKILL');
			const activated = await driverEvent(jvm, 'live', 10_000);

			const second = c.haTui('live', 'ha-tui-live-2');
			const steppedDown = await driverEvent(jvm, 'stepping-down', 20_000, activated.index);
			await second.waitEvent('live', 10_000);
			// Artemis' backup waits for L (awaitActiveStatus, 2 s sleeps) before it queues again.
			await driverEvent(jvm, 'backup', 20_000, steppedDown.index);
			const back = await statusWhen(c.dir, 'ha-tui live + JVM backup again', r => pids(r, 'live').includes(second.pid) && pids(r, 'backup').includes(jvm.pid));
			assert.equal(back.code, 0, back.raw.stdout);
			assert.equal(back.report.verdict, 'healthy');
			assert.equal(back.report.state, 'L');
		}));
	});

	describe(`${label}: an ha-tui backup (layout auto) joining a healthy pair of JVMs`, () => {
		test('holds no lock while the JVMs hold theirs, never touches server.lock, queues behind the JVM backup, takes over when both JVMs die in order', async t => withCase(t, version, undefined, async c => joinHealthyPair(t, c, layout)));
	});
}

/** The files each layout locks, in which the only held locks must be the JVMs' (POSIX) ones. */
function lockedFiles(c: Case, layout: Layout): string[] {
	if (layout === 'files') return [path.join(c.dir, 'serverlock.1'), path.join(c.dir, 'serverlock.2'), c.lockFile];
	if (layout === 'flock') return [path.join(c.dir, 'server.1.lock'), path.join(c.dir, 'server.2.lock'), c.lockFile];
	return [c.lockFile];
}

async function joinHealthyPair(t: TestContext, c: Case, layout: Layout): Promise<void> {
	const primary = c.jvm('primary');
	await driverEvent(primary, 'live');
	const jvmBackup = c.jvm('backup');
	await driverEvent(jvmBackup, 'backup');
	const inodes = lockedFiles(c, layout).map(file => {
		const inode = inodeOf(file);
		assert.ok(inode, `${path.basename(file)} exists`);
		return {name: path.basename(file), inode};
	});
	const bytesBefore = fs.readFileSync(c.lockFile);
	const statBefore = fs.statSync(c.lockFile);

	const backup = c.haTui('backup'); // no --layout: ha-tui must see the layout itself
	await backup.waitEvent('waiting-backup-lock', 15_000);

	// Longer than one run of a 2.11+ primary's lock monitor (every 2 s), which would stop it on a
	// touched server.lock. Held locks only: a blocked waiter ("->" in /proc/locks) holds nothing.
	// A JVM's momentary state lock (byte 0 / server.lock) is one of theirs too.
	let statusRuns = 0;
	const checks = await holdsFor(2500, async () => {
		for (const {name, inode} of inodes) {
			for (const lock of kernelLocksOn(inode)) {
				assert.equal(lock.kind, lockKinds(layout).jvm, `${name}: a lock that is not a JVM's: ${JSON.stringify(lock)}`);
				assert.ok(lock.pid === primary.pid || lock.pid === jvmBackup.pid, `${name} held by someone other than the JVMs: ${JSON.stringify(lock)}`);
			}
		}

		assert.equal(backup.hasEvent('backup'), false, 'ha-tui got the backup lock the JVM backup holds');
		assert.equal(backup.hasEvent('live'), false, 'ha-tui went live beside a live primary: split brain');
		assert.equal(primary.hasEvent('lost-lock'), false, 'the JVM primary lost its lock');
		if (statusRuns++ % 10 === 0) {
			// status is read-only too: it runs in the window.
			const {code, report} = await statusWhen(c.dir, 'the pair', () => true);
			assert.equal(code, 0, JSON.stringify(report));
			assert.deepEqual(pids(report, 'live'), [primary.pid]);
			assert.equal(report.layout, layout);
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
	assert.equal(hexId(queued.report.nodeId), bytesBefore.subarray(3, 19).toString('hex'), 'one group: the node id never changed');

	// Then the activated JVM backup dies: ha-tui takes over.
	jvmBackup.kill('SIGKILL');
	await backup.waitEvent('live', 10_000);
	const last = await statusWhen(c.dir, 'ha-tui live', r => pids(r, 'live').length === 1 && pids(r, 'live')[0] === backup.pid);
	assert.equal(last.report.state, 'L');
	assert.equal(last.report.layout, layout);
	assert.equal(last.code, 1);
}
