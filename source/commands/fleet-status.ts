// `status A B C…` / `status --scan ROOT`: one line per group, the worst exit code; one probe
// each and one holder scan for all of them (source/fleet/probe-groups.ts).
import {brokerLabel, brokerOf} from '../broker/index.js';
import {worstExitCode} from '../fleet/groups.js';
import {probeGroups, type GroupProbe} from '../fleet/probe-groups.js';
import {verdictLabel, type Holder, type Probe} from '../lock-file/index.js';
import {sanitize} from '../text/sanitize.js';
import type {StoreGroupProbe} from '../fleet/probe-stores.js';
import {storeLockText} from '../fleet/store-lock-text.js';
import {jdbcStatusJson} from '../store/jdbc/report.js';
import {isJdbcTarget} from '../store/jdbc/target.js';
import {jdbcVerdictLabel, type JdbcVerdict} from '../store/jdbc/verdict.js';
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

/** A database group's line: as a directory's, from the store seam's common probe part. */
function storeGroupLine(result: StoreGroupProbe): string {
	const head = `${sanitize(result.label)}  ${jdbcVerdictLabel[result.assessment.verdict as JdbcVerdict] ?? result.assessment.verdict}`;
	if (!result.probe) return `${head} — ${sanitize(result.assessment.summary)}`;
	const {probe} = result;
	return sanitize(`${head} — ${result.assessment.summary}; live ${storeLockText(probe, 'live')}; backup ${storeLockText(probe, 'backup')}; state ${probe.stateName}`);
}

function storeGroupJson(result: StoreGroupProbe): Record<string, unknown> {
	if (result.probe) return {...jdbcStatusJson(result.probe.jdbc, result.probe.assessment, result.probe.connections)};
	return {kind: 'jdbc', target: result.target, verdict: 'unknown', error: result.error ?? result.assessment.summary, exitCode: EXIT.unknown};
}

/**
 * Directories and databases in one report, in the order typed (--scan's finds after them);
 * `table`: the table of every database target (--table).
 */
export async function fleetStatus(options: FleetTargets & {json: boolean; table?: string}, io: Io): Promise<number> {
	const databases = options.targets.filter(target => isJdbcTarget(target));
	const directories = options.targets.filter(target => !isJdbcTarget(target));
	const fleet = directories.length > 0 || options.scan !== undefined ? await resolveFleet({...options, targets: directories}, io) : {groups: []};
	if ('error' in fleet) {
		if (options.json) io.out(JSON.stringify({groups: [], error: fleet.error, exitCode: EXIT.unknown}));
		io.err(`ha-tui: ${fleet.error}`);
		return EXIT.unknown;
	}

	// pg is loaded only when a database is named.
	const stores = databases.length > 0 ? await (await import('../fleet/probe-stores.js')).probeStoreGroups(databases, {table: options.table}) : [];
	const {results} = probeGroups(fleet.groups);
	const exitCode = worstExitCode([...results, ...stores].map(result => result.assessment.exitCode));
	const scanning = 'scan' in fleet && fleet.scan !== undefined;
	// In the order typed: each database where the user put it among the directories.
	const order: Array<{json: Record<string, unknown>; line: string}> = [];
	const directoryLines = results.map(result => ({json: groupJson(result, scanning), line: `${groupLine(result)}${scanning ? ` (found by ${result.group.foundBy})` : ''}`}));
	let nextDirectory = 0;
	let nextStore = 0;
	for (const target of options.targets) {
		if (isJdbcTarget(target)) {
			const store = stores[nextStore++];
			order.push({json: storeGroupJson(store), line: storeGroupLine(store)});
		} else if (nextDirectory < directoryLines.length) {
			// (Fewer lines than directories typed: two spellings of one group are one line.)
			order.push(directoryLines[nextDirectory++]);
		}
	}

	// Duplicates folded away and scanned groups: whatever directory lines are left, in order.
	order.push(...directoryLines.slice(nextDirectory));
	if (options.json) io.out(JSON.stringify({groups: order.map(entry => entry.json), exitCode}));
	else for (const entry of order) io.out(entry.line);
	return exitCode;
}
