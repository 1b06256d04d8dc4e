// Runs the compiled CLI as a real process.
import {spawn, type ChildProcess} from 'node:child_process';
import {cliPath as binPath} from './spawned.js';
import {tempDir} from './temp.js';

/** The shipped bin (the bundle of dist/cli.js, see scripts/bundle.js): what users run. */
export const cliPath = binPath();

export {runCli, type RunResult as Result} from './spawned.js';

export type NodeProcess = {
	child: ChildProcess;
	events: Array<Record<string, unknown> & {event: string; mono: number; pid: number}>;
	/** Resolves with the first event of that name (or already seen). */
	next(event: string, timeoutMs?: number): Promise<Record<string, unknown> & {mono: number}>;
	exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
};

/** `ha-tui node`, with its NDJSON events parsed as they come. */
export function startNode(file: string, role: 'live' | 'backup', extra: string[] = []): NodeProcess {
	const child = spawn(process.execPath, [cliPath, 'node', file, '--role', role, ...extra], {stdio: ['ignore', 'pipe', 'inherit']});
	const events: NodeProcess['events'] = [];
	const listeners = new Set<() => void>();
	let buffer = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		buffer += chunk;
		let newline;
		while ((newline = buffer.indexOf('\n')) !== -1) {
			const line = buffer.slice(0, newline);
			buffer = buffer.slice(newline + 1);
			if (line.trim()) events.push(JSON.parse(line));
		}

		for (const listener of listeners) listener();
	});
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => {
		child.on('exit', (code, signal) => resolve({code, signal}));
	});
	return {
		child,
		events,
		exited,
		next(event, timeoutMs = 5000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const found = events.find(e => e.event === event);
					if (!found) return;
					listeners.delete(check);
					clearTimeout(timer);
					resolve(found);
				};

				const timer = setTimeout(() => {
					listeners.delete(check);
					reject(new Error(`no "${event}" event from ${role} within ${timeoutMs} ms; saw: ${events.map(e => e.event).join(', ')}`));
				}, timeoutMs);
				listeners.add(check);
				check();
			});
		},
	};
}

/**
 * `ha-tui node` processes on one fresh temp lock file, all SIGKILLed by cleanup():
 * call `group = nodeGroup()` in beforeEach and `await group.cleanup()` in afterEach.
 */
export function nodeGroup() {
	const temp = tempDir();
	const nodes: NodeProcess[] = [];
	return {
		file: temp.file,
		dir: temp.dir,
		start(role: 'live' | 'backup', extra: string[] = []): NodeProcess {
			const node = startNode(temp.file, role, extra);
			nodes.push(node);
			return node;
		},
		async cleanup(): Promise<void> {
			for (const node of nodes) if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
			await Promise.all(nodes.map(async node => node.exited));
			temp.cleanup();
		},
	};
}
