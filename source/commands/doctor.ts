// `ha-tui doctor <file|dir> [--json]`: one look, the findings worst first, exit 0/1/2 as
// `status` (3: not a lock file). When it sees a failback (F) in progress it watches for up
// to FAILBACK_WATCH_MS, re-probing, to tell a failback that is taking its time from a stuck one.
import {setTimeout as sleep} from 'node:timers/promises';
import {DoctorObserver, FAILBACK_STUCK_MS, assessGroup, gatherContext, levelLabel, runDoctor, type DoctorProbe, type Finding} from '../doctor/index.js';
import {LockFileInputError, STATE, probeLockFile, HolderCache, verdictText, type Assessment} from '../lock-file/index.js';
import {describeTarget, resolveTarget, type ResolvedTarget} from '../target/resolve.js';
import {tidyCommand} from '../broker/index.js';
import {sanitize} from '../text/sanitize.js';
import {EXIT, type Io} from './output.js';

/** The longest doctor waits on F: one stuck threshold plus a second of margin. */
export const FAILBACK_WATCH_MS = FAILBACK_STUCK_MS + 1000;
const WATCH_PERIOD_MS = 250;

export type DoctorOptions = {
	json: boolean;
	/** Full command lines in the evidence. */
	verbose?: boolean;
	/** Tests: shorter or no watching. */
	failbackWatchMs?: number;
	/** The processes to look through for this host's brokers (GatherOptions.processes; default every one). */
	processes?: () => Iterable<number>;
};

export type DoctorJson = {
	path: string;
	layout: string | null;
	/** status' verdict, word for word (the one assessment, lock-file/verdict.ts). */
	verdict: string;
	summary: string;
	findings: Finding[];
	/** The verdict's: doctor never changes it. */
	exitCode: number;
};

const livePids = (probe: DoctorProbe) => probe.locks.live.holders.map(holder => holder.pid).join(',');

export async function doctor(argument: string, options: DoctorOptions, io: Io): Promise<number> {
	const cache = new HolderCache();
	const observer = new DoctorObserver();
	let probe: DoctorProbe;
	let target: ResolvedTarget | undefined;
	try {
		target = resolveTarget(argument, {missing: 'error'});
		const file = target.file;
		probe = probeLockFile(file, cache);
		let observation = observer.observe(probe);
		const started = Date.now();
		const budget = options.failbackWatchMs ?? FAILBACK_WATCH_MS;
		let watchedMs: number | undefined;
		// F with the primary lock held: a failback in progress, or a stuck one. Only time tells.
		while (probe.state === STATE.failingBack && probe.locks.live.locked && Date.now() - observation.stateSince < FAILBACK_STUCK_MS && Date.now() - started < budget) {
			const holder = livePids(probe);
			await sleep(WATCH_PERIOD_MS);
			probe = probeLockFile(file, cache);
			observation = observer.observe(probe);
			watchedMs = Date.now() - started;
			if (livePids(probe) !== holder) break;
		}

		const context = gatherContext(probe, {observation, watchedMs, processes: options.processes});
		const findings = runDoctor(probe, context);
		// The verdict is status' (the one assessment); the findings explain it and say what to do.
		const assessment = assessGroup(probe, context);
		const exitCode = assessment.exitCode;
		if (options.json) {
			const json: DoctorJson = {path: probe.path, layout: probe.layout ?? null, verdict: assessment.verdict, summary: assessment.summary, findings, exitCode};
			io.out(JSON.stringify(json));
		} else {
			for (const line of doctorText(probe, findings, target, assessment)) io.out(line);
			if (options.verbose) {
				const seen = new Set<number>();
				for (const segment of ['live', 'backup', 'state'] as const) {
					for (const holder of probe.locks[segment].holders) {
						if (holder.pid === undefined || seen.has(holder.pid) || !holder.command) continue;
						seen.add(holder.pid);
						io.out(`command  pid ${holder.pid}: ${sanitize(tidyCommand(holder.command))}`);
					}
				}
			}
		}

		return exitCode;
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		if (options.json) io.out(JSON.stringify({path: target?.file ?? argument, layout: null, findings: [], error: error.message, exitCode: EXIT.unknown}));
		io.err(`ha-tui: ${sanitize(error.message)}`);
		return EXIT.unknown;
	}
}

/** The human report: a header line, then each finding with its evidence and fix. */
export function doctorText(probe: DoctorProbe, findings: readonly Finding[], target?: ResolvedTarget, assessment?: Assessment): string[] {
	const layout = probe.layout ? `, ${probe.layout} layout` : '';
	const lines = [`ha-tui doctor: ${sanitize(target && target.file === probe.path ? describeTarget(target) : probe.path)}${layout}`];
	if (assessment) lines.push(`verdict  ${sanitize(verdictText(assessment))}`);
	for (const finding of findings) {
		lines.push('', `${levelLabel[finding.level].padEnd(8)} ${finding.id} — ${sanitize(finding.title)}`);
		for (const fact of finding.evidence) lines.push(`         · ${sanitize(fact)}`);
		lines.push(`         fix: ${sanitize(finding.fix)}`);
	}

	return lines;
}
