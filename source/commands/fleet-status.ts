// `status A B C…` / `status --scan ROOT`: one line per group, the worst exit code; one probe
// each and one holder scan for all of them (source/fleet/probe-groups.ts).
import {brokerLabel, brokerOf} from '../broker/index.js';
import {worstExitCode} from '../fleet/groups.js';
import {probeGroups, type GroupProbe} from '../fleet/probe-groups.js';
import {verdictLabel, type Holder, type Probe} from '../lock-file/index.js';
import {sanitize} from '../text/sanitize.js';
import {resolveFleet, type FleetTargets} from './fleet-targets.js';
import {EXIT, type Io} from './output.js';
import {statusJson} from './status-report.js';

/** A holder in a few words: "broker-a (primary) pid 12", "pid 12", "hidden". */
export function shortHolder(holder: Holder): string {
	if (holder.pid === undefined) return 'hidden';
	const broker = brokerOf(holder.pid);
	return broker ? `${sanitize(brokerLabel(broker))} pid ${holder.pid}` : `pid ${holder.pid}`;
}

export function shortLock(probe: Probe, segment: 'live' | 'backup'): string {
	const lock = probe.locks[segment];
	if (!lock.locked) return 'free';
	return lock.holders.length === 0 ? 'held (holder hidden)' : lock.holders.map(holder => shortHolder(holder)).join(', ');
}

export function groupLine(result: GroupProbe): string {
	const head = `${result.group.label}  ${verdictLabel[result.assessment.verdict]}`;
	if (!result.probe) return `${head} — ${result.assessment.summary}`;
	return `${head} — ${result.assessment.summary}; live ${shortLock(result.probe, 'live')}; backup ${shortLock(result.probe, 'backup')}; state ${result.probe.stateName}`;
}

export function groupJson(result: GroupProbe, scanning: boolean): Record<string, unknown> {
	const found = scanning ? {foundBy: result.group.foundBy} : {};
	if (result.probe) return {...statusJson(result.probe, result.assessment, result.group.resolved), ...found};
	return {path: result.group.lockPath, verdict: 'unknown', error: result.error ?? result.assessment.summary, exitCode: EXIT.unknown, ...found};
}

export async function fleetStatus(options: FleetTargets & {json: boolean}, io: Io): Promise<number> {
	const fleet = await resolveFleet(options, io);
	if ('error' in fleet) {
		if (options.json) io.out(JSON.stringify({groups: [], error: fleet.error, exitCode: EXIT.unknown}));
		io.err(`ha-tui: ${fleet.error}`);
		return EXIT.unknown;
	}

	const {results} = probeGroups(fleet.groups);
	const exitCode = worstExitCode(results.map(result => result.assessment.exitCode));
	const scanning = fleet.scan !== undefined;
	if (options.json) {
		io.out(JSON.stringify({groups: results.map(result => groupJson(result, scanning)), exitCode}));
	} else {
		for (const result of results) io.out(`${groupLine(result)}${scanning ? ` (found by ${result.group.foundBy})` : ''}`);
	}

	return exitCode;
}
