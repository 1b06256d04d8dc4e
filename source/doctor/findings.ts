// The diagnoses. Each is a pure function of (probe, context): no I/O, no clock, so every one
// can be tested from a hand-made situation and shown by the TUI from its own probes.
// Strings in evidence quote outside text (broker names, paths, command lines) as they are:
// sanitize at the terminal.
import {brokerLabel} from '../broker/index.js';
import {haTuiProcess, shortCommand} from '../broker/holder-text.js';
import type {BrokerInfo} from '../broker/config.js';
import {STATE, describeStateByte, isKnownState, type Segment} from '../lock-file/format.js';
import {assess, roleByCommand, type HolderNamer, type HolderRole} from '../lock-file/verdict.js';
import {LAYOUTS} from '../lock-file/layout.js';
import {LOCK_MONITOR_PERIOD_MS, analyseMount} from './mountinfo.js';
import {holderKey, type DoctorContext, type DoctorHolder, type DoctorProbe, type Finding, type FileOwnership, type Level, type ProcessFacts} from './types.js';

/**
 * How long `F` may last while another node holds the primary lock before we call it stuck:
 * five periods of Artemis' failback checker (1 s). A real failback takes one to a few seconds.
 */
export const FAILBACK_STUCK_MS = 5000;

const lockName: Record<Segment, string> = {live: 'primary (live) lock', backup: 'backup lock', state: 'state lock'};

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const stateText = (probe: DoctorProbe) => `${describeStateByte(probe.state)} (${probe.stateName})`;

function haTuiRole(command: string | undefined): string | undefined {
	const match = command && /\bha-tui\b.*\bnode\b.*--role[= ](live|primary|backup)\b/.exec(command);
	return match ? match[1] : undefined;
}

/**
 * "broker-a (primary) pid 2795", "ha-tui node /x (backup) pid 12", "pid 77 (python3 …)": the
 * same identity as holderText (broker/holder-text.ts), from the doctor's own process facts.
 */
export function describePid(pid: number | undefined, context: DoctorContext, command?: string): string {
	if (pid === undefined) return 'a holder this host cannot see';
	const facts = context.processes.get(pid);
	if (facts?.broker) return `${brokerLabel(facts.broker)} pid ${pid}`;
	const line = facts?.command ?? command;
	const own = haTuiProcess(line);
	if (own?.kind === 'node') return `ha-tui node ${own.target} (${own.role}) pid ${pid}`;
	if (own) return `ha-tui ${own.kind === 'demo' ? 'demo' : 'TUI'}${own.target ? ` ${own.target}` : ''} pid ${pid}`;
	if (!line) return `pid ${pid}`;
	return `pid ${pid} (${shortCommand(line)})`;
}

/** The assessment's namer, with the doctor's process facts. */
const namer = (context: DoctorContext): HolderNamer => holder => describePid(holder.pid, context, holder.command);

/** The assessment's role of a holder, from the doctor's process facts (its broker, else ha-tui's --role). */
const roleOf = (context: DoctorContext): HolderRole => holder => (holder.pid === undefined ? undefined : context.processes.get(holder.pid)?.broker?.role) ?? roleByCommand(holder);

function pidsHolding(probe: DoctorProbe, segment: Segment): DoctorHolder[] {
	return probe.locks[segment].holders.filter(holder => holder.pid !== undefined);
}

function names(probe: DoctorProbe, segment: Segment, context: DoctorContext): string {
	const holders = probe.locks[segment].holders;
	if (holders.length === 0) return probe.locks[segment].locked ? 'a holder this host cannot see' : 'nobody';
	return holders.map(holder => describePid(holder.pid, context, holder.command)).join(', ');
}

function lockFile(probe: DoctorProbe, segment: Segment): string {
	return probe.locks[segment].file ?? probe.path;
}

const directoryOf = (probe: DoctorProbe) => probe.directory ?? probe.path.replace(/\/[^/]*$/, '') ?? probe.path;

/** Local brokers that hold none of this directory's locks. */
function peers(probe: DoctorProbe, context: DoctorContext): ProcessFacts[] {
	const holding = new Set<number>();
	for (const segment of ['state', 'live', 'backup'] as const) for (const holder of probe.locks[segment].holders) if (holder.pid !== undefined) holding.add(holder.pid);
	return [...context.processes.values()].filter(facts => facts.broker && !holding.has(facts.pid));
}

