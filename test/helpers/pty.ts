// Runs a command on a pseudo-terminal of a given size (python's pty module: no native addon),
// streaming what it draws and forwarding keys. For the TUI benchmark.
import {spawn, type ChildProcess} from 'node:child_process';
import {monotonicMs} from '../../source/time.js';

// eslint-disable-next-line no-control-regex
const ansi = /\u001B\[[\d;?]*[A-Za-z]|\u001B[()][\dA-Za-z]|\u001B[=>78]/g;

/** What a person would read: the terminal's escape sequences removed. */
export const stripAnsi = (text: string): string => text.replaceAll(ansi, '');

const relay = `
import fcntl, os, pty, select, struct, sys, termios
cols, rows = int(sys.argv[1]), int(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[3], sys.argv[3:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
sys.stderr.write('PID %d\\n' % pid); sys.stderr.flush()
out = sys.stdout.buffer
while True:
    ready, _, _ = select.select([fd, 0], [], [])
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out.write(data); out.flush()
    if 0 in ready:
        data = os.read(0, 1024)
        if not data:
            break
        os.write(fd, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;

export type Pty = {
	child: ChildProcess;
	/** pid of the program on the terminal (not the relay). */
	pid: Promise<number>;
	/** Everything drawn so far. */
	output(): string;
	/**
	 * Waits until the text without escape sequences matches: resolves with the monotonic time
	 * (ms) at which the chunk that completed the match arrived. Event-driven (no busy loop: on two
	 * cores a spinning waiter would steal a core from the program being measured).
	 */
	waitForScreen(pattern: RegExp, options?: {from?: number; timeoutMs?: number}): Promise<number>;
	write(keys: string): void;
	/** SIGKILLs the program and the relay; resolves when the relay is gone (bounded). */
	kill(): Promise<void>;
};

export function openPty(command: string[], options: {columns?: number; rows?: number; env?: NodeJS.ProcessEnv} = {}): Pty {
	const env: NodeJS.ProcessEnv = {...process.env, TERM: 'xterm-256color', ...options.env};
	// Ink prints only the last frame when it thinks it runs in CI: a live screen needs CI unset.
	delete env.CI;
	delete env.CONTINUOUS_INTEGRATION;
	const child = spawn('python3', ['-c', relay, String(options.columns ?? 100), String(options.rows ?? 30), ...command], {stdio: ['pipe', 'pipe', 'pipe'], env});
	let text = '';
	const listeners = new Set<() => void>();
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		text += chunk;
		for (const listener of listeners) listener();
	});
	const pid = new Promise<number>((resolve, reject) => {
		let error = '';
		child.stderr!.setEncoding('utf8');
		child.stderr!.on('data', (chunk: string) => {
			error += chunk;
			const match = /PID (\d+)/.exec(error);
			if (match) resolve(Number(match[1]));
		});
		child.once('exit', () => reject(new Error(`pty relay exited: ${error}`)));
	});
	let programPid: number | undefined;
	pid.then(value => {
		programPid = value;
	}, () => {});
	const waitUntil = (matches: () => boolean, pattern: RegExp, timeoutMs: number) => new Promise<number>((resolve, reject) => {
		const check = () => {
			if (!matches()) return;
			const at = monotonicMs();
			listeners.delete(check);
			clearTimeout(timer);
			resolve(at);
		};

		const timer = setTimeout(() => {
			listeners.delete(check);
			reject(new Error(`screen never showed ${pattern} within ${timeoutMs} ms; last screen:\n${stripAnsi(text.slice(-3000))}`));
		}, timeoutMs);
		listeners.add(check);
		check();
	});

	return {
		child,
		pid,
		output: () => text,
		write: keys => child.stdin!.write(keys),
		waitForScreen(pattern, {from = 0, timeoutMs = 5000} = {}) {
			return waitUntil(() => pattern.test(stripAnsi(text.slice(from))), pattern, timeoutMs);
		},
		async kill() {
			// The program is in its own session (pty.fork): killing the relay alone would orphan it.
			for (const target of [programPid, child.pid]) {
				try {
					if (target !== undefined) process.kill(target, 'SIGKILL');
				} catch {}
			}

			if (child.exitCode !== null || child.signalCode !== null) return;
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, 2000);
				child.once('exit', () => {
					clearTimeout(timer);
					resolve();
				});
			});
		},
	};
}
