// The one child-process wrapper for tests: stdout lines (and NDJSON events) captured and
// awaited as they arrive, stderr kept for failure messages, and a group that SIGKILLs
// whatever is still running (call killAll() in `after`/finally).
import {spawn, type ChildProcess, type SpawnOptions} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';

/** The repository root (the directory with ha-tui's package.json), from dist/test/… or test/…. */
export function repoRoot(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const manifest = path.join(dir, 'package.json');
		if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as {name?: string}).name === 'ha-tui') return dir;
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error('ha-tui package.json not found above ' + fileURLToPath(import.meta.url));
		dir = parent;
	}
}

/** The shipped bin (the bundle of dist/cli.js, see scripts/bundle.js). */
export const cliPath = (): string => path.join(repoRoot(), 'dist', 'bin', 'cli.js');

export type Exit = {code: number | null; signal: NodeJS.Signals | null};

/** One line of NDJSON output (an `ha-tui node` event, a `watch --json` report). */
export type Event = Record<string, unknown> & {event?: string; mono?: number};

export class Spawned {
	readonly lines: string[] = [];
	private readonly parsed: Event[] = [];
	private readonly listeners = new Set<() => void>();
	private stderrText = '';
	private partial = '';
	exit: Exit | undefined;
	readonly exited: Promise<Exit>;

	constructor(readonly name: string, readonly child: ChildProcess, private readonly groupLeader = false) {
		child.stdout?.setEncoding('utf8');
		child.stdout?.on('data', (chunk: string) => {
			const parts = (this.partial + chunk).split('\n');
			this.partial = parts.pop() ?? '';
			for (const line of parts) this.addLine(line);
			this.notify();
		});
		child.stderr?.setEncoding('utf8');
		child.stderr?.on('data', (chunk: string) => {
			this.stderrText += chunk;
		});
		this.exited = new Promise(resolve => {
			child.once('close', (code, signal) => {
				if (this.partial) this.addLine(this.partial);
				this.partial = '';
				this.exit = {code, signal};
				resolve(this.exit);
				this.notify();
			});
			child.once('error', error => {
				this.stderrText += `spawn error: ${error.message}\n`;
				this.exit ??= {code: null, signal: null};
				resolve(this.exit);
				this.notify();
			});
		});
	}

	get pid(): number {
		if (this.child.pid === undefined) throw new Error(`${this.name} did not start: ${this.stderrText}`);
		return this.child.pid;
	}

	get stderr(): string {
		return this.stderrText;
	}

	describe(): string {
		return `--- ${this.name} (pid ${this.child.pid}, exit ${JSON.stringify(this.exit ?? null)})\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderrText}`;
	}

	/** stdout lines parsed as JSON, in order (non-JSON lines skipped). */
	events(): readonly Event[] {
		return this.parsed;
	}

	/** The `event` field of each event: ['failing-back', 'live', …]. */
	eventNames(): string[] {
		return this.parsed.map(event => String(event.event));
	}

	/** The first event of that name (at index ≥ from in events()), if any yet. */
	find(name: string, from = 0): Event | undefined {
		return this.parsed.slice(from).find(event => event.event === name);
	}

	/** Waits for a stdout line matching, at index ≥ from; returns its index. Fails at once if the process exits first. */
	async waitLine(what: string, match: (line: string) => boolean, timeoutMs = 10_000, from = 0): Promise<number> {
		return this.waitUntil(what, () => {
			for (let i = from; i < this.lines.length; i++) if (match(this.lines[i])) return i + 1;
			return undefined;
		}, timeoutMs).then(index => index - 1);
	}

	/** Waits for an NDJSON event {"event": name}; returns its index in lines. */
	async waitEvent(name: string, timeoutMs = 10_000, from = 0): Promise<number> {
		return this.waitLine(`event "${name}"`, line => {
			try {
				return (JSON.parse(line) as {event?: unknown}).event === name;
			} catch {
				return false;
			}
		}, timeoutMs, from);
	}

	/** Waits for the first event of that name (or one already seen) and returns it. */
	async next(name: string, timeoutMs = 10_000): Promise<Event> {
		return this.waitUntil(`event "${name}"`, () => this.find(name), timeoutMs);
	}

	/** Waits for an event matching (checked on each line as it arrives) and returns it. */
	async nextMatching(what: string, match: (event: Event) => boolean, timeoutMs = 10_000): Promise<Event> {
		return this.waitUntil(what, () => this.parsed.find(event => match(event)), timeoutMs);
	}

