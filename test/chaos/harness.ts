// Chaos run over real `ha-tui node` processes sharing one server.lock. Everything here is
// checked from outside the nodes: their NDJSON events with CLOCK_MONOTONIC times, our own
// kill times (process.hrtime, same clock), and probes of the file that never take a lock.
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import readline from 'node:readline';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import type {ProbeSample} from './probe-worker.js';

const DIST = fileURLToPath(new URL('../../', import.meta.url));
const PROBE_WORKER = new URL('probe-worker.js', import.meta.url);
const STATE_CHARS = new Set(['0', 'N', 'L', 'P', 'F'].map(c => c.charCodeAt(0)));
const L = 'L'.charCodeAt(0);
const F = 'F'.charCodeAt(0);
/** Deadline for a backup (or waiting failing-back live) to take over after the live died. */
const FAILOVER_DEADLINE_MS = 2000;
/** Events that end a live period (besides our kill and the exit). */
/** Ends of a live period where the node itself let go of the lock (before emitting, today). */
const SELF_RELEASE = new Set(['paused', 'stopped', 'lost-lock']);
const ENDS_LIVE = new Set(['paused', 'stopped', 'stepping-down', 'lost-lock', 'error']);

import {monotonicMs} from '../../source/time.js';
import {waitFor} from '../helpers/wait.js';

export {monotonicMs};
const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** mulberry32: small, seeded, good enough to pick chaos. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

type Role = 'live' | 'backup';

type NodeEventLine = {
	event: string;
	mono: number;
	pid: number;
	role: Role;
	nodeId?: string;
	detail?: string;
};

type Proc = {
	readonly id: number;
	readonly slot: number;
	readonly role: Role;
	readonly failoverOnShutdown: boolean;
	readonly child: ChildProcess;
	readonly pid: number;
	readonly spawnMono: number;
	readonly events: NodeEventLine[];
	phase: string;
	/** SIGKILL time, taken just before the kill. */
	killMono?: number;
	termMono?: number;
	/** What we did to it, so an exit we did not cause stands out. */
	expectedExit?: 'SIGKILL' | 'SIGTERM';
	sigstopped: boolean;
	exitMono?: number;
	exitCode?: number | null;
	exitSignal?: NodeJS.Signals | null;
	readonly exited: Promise<void>;
	readonly outputDone: Promise<void>;
	stderr: string;
};

export type ChaosOptions = {
	seed: number;
	events: number;
	/** Print one line per chaos event. */
	verbose?: boolean;
	log?: (line: string) => void;
	/** Stop starting events after this long (a violation): a sick machine must not run forever. */
	maxDurationMs?: number;
	/** Probe period of the outside sampler. */
	probeEveryMs?: number;
	/** The lock layout the nodes use (default files, what every Artemis since 2.10 uses). */
	layout?: 'files' | 'ranges';
};

export type ChaosSummary = {
	seed: number;
	events: number;
	counts: Record<string, number>;
	failovers: number;
	failoverLatencyMs: {p50: number; p99: number; max: number};
	forcedFailovers: number;
	forcedFailoverLatencyMs: {p50: number; p99: number; max: number};
	failbacks: number;
	pausesHeld: number;
	stopsSurvived: number;
	spawned: number;
	probes: number;
	probeErrors: number;
	violations: string[];
	/**
	 * Two `live` reports overlapping by a hair (< REPORT_LAG_MS) where the first node ended by
	 * itself (paused, stopped, lost-lock). A node emits that event *before* it lets go of its
	 * locks (HaNode.shutDown), so a successor's `live` must come after it: an entry here means
	 * the events, or the locks, were out of order. Listed apart from the longer overlaps in
	 * `violations`; fails the run as well.
	 */
	reportOrder: string[];
	notes: string[];
	durationMs: number;
	file: string;
};

