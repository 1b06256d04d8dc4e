// Issue 9 §4: where /proc is restricted (another user's processes, hidepid), `status` still
// reports locked/free right and says the holder is not visible, instead of failing or guessing.
// Run as `nobody` (from a copy of the bin it can read) against locks held by root.
import assert from 'node:assert/strict';
import {spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {after, before, test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {hasPython, ofdHolder, posixHolder, release} from '../helpers/holders.js';
import {cannotRunNodeAs, portableCli, runCliAs} from '../helpers/portable.js';
import {run} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const NOBODY = 65_534;
const skip = process.platform !== 'linux' ? 'Linux /proc' : process.getuid?.() !== 0 ? 'needs root to hold locks as root and drop to nobody' : cannotRunNodeAs(NOBODY, NOBODY);

let temp: ReturnType<typeof tempDir>;
const holders: ChildProcess[] = [];

before(() => {
	temp = tempDir();
	fs.chmodSync(temp.dir, 0o755);
});

after(async () => {
	for (const child of holders) await release(child);
	temp.cleanup();
});

function lockFile(name: string): string {
	const dir = path.join(temp.dir, name);
	fs.mkdirSync(dir, {mode: 0o755});
	const file = path.join(dir, 'server.lock');
	const bytes = encodeNewLockFile();
	bytes[0] = 'L'.charCodeAt(0);
	fs.writeFileSync(file, bytes, {mode: 0o644});
	return file;
}

type Report = {exitCode: number; verdict: string; locks: Record<'live' | 'backup' | 'state', {locked: boolean; holders: Array<{pid: number | null; command: string | null}>}>};

async function statusAsNobody(file: string, extra: string[] = []) {
	const text = await runCliAs(['status', file, ...extra], NOBODY, NOBODY);
	const json = await runCliAs(['status', file, '--json', ...extra], NOBODY, NOBODY);
	const what = `${text.stdout}\n${text.stderr}\n${json.stdout}\n${json.stderr}`;
	assert.doesNotMatch(text.stderr + json.stderr, /\n\s+at |internal error/, what);
	return {text, report: JSON.parse(json.stdout) as Report, what};
}

test('an OFD lock held by root: locked, and "holder not visible", as nobody', {skip: skip ?? false}, async () => {
	const file = lockFile('ofd');
	holders.push(await ofdHolder(file, 1));
	const {text, report, what} = await statusAsNobody(file);
	assert.equal(report.locks.live.locked, true, what);
	assert.equal(report.locks.backup.locked, false, what);
	for (const holder of report.locks.live.holders) assert.equal(holder.command, null, `no guessed command: ${what}`);
	assert.match(text.stdout, /holder not visible \(hidepid \/ other user \/ other host\)/, what);
	assert.ok([0, 1, 2, 3].includes(text.code!), what);
	assert.equal(text.code, report.exitCode);
});

test('a POSIX lock held by root: locked, with the pid the kernel gives, as nobody', {skip: skip || (!hasPython && 'needs python3')}, async () => {
	const file = lockFile('posix');
	const holder = await posixHolder(file, 1);
	holders.push(holder);
	const {report, what} = await statusAsNobody(file);
	assert.equal(report.locks.live.locked, true, what);
	assert.equal(report.locks.live.holders[0]?.pid, holder.pid, what);
});

// hidepid=invisible on a private /proc (a mount namespace of its own): other users' processes
// are gone from /proc entirely, /proc/locks still lists their locks.
const canHidepid = !skip && spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t proc -o hidepid=2 proc /proc']).status === 0;

test('with hidepid=2: still locked, the holder not visible, no guess', {skip: skip ?? (!canHidepid && 'cannot mount a private /proc with hidepid here (unshare -m / mount not permitted)')}, async () => {
	const file = lockFile('hidepid');
	holders.push(await ofdHolder(file, 2));
	const {cli, dir} = portableCli();
	// The mount and the drop to nobody in one child: its /proc hides root's processes.
	const script = `mount -t proc -o hidepid=2 proc /proc && exec setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups "$0" "$@"`;
	const result = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, process.execPath, cli, 'status', file, '--json'], {cwd: dir});
	const what = `${result.stdout}\n${result.stderr}`;
	const report = JSON.parse(result.stdout) as Report;
	assert.equal(report.locks.backup.locked, true, what);
	assert.equal(report.locks.live.locked, false, what);
	for (const holder of report.locks.backup.holders) assert.equal(holder.command, null, what);
	const text = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, process.execPath, cli, 'status', file], {cwd: dir});
	assert.match(text.stdout, /holder not visible \(hidepid \/ other user \/ other host\)/, text.stdout);
});
