// A table's row on the fleet screen (issue 19 §2), from its watcher's look: the same columns as a
// directory's (fleet-view.ts fleetRow) in the table's words. Pure. A holder is named as the
// JDBC timeline names it (an ha-tui node's pid, else the start of its random holder id); a lease
// that ran out says so. A look that failed is UNKNOWN with its reason (the watcher's one line,
// secrets already masked by client.ts describeDbError, masked again here to be sure).
import type {BrokerInfo} from '../broker/index.js';
import type {Finding} from '../doctor/index.js';
import {leaseHolderLabel} from '../session/jdbc-timeline.js';
import type {DbConnection} from '../store/jdbc/holders.js';
import type {Lease} from '../store/jdbc/probe.js';
import type {JdbcUpdate} from '../store/jdbc/watcher.js';
import {maskSecrets} from '../text/secrets.js';
import {findingText} from './fleet-doctor.js';
import type {FleetRow} from './fleet-view.js';

const NO_NAMES = {nodes: [], holderIds: {}} as const;

/**
 * A table as the fleet knows it: its label (the URL without its password, and the table), the
 * input typed, and which local brokers are its own (store/jdbc/timings.ts groupBrokerTest: their
 * broker.xml names this table; another table's broker in the same database is not).
 */
export type FleetTable = {readonly label: string; readonly input: string; readonly ofGroup: (broker: BrokerInfo) => boolean};

function leaseText(lease: Lease, connections: readonly DbConnection[]): string {
	if (lease.holderId === null) return '—';
	// As a directory's row names a holder ("pid 4242"); anyone else by the start of the holder id.
	const who = leaseHolderLabel(lease.holderId, NO_NAMES, connections);
	return lease.held ? who : `${who} expired`;
}

/** Local brokers of this table connected to its database (by their command line / broker.xml): the row's name. */
function brokerNames(connections: readonly DbConnection[], ofGroup: FleetTable['ofGroup']): string[] {
	const names = connections.filter(connection => connection.haTui === undefined && connection.broker?.name && ofGroup(connection.broker)).map(connection => connection.broker!.name!);
	return [...new Set(names)];
}

export function jdbcFleetRow(table: FleetTable, update: JdbcUpdate | undefined, changedAt: number, worst?: Finding, waiting?: string): FleetRow {
	const probe = update?.error === undefined ? update?.probe : undefined;
	const connections = update?.connections ?? [];
	const names = brokerNames(connections, table.ofGroup);
	const error = update?.error ?? waiting;
	const reason = error === undefined ? undefined : maskSecrets(error);
	return {
		// The key a row is known by (fleet-app.tsx): the label is unique per table, and no lock file's path.
		group: {label: table.label, target: table.input, lockPath: `jdbc:${table.label}`, foundBy: 'argument'},
		name: names.length > 0 ? `${names.join('/')} ${table.label}` : table.label,
		verdict: update?.assessment.verdict ?? 'unknown',
		exitCode: update?.assessment.exitCode ?? 3,
		live: probe ? leaseText(probe.locks.live, connections) : '?',
		backup: probe ? leaseText(probe.locks.backup, connections) : '?',
		state: probe ? probe.stateName : update ? 'unreadable' : 'connecting',
		changedAt,
		note: reason ?? '',
		// Unreadable: the doctor cannot look, and why is what matters (the doctor column is wide and shown from 60 columns).
		finding: probe ? findingText(worst) : reason === undefined ? '' : `? ${reason}`,
		findingLevel: probe ? worst?.level : undefined,
		jdbc: {input: table.input},
	};
}
