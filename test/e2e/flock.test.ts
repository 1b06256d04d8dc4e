// The flock layout (HornetQ 2.2–2.4 / Artemis ≤ 2.0 with an AIO journal: AIOFileLockNodeManager
// flocks server.1.lock and server.2.lock and never locks server.lock) against python flock
// peers, which hold their locks as the native layer does: flock(LOCK_EX|LOCK_NB) on a file of
// their own. Before this layout, ha-tui read such a directory as "ranges", an ha-tui backup
// activated at once beside a live JVM (split brain) and stopping ha-tui wrote P over its L.
// The real classes run in test/interop (the matrix).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, test} from 'node:test';
import {STATE, decodeLockFile, encodeNewLockFile, probeLockFile} from '../../source/lock-file/index.js';
import {nodeGroup, runCli} from '../helpers/cli.js';
import {flockHolder, flockIsFree, hasPython, release} from '../helpers/holders.js';
import {waitFor} from '../helpers/wait.js';

const skip = (process.platform !== 'linux' && 'Linux only (/proc/locks)') || (!hasPython && 'python3 is needed for a flock peer');

let group: ReturnType<typeof nodeGroup>;
let peers: Array<Awaited<ReturnType<typeof flockHolder>>>;
beforeEach(() => {
	group = nodeGroup();
	peers = [];
});
afterEach(async () => {
	for (const peer of peers) await release(peer);
	await group.cleanup();
});

const at = (name: string) => path.join(group.dir, name);
const state = () => decodeLockFile(fs.readFileSync(group.file)).state;

/** A group as a HornetQ AIO live left it: server.lock in state `state`, its live (and backup) flocked by python peers. */
async function aioGroup(options: {state?: number; backup?: boolean} = {}): Promise<{live: Awaited<ReturnType<typeof flockHolder>>; backup?: Awaited<ReturnType<typeof flockHolder>>}> {
	const bytes = encodeNewLockFile();
	bytes[0] = options.state ?? STATE.live;
	fs.writeFileSync(group.file, bytes);
	const live = await flockHolder(at('server.1.lock'));
	peers.push(live);
	if (!options.backup) return {live};
	const backup = await flockHolder(at('server.2.lock'));
	peers.push(backup);
	return {live, backup};
}

/** The process has a descriptor on this directory. */
function holdsOpen(pid: number, directory: string): boolean {
	const real = fs.realpathSync(directory);
	try {
		return fs.readdirSync(`/proc/${pid}/fd`).some(fd => {
			try {
				return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === real;
			} catch {
				return false;
			}
		});
	} catch {
		return false;
	}
}

/** A flock waiter queued in the kernel on this file (a "->" FLOCK line in /proc/locks). */
function flockWaiterOn(file: string): boolean {
	const inode = fs.statSync(file).ino;
	return fs.readFileSync('/proc/locks', 'utf8').split('\n').some(line => /->\s+FLOCK/.test(line) && line.includes(`:${inode} `));
}

test('status: a HornetQ AIO pair (flock on server.1.lock / server.2.lock) is the flock layout, healthy, its holders named', {skip}, async () => {
	const {live, backup} = await aioGroup({backup: true});
	const result = await runCli(['status', group.dir, '--json']);
	assert.equal(result.code, 0, result.stdout + result.stderr);
	const report = JSON.parse(result.stdout);
	assert.equal(report.layout, 'flock');
	assert.equal(report.verdict, 'healthy');
	assert.deepEqual(report.locks.live.holders.map((holder: {pid: number; kind: string}) => [holder.pid, holder.kind]), [[live.pid, 'FLOCK']]);
	assert.deepEqual(report.locks.backup.holders.map((holder: {pid: number; kind: string}) => [holder.pid, holder.kind]), [[backup!.pid, 'FLOCK']]);
	assert.equal(report.locks.live.file, at('server.1.lock'));
	assert.equal(report.locks.state.locked, false);
	assert.ok(report.files.some((file: {name: string; exists: boolean}) => file.name === 'server.1.lock' && file.exists));
	const text = await runCli(['status', group.dir]);
	assert.match(text.stdout, /^OK: healthy/);
	assert.match(text.stdout, /layout {3}flock — HornetQ 2\.2–2\.4 \/ Artemis ≤ 2\.0 with an AIO journal/);
	assert.match(text.stdout, new RegExp(`primary  \\(live lock, server\\.1\\.lock \\(flock\\)\\) pid ${live.pid} FLOCK`));
	// Read-only: the probe took nothing (the peers still hold, nobody else queued).
	assert.equal(flockIsFree(at('server.1.lock')), false);
	assert.equal(flockWaiterOn(at('server.1.lock')), false);
});

test('an ha-tui backup beside a flock live never becomes a second live: it queues on the flock, and takes over when the live dies', {skip}, async () => {
	const {live} = await aioGroup();
	const backup = group.start('backup');
	// The event that must come first: it holds the backup flock and waits for the live one …
	await backup.next('waiting-live-lock');
	// … in the kernel, behind the python live.
	await waitFor('the backup queued on server.1.lock', () => flockWaiterOn(at('server.1.lock')));
	assert.ok(!backup.events().some(event => event.event === 'live'), 'a second live beside the flock live');
	assert.equal(probeLockFile(group.file).locks.backup.holders[0]?.pid, backup.child.pid);
	assert.equal(state(), STATE.live);
	await release(live);
	const activated = await backup.next('live');
	assert.match(String(activated.detail ?? ''), /the state was L/);
	assert.equal(state(), STATE.live);
	assert.equal(flockIsFree(at('server.1.lock')), false, 'the activated backup holds the live flock');
});