function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
	const random = prng(options.seed);
	const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const verbose = (line: string) => {
		if (options.verbose) log(`${((monotonicMs() - started) / 1000).toFixed(2).padStart(7)} ${line}`);
	};

	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-chaos-'));
	const file = path.join(directory, 'server.lock');
	const started = monotonicMs();
	// Others rebuild (or wipe) dist/ while we run: spawn every node from a private copy of the
	// CLI taken now, so a half-written module never looks like a node failure. package.json and
	// a node_modules link make it resolve like the original.
	const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-chaos-cli-'));
	fs.cpSync(path.join(DIST, 'cli.js'), path.join(snapshot, 'cli.js'));
	fs.cpSync(path.join(DIST, 'source'), path.join(snapshot, 'source'), {recursive: true});
	fs.cpSync(path.join(DIST, '..', 'package.json'), path.join(snapshot, 'package.json'));
	fs.symlinkSync(path.join(DIST, '..', 'node_modules'), path.join(snapshot, 'node_modules'), 'dir');
	const CLI = path.join(snapshot, 'cli.js');
	const procs: Proc[] = [];
	const slots: Array<Proc | undefined> = [undefined, undefined, undefined, undefined];
	const violations: string[] = [];
	const reportOrder: string[] = [];
	/** An overlap this small after a node ended by itself is a report-order failure, not two lives. */
	const REPORT_LAG_MS = 25;
	const notes: string[] = [];
	const counts: Record<string, number> = {};
	const failoverLatencies: number[] = [];
	const forcedLatencies: number[] = [];
	let failbacks = 0;
	let pausesHeld = 0;
	let stopsSurvived = 0;
	let eventNumber = 0;
	const violation = (text: string) => {
		const line = `[seed ${options.seed} event ${eventNumber}] ${text}`;
		violations.push(line);
		log(`VIOLATION ${line}`);
	};

	// A clean pause (P) of the last live opens a period where no backup may become live,
	// until a live-role node (which announces F, then takes the lock) goes live.
	let pauseRegime: {since: number; by: number} | undefined;

	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
	const chance = (p: number) => random() < p;
	const between = (low: number, high: number) => Math.round(low + random() * (high - low));

	// ---- outside sampler
	const samples: ProbeSample[] = [];
	let firstNodeId: string | undefined;
	let probeErrors = 0;
	const layout = options.layout ?? 'files';
	const worker = new Worker(PROBE_WORKER, {workerData: {file, everyMs: options.probeEveryMs ?? 5, layout}});
	const workerStopped = new Promise<void>(resolve => {
		worker.on('message', (message: ProbeSample | 'stopped') => {
			if (message === 'stopped') {
				resolve();
				return;
			}

			checkSample(message);
		});
		worker.on('error', error => {
			violation(`probe worker failed: ${error.message}`);
			resolve();
		});
		worker.on('exit', () => resolve());
	});

	function checkSample(sample: ProbeSample): void {
		if (sample.error) {
			// Before the first node creates the file there is nothing to probe.
			if (firstNodeId !== undefined) {
				probeErrors++;
				violation(`probe failed: ${sample.error}`);
			}

			return;
		}

		samples.push(sample);
		if (sample.state === undefined || !STATE_CHARS.has(sample.state)) violation(`state byte ${sample.state} is not one of 0 N L P F`);
		if (sample.nodeId === undefined) violation('the file has no node id');
		else if (firstNodeId === undefined) firstNodeId = sample.nodeId;
		else if (sample.nodeId !== firstNodeId) violation(`node id changed: ${firstNodeId} → ${sample.nodeId}`);
		if (sample.liveLockLines > 1) violation(`/proc/locks shows ${sample.liveLockLines} granted write locks on the live lock`);
		if (sample.layout !== undefined && sample.layout !== layout) violation(`the probe sees the ${sample.layout} layout; the nodes use ${layout}`);
	}

	// ---- node processes
	let nextId = 0;
	function spawnNode(slot: number, role: Role, failoverOnShutdown = chance(0.35)): Proc {
		const args = [CLI, 'node', file, '--role', role, '--layout', layout];
		if (failoverOnShutdown) args.push('--failover-on-shutdown');
		const spawnMono = monotonicMs();
		const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe']});
		if (child.pid === undefined) throw new Error('spawn failed');
		let resolveExit!: () => void;
		const exited = new Promise<void>(resolve => {
			resolveExit = resolve;
		});
		const lines = readline.createInterface({input: child.stdout!});
		const outputDone = new Promise<void>(resolve => lines.once('close', resolve));
		const proc: Proc = {
			id: nextId++, slot, role, failoverOnShutdown, child, pid: child.pid, spawnMono, events: [], phase: 'spawned',
			sigstopped: false, exited, outputDone, stderr: '',
		};
		child.stderr!.on('data', (chunk: Buffer) => {
			proc.stderr += chunk.toString();
		});
		lines.on('line', line => {
			let event: NodeEventLine;
			try {
				event = JSON.parse(line) as NodeEventLine;
			} catch {
				violation(`pid ${proc.pid}: not NDJSON: ${line}`);
				return;
			}

			onEvent(proc, event);
		});
		child.on('exit', (code, signal) => {
			proc.exitMono = monotonicMs();
			proc.exitCode = code;
			proc.exitSignal = signal;
			const expected = proc.expectedExit === 'SIGKILL' ? signal === 'SIGKILL' : proc.expectedExit === 'SIGTERM' ? code === 0 : false;
			if (!expected) violation(`pid ${proc.pid} (${role}) exited unexpectedly: code ${code} signal ${signal}; stderr: ${proc.stderr.trim().slice(0, 300)}`);
			resolveExit();
		});
		procs.push(proc);
		slots[slot] = proc;
		return proc;
	}

	function onEvent(proc: Proc, event: NodeEventLine): void {
		proc.events.push(event);
		proc.phase = event.event;
		if (event.pid !== proc.pid) violation(`event pid ${event.pid} from child ${proc.pid}`);
		if (event.nodeId !== undefined && firstNodeId !== undefined && event.nodeId !== firstNodeId) {
			violation(`pid ${proc.pid} reports node id ${event.nodeId}, the file has ${firstNodeId}`);
		}

		if (event.event === 'lost-lock' || event.event === 'error') violation(`pid ${proc.pid} (${proc.role}) emitted ${event.event}: ${event.detail ?? ''}`);
		if (event.event === 'live') {
			if (proc.role === 'backup' && pauseRegime && event.mono > pauseRegime.since) {
				violation(`backup pid ${proc.pid} became live after a clean pause (P) by pid ${pauseRegime.by} with no live started since`);
			}

			if (proc.role === 'live') pauseRegime = undefined;
		}

		if (event.event === 'paused' && !procs.some(other => other !== proc && alive(other) && other.role === 'live' && other.phase !== 'live')) {
			pauseRegime = {since: event.mono, by: proc.pid};
		}
	}

	const alive = (proc: Proc) => proc.exitMono === undefined && proc.killMono === undefined;
	const running = () => procs.filter(alive);
	const currentLives = () => running().filter(proc => proc.phase === 'live');
	/** Holds the backup lock by its own word: queued next in line. */
	const queuedBackups = () => running().filter(proc => proc.phase === 'backup' || proc.phase === 'waiting-live-lock');
	const pendingLiveRoles = () => running().filter(proc => proc.role === 'live' && proc.phase !== 'live');

	/** waitFor (helpers/wait.ts) that says whether the predicate held in time instead of throwing. */
	const until = async (predicate: () => boolean, timeoutMs: number, everyMs = 2): Promise<boolean> =>
		waitFor('', predicate, {timeoutMs, everyMs}).then(() => true, () => false);

	async function readyProc(proc: Proc, timeoutMs = 5000): Promise<void> {
		if (!(await until(() => proc.events.length > 0 || proc.exitMono !== undefined, timeoutMs))) {
			violation(`pid ${proc.pid} (${proc.role}) printed no event within ${timeoutMs} ms`);
		}
	}

	async function sigkill(proc: Proc): Promise<number> {
		if (proc.sigstopped) notes.push('killed a stopped process');
		proc.expectedExit = 'SIGKILL';
		const at = monotonicMs();
		proc.killMono = at;
		proc.child.kill('SIGKILL');
		await proc.exited;
		return at;
	}

	async function sigterm(proc: Proc, timeoutMs = 5000): Promise<number> {
		proc.expectedExit = 'SIGTERM';
		const at = monotonicMs();
		proc.termMono = at;
		proc.child.kill('SIGTERM');
		const done = await until(() => proc.exitMono !== undefined, timeoutMs);
		if (!done) {
			violation(`pid ${proc.pid} did not exit within ${timeoutMs} ms of SIGTERM (phase ${proc.phase})`);
			proc.expectedExit = 'SIGKILL';
			proc.killMono = monotonicMs();
			proc.child.kill('SIGKILL');
			await proc.exited;
		}

		return at;
	}

	/** The first `live` event by another process after `since`, once it arrives. */
	async function awaitTakeover(since: number, except: Proc, timeoutMs: number): Promise<{proc: Proc; mono: number} | undefined> {
		let found: {proc: Proc; mono: number} | undefined;
		await until(() => {
			for (const proc of procs) {
				if (proc === except) continue;
				const event = proc.events.find(event => event.event === 'live' && event.mono > since);
				if (event && (!found || event.mono < found.mono)) found = {proc, mono: event.mono};
			}

			return found !== undefined;
		}, timeoutMs);
		return found;
	}

	/** Waits until exactly one node is live and no hand-over is under way (nothing stepping down). */
	async function settle(): Promise<Proc | undefined> {
		await until(() => currentLives().length === 1 && !running().some(proc => proc.phase === 'stepping-down' || proc.phase === 'spawned')
			&& !(currentLives()[0]?.role === 'backup' && pendingLiveRoles().length > 0), 3000);
		const lives = currentLives();
		if (lives.length === 1) return lives[0];
		// Nobody live: a clean pause, or an F left by a failing-back live that was killed (backups
		// back off on F forever, by the protocol). Start a live, as an operator would.
		if (lives.length === 0 && pendingLiveRoles().length === 0) {
			const slot = pick([0, 1, 2, 3]);
			const old = slots[slot];
			if (old && alive(old)) await sigterm(old);
			count('heal: start a live');
			verbose(`    heal: no live, starting one in slot ${slot}`);
			const proc = spawnNode(slot, 'live');
			await until(() => proc.phase === 'live', 3000);
		} else {
			await until(() => currentLives().length === 1, 3000);
		}

		return currentLives().length === 1 ? currentLives()[0] : undefined;
	}

	const count = (name: string) => {
		counts[name] = (counts[name] ?? 0) + 1;
	};

	const peekState = (): number | undefined => {
		try {
			const fd = fs.openSync(file, 'r');
			try {
				const buffer = Buffer.alloc(1);
				return fs.readSync(fd, buffer, 0, 1, 0) === 1 ? buffer[0] : undefined;
			} finally {
				fs.closeSync(fd);
			}
		} catch {
			return undefined;
		}
	};

	const killAll = () => {
		for (const proc of procs) {
			if (proc.exitMono !== undefined) continue;
			try {
				proc.expectedExit = 'SIGKILL';
				// The kill ends a live period: record it, or probes taken between the kill and the
				// exit notice look like a live without its lock.
				proc.killMono ??= monotonicMs();
				proc.child.kill('SIGCONT');
				proc.child.kill('SIGKILL');
			} catch {}
		}
	};

	process.once('exit', killAll);

	// ---- the chaos events
	type ChaosEvent = 'crash-live' | 'sigterm-live' | 'kill-backup' | 'failback' | 'stop-cont-live' | 'term-backup';

	async function crashLive(live: Proc): Promise<void> {
		const state = peekState();
		const queued = queuedBackups().filter(proc => proc !== live);
		const waitingLives = pendingLiveRoles().filter(proc => proc !== live);
		const at = await sigkill(live);
		verbose(`    SIGKILL live pid ${live.pid} (${live.role}), state ${String.fromCharCode(state ?? 63)}, queued backups ${queued.map(p => p.pid).join(',') || 'none'}, waiting lives ${waitingLives.map(p => p.pid).join(',') || 'none'}`);
		const expectTakeover = (state === L && queued.length > 0) || (state === F && waitingLives.length > 0);
		const takeover = await awaitTakeover(at, live, expectTakeover ? FAILOVER_DEADLINE_MS : 300);
		if (takeover) {
			failoverLatencies.push(takeover.mono - at);
			verbose(`    pid ${takeover.proc.pid} (${takeover.proc.role}) live ${(takeover.mono - at).toFixed(2)} ms after the kill`);
		} else if (expectTakeover) {
			violation(`after SIGKILL of live pid ${live.pid} (state ${String.fromCharCode(state ?? 63)}), nobody became live within ${FAILOVER_DEADLINE_MS} ms; queued ${queued.map(p => `${p.pid}:${p.phase}`).join(',')}, waiting lives ${waitingLives.map(p => p.pid).join(',')}`);
		}

		if (!takeover && state === F && waitingLives.length === 0) count('no takeover: F left by a killed failing-back live');
		const proc = spawnNode(live.slot, chance(0.7) ? 'backup' : 'live');
		await readyProc(proc);
	}

	async function sigtermLive(live: Proc): Promise<void> {
		const state = peekState();
		const queued = queuedBackups().filter(proc => proc !== live);
		const waitingLives = pendingLiveRoles().filter(proc => proc !== live);
		const at = await sigterm(live);
		const last = live.events.at(-1);
		if (live.failoverOnShutdown) {
			count('forced failover (SIGTERM, --failover-on-shutdown)');
			if (last?.event !== 'stopped') violation(`pid ${live.pid} with --failover-on-shutdown ended with ${last?.event}, expected stopped (L left)`);
			// A forced failover leaves the state byte as it is: L, or F when a failing-back live
			// wrote it and was then killed (backups back off on F for good, as in Artemis).
			const expectTakeover = (state === L && queued.length > 0) || (state === F && waitingLives.length > 0);
			const takeover = await awaitTakeover(at, live, expectTakeover ? FAILOVER_DEADLINE_MS : 300);
			if (takeover) forcedLatencies.push(takeover.mono - at);
			else if (expectTakeover) violation(`forced failover of pid ${live.pid} (state ${String.fromCharCode(state ?? 63)}): nobody became live within ${FAILOVER_DEADLINE_MS} ms`);
			else if (state === F) count('no takeover: F left by a killed failing-back live');
			verbose(`    SIGTERM (failover) live pid ${live.pid}, state ${String.fromCharCode(state ?? 63)}: ${takeover ? `pid ${takeover.proc.pid} live after ${(takeover.mono - at).toFixed(2)} ms` : 'no takeover'}`);
			const proc = spawnNode(live.slot, chance(0.5) ? 'backup' : 'live');
			await readyProc(proc);
			return;
		}

		count('pause (SIGTERM, P)');
		if (last?.event !== 'paused') violation(`pid ${live.pid} ended with ${last?.event} after SIGTERM, expected paused`);
		if (waitingLives.length > 0) {
			// A failing-back live was waiting: it takes the lock, which is right.
			const takeover = await awaitTakeover(at, live, FAILOVER_DEADLINE_MS);
			if (!takeover || takeover.proc.role !== 'live') violation(`after the pause of ${live.pid}, the waiting failing-back live did not take over`);
			verbose(`    SIGTERM (pause) live pid ${live.pid}, waiting live took over`);
		} else {
			// Give the backups every chance to misbehave: several of their back-off periods.
			const hold = between(280, 400);
			await sleep(hold);
			const state = peekState();
			if (state !== 'P'.charCodeAt(0)) violation(`state ${String.fromCharCode(state ?? 63)} ${hold} ms after a clean pause, expected P`);
			if (currentLives().length > 0) violation(`a node is live during a clean pause: ${currentLives().map(p => p.pid).join(',')}`);
			else pausesHeld++;
			verbose(`    SIGTERM (pause) live pid ${live.pid}: nobody took over in ${hold} ms`);
		}

		const proc = spawnNode(live.slot, 'live');
		await readyProc(proc);
		await until(() => currentLives().length > 0, 3000);
	}

	async function stopContLive(live: Proc): Promise<void> {
		const others = () => procs.filter(proc => proc !== live).flatMap(proc => proc.events.filter(event => event.event === 'live')).length;
		const before = others();
		const hold = between(100, 500);
		live.sigstopped = true;
		live.child.kill('SIGSTOP');
		await sleep(hold);
		live.child.kill('SIGCONT');
		live.sigstopped = false;
		// It keeps its lock while stopped; once running again it must still be live.
		await sleep(between(50, 200));
		if (others() !== before) violation(`a node became live while live pid ${live.pid} was SIGSTOPped`);
		else if (live.phase !== 'live' || !alive(live)) violation(`live pid ${live.pid} is ${live.phase} after SIGSTOP ${hold} ms + SIGCONT`);
		else stopsSurvived++;
		verbose(`    SIGSTOP/SIGCONT live pid ${live.pid} for ${hold} ms: ${live.phase}`);
	}

	async function killBackup(victim: Proc): Promise<void> {
		await sigkill(victim);
		verbose(`    SIGKILL non-live pid ${victim.pid} (${victim.role}, ${victim.phase})`);
		const proc = spawnNode(victim.slot, 'backup');
		await readyProc(proc);
	}

	async function failback(victim: Proc, live: Proc): Promise<void> {
		await sigterm(victim);
		const proc = spawnNode(victim.slot, 'live');
		await readyProc(proc);
		if (live.role === 'backup') {
			// An activated backup must step down and the failing-back live must get the lock.
			const ok = await until(() => proc.phase === 'live', FAILOVER_DEADLINE_MS + 1000);
			if (!ok) violation(`failback: live pid ${proc.pid} did not get the live role from activated backup ${live.pid} (${live.phase}) in time`);
			else if (!live.events.some(event => event.event === 'stepping-down' && event.mono > proc.spawnMono)) violation(`failback: activated backup ${live.pid} never stepped down`);
			else failbacks++;
			verbose(`    failback: new live pid ${proc.pid} took over from activated backup ${live.pid}`);
		} else {
			// Another live-role node is live: the new one waits, announcing F.
			await until(() => proc.phase !== 'spawned', 2000);
			verbose(`    failback: new live pid ${proc.pid} is ${proc.phase} behind live pid ${live.pid}`);
		}
	}

	async function termBackup(victim: Proc): Promise<void> {
		await sigterm(victim);
		if (victim.events.at(-1)?.event !== 'stopped') violation(`backup pid ${victim.pid} ended with ${victim.events.at(-1)?.event} after SIGTERM`);
		const proc = spawnNode(victim.slot, 'backup');
		await readyProc(proc);
	}

	try {
		// Start: one live, then three backups.
		const first = spawnNode(0, 'live');
		await until(() => first.phase === 'live', 5000);
		for (const slot of [1, 2, 3]) spawnNode(slot, 'backup');
		await until(() => running().every(proc => proc.phase !== 'spawned'), 5000);

		const weights: Array<[ChaosEvent, number]> = [
			['crash-live', 24], ['sigterm-live', 18], ['kill-backup', 14], ['failback', 12], ['stop-cont-live', 14], ['term-backup', 6],
		];
		const total = weights.reduce((sum, [, w]) => sum + w, 0);
		for (eventNumber = 1; eventNumber <= options.events; eventNumber++) {
			if (options.maxDurationMs !== undefined && monotonicMs() - started > options.maxDurationMs) {
				violation(`gave up after ${options.maxDurationMs} ms with ${eventNumber - 1} of ${options.events} events run`);
				break;
			}

			const live = await settle();
			let roll = random() * total;
			let kind: ChaosEvent = weights[0][0];
			for (const [name, weight] of weights) {
				roll -= weight;
				if (roll < 0) {
					kind = name;
					break;
				}
			}

			// Targets: a fully-started non-live node for the backup events.
			const others = running().filter(proc => proc !== live && proc.phase !== 'spawned');
			if (!live && ['crash-live', 'sigterm-live', 'stop-cont-live', 'failback'].includes(kind)) kind = 'kill-backup';
			if (kind === 'failback' && pendingLiveRoles().length > 0) kind = 'kill-backup';
			if ((kind === 'kill-backup' || kind === 'term-backup' || kind === 'failback') && others.length === 0) {
				notes.push(`event ${eventNumber}: no target for ${kind}`);
				continue;
			}

			count(kind);
			verbose(`#${eventNumber} ${kind}${live ? ` (live pid ${live.pid}, ${live.role}${live.failoverOnShutdown ? ', failover-on-shutdown' : ''})` : ''}`);
			switch (kind) {
				case 'crash-live': {
					await crashLive(live!);
					break;
				}

				case 'sigterm-live': {
					await sigtermLive(live!);
					break;
				}

				case 'stop-cont-live': {
					await stopContLive(live!);
					break;
				}

				case 'kill-backup': {
					await killBackup(pick(others));
					break;
				}

				case 'failback': {
					await failback(pick(others), live!);
					break;
				}

				case 'term-backup': {
					await termBackup(pick(others));
					break;
				}
			}

			// Restart any slot whose process is gone (it should not happen; the exit was flagged).
			for (const slot of [0, 1, 2, 3]) {
				const proc = slots[slot];
				if (!proc || !alive(proc)) spawnNode(slot, 'backup');
			}

			await sleep(between(5, 50));
		}
	} finally {
		killAll();
		await Promise.all(procs.map(async proc => proc.exited));
		await Promise.all(procs.map(async proc => proc.outputDone));
		worker.postMessage('stop');
		await Promise.race([workerStopped, sleep(2000)]);
		await worker.terminate();
		process.removeListener('exit', killAll);
		fs.rmSync(snapshot, {recursive: true, force: true});
	}

	// ---- after the fact: live periods from the events and our own kill/exit times
	type Interval = {proc: Proc; start: number; end: number; endedBy: string};
	const intervals: Interval[] = [];
	for (const proc of procs) {
		let start: number | undefined;
		for (const event of proc.events) {
			if (event.event === 'live' && start === undefined) start = event.mono;
			else if (ENDS_LIVE.has(event.event) && start !== undefined) {
				intervals.push({proc, start, end: event.mono, endedBy: event.event});
				start = undefined;
			}
		}

		if (start !== undefined) {
			const ends = [proc.killMono, proc.exitMono].filter((t): t is number => t !== undefined);
			intervals.push({proc, start, end: ends.length > 0 ? Math.min(...ends) : Number.POSITIVE_INFINITY, endedBy: proc.killMono !== undefined ? 'SIGKILL' : 'exit'});
		}
	}

	intervals.sort((a, b) => a.start - b.start);
	for (let i = 0; i < intervals.length; i++) {
		for (let j = i + 1; j < intervals.length && intervals[j].start < intervals[i].end; j++) {
			const a = intervals[i];
			const b = intervals[j];
			const lag = Math.min(a.end, b.end) - b.start;
			if (SELF_RELEASE.has(a.endedBy) && a.end <= b.end && lag < REPORT_LAG_MS) {
				reportOrder.push(`pid ${a.proc.pid} (${a.proc.role}) emitted ${a.endedBy} ${round(lag)} ms after pid ${b.proc.pid} (${b.proc.role}) emitted live`);
				continue;
			}

			violation(`two lives: pid ${a.proc.pid} (${a.proc.role}, live ${round(a.start)}–${round(a.end)} until ${a.endedBy}) and pid ${b.proc.pid} (${b.proc.role}, live from ${round(b.start)}): overlap ${round(Math.min(a.end, b.end) - b.start)} ms`);
		}
	}

	// Cross-check against the outside probes: a node that says it is live, for the whole of a
	// probe, must be the one holding the live lock.
	for (const sample of samples) {
		const margin = 1;
		for (const interval of intervals) {
			if (interval.start >= sample.t0 - margin || interval.end <= sample.t1 + margin) continue;
			if (sample.livePids.length !== 1 || sample.livePids[0] !== interval.proc.pid) {
				if (SELF_RELEASE.has(interval.endedBy) && interval.end - sample.t1 < REPORT_LAG_MS) {
					reportOrder.push(`pid ${interval.proc.pid} still said live ${round(interval.end - sample.t0)} ms after a probe found the live lock ${sample.livePids.length === 0 ? 'free' : `held by [${sample.livePids.join(',')}]`} (it emitted ${interval.endedBy} then)`);
					continue;
				}

				violation(`pid ${interval.proc.pid} reports live over [${round(sample.t0)}, ${round(sample.t1)}] (live until ${round(interval.end)}, ${interval.endedBy}) but the live lock holders are [${sample.livePids.join(',')}]`);
			}
		}
	}

	const summary: ChaosSummary = {
		seed: options.seed,
		events: options.events,
		counts,
		failovers: failoverLatencies.length,
		failoverLatencyMs: {p50: round(percentile(failoverLatencies, 50)), p99: round(percentile(failoverLatencies, 99)), max: round(failoverLatencies.length > 0 ? Math.max(...failoverLatencies) : Number.NaN)},
		forcedFailovers: forcedLatencies.length,
		forcedFailoverLatencyMs: {p50: round(percentile(forcedLatencies, 50)), p99: round(percentile(forcedLatencies, 99)), max: round(forcedLatencies.length > 0 ? Math.max(...forcedLatencies) : Number.NaN)},
		failbacks,
		pausesHeld,
		stopsSurvived,
		spawned: procs.length,
		probes: samples.length,
		probeErrors,
		violations,
		reportOrder,
		notes,
		durationMs: Math.round(monotonicMs() - started),
		file,
	};
	fs.rmSync(directory, {recursive: true, force: true});
	return summary;
}