function brokerOfPid(pid: number | undefined, context: DoctorContext): BrokerInfo | undefined {
	return pid === undefined ? undefined : context.processes.get(pid)?.broker;
}

// --- mixed-layout

export function mixedLayout(probe: DoctorProbe, context: DoctorContext): Finding[] {
	if (probe.layout !== 'mixed') return [];
	const present = (probe.files ?? []).filter(file => file.exists).map(file => file.name);
	return [{
		id: 'mixed-layout',
		level: 'critical',
		title: 'two lock layouts in one directory: the nodes cannot see each other\'s locks',
		evidence: [
			`files: ${present.join(', ') || 'server.lock'}`,
			probe.generation?.startsWith('mixed: ') && !probe.generation.includes('AND serverlock files')
				? probe.generation
				: `byte locks on server.lock (HornetQ / Artemis ≤ 2.9) and whole-file locks on serverlock.1/2 (Artemis ≥ 2.10) are both held`,
			`primary lock holders: ${names(probe, 'live', context)}`,
			`backup lock holders: ${names(probe, 'backup', context)}`,
		],
		fix: 'Run one generation per directory: stop the older brokers (HornetQ or Artemis ≤ 2.9) and upgrade them; two generations on one directory can both become live (split brain).',
	}];
}

// --- holder-stopped

const stoppedStates: Record<string, string> = {
	T: 'stopped (T: SIGSTOP, or a job-control stop)',
	t: 'stopped by a debugger or tracer (t)',
	Z: 'a zombie (Z): its main thread is gone but other threads still hold its files',
};

/** A holder's state: the probe's (read with the locks) or the doctor's own read of /proc. */
function stateOf(holder: DoctorHolder, context: DoctorContext): string | undefined {
	return context.processes.get(holder.pid!)?.state ?? holder.state;
}

export function holderStopped(probe: DoctorProbe, context: DoctorContext): Finding[] {
	const evidence: string[] = [];
	const pids: number[] = [];
	const segments = new Set<Segment>();
	for (const segment of ['live', 'backup', 'state'] as const) {
		for (const holder of pidsHolding(probe, segment)) {
			const state = stateOf(holder, context);
			if (!state || !stoppedStates[state]) continue;
			evidence.push(`${describePid(holder.pid, context, holder.command)} holds the ${lockName[segment]} (${lockFile(probe, segment)}) and is ${stoppedStates[state]}`);
			segments.add(segment);
			if (!pids.includes(holder.pid!)) pids.push(holder.pid!);
		}
	}

	if (evidence.length === 0) return [];
	const resume = `Resume it (kill -CONT ${pids.join(' ')})`;
	const who = `Find out who stopped it (a debugger, a ^Z in a terminal, a container freezer).`;
	if (segments.has('live')) {
		evidence.push('a stopped process keeps its locks: nothing fails over while it holds them, and clients of a stopped live get no answers');
		return [{
			id: 'holder-stopped',
			level: 'critical',
			title: `the primary-lock holder is frozen (pid ${pids.join(', ')}): the group is stuck`,
			evidence,
			fix: `${resume}, or, if it cannot recover, kill it (kill -KILL ${pids.join(' ')}): the kernel then frees its locks and a backup takes over. ${who}`,
		}];
	}

	// The live is fine; what is lost is the failover.
	evidence.push(segments.has('backup')
		? 'the live serves clients; but a stopped backup keeps the backup lock: it cannot take over if the live fails, and no other backup can queue behind it'
		: 'the live serves clients; but no node can read or write the state while the state lock is held: a backup could not take over');
	return [{
		id: 'holder-stopped',
		level: 'warning',
		title: `a ${segments.has('backup') ? 'backup' : 'state-lock holder'} is frozen (pid ${pids.join(', ')}): no usable backup`,
		evidence,
		fix: `${resume}, or restart that backup (kill -KILL ${pids.join(' ')}, then start the backup broker again): until then a failure of the live is an outage. ${who}`,
	}];
}

// --- remote-holder

