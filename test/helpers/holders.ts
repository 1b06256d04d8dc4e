// Child processes that hold a lock on a byte until told to stop, for probe tests.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Resolves once a holder printed that it holds its lock; rejects if it exits first. */
export async function ready(child: ChildProcess): Promise<void> {
	let text = '';
	child.stdout!.setEncoding('utf8');
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (chunk: string) => {
			text += chunk;
			if (text.includes('locked')) resolve();
		});
		child.once('exit', code => reject(new Error(`holder exited with ${code} before locking: ${text}`)));
	});
}

/**
 * A python process holding a POSIX (fcntl F_SETLK) write lock, as a JVM would: one byte at
 * `offset`, or with length 0 from there to the end of the file (Java's whole-file tryLock()).
 */
export async function posixHolder(file: string, offset: number, length = 1): Promise<ChildProcess> {
	const child = spawn('python3', ['-c', `
import fcntl, sys
f = open(sys.argv[1], 'r+b')
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, ${length}, ${offset}, 0)
print('locked', flush=True)
sys.stdin.read()
`, file], {stdio: ['pipe', 'pipe', 'inherit']});
	await ready(child);
	return child;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** A node process holding an OFD write lock on one byte through our own fcntl binding. */
export async function ofdHolder(file: string, offset: number): Promise<ChildProcess> {
	const fcntl = path.join(here, '../../source/lock-file/fcntl.js');
	const child = spawn(process.execPath, ['--input-type=module', '-e', `
import fs from 'node:fs';
import {tryLockByte} from ${JSON.stringify(fcntl)};
const fd = fs.openSync(process.argv[1], 'r+');
if (!tryLockByte(fd, ${offset})) process.exit(9);
console.log('locked');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`, file], {stdio: ['pipe', 'pipe', 'inherit']});
	await ready(child);
	return child;
}

export async function release(child: ChildProcess): Promise<void> {
	// A killed child has a signalCode and no exitCode: already gone either way.
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.kill('SIGKILL');
	await once(child, 'exit');
}

/**
 * A python process holding flock(LOCK_EX) on a file, as HornetQ's native AIO layer does
 * (AIOFileLockNodeManager: server.1.lock, server.2.lock). Creates the file (empty) if missing,
 * as the native openFile does.
 */
export async function flockHolder(file: string): Promise<ChildProcess> {
	const child = spawn('python3', ['-c', `
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o666)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
print('locked', flush=True)
sys.stdin.read()
`, file], {stdio: ['pipe', 'pipe', 'inherit']});
	await ready(child);
	return child;
}

/** Can a separate process take flock(LOCK_EX|LOCK_NB) on the file right now? (It lets go at once.) */
export function flockIsFree(file: string): boolean {
	const result = spawnSync('python3', ['-c', `
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print('free')
except BlockingIOError:
    print('held')
`, file], {encoding: 'utf8'});
	return result.stdout.trim() === 'free';
}