	/** Waits for the process to end (stdout and stderr closed) and returns how. */
	async waitExit(timeoutMs = 10_000): Promise<Exit> {
		return this.waitUntil('its exit', () => this.exit, timeoutMs);
	}

	hasEvent(name: string, from = 0): boolean {
		return this.find(name, from) !== undefined;
	}

	/** Signals the child, or its whole process group when spawned with {detached: true} (npx → sh → node). */
	kill(signal: NodeJS.Signals): void {
		if (this.groupLeader && this.child.pid !== undefined) {
			// Even after the leader exited, a grandchild may still be in the group.
			try {
				process.kill(-this.child.pid, signal);
			} catch {}

			return;
		}

		if (!this.exit && this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
	}

	/** Every line as printed, blank ones too (a test may check that each is one JSON object). */
	private addLine(line: string): void {
		this.lines.push(line);
		try {
			const value = JSON.parse(line) as unknown;
			if (value && typeof value === 'object' && !Array.isArray(value)) this.parsed.push(value as Event);
		} catch {}
	}

	private notify(): void {
		for (const listener of [...this.listeners]) listener();
	}

	/** Checked on every stdout chunk and at exit (no polling); the deadline is a timer. */
	private async waitUntil<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const settle = (done: () => void) => {
				this.listeners.delete(listener);
				clearTimeout(timer);
				done();
			};

			const listener = () => {
				const value = check();
				if (value !== undefined) settle(() => resolve(value));
				else if (this.exit) settle(() => reject(new Error(`${this.name} exited before ${what}\n${this.describe()}`)));
			};

			const timer = setTimeout(() => settle(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${this.name}: ${what}\n${this.describe()}`))), timeoutMs);
			this.listeners.add(listener);
			listener();
		});
	}
}

export class ProcessGroup {
	private readonly all: Spawned[] = [];

	spawn(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): Spawned {
		const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe'], ...options});
		const spawned = new Spawned(name, child, options.detached === true && process.platform !== 'win32');
		this.all.push(spawned);
		return spawned;
	}

	/** `node dist/bin/cli.js …args` */
	cli(name: string, args: readonly string[], options: SpawnOptions = {}): Spawned {
		return this.spawn(name, process.execPath, [cliPath(), ...args], options);
	}

	describe(): string {
		return this.all.map(spawned => spawned.describe()).join('\n');
	}

	/** SIGKILLs everything still running and waits until it is gone; the group can be used again. */
	async killAll(): Promise<void> {
		const all = this.all.splice(0);
		for (const spawned of all) spawned.kill('SIGKILL');
		await Promise.all(all.map(spawned => spawned.exited));
	}
}

export type RunResult = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string};

/** Runs a command to completion (killed after timeoutMs). */
export async function run(command: string, args: readonly string[], options: SpawnOptions & {timeoutMs?: number} = {}): Promise<RunResult> {
	const {timeoutMs = 30_000, ...spawnOptions} = options;
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions});
		let stdout = '';
		let stderr = '';
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
		});
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('error', error => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr});
		});
	});
}

/** `node dist/bin/cli.js …args` to completion. */
export async function runCli(args: readonly string[], options: SpawnOptions & {timeoutMs?: number} = {}): Promise<RunResult> {
	return run(process.execPath, [cliPath(), ...args], options);
}

export type StatusReport = {
	state: string | null;
	nodeId: string | null;
	verdict: string;
	exitCode: number;
	locks: Record<'state' | 'live' | 'backup', {locked: boolean; holders: Array<{pid: number | null; command: string | null; kind: string}>}>;
};

/** `status <file> --json`, parsed; also returns the process exit code. */
export async function statusJson(file: string, run_: (args: readonly string[]) => Promise<RunResult> = runCli): Promise<{code: number | null; report: StatusReport; raw: RunResult}> {
	const raw = await run_(['status', file, '--json']);
	let report: StatusReport;
	try {
		report = JSON.parse(raw.stdout) as StatusReport;
	} catch {
		throw new Error(`status --json printed no JSON (exit ${raw.code}):\n${raw.stdout}\n${raw.stderr}`);
	}

	return {code: raw.code, report, raw};
}

/** Which command is on PATH, or undefined. */
export function which(command: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, command);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {}
	}

	return undefined;
}
