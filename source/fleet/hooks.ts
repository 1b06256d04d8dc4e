// `--on-change CMD` (issue 19 §4): a command run when a group's verdict changes, in the
// spirit of repmgr's event_notification_command and Patroni's on_role_change. What changed
// is in environment variables, never in a shell string: CMD is split into words once (quotes
// group words; nothing is expanded) and run without a shell. Bounded (SIGTERM after
// timeoutMs, SIGKILL 2 s later), one at a time per group (later changes wait, at most
// `maxQueued`, the oldest dropped and said so), its output and failures logged with the group,
// and never awaited by the watch: the caller's loop goes on at once.
import {spawn} from 'node:child_process';
import process from 'node:process';
import {brokerOf} from '../broker/index.js';
import type {Snapshot} from '../watch/index.js';
import type {Group} from './groups.js';
import type {GroupEvent} from './record.js';

export class HookCommandError extends Error {
	override name = 'HookCommandError';
}

/** Splits a command into words: whitespace separates, '…' and "…" quote, \ escapes. No expansion. */
export function splitCommand(command: string): string[] {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	let quote: '"' | '\'' | undefined;
	for (let index = 0; index < command.length; index++) {
		const char = command[index];
		if (quote) {
			if (char === quote) quote = undefined;
			else if (char === '\\' && quote === '"' && index + 1 < command.length) word += command[++index];
			else word += char;
		} else if (char === '"' || char === '\'') {
			quote = char;
			inWord = true;
		} else if (char === '\\' && index + 1 < command.length) {
			word += command[++index];
			inWord = true;
		} else if (/\s/.test(char)) {
			if (inWord) words.push(word);
			word = '';
			inWord = false;
		} else {
			word += char;
			inWord = true;
		}
	}

	if (quote) throw new HookCommandError(`--on-change: unterminated ${quote} quote`);
	if (inWord) words.push(word);
	if (words.length === 0) throw new HookCommandError('--on-change needs a command');
	return words;
}

export type HookRun = {group: string; code: number | null; signal: string | null; durationMs: number; timedOut: boolean; error?: string};

export type HookOptions = {
	readonly timeoutMs?: number;
	readonly maxQueued?: number;
	/** One line per thing worth saying (the hook's output, its failure). */
	readonly log: (line: string) => void;
	/** Every finished run (tests, the exporter's counters). */
	readonly onRun?: (run: HookRun) => void;
};

/** unset: variables the hook must not inherit (a table's: the database password). */
type Job = {env: Record<string, string>; group: string; unset?: readonly string[]};

function holderEnv(snapshot: Snapshot, segment: 'live' | 'backup'): {pids: string; brokers: string} {
	const holders = snapshot.probe?.locks[segment].holders ?? [];
	return {
		pids: holders.map(holder => holder.pid ?? '?').join(','),
		brokers: holders.map(holder => brokerOf(holder.pid)?.name ?? '').filter(Boolean).join(','),
	};
}

/** The variables a hook gets. */
export function hookEnvironment(group: Group, before: Snapshot | undefined, after: Snapshot): Record<string, string> {
	const live = holderEnv(after, 'live');
	const backup = holderEnv(after, 'backup');
	const state = after.probe?.state;
	return {
		HA_TUI_GROUP: group.label,
		HA_TUI_LOCK_FILE: group.lockPath,
		HA_TUI_OLD_VERDICT: before?.assessment.verdict ?? '',
		HA_TUI_NEW_VERDICT: after.assessment.verdict,
		HA_TUI_EXIT_CODE: String(after.assessment.exitCode),
		HA_TUI_SUMMARY: after.assessment.summary,
		HA_TUI_STATE: state === undefined ? '' : String.fromCharCode(state),
		HA_TUI_NODE_ID: after.probe?.nodeId ?? '',
		HA_TUI_LIVE_PIDS: live.pids,
		HA_TUI_LIVE_BROKERS: live.brokers,
		HA_TUI_BACKUP_PIDS: backup.pids,
		HA_TUI_BACKUP_BROKERS: backup.brokers,
		HA_TUI_TIME: new Date(after.takenAt).toISOString(),
	};
}

/**
 * The variables a hook gets for any store's change, from the record's events (a table's through
 * jdbc-group.ts): HA_TUI_GROUP is the label (a URL's display form: never its password), no lock
 * file; a lease's holders by holder id in HA_TUI_LIVE_HOLDERS / HA_TUI_BACKUP_HOLDERS.
 */
export function hookEventEnvironment(before: GroupEvent | undefined, after: GroupEvent, store: 'directory' | 'jdbc'): Record<string, string> {
	const holders = (segment: 'live' | 'backup') => after.locks[segment].holders;
	const pids = (segment: 'live' | 'backup') => holders(segment).map(holder => holder.pid ?? '?').join(',');
	const brokers = (segment: 'live' | 'backup') => holders(segment).map(holder => holder.broker ?? '').filter(Boolean).join(',');
	const ids = (segment: 'live' | 'backup') => holders(segment).map(holder => holder.id ?? '').filter(Boolean).join(',');
	return {
		HA_TUI_GROUP: after.group,
		HA_TUI_STORE: store,
		HA_TUI_LOCK_FILE: '',
		HA_TUI_OLD_VERDICT: before?.verdict ?? '',
		HA_TUI_NEW_VERDICT: after.verdict,
		HA_TUI_EXIT_CODE: String(after.exitCode),
		HA_TUI_SUMMARY: after.summary,
		HA_TUI_STATE: after.state ?? '',
		HA_TUI_NODE_ID: after.nodeId ?? '',
		HA_TUI_LIVE_PIDS: pids('live'),
		HA_TUI_LIVE_BROKERS: brokers('live'),
		HA_TUI_LIVE_HOLDERS: ids('live'),
		HA_TUI_BACKUP_PIDS: pids('backup'),
		HA_TUI_BACKUP_BROKERS: brokers('backup'),
		HA_TUI_BACKUP_HOLDERS: ids('backup'),
		HA_TUI_TIME: after.time,
	};
}

