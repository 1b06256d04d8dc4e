// Which layout a directory uses: the pure decision, and the probe's evidence on real files
// locked by other processes the way Java locks them (POSIX fcntl).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import fc from 'fast-check';
import {chooseLayout, detectLayout, encodeNewLockFile, layoutOfDirectory, lockTargets, probeLockFile, STATE, type LayoutEvidence} from '../../source/lock-file/index.js';
import {hasPython, posixHolder, release} from '../helpers/holders.js';
import {runCli} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';

const none: LayoutEvidence = {serverLockExists: false, present: {}, held: {}};
/** The evidence in the words of the two-layout days: serverlock files there or locked, byte locks held. */
const evidence = (e: {serverLockExists?: boolean; serverlockFilesExist?: boolean; filesLocksHeld?: boolean; rangeLocksHeld?: boolean}): LayoutEvidence => ({
	serverLockExists: e.serverLockExists ?? false,
	present: {files: e.serverlockFilesExist ?? false},
	held: {files: e.filesLocksHeld ?? false, ranges: e.rangeLocksHeld ?? false},
});

test('detectLayout: new → files; server.lock alone → ranges; serverlock files → files; byte locks → ranges; both → mixed', () => {
	assert.deepEqual(detectLayout(none), {layout: 'files', because: 'new'});
	assert.deepEqual(detectLayout(evidence({serverLockExists: true})), {layout: 'ranges', because: 'server-lock-only'});
	assert.deepEqual(detectLayout(evidence({serverLockExists: true, serverlockFilesExist: true})), {layout: 'files', because: 'files'});
	assert.deepEqual(detectLayout(evidence({serverLockExists: true, filesLocksHeld: true})), {layout: 'files', because: 'files'});
	assert.deepEqual(detectLayout(evidence({serverLockExists: true, rangeLocksHeld: true})), {layout: 'ranges', because: 'ranges'});
	assert.deepEqual(detectLayout(evidence({serverLockExists: true, rangeLocksHeld: true, serverlockFilesExist: true})), {layout: 'mixed', because: 'both'});
});

test('chooseLayout: auto follows the directory; --layout may only pick where the directory does not say; mixed is refused', () => {
	assert.equal(chooseLayout('auto', {layout: 'files', because: 'new'}), 'files');
	assert.equal(chooseLayout('ranges', {layout: 'files', because: 'new'}), 'ranges');
	assert.equal(chooseLayout('files', {layout: 'ranges', because: 'server-lock-only'}), 'files');
	assert.throws(() => chooseLayout('ranges', {layout: 'files', because: 'files'}), /contradicts/);
	assert.throws(() => chooseLayout('files', {layout: 'ranges', because: 'ranges'}), /contradicts/);
	assert.throws(() => chooseLayout('auto', {layout: 'mixed', because: 'both'}), /two lock layouts/);
});

test('property: the decision is total, and mixed exactly when both kinds of evidence are there', () => {
	fc.assert(fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (serverLockExists, serverlockFilesExist, filesLocksHeld, rangeLocksHeld) => {
		const {layout} = detectLayout(evidence({serverLockExists, serverlockFilesExist, filesLocksHeld, rangeLocksHeld}));
		const files = serverlockFilesExist || filesLocksHeld;
		assert.equal(layout === 'mixed', files && rangeLocksHeld);
		if (files && !rangeLocksHeld) assert.equal(layout, 'files');
		if (rangeLocksHeld && !files) assert.equal(layout, 'ranges');
		for (const choice of ['auto', 'files', 'ranges'] as const) {
			try {
				const chosen = chooseLayout(choice, {layout, because: 'files'});
				assert.notEqual(layout, 'mixed');
				assert.ok(choice === 'auto' || chosen === layout);
			} catch (error) {
				assert.ok(layout === 'mixed' || choice !== layout, String(error));
			}
		}
	}));
});

