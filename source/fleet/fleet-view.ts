// The fleet screen's rows (issue 19 §2), from FleetWatcher snapshots: pure, so the screen and
// its tests share them. Worst first; a name (the brokers' names, else the directory).
import type {Finding, Level} from '../doctor/index.js';
import type {JdbcVerdict} from '../store/jdbc/verdict.js';
import type {HolderWithBroker, Snapshot} from '../watch/snapshot.js';
import {brokerOf} from '../broker/index.js';
import {findingText} from './fleet-doctor.js';
import type {Group} from './groups.js';

export type FleetRow = {
	readonly group: Group;
	readonly name: string;
	readonly verdict: JdbcVerdict;
	readonly exitCode: number;
	readonly live: string;
	readonly backup: string;
	readonly state: string;
	readonly changedAt: number;
	readonly note: string;
	/** The worst doctor finding ("WARNING …"; empty when all is well or not known yet). */
	readonly finding: string;
	readonly findingLevel: Level | undefined;
	/** A table's row (fleet/jdbc-fleet-row.ts): enter opens the JDBC screen on this input. */
	readonly jdbc?: {readonly input: string};
};

const rank: Readonly<Record<number, number>> = {2: 0, 3: 1, 1: 2, 0: 3};

function holders(snapshot: Snapshot | undefined, segment: 'live' | 'backup'): {text: string; names: string[]} {
	const lock = snapshot?.probe?.locks[segment];
	if (!lock?.locked) return {text: '—', names: []};
	if (lock.holders.length === 0) return {text: 'hidden', names: []};
	const names: string[] = [];
	const text = lock.holders.map(holder => {
		// Read at the probe (watch/snapshot.ts withBrokers), while the holder lived: a row drawn
		// later reads nothing of /proc (a rebuild is every row: 200 holders' argv at 256 KiB each).
		const broker = 'broker' in holder ? (holder as HolderWithBroker).broker ?? undefined : brokerOf(holder.pid);
		if (broker?.name) names.push(broker.name);
		return broker?.name ? `${broker.name} ${holder.pid}` : holder.pid === undefined ? 'hidden' : `pid ${holder.pid}`;
	}).join(', ');
	return {text, names};
}

export function fleetRow(group: Group, snapshot: Snapshot | undefined, changedAt: number, frozen: readonly number[], worst?: Finding): FleetRow {
	const live = holders(snapshot, 'live');
	const backup = holders(snapshot, 'backup');
	const names = [...new Set([...live.names, ...backup.names])];
	const note = frozen.length > 0 ? `holder frozen (pid ${frozen.join(', ')})` : snapshot?.status === 'ok' ? '' : snapshot?.error ?? 'no lock file yet';
	return {
		group,
		name: names.length > 0 ? `${names.join('/')} ${group.label}` : group.label,
		verdict: snapshot?.assessment.verdict ?? 'unknown',
		exitCode: snapshot?.assessment.exitCode ?? 3,
		live: live.text,
		backup: backup.text,
		state: snapshot?.probe?.stateName ?? snapshot?.status ?? '?',
		changedAt,
		note,
		finding: findingText(worst),
		findingLevel: worst?.level,
	};
}

export function sortRows(rows: readonly FleetRow[], filter: string): FleetRow[] {
	const needle = filter.toLowerCase();
	return rows
		.filter(row => needle === '' || `${row.name} ${row.verdict} ${row.live} ${row.backup} ${row.state} ${row.finding}`.toLowerCase().includes(needle))
		.sort((a, b) => (rank[a.exitCode] ?? 1) - (rank[b.exitCode] ?? 1) || b.changedAt - a.changedAt || a.name.localeCompare(b.name));
}

export function countByVerdict(rows: readonly FleetRow[]): Array<[JdbcVerdict, number]> {
	const counts = new Map<JdbcVerdict, number>();
	for (const row of rows) counts.set(row.verdict, (counts.get(row.verdict) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1]);
}