export function remoteHolder(probe: DoctorProbe, context: DoctorContext): Finding[] {
	const evidence: string[] = [];
	for (const segment of ['live', 'backup'] as const) {
		const lock = probe.locks[segment];
		if (!lock.locked) continue;
		const local = lock.holders.some(holder => (holder.pid !== undefined && context.processes.get(holder.pid)?.state !== undefined) || (holder.pid === undefined && holder.kind === 'OFD'));
		if (local) continue;
		const said = lock.holders.find(holder => holder.pid !== undefined);
		evidence.push(`the ${lockName[segment]} (${lockFile(probe, segment)}) is held, but by no process visible on this host${said ? ` (the kernel reports pid ${said.pid}, which is not a process here)` : ''}`);
	}

	if (evidence.length === 0) return [];
	const network = context.mount ? analyseMount(context.mount).family !== 'local' : false;
	evidence.push(network
		? `the directory is on ${context.mount!.fsType}: another client of the server holds it; which host cannot be known from here (the lock protocol does not name it)`
		: 'the file system is local: a process in another PID namespace (a container) or one this user may not inspect holds it');
	return [{
		id: 'remote-holder',
		level: 'info',
		title: network ? 'a lock is held from another host' : 'a lock is held by a process this host does not show',
		evidence,
		fix: network
			? 'Run `ha-tui status` (or `doctor`) on the other hosts that mount this directory to name the holder.'
			: 'Run ha-tui as root or in the holder\'s PID namespace (e.g. inside its container) to name the holder.',
	}];
}

// --- paused

export function paused(probe: DoctorProbe, context: DoctorContext): Finding[] {
	if (probe.state !== STATE.paused || probe.locks.live.locked) return [];
	const backups = probe.locks.backup.holders;
	const evidence = [
		`state ${stateText(probe)}: written by a primary (or an activated backup) that stopped cleanly with failover-on-shutdown=false, the default`,
		'no process holds the primary lock',
		backups.length > 0 || probe.locks.backup.locked
			? `waiting backup: ${names(probe, 'backup', context)} — a backup does not take over from P, by design`
			: 'no backup is waiting either',
	];
	for (const facts of peers(probe, context)) {
		if (facts.usesThisDirectory && facts.broker?.role === 'primary') evidence.push(`${describePid(facts.pid, context)} is a primary configured for this directory and running but not holding the primary lock (starting?)`);
	}

	return [{
		id: 'paused',
		level: 'critical',
		title: 'the primary stopped cleanly; the backups stay passive by design',
		evidence,
		fix: 'Start the primary again (it becomes live at once). To have a backup take over when the primary is stopped cleanly, set <failover-on-shutdown>true</failover-on-shutdown> in the primary\'s <ha-policy><shared-store><primary> (broker.xml).',
	}];
}

// --- never-started / not-shared

const notStartedStates = new Set<number | undefined>([STATE.firstStart, STATE.notStarted, undefined]);

function directoryLine(facts: ProcessFacts): string {
	const directory = facts.broker?.lockDirectory;
	return directory ? `its broker.xml puts the lock files in ${directory}` : 'its lock directory could not be resolved';
}

export function neverStarted(probe: DoctorProbe, context: DoctorContext): Finding[] {
	if (!notStartedStates.has(probe.state) || probe.locks.live.locked || !probe.locks.backup.locked) return [];
	const evidence = [
		`state ${stateText(probe)}: no primary has ever become live on ${probe.path}`,
		`waiting backup: ${names(probe, 'backup', context)} (backups wait while the state is '0' or 'N')`,
	];
	for (const holder of pidsHolding(probe, 'backup')) {
		const facts = context.processes.get(holder.pid!);
		if (facts?.broker) evidence.push(`${describePid(holder.pid, context)}: ${directoryLine(facts)}`);
	}

	const elsewhere = peers(probe, context).filter(facts => facts.broker?.role === 'primary' && facts.usesThisDirectory === false);
	for (const facts of elsewhere) evidence.push(`${describePid(facts.pid, context)} runs on this host, but ${directoryLine(facts)}, not ${directoryOf(probe)}`);
	return [{
		id: 'never-started',
		level: 'critical',
		title: elsewhere.length > 0 ? 'the primary runs, but on another directory: it has never started on this one' : 'the primary has never started on this directory',
		evidence,
		fix: elsewhere.length > 0
			? `Point the primary and the backup at the same shared directory (absolute <journal-directory> or <node-manager-lock-directory> in both broker.xml files; a relative data/journal resolves inside each instance), then restart them.`
			: `Start the primary with its journal (or node-manager-lock) directory at ${directoryOf(probe)}; if it is running, compare its broker.xml directories with the backup's.`,
	}];
}

/** Brokers that run alone in their directory (no other local broker uses it). */
function alone(facts: ProcessFacts, all: readonly ProcessFacts[]): boolean {
	const directory = facts.broker?.lockDirectory;
	return directory !== null && directory !== undefined && !all.some(other => other !== facts && other.broker?.lockDirectory === directory);
}

