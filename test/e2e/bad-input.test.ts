// Every bad input: exit 3, one line on stderr naming the file and the cause, no stack trace,
// and the file untouched (nothing created, truncated or changed).
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {after, before, test} from 'node:test';
import {runCli} from '../helpers/cli.js';
import {cannotRunNodeAs, runCliAs} from '../helpers/portable.js';
import {tempDir} from '../helpers/temp.js';

let temp: ReturnType<typeof tempDir>;
before(() => {
	temp = tempDir();
});
after(() => temp.cleanup());

function snapshotOf(file: string): string {
	try {
		const stat = fs.lstatSync(file);
		return `${stat.mode}:${stat.size}:${stat.mtimeMs}:${stat.isFile() ? fs.readFileSync(file).toString('hex') : ''}`;
	} catch {
		return 'absent';
	}
}

async function expectRefused(args: string[], file: string, cause: RegExp, options: {run?: (args: string[]) => Promise<Awaited<ReturnType<typeof runCli>>>} = {}) {
	const before = snapshotOf(file);
	const result = await (options.run ?? runCli)(args);
	assert.equal(result.code, 3, `exit code for ${args.join(' ')}: ${result.stderr}`);
	const lines = result.stderr.trim().split('\n');
	assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
	assert.ok(lines[0].includes(file), `names ${file}: ${lines[0]}`);
	assert.match(lines[0], cause);
	assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
	assert.equal(snapshotOf(file), before, 'file untouched');
	return result;
}

// watch waits for a lock file that is not there yet (issue 14 §5): only status refuses those.
const waitedFor = new Set(['missing file', 'directory without server.lock']);
const cases: Array<[string, () => string, RegExp]> = [
	['missing file', () => path.join(temp.dir, 'missing.lock'), /no such file or directory/],
	['empty file', () => {
		const file = path.join(temp.dir, 'empty.lock');
		fs.writeFileSync(file, '');
		return file;
	}, /is empty \(0 bytes\)/],
	['short file', () => {
		const file = path.join(temp.dir, 'short.lock');
		fs.writeFileSync(file, 'L0');
		return file;
	}, /too short \(2 bytes\)/],
	['file of random bytes (1 MiB)', () => {
		const file = path.join(temp.dir, 'random.lock');
		fs.writeFileSync(file, crypto.randomBytes(1024 * 1024));
		return file;
	}, /is not a lock file: 1048576 bytes/],
	['directory without server.lock', () => {
		const dir = path.join(temp.dir, 'journal');
		fs.mkdirSync(dir);
		return path.join(dir, 'server.lock');
	}, /no such file or directory/],
	['symlink loop', () => {
		const a = path.join(temp.dir, 'loop-a');
		fs.symlinkSync(path.join(temp.dir, 'loop-b'), a);
		fs.symlinkSync(a, path.join(temp.dir, 'loop-b'));
		return a;
	}, /symbolic links/],
	['FIFO', () => {
		const fifo = path.join(temp.dir, 'fifo.lock');
		execFileSync('mkfifo', [fifo]);
		return fifo;
	}, /FIFO/],
	['character device', () => '/dev/null', /character device/],
];

for (const [name, make, cause] of cases) {
	test(`status${waitedFor.has(name) ? '' : ' and watch'} refuse a ${name}`, async () => {
		const file = make();
		await expectRefused(['status', file], file, cause);
		const json = await expectRefused(['status', file, '--json'], file, cause);
		const report = JSON.parse(json.stdout);
		assert.equal(report.exitCode, 3);
		assert.equal(report.verdict, 'unknown');
		if (!waitedFor.has(name)) await expectRefused(['watch', file], file, cause);
	});
}

test('node refuses a FIFO, a symlink loop and a missing directory (without --create-dir)', async () => {
	const fifo = path.join(temp.dir, 'node-fifo.lock');
	execFileSync('mkfifo', [fifo]);
	await expectRefused(['node', fifo, '--role', 'live'], fifo, /FIFO/);
	const loop = path.join(temp.dir, 'node-loop-a');
	fs.symlinkSync(path.join(temp.dir, 'node-loop-b'), loop);
	fs.symlinkSync(loop, path.join(temp.dir, 'node-loop-b'));

	await expectRefused(['node', loop, '--role', 'backup'], loop, /symbolic links/);
	const deep = path.join(temp.dir, 'no', 'such', 'dir', 'server.lock');
	await expectRefused(['node', deep, '--role', 'live'], deep, /does not exist \(--create-dir creates it\)/);
	assert.equal(fs.existsSync(path.join(temp.dir, 'no')), false, 'no directory created');
});

