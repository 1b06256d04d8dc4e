// Issue 14 §1: the lock directory is the directory of the REAL file. A symlink to server.lock
// in another directory once made `ha-tui node` lock its own serverlock files there and write
// F/L into the group's server.lock: the live lost its lock. Real ha-tui nodes, real links,
// real bind mounts (in a private mount namespace), real directories renamed under a check.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, test} from 'node:test';
import {LockFileInputError, STATE, confirmOpened, decodeLockFile, pinGroupDirectory, releasePinned} from '../../source/lock-file/index.js';
import {resolveTarget} from '../../source/target/resolve.js';
import {cliPath, runCli, startNode} from '../helpers/cli.js';
import {ProcessGroup, run} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

let temp: ReturnType<typeof tempDir>;
let group: ProcessGroup;
let journal: string;
let edge: string;
beforeEach(() => {
	temp = tempDir('ha-tui-real-path-');
	journal = path.join(temp.dir, 'shared', 'journal');
	edge = path.join(temp.dir, 'srv', 'edge');
	fs.mkdirSync(journal, {recursive: true});
	fs.mkdirSync(edge, {recursive: true});
	group = new ProcessGroup();
});
afterEach(async () => {
	await group.killAll();
	temp.cleanup();
});

/** A negative observation: `check` holds for the whole window. */
async function holdsFor(windowMs: number, check: () => void): Promise<void> {
	const end = Date.now() + windowMs;
	while (Date.now() < end) {
		check();
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

const lockFile = () => path.join(journal, 'server.lock');
const listing = (directory: string) => fs.readdirSync(directory).sort();
const snapshot = () => ({bytes: fs.readFileSync(lockFile()).toString('hex'), mtimeNs: fs.statSync(lockFile(), {bigint: true}).mtimeNs, names: listing(journal)});

/** A healthy ha-tui pair on the real directory. */
async function pair() {
	const live = startNode(group, journal, 'live');
	await live.next('live');
	const backup = startNode(group, journal, 'backup');
	await backup.next('waiting-live-lock');
	return {live, backup};
}

test('the outage: a node started on a symlink to server.lock works in the real directory; the live keeps its lock; nothing is created beside the link', async () => {
	const {live, backup} = await pair();
	const link = path.join(edge, 'link');
	fs.symlinkSync(lockFile(), link);

	const second = startNode(group, link, 'live');
	// A second primary on the real directory: it announces failback (F) and waits for the live lock.
	await second.next('failing-back');
	assert.match(second.stderr, new RegExp(`node on ${link.replaceAll('/', '\\/')} → ${lockFile().replaceAll('/', '\\/')}`));
	await holdsFor(1000, () => {
		assert.equal(live.find('lost-lock'), undefined, 'the live lost its lock');
		assert.equal(second.find('live'), undefined, 'a second live');
		assert.deepEqual(listing(edge), ['link'], 'nothing may be created beside the link');
	});

	second.child.kill('SIGTERM');
	assert.equal((await second.exited).code, 0);
	assert.equal(decodeLockFile(fs.readFileSync(lockFile())).state, STATE.live, 'the L it replaced is back');
	assert.deepEqual(listing(edge), ['link']);
	assert.equal(live.exit, undefined, 'the live still runs');
	assert.equal(backup.exit, undefined);

	// Read-only on the link: the real directory's verdict, and both paths.
	const status = await runCli(['status', link]);
	assert.equal(status.code, 0, status.stdout + status.stderr);
	assert.match(status.stdout, /^OK: healthy/);
	assert.ok(status.stdout.includes(`${link} → ${lockFile()}`), status.stdout);
	assert.match(status.stdout, /layout {3}files/);
	const json = JSON.parse((await runCli(['status', link, '--json'])).stdout) as {path: string; directory: string; target: {typed: string}};
	assert.equal(json.path, lockFile());
	assert.equal(json.directory, journal);
	assert.equal(json.target.typed, link);
});

test('a symlinked directory, a relative symlink, a symlink chain and /proc/self/fd/N all resolve to the real file', async () => {
	await pair();
	fs.symlinkSync(journal, path.join(edge, 'journal-link'));
	fs.symlinkSync(path.relative(edge, lockFile()), path.join(edge, 'relative'));
	fs.symlinkSync(path.join(edge, 'relative'), path.join(edge, 'chain'));
	for (const name of ['journal-link', 'relative', 'chain', 'journal-link/server.lock']) {
		const target = resolveTarget(path.join(edge, name), {missing: 'error'});
		assert.equal(target.file, lockFile(), name);
		assert.equal(target.directory, journal, name);
	}

	// `ha-tui status /proc/self/fd/3 3<server.lock`: the shell's descriptor, resolved to its file.
	const fd = fs.openSync(lockFile(), 'r');
	try {
		const result = spawnSync(process.execPath, [cliPath, 'status', '/proc/self/fd/3', '--json'], {stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8'});
		assert.equal(result.status, 0, result.stdout + result.stderr);
		assert.equal((JSON.parse(result.stdout) as {path: string}).path, lockFile());
	} finally {
		fs.closeSync(fd);
	}
});

test('a hard link to server.lock in another directory: node refuses (exit 3, one line, nothing written); status says UNKNOWN instead of NO LIVE', async () => {
	const {live} = await pair();
	const hard = path.join(edge, 'hard');
	fs.linkSync(lockFile(), hard);
	const before = snapshot();

	for (const argument of [hard, journal]) {
		const result = await run(process.execPath, [cliPath, 'node', argument, '--role', 'live'], {timeoutMs: 10_000});
		assert.equal(result.code, 3, `${argument}: ${result.stdout}${result.stderr}`);
		assert.equal(result.stdout, '', 'no event: the node never started');
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
		assert.match(result.stderr, /refusing to start a node: .*2 hard links/);
	}

	assert.deepEqual(snapshot(), before, 'not a byte, not a time changed');
	assert.deepEqual(listing(edge), ['hard'], 'no serverlock files beside the hard link');
	assert.equal(live.find('lost-lock'), undefined);

	const status = await runCli(['status', hard]);
	assert.equal(status.code, 3, status.stdout);
	assert.match(status.stdout, /^UNKNOWN — server\.lock has 2 hard links/);
	// The real directory still has its serverlock files: its verdict stands.
	assert.equal((await runCli(['status', journal])).code, 0);
});

test('a symlinked serverlock file: node refuses before creating or locking anything', async () => {
	await pair();
	const elsewhere = path.join(edge, 'serverlock.2');
	fs.writeFileSync(elsewhere, '');
	const other = tempDir('ha-tui-real-path-other-');
	try {
		fs.copyFileSync(lockFile(), other.file);
		fs.writeFileSync(path.join(other.dir, 'serverlock.1'), '');
		fs.symlinkSync(elsewhere, path.join(other.dir, 'serverlock.2'));
		const before = listing(other.dir);
		const bytes = fs.readFileSync(other.file);
		const result = await run(process.execPath, [cliPath, 'node', other.dir, '--role', 'backup'], {timeoutMs: 10_000});
		assert.equal(result.code, 3, result.stdout + result.stderr);
		assert.match(result.stderr, /serverlock\.2 is a symbolic link/);
		assert.deepEqual(listing(other.dir), before);
		assert.deepEqual(fs.readFileSync(other.file), bytes);
	} finally {
		other.cleanup();
	}
});

const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;

test('a bind-mounted serverlock file (another directory\'s, in a private mount namespace): node refuses', {skip: canMount ? false : 'needs root and unshare -m for a private bind mount'}, async () => {
	await pair();
	const other = path.join(edge, 'serverlock.1');
	fs.writeFileSync(other, '');
	// Inside its own mount namespace: the bind mount vanishes with the process.
	const script = `mount --bind ${JSON.stringify(other)} ${JSON.stringify(path.join(journal, 'serverlock.1'))} && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} node ${JSON.stringify(journal)} --role backup`;
	const before = snapshot();
	const result = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {timeoutMs: 10_000});
	assert.equal(result.code, 3, result.stdout + result.stderr);
	assert.match(result.stderr, /serverlock\.1 is a mount point/);
	assert.deepEqual(snapshot(), before);
});

test('the directory renamed and replaced between the check and the open: the node refuses', () => {
	const directory = path.join(temp.dir, 'swap');
	fs.mkdirSync(directory);
	fs.writeFileSync(path.join(directory, 'server.lock'), Buffer.from('L00abcdefghijklmnop'));
	const pinned = pinGroupDirectory(path.join(directory, 'server.lock'));
	try {
		const opened = fs.openSync(path.join(directory, 'server.lock'), 'r');
		const stat = fs.fstatSync(opened);
		fs.closeSync(opened);
		const file = {path: path.join(directory, 'server.lock'), device: stat.dev, inode: stat.ino};
		confirmOpened(pinned, [file]);
		fs.renameSync(directory, `${directory}.old`);
		fs.mkdirSync(directory);
		fs.copyFileSync(path.join(`${directory}.old`, 'server.lock'), path.join(directory, 'server.lock'));
		assert.throws(() => confirmOpened(pinned, [file]), (error: unknown) => error instanceof LockFileInputError && /renamed or replaced/.test(error.message));
	} finally {
		releasePinned(pinned);
	}
});

test('status and doctor name what they looked for in a directory without a lock file; watch waits for one', async () => {
	const empty = path.join(temp.dir, 'empty');
	fs.mkdirSync(empty);
	for (const command of ['status', 'doctor']) {
		const result = await runCli([command, empty]);
		assert.equal(result.code, 3, result.stdout);
		assert.equal(result.stderr.trim().split('\n').length, 1);
		assert.ok(result.stderr.includes(`no lock file here: looked for ${path.join(empty, 'server.lock')}, ${path.join(empty, 'journal', 'server.lock')} (a data directory) and ${path.join(empty, 'etc', 'broker.xml')} (an Artemis instance)`), result.stderr);
	}

	const watch = group.cli('watch', ['watch', empty]);
	await watch.waitLine('waiting line', line => line.includes(`waiting for ${path.join(empty, 'server.lock')}: no lock file yet`));
	const live = startNode(group, empty, 'live');
	await live.next('live');
	await watch.waitLine('appeared', line => line.includes('appeared'));
	await watch.waitLine('live lock', line => /live lock: .*pid/.test(line));
	assert.equal(watch.exit, undefined);
});
