// `doctor` on real processes and files: python processes that look like Artemis brokers in
// /proc (argv, fixture instances) and hold POSIX whole-file locks as a 2.11+ JVM does.
import assert from 'node:assert/strict';
import {spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {fileURLToPath} from 'node:url';
import {clearBrokerCache} from '../../source/broker/index.js';
import {doctor, type DoctorJson} from '../../source/commands/doctor.js';
import {DoctorObserver, gatherContext, parseMountinfo, runDoctor} from '../../source/doctor/index.js';
import {probeLockFile} from '../../source/lock-file/index.js';
import {copyInstance, fakeBroker, fixture, hasPython, hasSetpriv, isRoot, makeGroup, stop, writeState} from '../broker/fake-broker.js';
import {tempDir} from '../helpers/temp.js';

const skip = process.platform !== 'linux' ? 'needs /proc (Linux)' : !hasPython ? 'python3 not found' : false;

type Run = {code: number; json: DoctorJson; stderr: string[]};

/** The processes a test's doctor looks through for brokers: its own world's, not other test files' fake brokers running beside it. */
type Processes = () => Iterable<number>;

async function runDoctorJson(target: string, processes: Processes, options: {failbackWatchMs?: number} = {}): Promise<Run> {
	const out: string[] = [];
	const stderr: string[] = [];
	clearBrokerCache();
	const code = await doctor(target, {json: true, failbackWatchMs: options.failbackWatchMs ?? 0, processes}, {out: line => out.push(line), err: line => stderr.push(line)});
	assert.equal(out.length, 1, out.join('\n'));
	return {code, json: JSON.parse(out[0]) as DoctorJson, stderr};
}

async function runDoctorText(target: string, processes: Processes): Promise<{code: number; lines: string[]}> {
	const lines: string[] = [];
	clearBrokerCache();
	const code = await doctor(target, {json: false, failbackWatchMs: 0, processes}, {out: line => lines.push(line), err: line => lines.push(line)});
	return {code, lines};
}

const ids = (run: Run) => run.json.findings.map(finding => finding.id);
const finding = (run: Run, id: string) => run.json.findings.find(item => item.id === id);

/** A temp world: DATA/journal is the group's directory; instances are copies of the fixtures. */
function world() {
	const temp = tempDir('ha-tui-doctor-');
	fs.chmodSync(temp.dir, 0o755);
	const data = path.join(temp.dir, 'data');
	const group = makeGroup(path.join(data, 'journal'));
	const children: ChildProcess[] = [];
	return {
		temp,
		data,
		group,
		processes: (() => children.map(child => child.pid!)) as Processes,
		async broker(name: 'primary' | 'backup' | 'backup-no-failback' | 'relative', locks: Array<{file: string; start?: number; length?: number}>, user?: {uid: number; gid: number}) {
			const instance = fs.existsSync(path.join(temp.dir, name)) ? path.join(temp.dir, name) : copyInstance(name, temp.dir);
			const child = await fakeBroker({properties: {'artemis.instance': instance, 'artemis.instance.etc': path.join(instance, 'etc'), 'data.dir': data}, locks, user});
			children.push(child);
			return child;
		},
		async cleanup() {
			for (const child of children) {
				try {
					process.kill(child.pid!, 'SIGCONT');
				} catch {}

				await stop(child);
			}

			temp.cleanup();
		},
	};
}

test('a healthy pair: exit 0, one ok finding naming both brokers', {skip}, async () => {
	const w = world();
	try {
		await w.broker('primary', [{file: w.group.primaryLock}]);
		await w.broker('backup', [{file: w.group.backupLock}]);
		const run = await runDoctorJson(w.group.dir, w.processes);
		assert.equal(run.code, 0, JSON.stringify(run.json, null, 1));
		assert.deepEqual(ids(run), ['healthy']);
		assert.match(run.json.findings[0].title, /broker-a \(primary\) pid \d+ is live, broker-b \(backup\) pid \d+ waits as backup/);
		assert.equal(run.json.layout, 'files');
		assert.equal(run.json.path, w.group.serverLock);
		const text = await runDoctorText(w.group.dir, w.processes);
		assert.equal(text.code, 0);
		assert.match(text.lines[0], /^ha-tui doctor: .*server\.lock, files layout$/);
		assert.match(text.lines[1], /^verdict {2}OK: healthy — live is up and a backup is queued$/);
		assert.match(text.lines[3], /^OK +healthy — broker-a \(primary\)/);
	} finally {
		await w.cleanup();
	}
});

test('paused: the primary stopped cleanly (P), the backup waits; names failover-on-shutdown', {skip}, async () => {
	const w = world();
	try {
		writeState(w.group.serverLock, 'P');
		await w.broker('backup', [{file: w.group.backupLock}]);
		const run = await runDoctorJson(w.group.dir, w.processes);
		assert.equal(run.code, 2);
		assert.deepEqual(ids(run), ['paused', 'no-live']);
		assert.match(finding(run, 'paused')!.fix, /failover-on-shutdown/);
		assert.ok(finding(run, 'paused')!.evidence.some(line => /broker-b \(backup\) pid \d+/.test(line)));
	} finally {
		await w.cleanup();
	}
});

test('never-started and not-shared: the primary runs with a relative data/journal inside its own instance', {skip}, async () => {
	const w = world();
	try {
		writeState(w.group.serverLock, '0');
		const own = makeGroup(path.join(w.temp.dir, 'relative', 'data', 'journal'));
		copyInstance('relative', w.temp.dir);
		await w.broker('relative', [{file: own.primaryLock}]);
		await w.broker('backup', [{file: w.group.backupLock}]);
		const run = await runDoctorJson(w.group.dir, w.processes);
		assert.equal(run.code, 2);
		assert.deepEqual(ids(run).slice(0, 2), ['never-started', 'not-shared']);
		assert.ok(finding(run, 'not-shared')!.evidence.some(line => line.includes(own.dir)), finding(run, 'not-shared')!.evidence.join('\n'));
		assert.match(finding(run, 'never-started')!.title, /on another directory/);
		// The primary's own directory, seen from there: live, no backup, and the lone backup elsewhere.
		const there = await runDoctorJson(own.dir, w.processes);
		assert.deepEqual(ids(there), ['not-shared', 'no-backup']);
	} finally {
		await w.cleanup();
	}
});

test('holder-stopped: kill -STOP on the live broker; gone again after kill -CONT', {skip}, async () => {
	const w = world();
	try {
		const primary = await w.broker('primary', [{file: w.group.primaryLock}]);
		await w.broker('backup', [{file: w.group.backupLock}]);
		process.kill(primary.pid!, 'SIGSTOP');
		const deadline = Date.now() + 5000;
		while (!fs.readFileSync(`/proc/${primary.pid}/stat`, 'utf8').includes(') T ') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10));
		const run = await runDoctorJson(w.group.dir, w.processes);
		assert.equal(run.code, 2);
		assert.equal(ids(run)[0], 'holder-stopped');
		assert.match(run.json.findings[0].evidence[0], new RegExp(`broker-a \\(primary\\) pid ${primary.pid} holds the primary \\(live\\) lock .* and is stopped`));
		assert.match(run.json.findings[0].fix, new RegExp(`kill -CONT ${primary.pid}`));
		process.kill(primary.pid!, 'SIGCONT');
		const resumed = await runDoctorJson(w.group.dir, w.processes);
		assert.deepEqual(ids(resumed), ['healthy']);
	} finally {
		await w.cleanup();
	}
});

