// Issue 14 §2: ONE assessment, printed by status, watch, doctor (and the TUI, through the
// watcher's snapshot). Real processes that look like brokers in /proc (python with Artemis' argv
// and POSIX locks, as a JVM), frozen with SIGSTOP, a zombie thread-group leader that still holds
// its lock, one process holding both locks (Artemis' takeover window). doctor's verdict and exit
// code must equal status' in every situation.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, test} from 'node:test';
import {copyInstance, fakeBroker, hasPython, makeGroup, stop, type LockSpec} from '../broker/fake-broker.js';
import {runCli} from '../helpers/cli.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const skip = hasPython ? false : 'needs python3';

let temp: ReturnType<typeof tempDir>;
let data: string;
let group: ReturnType<typeof makeGroup>;
let processes: ChildProcess[];
let spawned: ProcessGroup;
beforeEach(() => {
	temp = tempDir('ha-tui-one-verdict-');
	data = path.join(temp.dir, 'data');
	group = makeGroup(path.join(data, 'journal'));
	processes = [];
	spawned = new ProcessGroup();
});
afterEach(async () => {
	for (const child of processes) {
		try {
			child.kill('SIGCONT');
		} catch {}

		await stop(child);
	}

	await spawned.killAll();
	temp.cleanup();
});

/** A fake broker of the fixture instance `name` (broker-a primary, broker-b backup) on this group's data directory. */
async function broker(name: 'primary' | 'backup', locks: LockSpec[]): Promise<ChildProcess> {
	const instance = fs.existsSync(path.join(temp.dir, name)) ? path.join(temp.dir, name) : copyInstance(name, temp.dir);
	const child = await fakeBroker({properties: {'artemis.instance': instance, 'artemis.instance.etc': path.join(instance, 'etc'), 'data.dir': data}, locks});
	processes.push(child);
	return child;
}

type Report = {verdict: string; summary: string; exitCode: number; locks: Record<string, {holders: Array<{pid: number; name?: string; state?: string}>}>; waiting?: Array<{pid: number; name: string; role: string}>};
type DoctorReport = {verdict: string; summary: string; exitCode: number; findings: Array<{id: string; level: string; title: string; fix: string; evidence: string[]}>};

/** status --json, status text, doctor --json: the verdict must be one. */
async function lookAll(): Promise<{status: Report; text: string; doctor: DoctorReport; code: number | null}> {
	const json = await runCli(['status', group.dir, '--json']);
	const text = await runCli(['status', group.dir]);
	const doctor = await runCli(['doctor', group.dir, '--json']);
	const status = JSON.parse(json.stdout) as Report;
	const diagnosis = JSON.parse(doctor.stdout) as DoctorReport;
	assert.equal(text.code, json.code, 'text and JSON exit codes');
	assert.equal(diagnosis.verdict, status.verdict, `doctor's verdict is status' (${doctor.stdout})`);
	assert.equal(diagnosis.summary, status.summary);
	assert.equal(doctor.code, json.code, 'doctor\'s exit code is status\'');
	assert.equal(diagnosis.exitCode, status.exitCode);
	return {status, text: text.stdout, doctor: diagnosis, code: json.code};
}

async function waitForState(pid: number, wanted: (state: string) => boolean): Promise<void> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? '';
		if (wanted(state)) return;
		if (Date.now() > deadline) throw new Error(`pid ${pid} never reached the state (now ${state})`);
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

test('a healthy pair: OK with broker names and pids; doctor agrees', {skip}, async () => {
	const primary = await broker('primary', [{file: group.primaryLock}]);
	const backup = await broker('backup', [{file: group.backupLock}]);
	const {status, text, code} = await lookAll();
	assert.equal(code, 0);
	assert.equal(status.verdict, 'healthy');
	assert.match(text, new RegExp(`primary  \\(live lock, serverlock\\.1\\) broker-a \\(primary\\) pid ${primary.pid} POSIX\\n`));
	assert.match(text, new RegExp(`backup   \\(serverlock\\.2\\) broker-b \\(backup\\) pid ${backup.pid} POSIX\\n`));
	assert.ok(text.split('\n').every(line => line.length < 200), 'no kilobyte of java arguments per holder');
	assert.equal(status.locks.live.holders[0].name, 'broker-a (primary)');
});

