// Everything the findings need besides the probe, read once: the holders' process states,
// credentials and brokers, the other brokers running on this host, the mount, file owners.
// Read-only: /proc, stat(), and the brokers' configuration files.
import fs from 'node:fs';
import path from 'node:path';
import {brokerOf, localBrokerPids, readCredentials, readProcStat} from '../broker/index.js';
import {readArgv} from '../broker/proc.js';
import {mountFor, readMountinfo, type MountEntry} from './mountinfo.js';
import {holderKey, type DoctorContext, type DoctorProbe, type FileOwnership, type Observation, type ProcessFacts} from './types.js';

export type GatherOptions = {
	readonly now?: number;
	readonly observation?: Observation;
	readonly watchedMs?: number;
	/** Look through /proc for brokers that hold no lock here (default true). */
	readonly scanBrokers?: boolean;
	/** Mount table to use instead of /proc/self/mountinfo (tests). */
	readonly mounts?: readonly MountEntry[];
	/**
	 * The processes the broker scan looks through (default: every process in /proc). A caller
	 * that knows its group's processes (a test's own fake brokers) keeps other groups' brokers on
	 * this host out of the findings.
	 */
	readonly processes?: () => Iterable<number>;
};

function identity(file: string): {dev: number; ino: number} | 'missing' | undefined {
	try {
		const stat = fs.statSync(file);
		return {dev: stat.dev, ino: stat.ino};
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : undefined;
	}
}

function ownership(name: string, file: string): FileOwnership | undefined {
	try {
		const stat = fs.statSync(file);
		return {name, path: file, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777};
	} catch {
		return undefined;
	}
}

export function gatherContext(probe: DoctorProbe, options: GatherOptions = {}): DoctorContext {
	const directory = probe.directory ?? path.dirname(probe.path);
	const here = identity(directory);
	const facts = new Map<number, ProcessFacts>();
	const add = (pid: number, command?: string) => {
		if (facts.has(pid)) return;
		const stat = readProcStat(pid);
		const broker = brokerOf(pid);
		let usesThisDirectory: boolean | null | undefined;
		if (broker) {
			const theirs = broker.lockDirectory ? identity(broker.lockDirectory) : undefined;
			usesThisDirectory = theirs === undefined || here === undefined || here === 'missing' ? null : theirs === 'missing' ? false : theirs.dev === here.dev && theirs.ino === here.ino;
		}

		const argv = stat ? readArgv(pid) : undefined;
		facts.set(pid, {pid, state: stat?.state, credentials: stat ? readCredentials(pid) : undefined, command: argv?.join(' ') ?? command, broker, usesThisDirectory});
	};

	for (const segment of ['live', 'backup', 'state'] as const) {
		for (const holder of probe.locks[segment].holders) if (holder.pid !== undefined) add(holder.pid, holder.command);
	}

	if (options.scanBrokers !== false) for (const pid of localBrokerPids(options.processes?.())) add(pid);
	let mount: MountEntry | undefined;
	try {
		const real = fs.realpathSync(directory);
		mount = mountFor(options.mounts ?? readMountinfo(), real, fs.statSync(real).dev);
	} catch {}

	const files = (probe.files ?? [{name: path.basename(probe.path), path: probe.path, exists: true}])
		.filter(file => file.exists)
		.map(file => ownership(file.name, file.path))
		.filter((file): file is FileOwnership => file !== undefined);
	return {
		now: options.now ?? Date.now(),
		processes: facts,
		mount,
		observation: options.observation,
		watchedMs: options.watchedMs,
		files,
		directory: ownership(path.basename(directory), directory),
	};
}

/**
 * Remembers when the current state byte appeared, across probes. On the first look the state
 * has been there at least since server.lock's mtime (the last write left it so; unless someone
 * set the mtime by hand), so that is when it counts from; later looks refine it.
 */
/** How long after a takeover the new holder's own touch of server.lock may come (a JVM under load is slow). */
export const TAKEOVER_TOUCH_MS = 3000;

export class DoctorObserver {
	private seen: (Observation & {state: number | undefined}) | undefined;
	/** When the primary lock was last seen changing hands with the state unchanged. */
	private takenOverAt: number | undefined;

	observe(probe: DoctorProbe, now = Date.now()): Observation {
		const live = probe.locks.live.holders.find(holder => holder.pid !== undefined);
		const livePid = live?.pid;
		const liveHolderKey = live ? holderKey(live) : undefined;
		if (!this.seen || this.seen.state !== probe.state) {
			const mtime = probe.mtimeMs;
			const stateSince = this.seen || mtime === undefined || mtime > now ? now : mtime;
			this.seen = {state: probe.state, stateSince, stateMtimeMs: mtime, livePid, ...(liveHolderKey ? {liveHolderKey} : {})};
		} else if (liveHolderKey !== undefined && liveHolderKey !== this.seen.liveHolderKey) {
			// The primary lock changed hands (told apart by open file description: two nodes of
			// one process share a pid) and the state stayed L: the new holder touches server.lock
			// on purpose as it takes over (Artemis 2.29+, ha-tui) — maybe after this look, which
			// can fall between its lock and its touch. Later touches are judged against this
			// holder, and its own first touch within TAKEOVER_TOUCH_MS, when this look came before it,
			// is part of the takeover.
			// Already newer than before: this look saw the touch too; nothing more is due.
			const touched = probe.mtimeMs === undefined || this.seen.stateMtimeMs === undefined || probe.mtimeMs > this.seen.stateMtimeMs;
			this.seen = {...this.seen, stateMtimeMs: probe.mtimeMs, livePid, liveHolderKey};
			this.takenOverAt = touched ? undefined : now;
		} else if (this.takenOverAt !== undefined && probe.mtimeMs !== undefined && probe.mtimeMs > (this.seen.stateMtimeMs ?? Number.POSITIVE_INFINITY)) {
			if (liveHolderKey === this.seen.liveHolderKey && now - this.takenOverAt <= TAKEOVER_TOUCH_MS) this.seen = {...this.seen, stateMtimeMs: probe.mtimeMs};
			this.takenOverAt = undefined;
		}

		const {state, ...observation} = this.seen;
		return observation;
	}
}
