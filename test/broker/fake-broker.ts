// A python process that looks like an Artemis broker in /proc (its argv carries
// `-Dartemis.instance=… org.apache.activemq.artemis.boot.Artemis run`) and holds POSIX fcntl
// locks as a JVM does, so brokerOf() and doctor can be tested without a JVM.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {ARTEMIS_MAIN} from '../../source/broker/cmdline.js';

export const hasPython = spawnSync('python3', ['--version']).status === 0;
export const isRoot = process.getuid?.() === 0;
export const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

/** test/fixtures/… from dist/test/broker or test/broker. */
export function fixture(...parts: string[]): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	while (!fs.existsSync(path.join(dir, 'test', 'fixtures'))) {
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error('test/fixtures not found');
		dir = parent;
	}

	return path.join(dir, 'test', 'fixtures', ...parts);
}

/** Copies a fixture instance (test/fixtures/artemis/NAME) to dir/NAME and returns its path. */
export function copyInstance(name: string, dir: string): string {
	const target = path.join(dir, name);
	fs.cpSync(fixture('artemis', name), target, {recursive: true});
	return target;
}

export type LockSpec = {file: string; start?: number; length?: number};

const script = `
import fcntl, os, sys
args = sys.argv[1:]
locks = args[args.index('--locks') + 1:] if '--locks' in args else []
held = []
for spec in locks:
    name, start, length = spec.rsplit(':', 2)
    f = open(name, 'r+b')
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, int(length), int(start), 0)
    held.append(f)
print('locked', flush=True)
sys.stdin.read()
`;

export type FakeBrokerOptions = {
	/** -D properties, e.g. {'artemis.instance': dir, 'data.dir': shared}. */
	properties?: Record<string, string>;
	locks?: LockSpec[];
	/** Run as this uid/gid (needs root and setpriv). */
	user?: {uid: number; gid: number};
	/** Not a broker: no Artemis main class in argv. */
	plain?: boolean;
};

/** Starts the fake broker and resolves once its locks are held. */
export async function fakeBroker(options: FakeBrokerOptions = {}): Promise<ChildProcess> {
	const properties = Object.entries(options.properties ?? {}).map(([key, value]) => `-D${key}=${value}`);
	const locks = (options.locks ?? []).map(lock => `${lock.file}:${lock.start ?? 0}:${lock.length ?? 0}`);
	const argv = ['-c', script, ...properties, '--add-opens', 'java.base/jdk.internal.misc=ALL-UNNAMED', ...(options.plain ? [] : [ARTEMIS_MAIN, 'run']), '--locks', ...locks];
	// Another user may not reach a python under root's home (pyenv): use the system one then.
	const [command, args] = options.user
		? ['setpriv', [`--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, '--clear-groups', fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', ...argv]]
		: ['python3', argv];
	const child = spawn(command, args as string[], {stdio: ['pipe', 'pipe', 'pipe']});
	let output = '';
	child.stdout!.setEncoding('utf8');
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (chunk: string) => {
		output += chunk;
	});
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (chunk: string) => {
			output += chunk;
			if (output.includes('locked')) resolve();
		});
		child.once('exit', code => reject(new Error(`fake broker exited with ${code} before locking: ${output}`)));
	});
	return child;
}

export async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.kill('SIGKILL');
	await once(child, 'exit');
}

/** A files-layout group directory: server.lock (state, '0','0', a node id) and empty serverlock.1/.2. */
export function makeGroup(dir: string, state = 'L', layout: 'files' | 'ranges' = 'files'): {dir: string; serverLock: string; primaryLock: string; backupLock: string} {
	fs.mkdirSync(dir, {recursive: true});
	const serverLock = path.join(dir, 'server.lock');
	const bytes = Buffer.alloc(19);
	bytes.write(`${state}00`, 0, 'latin1');
	Buffer.from('0123456789abcdef0123456789abcdef', 'hex').copy(bytes, 3);
	fs.writeFileSync(serverLock, bytes);
	const primaryLock = path.join(dir, 'serverlock.1');
	const backupLock = path.join(dir, 'serverlock.2');
	if (layout === 'files') {
		fs.writeFileSync(primaryLock, '');
		fs.writeFileSync(backupLock, '');
	}

	return {dir, serverLock, primaryLock, backupLock};
}

/** Sets the state byte as a broker would (test set-up: the tool under test never writes). */
export function writeState(serverLock: string, state: string): void {
	const fd = fs.openSync(serverLock, 'r+');
	try {
		fs.writeSync(fd, Buffer.from(state, 'latin1'), 0, 1, 0);
	} finally {
		fs.closeSync(fd);
	}
}
