// Real `ha-tui node` processes on a temp file; bytes and locks checked from this process.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {afterEach, beforeEach, test} from 'node:test';
import {STATE, decodeLockFile, probeLockFile} from '../../source/lock-file/index.js';
import {nodeGroup, runCli} from '../helpers/cli.js';
import {waitFor} from '../helpers/wait.js';

let group: ReturnType<typeof nodeGroup>;
beforeEach(() => {
	group = nodeGroup();
});
afterEach(async () => group.cleanup());

const start = (role: 'live' | 'backup', extra: string[] = []) => group.start(role, extra);
const state = () => decodeLockFile(fs.readFileSync(group.file)).state;

test('SIGTERM pauses a live: P written, lock released, exit 0 within 1 s', async () => {
	const live = start('live');
	const event = await live.next('live');
	assert.equal(event.pid, live.child.pid);
	assert.equal(state(), STATE.live);
	assert.deepEqual(probeLockFile(group.file).locks.live.holders.map(h => h.pid), [live.child.pid]);
	live.child.kill('SIGTERM');
	const exit = await live.exited;
	assert.equal(exit.code, 0);
	assert.equal(state(), STATE.paused);
	assert.equal(probeLockFile(group.file).locks.live.locked, false);
	assert.ok(live.events().some(e => e.event === 'paused'));
});

test('SIGKILL of the live: the queued backup becomes live; status shows its pid', async () => {
	const live = start('live');
	await live.next('live');
	const id = decodeLockFile(fs.readFileSync(group.file)).nodeId;
	const backup = start('backup');
	await backup.next('waiting-live-lock');
	const healthy = await runCli(['status', group.file, '--json']);
	assert.equal(healthy.code, 0);
	const report = JSON.parse(healthy.stdout);
	assert.deepEqual(Object.keys(report).sort(), ['device', 'directory', 'exitCode', 'files', 'generation', 'inode', 'layout', 'locks', 'nodeId', 'path', 'raw', 'size', 'state', 'stateName', 'summary', 'target', 'verdict', 'waiting'].sort());
	assert.equal(report.verdict, 'healthy');
	assert.equal(report.state, 'L');
	assert.equal(report.nodeId, id);
	assert.equal(report.raw.length, 38);
	assert.equal(report.locks.live.holders[0].pid, live.child.pid);
	assert.equal(report.locks.live.holders[0].kind, 'OFD');
	assert.match(report.locks.live.holders[0].command, /ha-tui node .* --role live/);
	assert.equal(report.locks.backup.holders[0].pid, backup.child.pid);

	live.child.kill('SIGKILL');
	await backup.next('live');
	assert.equal(state(), STATE.live);
	assert.equal(decodeLockFile(fs.readFileSync(group.file)).nodeId, id);
	const after = JSON.parse((await runCli(['status', group.file, '--json'])).stdout);
	assert.equal(after.verdict, 'no-backup');
	assert.equal(after.exitCode, 1);
	assert.equal(after.locks.live.holders[0].pid, backup.child.pid);
});

test('--failover-on-shutdown: SIGTERM leaves L and the backup takes over', async () => {
	const live = start('live', ['--failover-on-shutdown']);
	await live.next('live');
	const backup = start('backup');
	await backup.next('waiting-live-lock');
	live.child.kill('SIGTERM');
	assert.equal((await live.exited).code, 0);
	await backup.next('live');
	assert.equal(state(), STATE.live);
});

test('a paused group stays down: backups do not take over; status exits 2', async () => {
	const live = start('live');
	await live.next('live');
	const backup = start('backup', ['--trace']);
	await backup.next('waiting-live-lock');
	live.child.kill('SIGTERM');
	await live.exited;
	// What must come first: the backup got the free live lock, read P and let go — twice (its
	// first look after the stop, and one more after its back-off), each a `look` it prints.
	await backup.waitLine('the backup to look at P twice and decide to wait', () => backup.events().filter(e => e.event === 'look' && e.state === 'P').length >= 2, 5000);
	assert.ok(!backup.events().some(e => e.event === 'live'));
	const result = await runCli(['status', group.file]);
	assert.equal(result.code, 2);
	assert.match(result.stdout, /NO LIVE.*paused/);
});

test('failback across processes: the restarted live takes over, the activated backup rejoins', async () => {
	const live = start('live');
	await live.next('live');
	const backup = start('backup');
	await backup.next('waiting-live-lock');
	live.child.kill('SIGKILL');
	await backup.next('live');
	const exLive = start('live');
	await exLive.next('failing-back');
	await exLive.next('live', 3000);
	await backup.next('stepping-down');
	await waitFor('backup queued again', () => backup.events().filter(e => e.event === 'waiting-live-lock').length >= 2);
	assert.equal(state(), STATE.live);
	assert.deepEqual(probeLockFile(group.file).locks.live.holders.map(h => h.pid), [exLive.child.pid]);
});

test('SIGHUP (its terminal closed) of a live still waiting to fail back puts back the L its F replaced, and exits 0', async () => {
	const live = start('live');
	await live.next('live');
	const second = start('live');
	await second.next('failing-back');
	assert.equal(state(), STATE.failingBack);
	second.child.kill('SIGHUP');
	const exit = await second.exited;
	assert.deepEqual(exit, {code: 0, signal: null});
	// Left F, the group's backups would never take over from the running live when it dies.
	assert.equal(state(), STATE.live);
	assert.ok(second.events().some(e => e.event === 'stopped' && /put back the L/.test(String(e.detail))));
	assert.deepEqual(probeLockFile(group.file).locks.live.holders.map(h => h.pid), [live.child.pid]);
});

test('SIGTERM of a waiting backup exits promptly and frees the backup lock', async () => {
	const live = start('live');
	await live.next('live');
	const backup = start('backup');
	await backup.next('waiting-live-lock');
	backup.child.kill('SIGTERM');
	const exit = await backup.exited;
	assert.deepEqual(exit, {code: 0, signal: null});
	assert.equal(probeLockFile(group.file).locks.backup.locked, false);
	assert.equal(state(), STATE.live, 'a backup never writes the state');
});

// A mistyped path at night makes a new group there, as a first broker would (kept: README); it is
// said, in one line on stderr. Not said on an existing group.
test('node in a directory without server.lock says on stderr that it starts a new group there; not on an existing one', async () => {
	const live = start('live');
	await live.next('live');
	const lines = live.stderr.trim().split('\n');
	assert.equal(lines.length, 1, live.stderr);
	assert.equal(lines[0], `ha-tui: ${fs.realpathSync(group.dir)}/server.lock does not exist: starting a NEW group there (new node id) — if you meant an existing group, check the path`);
	const backup = start('backup');
	await backup.next('waiting-live-lock');
	assert.equal(backup.stderr, '', 'an existing group: nothing to say');
	const deeper = `${group.dir}/new/journal/`;
	const made = group.processes.cli('created node', ['node', deeper, '--role', 'live', '--create-dir']);
	await made.waitEvent('live', 10_000);
	assert.match(made.stderr, /^ha-tui: \S*\/new\/journal\/server\.lock does not exist \(nor its directory: --create-dir makes it\): starting a NEW group there/);
});