export function formatSummary(summary: ChaosSummary): string {
	const lines = [
		`chaos: seed ${summary.seed}, ${summary.events} events in ${(summary.durationMs / 1000).toFixed(1)} s, ${summary.spawned} node processes`,
		`  events: ${Object.entries(summary.counts).map(([name, n]) => `${name} ${n}`).join(', ')}`,
		`  failovers after SIGKILL: ${summary.failovers}, latency p50 ${summary.failoverLatencyMs.p50} ms, p99 ${summary.failoverLatencyMs.p99} ms, max ${summary.failoverLatencyMs.max} ms`,
		`  forced failovers (SIGTERM + --failover-on-shutdown): ${summary.forcedFailovers}, latency p50 ${summary.forcedFailoverLatencyMs.p50} ms, p99 ${summary.forcedFailoverLatencyMs.p99} ms`,
		`  failbacks from an activated backup: ${summary.failbacks}; clean pauses held (no takeover): ${summary.pausesHeld}; SIGSTOP/SIGCONT survived: ${summary.stopsSurvived}`,
		`  outside probes: ${summary.probes} (errors ${summary.probeErrors})`,
		`  violations: ${summary.violations.length}`,
		...summary.violations.slice(0, 30).map(line => `    ${line}`),
		`  report-order violations (a live reported before the previous live's paused/stopped/lost-lock, which a node emits before it releases): ${summary.reportOrder.length}`,
		...summary.reportOrder.slice(0, 8).map(line => `    ${line}`),
		...(summary.notes.length > 0 ? [`  notes: ${summary.notes.slice(0, 10).join('; ')}`] : []),
	];
	return lines.join('\n');
}