// A symlink to /dev/zero (a path users type: a link to the shared disk gone wrong) and somebody's
// 64-byte file: node said "node on … → /dev/zero" and then the refusal (two lines), and made
// serverlock.1/.2 in /dev, or beside the file, before refusing. Now one line, nothing made.
test('node refuses a symlink to /dev/zero and a 64-byte file of garbage in one line; nothing made beside them', async () => {
	const dir = path.join(temp.dir, 'node-bad');
	fs.mkdirSync(dir);
	const zero = path.join(dir, 'zero.lock');
	fs.symlinkSync('/dev/zero', zero);
	const garbage = path.join(dir, 'garbage.lock');
	fs.writeFileSync(garbage, crypto.randomBytes(64));
	const linkedDir = path.join(temp.dir, 'node-linked');
	fs.mkdirSync(linkedDir);
	fs.symlinkSync('/dev/zero', path.join(linkedDir, 'server.lock'));
	const listing = (where: string) => fs.readdirSync(where).sort().join(' ');
	const devBefore = ['serverlock.1', 'serverlock.2', 'server.1.lock'].map(name => fs.existsSync(path.join('/dev', name)));
	for (const role of ['primary', 'backup']) {
		const before = listing(dir);
		const linked = await expectRefused(['node', zero, '--role', role], zero, /^ha-tui: \S+zero\.lock → \/dev\/zero: is a character device, not a lock file$/);
		assert.equal(linked.stdout, '', 'no node event');
		await expectRefused(['node', garbage, '--role', role], garbage, /: is not a lock file: 64 bytes/);
		// The directory typed, its server.lock a link to /dev/zero.
		await expectRefused(['node', linkedDir, '--role', role], linkedDir, /→ \/dev\/zero: is a character device/);
		assert.equal(listing(dir), before, 'no serverlock files beside them');
		assert.equal(listing(linkedDir), 'server.lock');
	}

	assert.deepEqual(['serverlock.1', 'serverlock.2', 'server.1.lock'].map(name => fs.existsSync(path.join('/dev', name))), devBefore, 'nothing made in /dev');
});

// Run from a copy any user can read (helpers/portable.ts): the checkout itself may be under a
// directory nobody cannot traverse, e.g. a clone in /root/src or in a 0700 mktemp folder.
const asNobody = process.getuid?.() !== 0 ? 'needs root to drop to nobody' : cannotRunNodeAs(65_534, 65_534);
test('no permission: refused with one line', {skip: asNobody ?? false}, async () => {
	const dir = path.join(temp.dir, 'private');
	fs.mkdirSync(dir, {mode: 0o700});
	const file = path.join(dir, 'server.lock');
	fs.writeFileSync(file, Buffer.alloc(19, 0x30), {mode: 0o600});
	fs.chmodSync(temp.dir, 0o755);
	await expectRefused(['status', file], file, /permission denied/, {run: async args => runCliAs(args, 65_534, 65_534)});
	// The directory typed, as operators do: status and doctor said "no lock file here: looked
	// for …" of a directory they could not look into, where watch said "permission denied".
	for (const command of ['status', 'doctor', 'watch']) {
		await expectRefused([command, dir], file, /permission denied/, {run: async args => runCliAs(args, 65_534, 65_534)});
	}
});

test('usage errors exit 3 with one line', async () => {
	const result = await runCli(['node', path.join(temp.dir, 'x.lock')]);
	assert.equal(result.code, 3);
	assert.match(result.stderr, /--role primary or --role backup/);
	const help = await runCli(['--help']);
	assert.equal(help.code, 0);
	assert.match(help.stdout, /ha-tui status <file\|dir>/);
});

// A database URL typed where a command takes a file: history quoted it, password and all, in a
// raw Node error ("ENOENT: no such file or directory, stat 'postgresql://u:sekret@…'"). Every
// password on the command line is a secret before any command runs.
test('a database URL where a file is meant: one line, exit 3, the password never printed', async () => {
	const url = 'postgresql://u:sekret@127.0.0.1:1/db';
	for (const args of [['history', url], ['history', url, '--json'], ['history', `jdbc:postgresql://127.0.0.1:1/db?user=u&password=sekret`], ['watch', temp.dir, '--record', url], ['history', `--since=${url}`, path.join(temp.dir, 'none')]]) {
		const result = await runCli(args);
		assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
		assert.doesNotMatch(result.stdout + result.stderr, /sekret/, args.join(' '));
		assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
		if (args[0] === 'history') assert.doesNotMatch(result.stderr, /ENOENT|stat '/, 'not a raw Node error');
	}

	const history = await runCli(['history', url]);
	assert.match(history.stderr, /^ha-tui: postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/db: history reads the record files/);
});
