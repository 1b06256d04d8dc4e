// A shared-store node written in python, in the files layout (Artemis ≥ 2.10): a primary
// locks serverlock.1 and writes L; a backup locks serverlock.2, waits (blocking lockf, like
// Java's FileChannel.lock()) for serverlock.1, then writes L and drops serverlock.2. POSIX
// locks, as a JVM takes them. Small (≈ 10 MB), so tests can run fifty groups of them.
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {encodeNewLockFile} from '../../source/lock-file/index.js';

const script = `
import fcntl, os, sys, time
directory, role = sys.argv[1], sys.argv[2]
def hold(name, wait):
    f = open(os.path.join(directory, name), 'a+b')
    fcntl.lockf(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB), 0, 0, 0)
    return f
def write_state(byte):
    with open(os.path.join(directory, 'server.lock'), 'r+b') as f:
        f.seek(0); f.write(byte); f.flush(); os.fsync(f.fileno())
if role == 'backup':
    backup = hold('serverlock.2', True)
    print('backup', flush=True)
live = hold('serverlock.1', True)
write_state(b'L')
if role == 'backup':
    fcntl.lockf(backup, fcntl.LOCK_UN); backup.close()
print('live', flush=True)
while True:
    time.sleep(3600)
`;

/** Creates DIR/server.lock (a new group) unless there. */
export function newGroupDirectory(directory: string): void {
	fs.mkdirSync(directory, {recursive: true});
	const file = path.join(directory, 'server.lock');
	if (!fs.existsSync(file)) fs.writeFileSync(file, encodeNewLockFile());
}

export type PythonPeer = {child: ChildProcess; role: 'live' | 'backup'; live: Promise<void>; ready: Promise<void>};

/** Starts a peer; `ready` resolves when it holds its first lock, `live` when it holds the live lock. */
export function pythonPeer(directory: string, role: 'live' | 'backup'): PythonPeer {
	const child = spawn('python3', ['-c', script, directory, role], {stdio: ['ignore', 'pipe', 'inherit']});
	let text = '';
	child.stdout!.setEncoding('utf8');
	const seen = (word: string) => new Promise<void>((resolve, reject) => {
		const check = () => {
			if (text.includes(word)) resolve();
		};

		child.stdout!.on('data', (chunk: string) => {
			text += chunk;
			check();
		});
		child.once('exit', code => reject(new Error(`python peer (${role}) exited with ${code} before "${word}"`)));
	});
	const live = seen('live');
	const ready = role === 'backup' ? seen('backup') : live;
	// The peer may be killed before it goes live: that is no unhandled rejection.
	live.catch(() => {});
	ready.catch(() => {});
	return {child, role, live, ready};
}

/**
 * A new group in `directory` with a python primary holding the live lock and a python backup
 * queued behind it (both pushed to `peers`: the caller kills them).
 */
export async function pythonPair(directory: string, peers: PythonPeer[]): Promise<{live: PythonPeer; backup: PythonPeer}> {
	newGroupDirectory(directory);
	const live = pythonPeer(directory, 'live');
	peers.push(live);
	await live.live;
	const backup = pythonPeer(directory, 'backup');
	peers.push(backup);
	await backup.ready;
	return {live, backup};
}