export function notShared(probe: DoctorProbe, context: DoctorContext): Finding[] {
	const evidence: string[] = [];
	for (const segment of ['live', 'backup'] as const) {
		for (const holder of pidsHolding(probe, segment)) {
			const facts = context.processes.get(holder.pid!);
			if (facts?.broker && facts.usesThisDirectory === false) {
				evidence.push(`${describePid(holder.pid, context)} holds the ${lockName[segment]} here, but ${directoryLine(facts)}`);
			}
		}
	}

	// A broker of the missing role that runs on this host, alone in another directory.
	const all = [...context.processes.values()].filter(facts => facts.broker);
	const missing = !probe.locks.live.locked && notStartedStates.has(probe.state) ? 'primary' : probe.locks.live.locked && !probe.locks.backup.locked ? 'backup' : undefined;
	if (missing) {
		for (const facts of peers(probe, context)) {
			if (facts.broker?.haPolicy !== 'shared-store' || facts.broker.role !== missing || facts.usesThisDirectory !== false || !alone(facts, all)) continue;
			evidence.push(`${describePid(facts.pid, context)} is a shared-store ${missing} on this host, alone in its directory: ${directoryLine(facts)}, not ${directoryOf(probe)}`);
		}
	}

	if (evidence.length === 0) return [];
	const relative = all.some(facts => facts.broker?.lockDirectory && facts.broker.instance && facts.broker.lockDirectory.startsWith(`${facts.broker.instance}/`));
	if (relative) evidence.push('a lock directory inside an instance directory usually comes from a relative <journal-directory> (data/journal), which resolves against each instance');
	return [{
		id: 'not-shared',
		level: 'critical',
		title: 'the brokers do not share this directory: there is no failover between them',
		evidence,
		fix: 'Give the primary and its backups the same shared directory: an absolute <journal-directory> (or <node-manager-lock-directory>) on the shared mount in every broker.xml, then restart them. `ha-tui status <dir>` on each directory shows who locks what.',
	}];
}

// --- failback-stuck

export function failbackStuck(probe: DoctorProbe, context: DoctorContext): Finding[] {
	if (probe.state !== STATE.failingBack || !probe.locks.live.locked) return [];
	const since = context.observation?.stateSince;
	if (since === undefined || context.now - since < FAILBACK_STUCK_MS) return [];
	const duration = context.now - since;
	const active = probe.locks.live.holders;
	const evidence = [
		`state ${stateText(probe)} for at least ${seconds(duration)}${context.watchedMs ? ` (watched for ${seconds(context.watchedMs)}; server.lock was last written ${seconds(context.now - (probe.mtimeMs ?? since))} ago)` : ''}`,
		`the primary lock is still held by ${names(probe, 'live', context)}: the active node has not stepped down`,
	];
	const causes: string[] = [];
	for (const holder of active) {
		const broker = brokerOfPid(holder.pid, context);
		const who = describePid(holder.pid, context, holder.command);
		if (broker?.role === 'backup' && broker.allowFailback === false) causes.push(`${who} has <allow-failback>false</allow-failback>: it never steps down for a returning primary`);
		if (broker?.role === 'primary') causes.push(`${who} is configured as a primary: a primary never steps down (two primaries on one directory?)`);
		if (broker?.clusterConnection === false) causes.push(`${who} has no <cluster-connections>: an Artemis backup steps down only after the primary announces itself over the cluster connection`);
		if (broker?.kind === 'hornetq') causes.push(`${who} is HornetQ: a pre-Artemis peer may not follow the failback announcement`);
		const command = context.processes.get(holder.pid ?? -1)?.command ?? holder.command;
		if (haTuiRole(command) && /--no-allow-failback\b/.test(command!)) causes.push(`${who} runs with --no-allow-failback`);
	}

	const returning = peers(probe, context).filter(facts => facts.broker?.role === 'primary' && facts.usesThisDirectory !== false);
	for (const facts of returning) {
		evidence.push(`returning primary: ${describePid(facts.pid, context)} (waiting for the primary lock)`);
		if (facts.broker?.clusterConnection === false) causes.push(`${describePid(facts.pid, context)} has no <cluster-connections>: it cannot announce itself to the active backup`);
	}

	if (causes.length === 0) {
		causes.push('likely causes: the active backup has allow-failback=false; no cluster connection between the brokers (the backup waits for the primary\'s announcement); a pre-2.x (HornetQ) peer');
	}

	return [{
		id: 'failback-stuck',
		level: 'warning',
		title: `the state has been F for ${seconds(duration)} and the active node keeps the primary lock`,
		evidence: [...evidence, ...causes],
		fix: `Fix the cause on the active node (allow-failback true, a cluster connection to the primary), or stop it${active[0]?.pid ? ` (pid ${active[0].pid})` : ''}: the returning primary then gets the primary lock at once.`,
	}];
}