test('failback-stuck: F for 30 s while a backup with allow-failback=false keeps the primary lock; not for a fresh F', {skip}, async () => {
	const w = world();
	try {
		writeState(w.group.serverLock, 'F');
		const past = new Date(Date.now() - 30_000);
		fs.utimesSync(w.group.serverLock, past, past);
		await w.broker('backup-no-failback', [{file: w.group.primaryLock}]);
		const run = await runDoctorJson(w.group.dir, w.processes);
		assert.equal(run.code, 1);
		assert.equal(ids(run)[0], 'failback-stuck');
		assert.ok(finding(run, 'failback-stuck')!.evidence.some(line => /broker-c \(backup\) pid \d+ has <allow-failback>false/.test(line)));
		// A fresh F: a failback in progress, not stuck (no waiting: failbackWatchMs 0).
		writeState(w.group.serverLock, 'F');
		const fresh = await runDoctorJson(w.group.dir, w.processes);
		assert.deepEqual(ids(fresh), ['failing-back']);
	} finally {
		await w.cleanup();
	}
});

test('failback-stuck by watching: doctor watches a fresh F until it has lasted the threshold', {skip}, async () => {
	const w = world();
	try {
		writeState(w.group.serverLock, 'F');
		await w.broker('backup-no-failback', [{file: w.group.primaryLock}]);
		const run = await runDoctorJson(w.group.dir, w.processes, {failbackWatchMs: 10_000});
		assert.equal(ids(run)[0], 'failback-stuck');
		assert.match(finding(run, 'failback-stuck')!.evidence[0], /watched for/);
	} finally {
		await w.cleanup();
	}
});

test('touched-while-live: server.lock touched after L was seen, same live holder; not without a touch', {skip}, async () => {
	const w = world();
	try {
		const past = new Date(Date.now() - 60_000);
		fs.utimesSync(w.group.serverLock, past, past);
		await w.broker('primary', [{file: w.group.primaryLock}]);
		await w.broker('backup', [{file: w.group.backupLock}]);
		const observer = new DoctorObserver();
		observer.observe(probeLockFile(w.group.serverLock));
		const untouched = probeLockFile(w.group.serverLock);
		assert.equal(runDoctor(untouched, gatherContext(untouched, {observation: observer.observe(untouched), processes: w.processes})).some(item => item.id === 'touched-while-live'), false);
		fs.utimesSync(w.group.serverLock, new Date(), new Date()); // what `touch server.lock` does
		const touched = probeLockFile(w.group.serverLock);
		const findings = runDoctor(touched, gatherContext(touched, {observation: observer.observe(touched), processes: w.processes}));
		assert.equal(findings[0].id, 'touched-while-live', JSON.stringify(findings.map(item => item.id)));
	} finally {
		await w.cleanup();
	}
});