export class ChangeHooks {
	private readonly argv: string[];
	private readonly running = new Map<string, Job[]>();
	private readonly children = new Set<ReturnType<typeof spawn>>();
	private closed = false;

	constructor(command: string, private readonly options: HookOptions) {
		this.argv = splitCommand(command);
	}

	/** Called on every update; runs the hook only when the verdict changed. Never throws, never waits. */
	onUpdate(group: Group, before: Snapshot | undefined, after: Snapshot): void {
		if (this.closed || before === undefined || before.assessment.verdict === after.assessment.verdict) return;
		this.enqueue({env: hookEnvironment(group, before, after), group: group.label});
	}

	/** The same for any store's record events (a table's group). */
	onEvent(before: GroupEvent | undefined, after: GroupEvent, store: 'directory' | 'jdbc'): void {
		if (this.closed || before === undefined || before.verdict === after.verdict) return;
		// A table's hook never gets the database password, even where ours came from PGPASSWORD.
		this.enqueue({env: hookEventEnvironment(before, after, store), group: after.group, ...(store === 'jdbc' ? {unset: ['PGPASSWORD']} : {})});
	}

	private enqueue(job: Job): void {
		const {group} = job;
		const queue = this.running.get(group);
		if (queue) {
			// One at a time per group: this one waits for the running one.
			queue.push(job);
			if (queue.length > (this.options.maxQueued ?? 16)) {
				queue.shift();
				this.options.log(`on-change [${group}]: too many changes while the hook runs; dropped the oldest waiting one`);
			}

			return;
		}

		this.running.set(group, []);
		this.run(job);
	}

	/** Waits (bounded) for running hooks; nothing new starts. */
	async close(boundMs = 3000): Promise<void> {
		this.closed = true;
		for (const queue of this.running.values()) queue.length = 0;
		if (this.children.size === 0) return;
		await new Promise<void>(resolve => {
			const timer = setTimeout(() => {
				for (const child of this.children) child.kill('SIGKILL');
				resolve();
			}, boundMs);
			const check = setInterval(() => {
				if (this.children.size > 0) return;
				clearInterval(check);
				clearTimeout(timer);
				resolve();
			}, 20);
		});
	}

	private run(job: Job): void {
		const started = Date.now();
		const timeoutMs = this.options.timeoutMs ?? 10_000;
		let timedOut = false;
		let child: ReturnType<typeof spawn>;
		const finish = (run: HookRun) => {
			if (run.error) this.options.log(`on-change [${job.group}]: ${run.error}`);
			else if (run.timedOut) this.options.log(`on-change [${job.group}]: killed after ${timeoutMs} ms (time limit)`);
			else if (run.code !== 0) this.options.log(`on-change [${job.group}]: ${this.argv[0]} failed (${run.signal ? `signal ${run.signal}` : `exit ${run.code}`})`);
			this.options.onRun?.(run);
			const next = this.running.get(job.group)?.shift();
			if (next && !this.closed) this.run(next);
			else this.running.delete(job.group);
		};

		try {
			const env: NodeJS.ProcessEnv = {...process.env, ...job.env};
			for (const name of job.unset ?? []) delete env[name];
			child = spawn(this.argv[0], this.argv.slice(1), {env, stdio: ['ignore', 'pipe', 'pipe'], shell: false});
		} catch (error) {
			finish({group: job.group, code: null, signal: null, durationMs: 0, timedOut: false, error: `cannot run ${this.argv[0]}: ${(error as Error).message}`});
			return;
		}

		this.children.add(child);
		let failed: string | undefined;
		let logged = 0;
		const forward = (chunk: Buffer) => {
			// The hook's output, bounded: a chatty hook must not flood the log.
			for (const line of chunk.toString('utf8').split('\n')) {
				if (line.trim() === '' || logged >= 20) continue;
				logged++;
				this.options.log(`on-change [${job.group}]: ${line.slice(0, 500)}`);
			}
		};

		child.stdout?.on('data', forward);
		child.stderr?.on('data', forward);
		const term = setTimeout(() => {
			timedOut = true;
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 2000).unref();
		}, timeoutMs);
		child.on('error', error => {
			failed = `cannot run ${this.argv[0]}: ${(error as NodeJS.ErrnoException).code ?? error.message}`;
		});
		child.on('close', (code, signal) => {
			clearTimeout(term);
			this.children.delete(child);
			finish({group: job.group, code, signal, durationMs: Date.now() - started, timedOut, ...(failed ? {error: failed} : {})});
		});
	}
}