// --- touched-while-live

export function touchedWhileLive(probe: DoctorProbe, context: DoctorContext): Finding[] {
	const seen = context.observation;
	if (probe.state !== STATE.live || !probe.locks.live.locked || probe.mtimeMs === undefined || seen?.stateMtimeMs === undefined) return [];
	if (probe.mtimeMs <= seen.stateMtimeMs) return [];
	const live = pidsHolding(probe, 'live')[0];
	const livePid = live?.pid;
	// A backup taking over (Artemis 2.29+, ha-tui) sets the mtime on purpose: the holder changed,
	// that is not a touch. Told apart by open file description: two nodes of one TUI share a pid.
	const liveHolderKey = live ? holderKey(live) : undefined;
	const seenHolder = seen.liveHolderKey ?? (seen.livePid === undefined ? undefined : String(seen.livePid));
	if (seenHolder !== undefined && liveHolderKey !== seenHolder && !(live?.ofd === undefined && livePid === seen.livePid)) return [];
	// Our own nodes touch on takeover by design, and watch for foreign touches themselves (lost lock).
	if (live?.sameProcess) return [];
	if (livePid !== undefined && stoppedStates[context.processes.get(livePid)?.state ?? live?.state ?? '']) return [];
	return [{
		id: 'touched-while-live',
		level: 'warning',
		title: 'server.lock was modified while the primary is live',
		evidence: [
			`state ${stateText(probe)} since ${new Date(seen.stateSince).toISOString()}; server.lock's mtime was then ${new Date(seen.stateMtimeMs).toISOString()}`,
			`now it is ${new Date(probe.mtimeMs).toISOString()}, and the state is unchanged`,
			`the primary lock is held by ${names(probe, 'live', context)}`,
			`an Artemis 2.29+ primary checks every ${seconds(LOCK_MONITOR_PERIOD_MS)} and treats a newer mtime while live as a lost lock: it shuts down`,
		],
		fix: `Find what writes or touches ${probe.path} (backup or sync jobs, antivirus, configuration management, a manual touch) and exclude the lock directory from it. Nothing but the brokers may write there.`,
	}];
}

// --- permissions