test('lockTargets: bytes 0–2 of server.lock (ranges); whole files server.lock/serverlock.0, serverlock.1, serverlock.2 (files)', () => {
	const ranges = lockTargets('ranges', '/d');
	assert.deepEqual([ranges.state, ranges.live, ranges.backup].map(target => [path.basename(target.file), target.range.start, target.range.length]), [['server.lock', 0, 1], ['server.lock', 1, 1], ['server.lock', 2, 1]]);
	const files = lockTargets('files', '/d');
	assert.deepEqual([files.state, files.live, files.backup].map(target => [path.basename(target.file), target.range.start, target.range.length]), [['server.lock', 0, 0], ['serverlock.1', 0, 0], ['serverlock.2', 0, 0]]);
	assert.equal(path.basename(lockTargets('files', '/d', {serverlock0: true}).state.file), 'serverlock.0');
});

function group(dir: string, files: boolean): void {
	const bytes = encodeNewLockFile();
	bytes[0] = STATE.live;
	fs.writeFileSync(path.join(dir, 'server.lock'), bytes);
	if (files) for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(dir, name), '');
}

test('probe: JVM-style whole-file locks on serverlock.1/.2 are the files layout, named with their pids', {skip: !hasPython && 'python3 is needed for a POSIX lock holder'}, async () => {
	const temp = tempDir();
	group(temp.dir, true);
	const primary = await posixHolder(path.join(temp.dir, 'serverlock.1'), 0, 0);
	const backup = await posixHolder(path.join(temp.dir, 'serverlock.2'), 0, 0);
	try {
		const probe = probeLockFile(temp.file);
		assert.equal(probe.layout, 'files');
		assert.deepEqual(probe.locks.live.holders.map(holder => [holder.pid, holder.kind]), [[primary.pid, 'POSIX']]);
		assert.deepEqual(probe.locks.backup.holders.map(holder => [holder.pid, holder.kind]), [[backup.pid, 'POSIX']]);
		assert.equal(probe.locks.live.file, path.join(temp.dir, 'serverlock.1'));
		const status = await runCli(['status', temp.dir, '--json']);
		assert.equal(status.code, 0, status.stdout + status.stderr);
		const report = JSON.parse(status.stdout);
		assert.equal(report.layout, 'files');
		assert.equal(report.verdict, 'healthy');
	} finally {
		await release(primary);
		await release(backup);
		temp.cleanup();
	}
});

test('probe: a whole-file lock on server.lock is the momentary state lock, never a live or backup lock', {skip: !hasPython && 'python3 is needed for a POSIX lock holder'}, async () => {
	const temp = tempDir();
	group(temp.dir, false);
	const stateLock = await posixHolder(temp.file, 0, 0);
	try {
		const probe = probeLockFile(temp.file);
		assert.equal(probe.layout, 'ranges');
		assert.equal(probe.locks.live.locked, false, 'whole-file state lock taken for the live lock');
		assert.equal(probe.locks.backup.locked, false);
		assert.equal(probe.locks.state.locked, true);
		assert.deepEqual(probe.locks.state.holders.map(holder => holder.pid), [stateLock.pid]);
	} finally {
		await release(stateLock);
		temp.cleanup();
	}
});

test('mixed layout: a byte-1 lock on server.lock beside serverlock files is CRITICAL; a node refuses to start there; --layout may not contradict the directory', {skip: !hasPython && 'python3 is needed for a POSIX lock holder'}, async () => {
	const temp = tempDir();
	group(temp.dir, true);
	const oldLive = await posixHolder(temp.file, 1);
	try {
		assert.equal(layoutOfDirectory(temp.dir).layout, 'mixed');
		const status = await runCli(['status', temp.dir, '--json']);
		assert.equal(status.code, 2);
		assert.equal(JSON.parse(status.stdout).verdict, 'mixed-layout');
		const before = fs.readFileSync(temp.file);
		const node = await runCli(['node', temp.dir, '--role', 'backup']);
		assert.equal(node.code, 3, node.stdout + node.stderr);
		assert.match(node.stderr, /two lock layouts/);
		assert.equal(node.stderr.trim().split('\n').length, 1);
		assert.deepEqual(fs.readFileSync(temp.file), before);
	} finally {
		await release(oldLive);
	}

	// Without the old live: the directory shows the files layout, and --layout ranges contradicts it.
	const node = await runCli(['node', temp.dir, '--role', 'backup', '--layout', 'ranges']);
	assert.equal(node.code, 3);
	assert.match(node.stderr, /contradicts/);
	temp.cleanup();
});
