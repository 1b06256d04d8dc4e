// Issue 9 §1 end to end: a local user names a process (and a directory) with terminal escape
// sequences and holds a read lock on the lock file; `status` and `watch` print none of them raw.
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {after, before, test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {cliPath} from '../helpers/cli.js';
import {describeControl} from '../helpers/hostile.js';
import {ready} from '../helpers/holders.js';
import {hasPython} from '../helpers/holders.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

// ESC ] 0 ; PWNED BEL (window title), ESC [ 2 J (clear), ESC [ 31 m (red), the UTF-8 form of
// the 8-bit CSI, and a byte that is not UTF-8.
const ARGV0 = '\\033]0;PWNED\\007\\033[2J\\033[31m\\302\\23331m\\377';
const DIR_NAME = '\u001B]0;PWNED\u0007\u001B[2J\u009B31m';

let temp: ReturnType<typeof tempDir>;
let file: string;
const holders: ChildProcess[] = [];
const group = new ProcessGroup();

before(async () => {
	temp = tempDir();
	const dir = path.join(temp.dir, DIR_NAME);
	fs.mkdirSync(dir);
	file = path.join(dir, 'server.lock');
	const bytes = encodeNewLockFile();
	bytes[0] = 'L'.charCodeAt(0);
	fs.writeFileSync(file, bytes);
	// A POSIX read lock on byte 1 (the live lock) from a python renamed by `exec -a`: any user
	// who can read the file can do this.
	const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {encoding: 'utf8'}).stdout.trim();
	const posix = spawn('bash', ['-c', `exec -a "$(printf '${ARGV0}')" "$0" -c "$1" "$2"`, python, `
import fcntl, sys
f = open(sys.argv[1], 'rb')
fcntl.lockf(f, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, 1, 0)
print('locked', flush=True)
sys.stdin.read()
`, file], {stdio: ['pipe', 'pipe', 'inherit']});
	holders.push(posix);
	await ready(posix);
	// An OFD read lock on byte 2 (the backup lock) from a node process with the same name.
	const fcntl = path.join(path.dirname(new URL(import.meta.url).pathname), '../../source/lock-file/fcntl.js');
	const ofd = spawn(process.execPath, ['--input-type=module', '-e', `
import fs from 'node:fs';
import {tryLockByte} from ${JSON.stringify(fcntl)};
const fd = fs.openSync(process.argv[1], 'r');
if (!tryLockByte(fd, 2, 'read')) process.exit(9);
console.log('locked');
process.stdin.resume();
`, file], {stdio: ['pipe', 'pipe', 'inherit'], argv0: '\u001B]0;PWNED\u0007\u001B[2J\u009B31m'});
	holders.push(ofd);
	await ready(ofd);
});

after(async () => {
	for (const child of holders) child.kill('SIGKILL');
	await Promise.all(holders.map(async child => child.exitCode ?? child.signalCode ?? once(child, 'exit')));
	await group.killAll();
	temp.cleanup();
});

/** The raw bytes a terminal would get, checked for ESC, C1 (UTF-8 C2 80–9F) and invalid UTF-8. */
function assertTerminalSafe(what: string, bytes: Buffer) {
	assert.equal(bytes.indexOf(0x1B), -1, `${what}: ESC in ${JSON.stringify(bytes.toString('latin1'))}`);
	assert.equal(bytes.indexOf(0x07), -1, `${what}: BEL`);
	for (let i = 0; i + 1 < bytes.length; i++) assert.ok(!(bytes[i] === 0xC2 && bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9F), `${what}: a C1 control at ${i}`);
	assert.ok(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes), `${what}: not valid UTF-8`);
	assert.equal(describeControl(bytes.toString('utf8').replaceAll('\n', '')), undefined, what);
}

test('status prints a hostile holder command line and directory name as visible escapes', {skip: !hasPython && 'needs python3'}, () => {
	const result = spawnSync(process.execPath, [cliPath, 'status', file]);
	assertTerminalSafe('stdout', result.stdout);
	assertTerminalSafe('stderr', result.stderr);
	const text = result.stdout.toString('utf8');
	assert.match(text, /pid \d+ POSIX — \\x1b]0;PWNED\\x07\\x1b\[2J\\x1b\[31m\\u009b31m/, text);
	assert.match(text, /pid \d+ OFD — \\x1b]0;PWNED\\x07/, text);
	assert.ok(text.includes(String.raw`\x1b]0;PWNED\x07\x1b[2J\u009b31m/server.lock`), `the directory name: ${text}`);
});

test('status --json keeps the exact command line, as valid JSON with no raw control byte', {skip: !hasPython && 'needs python3'}, () => {
	const result = spawnSync(process.execPath, [cliPath, 'status', file, '--json']);
	assertTerminalSafe('stdout', result.stdout);
	const report = JSON.parse(result.stdout.toString('utf8')) as {path: string; locks: Record<string, {holders: Array<{command: string | null}>}>};
	assert.equal(report.path, file);
	assert.ok(report.locks.live.holders[0].command?.startsWith('\u001B]0;PWNED\u0007\u001B[2J\u001B[31m\u009B31m'), report.locks.live.holders[0].command ?? 'no command');
	assert.ok(report.locks.backup.holders[0].command?.startsWith('\u001B]0;PWNED\u0007\u001B[2J\u009B31m'));
});

test('watch, and its errors, print no raw control byte', {skip: !hasPython && 'needs python3'}, async () => {
	const watch = group.cli('watch', ['watch', file]);
	const chunks: Buffer[] = [];
	watch.child.stdout!.removeAllListeners('data');
	watch.child.stdout!.setEncoding(null as unknown as BufferEncoding);
	watch.child.stdout!.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
	try {
		await import('../helpers/wait.js').then(async ({waitFor}) => waitFor('the backup lock line', () => Buffer.concat(chunks).includes('backup lock:')));
	} finally {
		watch.kill('SIGTERM');
		await watch.exited;
	}

	assertTerminalSafe('watch stdout', Buffer.concat(chunks));
	assert.ok(Buffer.concat(chunks).toString('utf8').includes(String.raw`\x1b]0;PWNED`), 'the path, escaped');
	const missing = spawnSync(process.execPath, [cliPath, 'status', path.join(path.dirname(file), 'nope.lock')]);
	assert.equal(missing.status, 3);
	assertTerminalSafe('error line', missing.stderr);
	assert.match(missing.stderr.toString('utf8'), /\\x1b]0;PWNED\\x07.*nope\.lock/);
});