function canWrite(file: FileOwnership, credentials: {uid: number; gid: number; groups: readonly number[]}): boolean {
	if (credentials.uid === 0) return true;
	if (file.uid === credentials.uid) return (file.mode & 0o200) !== 0;
	if (file.gid === credentials.gid || credentials.groups.includes(file.gid)) return (file.mode & 0o020) !== 0;
	return (file.mode & 0o002) !== 0;
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

export function permissions(probe: DoctorProbe, context: DoctorContext): Finding[] {
	const files = context.files ?? [];
	const evidence: string[] = [];
	const relevant = new Map<number, ProcessFacts>();
	for (const segment of ['state', 'live', 'backup'] as const) {
		for (const holder of pidsHolding(probe, segment)) {
			const facts = context.processes.get(holder.pid!);
			if (facts?.credentials) relevant.set(holder.pid!, facts);
		}
	}

	for (const facts of peers(probe, context)) if (facts.usesThisDirectory && facts.credentials) relevant.set(facts.pid, facts);
	for (const facts of relevant.values()) {
		const credentials = facts.credentials!;
		const who = `${describePid(facts.pid, context)} (uid ${credentials.uid})`;
		for (const file of files) {
			if (!canWrite(file, credentials)) evidence.push(`${who} cannot open ${file.name} for writing (owner ${file.uid}:${file.gid}, mode ${octal(file.mode)}): a restart of it fails to lock`);
			else if (facts.broker && credentials.uid !== 0 && file.uid !== credentials.uid) evidence.push(`${file.name} is owned by uid ${file.uid}, not by the broker user of ${who}`);
		}

		// The files a node of this layout creates at start (layout.ts): missing ones need a writable directory.
		const created = probe.layout === 'files' || probe.layout === 'flock' ? LAYOUTS[probe.layout].files : probe.layout === 'mixed' ? LAYOUTS.files.files : [];
		const missing = (probe.files ?? []).filter(file => !file.exists && created.includes(file.name));
		if (missing.length > 0 && context.directory && !canWrite(context.directory, credentials)) {
			evidence.push(`${who} cannot create ${missing.map(file => file.name).join(', ')} in ${context.directory.path} (owner ${context.directory.uid}:${context.directory.gid}, mode ${octal(context.directory.mode)})`);
		}
	}

	if (evidence.length === 0) return [];
	return [{
		id: 'permissions',
		level: 'warning',
		title: 'lock files the brokers cannot write, or not owned by the broker user',
		evidence,
		fix: `Give the lock files and their directory to the broker user (chown <broker user> ${directoryOf(probe)}/server.lock ${directoryOf(probe)}/serverlock.*); run tools that create files there (ha-tui node included) as that user, not as root.`,
	}];
}

// --- network-fs

export function networkFs(_probe: DoctorProbe, context: DoctorContext): Finding[] {
	if (!context.mount) return [];
	const analysis = analyseMount(context.mount);
	if (analysis.family === 'local') return [];
	const {entry, nfs} = analysis;
	const evidence = [`${entry.mountPoint} is ${entry.fsType}${nfs?.version ? ` (NFSv${nfs.version}${nfs.protocol ? ` over ${nfs.protocol}` : ''})` : ''} from ${entry.source}`, `options: ${[...entry.mountOptions, ...entry.superOptions].join(',')}`];
	evidence.push(...analysis.problems);
	let level: Level = analysis.problems.length > 0 ? 'warning' : 'info';
	if (nfs) {
		for (const check of nfs.checks) evidence.push(`${check.ok ? 'ok  ' : 'not '} ${check.option}: ${check.actual}${check.ok ? '' : ` — ${check.why}`}`);
		if (nfs.requestTimeoutMs === null) {
			evidence.push(`worst-case outage detection: never — ${nfs.computation}; a primary cut off from the server hangs instead of stopping`);
		} else {
			evidence.push(`worst-case outage detection: ${seconds(nfs.requestTimeoutMs + LOCK_MONITOR_PERIOD_MS)} — a request fails after ${nfs.computation}, plus up to ${seconds(LOCK_MONITOR_PERIOD_MS)} until the lock monitor's next look`);
		}

		if (nfs.checks.some(check => !check.ok)) level = 'warning';
	}

	evidence.push(...analysis.notes);
	return [{
		id: 'network-fs',
		level,
		title: `the lock directory is on a network file system (${entry.fsType})`,
		evidence,
		fix: nfs
			? 'Mount with Artemis\' NFS recommendations: sync,noac,soft,lookupcache=none and small timeo/retrans (e.g. timeo=50,retrans=1: a request fails after 5 s + 10 s = 15 s), and keep local_lock=none.'
			: analysis.problems.length > 0
				? 'Use a file system whose locks reach the server (NFSv4, or CIFS without nobrl), or put the lock directory on one.'
				: 'Nothing to change if the file system passes fcntl locks to the server; test a failover.',
	}];
}

// --- waiting: brokers of this group that hold no lock

export function waiting(probe: DoctorProbe, context: DoctorContext): Finding[] {
	const idle = peers(probe, context).filter(facts => facts.usesThisDirectory === true);
	if (idle.length === 0) return [];
	const evidence = idle.map(facts => {
		const role = facts.broker?.role;
		const what = role === 'backup'
			? 'a backup starting, or waiting for the backup lock: Artemis tries every 500 ms and holds nothing in between, so /proc shows no lock'
			: role === 'primary'
				? 'a primary that holds no lock: starting, or waiting for the primary lock (Artemis tries every 500 ms)'
				: 'holds no lock';
		return `${describePid(facts.pid, context)} is configured for ${directoryOf(probe)} and ${what}${facts.state && stoppedStates[facts.state] ? `; it is ${stoppedStates[facts.state]}` : ''}`;
	});
	return [{
		id: 'waiting',
		level: 'info',
		title: `${idle.length === 1 ? 'a broker' : `${idle.length} brokers`} of this group run${idle.length === 1 ? 's' : ''} here without a lock (waiting)`,
		evidence,
		fix: 'Nothing to do: a waiting backup queues for the backup lock when it is free; a primary becomes live when it gets the primary lock.',
	}];
}

// --- the status verdict, restated with names

/**
 * A state byte that is not 0 N L P F: permanent (no broker has a branch for it), so its own
 * finding rather than "in transition", with what the operator must do.
 */
function badState(probe: DoctorProbe, title: string, evidence: string[]): Finding {
	return {
		id: 'bad-state',
		level: 'critical',
		title,
		evidence: [
			...evidence,
			'Artemis and HornetQ have no branch for this state: waiting backups never take over, a backup holding the primary lock keeps it without serving, a primary\'s failback is never answered; it does not end by itself',
			'usual cause: an empty server.lock was there before the first broker started (copied, or made by a tool), so the broker\'s createNewFile() failed and it wrote the node id but never \'0\' \'0\' \'0\'',
		],
		fix: `Stop every broker of this group (and any ha-tui node). Then either write '0' into bytes 0–2 and keep the node id (printf 000 | dd of=${probe.path} bs=1 count=3 conv=notrunc), or remove ${probe.path} (the next broker creates it, with a new node id). Start the primary first.`,
	};
}

/** The one assessment (lock-file/verdict.ts), holders named with the doctor's facts: status' verdict. */
export function assessGroup(probe: DoctorProbe, context: DoctorContext): ReturnType<typeof assess> {
	return assess(probe as unknown as Parameters<typeof assess>[0], namer(context), roleOf(context));
}

export function verdict(probe: DoctorProbe, context: DoctorContext): Finding[] {
	const assessment = assessGroup(probe, context);
	const live = names(probe, 'live', context);
	const backup = names(probe, 'backup', context);
	const levelOf = (exitCode: number): Level => (exitCode === 0 ? 'ok' : exitCode === 1 ? 'warning' : 'critical');
	const evidence = [`state ${stateText(probe)}`, `primary lock: ${live}`, `backup lock: ${backup}`];
	switch (assessment.verdict as string) {
		case 'healthy': {
			return [{id: 'healthy', level: 'ok', title: `${live} is live, ${backup} waits as backup`, evidence, fix: 'Nothing to do.'}];
		}

		case 'no-backup': {
			return [{id: 'no-backup', level: 'warning', title: `${live} is live and no backup holds the backup lock`, evidence, fix: 'Start a backup broker on this directory; until then a failure of the live is an outage.'}];
		}

		case 'no-live': {
			if (probe.state !== undefined && !isKnownState(probe.state)) return [badState(probe, assessment.summary, evidence)];
			return [{id: 'no-live', level: 'critical', title: assessment.summary, evidence, fix: probe.state === STATE.live && probe.locks.backup.locked ? 'A backup should take over within a second; if it does not, check it is not stopped and that it can read the state.' : 'Start the primary broker (or read the findings above for why the backups do not take over).'}];
		}

		case 'failing-back': {
			// F with nobody on the primary lock for a while: the primary that announced failback
			// died before it got the lock, and backups back off on F. Nothing recovers by itself.
			const since = context.observation?.stateSince;
			if (!probe.locks.live.locked && since !== undefined && context.now - since >= FAILBACK_STUCK_MS) {
				return [{
					id: 'failing-back',
					level: 'critical',
					title: `stuck in F with no live for ${seconds(context.now - since)}: the primary that announced failback is gone`,
					evidence: [...evidence, 'state F and nobody holds the primary lock: the primary that wrote F died (or was stopped) before it got the lock; backups back off on F and never take over'],
					fix: 'Start the primary again (it writes F, takes the free primary lock and becomes live).',
				}];
			}

			return [{id: 'failing-back', level: 'warning', title: assessment.summary, evidence, fix: 'Normally over in a few seconds; run doctor again if it is not.'}];
		}

		case 'transition': {
			return [{id: 'transition', level: 'warning', title: assessment.summary, evidence, fix: 'Normally over in a few seconds; run doctor again if it is not.'}];
		}

		case 'mixed-layout':
		case 'live-frozen':
		case 'no-usable-backup': {
			return []; // mixedLayout() and holderStopped() say it, with more to say.
		}

		case 'bad-state': {
			return [badState(probe, assessment.summary, evidence)];
		}

		default: {
			return [{id: 'unknown', level: levelOf(assessment.exitCode), title: assessment.summary, evidence, fix: 'Look at the raw bytes with `ha-tui status --json`.'}];
		}
	}
}