test('permissions: a broker running as nobody can no longer write serverlock.1 (root-owned 0644); fine once it owns the files', {skip: skip || (!isRoot || !hasSetpriv ? 'needs root and setpriv' : false)}, async () => {
	const w = world();
	try {
		for (const file of [w.group.serverLock, w.group.primaryLock, w.group.backupLock]) fs.chmodSync(file, 0o666);
		await w.broker('primary', [{file: w.group.primaryLock}], {uid: 65534, gid: 65534});
		for (const file of [w.group.serverLock, w.group.primaryLock, w.group.backupLock]) fs.chmodSync(file, 0o644);
		const run = await runDoctorJson(w.group.dir, w.processes);
		const item = finding(run, 'permissions')!;
		assert.equal(item.level, 'warning');
		assert.ok(item.evidence.some(line => /broker-a \(primary\) pid \d+ \(uid 65534\) cannot open serverlock\.1 for writing \(owner 0:0, mode 0644\)/.test(line)), item.evidence.join('\n'));
		for (const file of [w.group.serverLock, w.group.primaryLock, w.group.backupLock]) fs.chownSync(file, 65534, 65534);
		assert.equal(finding(await runDoctorJson(w.group.dir, w.processes), 'permissions'), undefined);
	} finally {
		await w.cleanup();
	}
});

test('mixed-layout: a byte lock on server.lock (≤ 2.9) and a whole-file lock on serverlock.2 (≥ 2.10)', {skip}, async () => {
	const w = world();
	try {
		await w.broker('primary', [{file: w.group.serverLock, start: 1, length: 1}]);
		await w.broker('backup', [{file: w.group.backupLock}]);
		const run = await runDoctorJson(w.group.dir, w.processes);
		assert.equal(run.json.layout, 'mixed');
		assert.equal(ids(run)[0], 'mixed-layout');
		assert.equal(run.code, 2);
	} finally {
		await w.cleanup();
	}
});

test('remote-holder: doctor in another PID namespace cannot see the holder', {skip: skip || (!isRoot || spawnSync('unshare', ['--version']).status !== 0 ? 'needs root and unshare' : false)}, async () => {
	const w = world();
	try {
		await w.broker('primary', [{file: w.group.primaryLock}]);
		const module = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../source/commands/doctor.js');
		const script = `import {doctor} from ${JSON.stringify(module)}; process.exitCode = await doctor(process.argv[1], {json: true, failbackWatchMs: 0}, {out: console.log, err: console.error});`;
		const result = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, '--input-type=module', '-e', script, w.group.dir], {encoding: 'utf8'});
		const json = JSON.parse(result.stdout) as DoctorJson;
		const item = json.findings.find(entry => entry.id === 'remote-holder');
		assert.ok(item, result.stdout + result.stderr);
		assert.equal(item.level, 'info');
		// Seen from here, the same lock has a local holder.
		assert.equal(finding(await runDoctorJson(w.group.dir, w.processes), 'remote-holder'), undefined);
	} finally {
		await w.cleanup();
	}
});

test('network-fs: the real directory on a (fixture) NFS mount, matched by path', {skip}, async () => {
	const w = world();
	try {
		await w.broker('primary', [{file: w.group.primaryLock}]);
		const [nfs] = parseMountinfo(fs.readFileSync(fixture('mountinfo', 'nfs4.txt'), 'utf8'));
		const mount = {...nfs, mountPoint: fs.realpathSync(w.temp.dir)};
		const probe = probeLockFile(w.group.serverLock);
		const findings = runDoctor(probe, gatherContext(probe, {mounts: [mount], processes: w.processes}));
		const item = findings.find(entry => entry.id === 'network-fs');
		assert.equal(item?.level, 'warning');
		assert.ok(item.evidence.some(line => /NFSv4\.2 over tcp/.test(line)));
		// The machine's real mount table: this temp directory is local.
		assert.equal(runDoctor(probe, gatherContext(probe, {processes: w.processes})).some(entry => entry.id === 'network-fs'), false);
	} finally {
		await w.cleanup();
	}
});

test('bad input: exit 3 and one line naming the file', async () => {
	const temp = tempDir('ha-tui-doctor-');
	try {
		const lines: string[] = [];
		const code = await doctor(path.join(temp.dir, 'nope'), {json: false}, {out: line => lines.push(line), err: line => lines.push(line)});
		assert.equal(code, 3);
		assert.equal(lines.length, 1);
		assert.match(lines[0], /^ha-tui: .*nope.*: /);
		const json: string[] = [];
		assert.equal(await doctor(temp.dir, {json: true}, {out: line => json.push(line), err() {}}), 3);
		assert.equal((JSON.parse(json[0]) as {exitCode: number}).exitCode, 3);
	} finally {
		temp.cleanup();
	}
});