test('an ha-tui primary started beside a flock live waits for its lock; stopped, it puts back the live\'s L (never P)', {skip}, async () => {
	await aioGroup();
	const before = fs.statSync(group.file, {bigint: true});
	const primary = group.start('live');
	await primary.next('failing-back');
	await waitFor('the primary queued on server.1.lock', () => flockWaiterOn(at('server.1.lock')));
	assert.equal(state(), STATE.failingBack);
	primary.child.kill('SIGTERM');
	const exit = await primary.exited;
	assert.equal(exit.code, 0);
	assert.ok(!primary.events().some(event => event.event === 'live' || event.event === 'paused'));
	assert.equal(state(), STATE.live, 'P (or F) left over the flock live\'s L');
	assert.equal(fs.statSync(group.file, {bigint: true}).mtimeNs, before.mtimeNs, 'server.lock\'s mtime put back');
	assert.equal(flockIsFree(at('server.1.lock')), false, 'the python live still holds its flock');
});

test('an ha-tui live in the flock layout holds server.1.lock against flock peers; a clean stop writes P and lets go', {skip}, async () => {
	const live = group.start('live', ['--layout', 'flock', '--create-dir']);
	await live.next('live');
	// Created before server.lock, empty, as the native layer's openFile leaves them.
	for (const name of ['server.1.lock', 'server.2.lock']) assert.equal(fs.statSync(at(name)).size, 0);
	assert.equal(flockIsFree(at('server.1.lock')), false, 'a flock peer could take the live lock of a live ha-tui node');
	assert.equal(flockIsFree(at('server.2.lock')), true);
	const report = JSON.parse((await runCli(['status', group.dir, '--json'])).stdout);
	assert.equal(report.layout, 'flock');
	assert.deepEqual(report.locks.live.holders.map((holder: {pid: number; kind: string}) => [holder.pid, holder.kind]), [[live.child.pid, 'FLOCK']]);
	// An ha-tui backup (layout auto) joins it and queues.
	const backup = group.start('backup');
	await backup.next('waiting-live-lock');
	live.child.kill('SIGTERM');
	assert.equal((await live.exited).code, 0);
	assert.equal(state(), STATE.paused);
	assert.equal(flockIsFree(at('server.1.lock')) || backup.events().some(event => event.event === 'waiting-live-lock'), true);
	assert.ok(!backup.events().some(event => event.event === 'live'), 'a backup took over from a clean stop (P)');
});

test('mixed: flock files beside serverlock files, or beside byte locks, are CRITICAL and a node refuses', {skip}, async () => {
	await aioGroup();
	for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(at(name), '');
	const result = await runCli(['status', group.dir, '--json']);
	assert.equal(result.code, 2);
	const report = JSON.parse(result.stdout);
	assert.equal(report.layout, 'mixed');
	assert.equal(report.verdict, 'mixed-layout');
	assert.match(report.summary, /serverlock files and flock files/);
	const before = fs.readFileSync(group.file);
	const node = await runCli(['node', group.dir, '--role', 'backup']);
	assert.equal(node.code, 3, node.stdout + node.stderr);
	assert.match(node.stderr, /two lock layouts share this directory \(serverlock files and flock files/);
	assert.equal(node.stderr.trim().split('\n').length, 1);
	assert.deepEqual(fs.readFileSync(group.file), before);
	// --layout against the evidence (flock files, no serverlock files): refused too.
	for (const name of ['serverlock.1', 'serverlock.2']) fs.rmSync(at(name));
	const contradicted = await runCli(['node', group.dir, '--role', 'backup', '--layout', 'ranges']);
	assert.equal(contradicted.code, 3);
	assert.match(contradicted.stderr, /contradicts the directory, which uses the flock layout/);
});

test('a node starting while a broker has created server.lock but not yet its lock files waits for them instead of reading "ranges"', {skip}, async () => {
	// What Artemis leaves for a moment: server.lock alone, '0' '0' '0' and a node id, no lock.
	fs.writeFileSync(group.file, encodeNewLockFile());
	const backup = group.start('backup');
	// The event that must come first: the node is inside its open, holding the directory (the
	// group-directory pin) while no lock file is there yet — looking again, or (a bug) locking
	// byte 2 of server.lock, which the probe below would show as a mixed layout.
	await waitFor('the node holds the directory open', () => holdsOpen(backup.child.pid!, group.dir), 10_000);
	assert.equal(fs.existsSync(at('serverlock.1')), false);
	for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(at(name), '');
	await backup.next('backup');
	const probe = probeLockFile(group.file);
	assert.equal(probe.layout, 'files', `the node took ${probe.layout} locks`);
	assert.deepEqual(probe.locks.backup.holders.map(holder => holder.pid), [backup.child.pid]);
	assert.equal(probe.locks.backup.file, at('serverlock.2'));
});

test('a lone server.lock that stays alone reads as ranges once it is a few seconds old: the node goes on in that layout', {skip}, async () => {
	fs.writeFileSync(group.file, encodeNewLockFile());
	const backup = group.start('backup');
	await backup.next('backup', 10_000);
	const probe = probeLockFile(group.file);
	assert.equal(probe.layout, 'ranges');
	assert.deepEqual(probe.locks.backup.holders.map(holder => holder.pid), [backup.child.pid]);
	assert.ok(Date.now() - fs.statSync(group.file).mtimeMs >= 2500, 'the node decided within the window');
});