test('kill -STOP of the live: CRITICAL in status too (exit 2), doctor the same verdict with the fix; watch says stopped and resumed', {skip}, async () => {
	const primary = await broker('primary', [{file: group.primaryLock}]);
	await broker('backup', [{file: group.backupLock}]);
	const watch = spawned.cli('watch', ['watch', group.dir]);
	await watch.waitLine('the first lines', line => /live is up and a backup is queued/.test(line));

	primary.kill('SIGSTOP');
	await waitForState(primary.pid!, state => state === 'T');
	const {status, text, doctor, code} = await lookAll();
	assert.equal(code, 2, text);
	assert.equal(status.verdict, 'live-frozen');
	assert.match(text, new RegExp(`^CRITICAL: LIVE FROZEN — broker-a \\(primary\\) pid ${primary.pid} holds the primary lock and is stopped \\(T\\)`));
	assert.match(text, new RegExp(`broker-a \\(primary\\) pid ${primary.pid} POSIX, STOPPED \\(T\\)`));
	assert.equal(status.locks.live.holders[0].state, 'T');
	const stopped = doctor.findings.find(finding => finding.id === 'holder-stopped');
	assert.equal(stopped?.level, 'critical');
	assert.match(stopped!.fix, new RegExp(`kill -CONT ${primary.pid}`));
	await watch.waitLine('the stop', line => line.includes(`broker-a (primary) pid ${primary.pid}, holding the primary (live) lock, is STOPPED (T)`));
	await watch.waitLine('the verdict', line => line.includes('holds the primary lock and is stopped'));

	primary.kill('SIGCONT');
	await watch.waitLine('the resume', line => line.includes(`broker-a (primary) pid ${primary.pid}, holding the primary (live) lock, resumed`));
	assert.equal((await lookAll()).code, 0);
});

test('kill -STOP of the backup: WARNING "no usable backup" (exit 1); doctor\'s fix is about a backup', {skip}, async () => {
	await broker('primary', [{file: group.primaryLock}]);
	const backup = await broker('backup', [{file: group.backupLock}]);
	backup.kill('SIGSTOP');
	await waitForState(backup.pid!, state => state === 'T');
	const {status, text, doctor, code} = await lookAll();
	assert.equal(code, 1, text);
	assert.equal(status.verdict, 'no-usable-backup');
	assert.match(text, /^WARNING: no usable backup — live is up, but the queued backup broker-b \(backup\) pid \d+ is stopped \(T\)/);
	const stopped = doctor.findings.find(finding => finding.id === 'holder-stopped');
	assert.equal(stopped?.level, 'warning');
	assert.match(stopped!.title, /no usable backup/);
	assert.match(stopped!.fix, /restart that backup/);
	assert.doesNotMatch([stopped!.title, ...stopped!.evidence].join('\n'), /stuck|clients of a stopped live/);
});

test('a zombie holding the primary lock (its main thread exited, another still runs): CRITICAL', {skip}, async () => {
	await broker('backup', [{file: group.backupLock}]);
	const zombie = spawn('python3', ['-c', `
import ctypes, fcntl, sys, threading, time
f = open(sys.argv[1], 'r+b')
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0, 0)
print('locked', flush=True)
threading.Thread(target=lambda: time.sleep(3600)).start()
ctypes.CDLL(None).pthread_exit(None)
`, group.primaryLock], {stdio: ['ignore', 'pipe', 'inherit']});
	processes.push(zombie);
	await once(zombie.stdout!, 'data');
	await waitForState(zombie.pid!, state => state === 'Z');
	const {status, text, code} = await lookAll();
	assert.equal(code, 2, text);
	assert.equal(status.verdict, 'live-frozen');
	assert.match(text, /is a zombie \(Z\)/);
});

test('one broker holding both locks (Artemis\' takeover window): WARNING "broker-b is taking over", never healthy', {skip}, async () => {
	const backup = await broker('backup', [{file: group.primaryLock}, {file: group.backupLock}]);
	const {status, text, code} = await lookAll();
	assert.equal(code, 1, text);
	assert.equal(status.verdict, 'transition');
	assert.match(text, new RegExp(`^WARNING: in transition — broker-b \\(backup\\) pid ${backup.pid} is taking over`));
});

test('a broker of this group that holds no lock is shown as waiting, with its role (status, doctor)', {skip}, async () => {
	await broker('primary', [{file: group.primaryLock}]);
	await broker('backup', [{file: group.backupLock}]);
	const second = path.join(temp.dir, 'backup-2');
	fs.cpSync(path.join(temp.dir, 'backup'), second, {recursive: true});
	const idle = await fakeBroker({properties: {'artemis.instance': second, 'artemis.instance.etc': path.join(second, 'etc'), 'data.dir': data}, locks: []});
	processes.push(idle);
	const {status, text, doctor, code} = await lookAll();
	assert.equal(code, 0);
	assert.deepEqual(status.waiting?.map(({pid, name, role}) => ({pid, name, role})), [{pid: idle.pid, name: 'broker-b (backup)', role: 'backup'}]);
	assert.match(text, new RegExp(`waiting  broker-b \\(backup\\) pid ${idle.pid} — holds no lock: a backup starting, or waiting for the backup lock`));
	const waiting = doctor.findings.find(finding => finding.id === 'waiting');
	assert.ok(waiting?.evidence.some(line => line.includes(`broker-b (backup) pid ${idle.pid}`)), JSON.stringify(doctor.findings));
});
