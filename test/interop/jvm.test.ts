// Interop with a hand-written ranges-layout Java peer (test/interop/RangesLayoutPeer.java, not
// Artemis code): 1-byte POSIX locks at bytes 1/2 of server.lock through FileChannel.tryLock(pos, 1,
// false), as HornetQ and Artemis <= 2.9 lock. ha-tui takes OFD locks; the kernel makes the two kinds
// conflict, and these tests check that failover works in both directions and that `status` names
// the JVM as a lock holder. The real Artemis code is tested in real-ranges/real-files/real-broker.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test, type TestContext} from 'node:test';
import {nodeIdToUuid} from '../../source/lock-file/format.js';
import {ProcessGroup, repoRoot, run, statusJson, which, type Spawned, type StatusReport} from '../helpers/spawned.js';

const javaSource = path.join(repoRoot(), 'test', 'interop', 'RangesLayoutPeer.java');
const javac = which('javac');
const java = which('java');
let classDir: string | undefined;
let skipReason: string | undefined;

type Case = {dir: string; file: string; group: ProcessGroup};

async function withCase(t: TestContext, body: (c: Case) => Promise<void>): Promise<void> {
	if (skipReason) {
		t.skip(skipReason);
		return;
	}

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-jvm-'));
	const c: Case = {dir, file: path.join(dir, 'server.lock'), group: new ProcessGroup()};
	try {
		await body(c);
	} catch (error) {
		// The captured output of every process makes a failure diagnosable from the log alone.
		if (error instanceof Error) error.message += `\n${c.group.describe()}`;
		throw error;
	} finally {
		await c.group.killAll();
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

function startJvm(c: Case, role: 'live' | 'backup', name = `jvm-${role}`): Spawned {
	// Fast JVM start: no JIT tiers beyond C1, a small serial heap.
	return c.group.spawn(name, java!, ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx64m', '-cp', classDir!, 'RangesLayoutPeer', role, c.file]);
}

function startHaTui(c: Case, role: 'live' | 'backup', name = `ha-tui-${role}`, extra: string[] = []): Spawned {
	// The peer speaks the ranges layout only; a new directory would get the files layout.
	return c.group.cli(name, ['node', c.file, '--role', role, '--layout', 'ranges', ...extra]);
}

const holderPids = (report: StatusReport, segment: 'live' | 'backup') => report.locks[segment].holders.map(holder => holder.pid);
const stateByte = (file: string) => String.fromCharCode(fs.readFileSync(file)[0]);
const nodeIdBytes = (file: string) => fs.readFileSync(file).subarray(3, 19).toString('hex');

/** status --json once the kernel shows what we expect (a lock appears a moment after a line is printed). */
async function statusWhen(file: string, what: string, ok: (report: StatusReport, code: number | null) => boolean, timeoutMs = 3000) {
	let last: Awaited<ReturnType<typeof statusJson>> | undefined;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		last = await statusJson(file);
		if (ok(last.report, last.code)) return last;
		if (Date.now() > deadline) throw new Error(`status never showed ${what}; last (exit ${last.code}): ${last.raw.stdout}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

describe('a hand-written ranges-layout Java peer (POSIX byte-range locks, not Artemis code)', () => {
	before(async () => {
		if (process.platform !== 'linux') {
			skipReason = `OFD/POSIX interop is a Linux test (platform ${process.platform})`;
			return;
		}

		if (!javac || !java) {
			skipReason = `javac not found: install a JDK (javac and java on PATH) to run the JVM interop tests${java ? '' : ' (java missing too)'}`;
			return;
		}

		classDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-javac-'));
		const compiled = await run(javac, ['-d', classDir, javaSource], {timeoutMs: 120_000});
		if (compiled.code !== 0) throw new Error(`javac failed (exit ${compiled.code}):\n${compiled.stdout}\n${compiled.stderr}`);
	});

	after(() => {
		if (classDir) fs.rmSync(classDir, {recursive: true, force: true});
	});

	test('(a) JVM live crashes (SIGKILL) → queued ha-tui backup becomes live', async t => withCase(t, async c => {
		const jvm = startJvm(c, 'live');
		await jvm.waitLine('LIVE', line => line === `LIVE ${jvm.pid}`, 15_000);
		const backup = startHaTui(c, 'backup');
		await backup.waitEvent('waiting-live-lock');
		// Healthy pair: the JVM holds live (POSIX, its pid), ha-tui holds backup (OFD, its pid).
		const healthy = await statusWhen(c.file, 'JVM live + ha-tui backup', r => holderPids(r, 'live').includes(jvm.pid) && holderPids(r, 'backup').includes(backup.pid));
		assert.equal(healthy.code, 0, healthy.raw.stdout);
		assert.equal(healthy.report.verdict, 'healthy');
		assert.equal(healthy.report.locks.backup.holders[0].kind, 'OFD');
		assert.equal(backup.events().find(event => event.event === 'backup')?.nodeId, healthy.report.nodeId, 'ha-tui reads the node id the JVM created');

		const from = backup.lines.length;
		const killedAt = performance.now();
		jvm.kill('SIGKILL');
		await backup.waitEvent('live', 5000, from);
		t.diagnostic(`ha-tui backup live ${(performance.now() - killedAt).toFixed(1)} ms after SIGKILL of the JVM`);

		const after = await statusWhen(c.file, 'ha-tui pid holding live', r => holderPids(r, 'live').includes(backup.pid));
		assert.equal(after.report.state, 'L');
		assert.deepEqual(holderPids(after.report, 'live'), [backup.pid]);
		assert.equal(after.report.locks.backup.locked, false, 'the activated backup released the backup lock');
		assert.equal(after.code, 1, 'live up, no backup queued: WARNING');
		assert.equal(after.report.verdict, 'no-backup');
	}));

	test('(b) ha-tui live crashes (SIGKILL) → queued JVM backup becomes live', async t => withCase(t, async c => {
		const live = c.group.cli('ha-tui-live', ['node', c.file, '--role', 'live', '--layout', 'ranges', '--create-dir']);
		await live.waitEvent('live');
		const idBefore = nodeIdBytes(c.file);
		const jvm = startJvm(c, 'backup');
		await jvm.waitLine('BACKUP', line => line === `BACKUP ${jvm.pid}`, 15_000);
		const queued = await statusWhen(c.file, 'JVM holding backup', r => holderPids(r, 'backup').includes(jvm.pid));
		assert.equal(queued.report.locks.backup.holders[0].kind, 'POSIX');
		assert.deepEqual(holderPids(queued.report, 'live'), [live.pid]);
		assert.equal(queued.code, 0);

		const from = jvm.lines.length;
		const killedAt = performance.now();
		live.kill('SIGKILL');
		await jvm.waitLine('LIVE', line => line === `LIVE ${jvm.pid}`, 5000, from);
		t.diagnostic(`JVM backup live ${(performance.now() - killedAt).toFixed(1)} ms after SIGKILL of ha-tui (JVM polls every 50 ms)`);

		const after = await statusWhen(c.file, 'JVM pid holding live', r => holderPids(r, 'live').includes(jvm.pid));
		assert.equal(after.report.state, 'L');
		assert.equal(after.report.locks.live.holders[0].kind, 'POSIX');
		assert.equal(after.report.locks.backup.locked, false);
		assert.equal(nodeIdBytes(c.file), idBefore, 'the JVM kept the node id ha-tui created');
	}));

	test('(c) status --json names the JVM pid as the POSIX holder of the live lock', async t => withCase(t, async c => {
		const jvm = startJvm(c, 'live');
		await jvm.waitLine('LIVE', line => line === `LIVE ${jvm.pid}`, 15_000);
		const {code, report} = await statusWhen(c.file, 'JVM holding live', r => r.locks.live.locked);
		assert.equal(report.locks.live.holders.length, 1, JSON.stringify(report.locks.live));
		const [holder] = report.locks.live.holders;
		assert.equal(holder.pid, jvm.pid);
		assert.equal(holder.kind, 'POSIX');
		assert.match(holder.command ?? '', /RangesLayoutPeer live/);
		assert.equal(report.state, 'L');
		assert.equal(report.locks.backup.locked, false);
		assert.equal(report.locks.state.locked, false);
		assert.equal(code, 1, 'no backup: WARNING');
		// This peer writes a random (v4) id; it is shown as Artemis would read it (version 1 forced).
		assert.equal(report.nodeId, nodeIdToUuid(fs.readFileSync(c.file).subarray(3, 19)), 'node id shown as Artemis reads bytes 3..18');
		assert.equal(stateByte(c.file), 'L');
	}));

	test('(d) JVM live stopped cleanly (SIGTERM → P): ha-tui backup does not take over, status exits 2', async t => withCase(t, async c => {
		const jvm = startJvm(c, 'live');
		await jvm.waitLine('LIVE', line => line === `LIVE ${jvm.pid}`, 15_000);
		const backup = startHaTui(c, 'backup', 'ha-tui-backup', ['--trace']);
		await backup.waitEvent('waiting-live-lock');
		const from = backup.lines.length;
		jvm.kill('SIGTERM');
		const exit = await jvm.exited;
		assert.ok(jvm.lines.includes(`PAUSED ${jvm.pid}`), 'the shutdown hook ran');
		assert.equal(exit.code, 143, `JVM exit ${JSON.stringify(exit)}`);
		assert.equal(stateByte(c.file), 'P');

		// A negative: the backup must stay put. What must come first: it got the free live lock,
		// read P and let go, twice (after the stop and after its back-off): its `look` lines.
		await backup.waitLine('the ha-tui backup to look at P twice and decide to wait', () => backup.events().slice(from).filter(event => event.event === 'look' && event.state === 'P').length >= 2, 5000);
		assert.equal(backup.hasEvent('live', from), false, 'ha-tui backup became live after a clean stop (P)');
		assert.equal(backup.exit, undefined, 'ha-tui backup still running');
		assert.equal(stateByte(c.file), 'P', 'nobody rewrote P');
		// The backup's probe holds the live lock for microseconds every 250 ms: retry only that race.
		const stopped = await statusWhen(c.file, 'no-live', (r, code) => code === 2 || r.verdict !== 'transition', 2000);
		assert.equal(stopped.code, 2, stopped.raw.stdout);
		assert.equal(stopped.report.verdict, 'no-live');
		assert.equal(stopped.report.state, 'P');
		assert.deepEqual(holderPids(stopped.report, 'backup'), [backup.pid]);
	}));

	test('(e) ha-tui live stopped cleanly (SIGTERM → P): JVM backup does not take over', async t => withCase(t, async c => {
		const live = c.group.cli('ha-tui-live', ['node', c.file, '--role', 'live', '--layout', 'ranges', '--create-dir']);
		await live.waitEvent('live');
		const jvm = startJvm(c, 'backup');
		await jvm.waitLine('BACKUP', line => line === `BACKUP ${jvm.pid}`, 15_000);
		live.kill('SIGTERM');
		const exit = await live.exited;
		assert.equal(exit.code, 0, `ha-tui live exit ${JSON.stringify(exit)}`);
		assert.ok(live.hasEvent('paused'));
		assert.equal(stateByte(c.file), 'P');
		// What must come first: the JVM backup took the free live lock, read P and let go, twice
		// (its own BACKING-OFF lines), instead of a fixed window of time.
		await jvm.waitLine('the JVM backup backing off on P twice', () => jvm.lines.filter(line => line === `BACKING-OFF P ${jvm.pid}`).length >= 2, 5000);
		assert.ok(!jvm.lines.some(line => line.startsWith('LIVE')), 'JVM backup became live after a clean stop (P)');
		const stopped = await statusWhen(c.file, 'no-live', (r, code) => code === 2 || r.verdict !== 'transition', 2000);
		assert.equal(stopped.code, 2, stopped.raw.stdout);
	}));

	test('(f) failback: a restarted JVM live (F) makes the activated ha-tui backup step down and re-queue', async t => withCase(t, async c => {
		const first = startJvm(c, 'live', 'jvm-live-1');
		await first.waitLine('LIVE', line => line === `LIVE ${first.pid}`, 15_000);
		const backup = startHaTui(c, 'backup');
		await backup.waitEvent('waiting-live-lock');
		first.kill('SIGKILL');
		const activated = await backup.waitEvent('live', 5000);

		const second = startJvm(c, 'live', 'jvm-live-2');
		await second.waitLine('LIVE', line => line === `LIVE ${second.pid}`, 15_000);
		const steppedDown = await backup.waitEvent('stepping-down', 5000, activated);
		await backup.waitEvent('waiting-live-lock', 5000, steppedDown);
		const back = await statusWhen(c.file, 'JVM live + ha-tui backup again', r => holderPids(r, 'live').includes(second.pid) && holderPids(r, 'backup').includes(backup.pid));
		assert.equal(back.code, 0);
		assert.equal(back.report.state, 'L');
	}));
});
