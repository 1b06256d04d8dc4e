// The fleet screen's tables (issue 19 §2): each database target a JdbcGroup (its own read-only
// JdbcWatcher, jdbc-group.ts), beside the FleetWatcher's directories — composed here, not inside
// the FleetWatcher. Each look feeds the table's doctor (pure findings, store/jdbc/doctor.ts, with
// the group's timings read once at start) and its row (jdbc-fleet-row.ts); `change` when a row
// would read differently. A database that is down is its row's UNKNOWN with the reason, and the
// row comes back when the database does (the watcher tries again every look).
import {EventEmitter} from 'node:events';
import type {BrokerInfo} from '../broker/index.js';
import {worstFinding, type Finding} from '../doctor/index.js';
import {jdbcFindings} from '../store/jdbc/doctor.js';
import {DEFAULT_TIMINGS, groupBrokerTest, groupTimings, type GroupTimings} from '../store/jdbc/timings.js';
import type {JdbcUpdate} from '../store/jdbc/watcher.js';
import {errorLine} from '../text/error-line.js';
import type {FleetRow} from './fleet-view.js';
import {jdbcFleetRow} from './jdbc-fleet-row.js';
import {openJdbcGroups, type JdbcGroup} from './jdbc-group.js';

type Table = {group: JdbcGroup; label: string; input: string; ofGroup: (broker: BrokerInfo) => boolean; timings: GroupTimings; update: JdbcUpdate | undefined; changedAt: number; worst: Finding | undefined; row: FleetRow};

export class FleetTables extends EventEmitter<{change: []}> {
	private tables: Table[] = [];
	private closing: Promise<void> | undefined;

	/** The tables' first looks; bad input (a URL that does not parse, a password refused, no such table) is one line. */
	static async open(inputs: readonly string[], options: {table?: string; intervalMs: number}): Promise<FleetTables | {error: string}> {
		const opened = await openJdbcGroups(inputs, options);
		if ('error' in opened) return opened;
		const tables = new FleetTables();
		// The input as typed (a password in it is used to connect, never shown): enter opens the JDBC screen on it.
		for (const group of opened.groups) tables.add(group, group.input);
		return tables;
	}

	private add(group: JdbcGroup, input: string): void {
		let timings: GroupTimings;
		try {
			// The group's broker.xml on this host, read once (the JDBC screen reads it again on `d`).
			timings = groupTimings(group.target);
		} catch (error) {
			timings = {...DEFAULT_TIMINGS, notes: [errorLine(error)]};
		}

		const update = group.watcher.latest;
		const table: Table = {group, label: group.label, input, ofGroup: groupBrokerTest(group.target), timings, update, changedAt: Date.now(), worst: undefined, row: undefined as unknown as FleetRow};
		table.worst = this.findings(table);
		table.row = jdbcFleetRow(table, update, table.changedAt, table.worst);
		this.tables.push(table);
		group.watcher.on('look', (look, changed) => {
			if (changed) table.changedAt = look.takenAt;
			table.update = look;
			table.worst = this.findings(table);
			const row = jdbcFleetRow(table, look, table.changedAt, table.worst);
			if (changed || rowText(row) !== rowText(table.row)) {
				table.row = row;
				this.emit('change');
			}
		});
	}

	private findings(table: Table): Finding | undefined {
		const probe = table.update?.error === undefined ? table.update?.probe : undefined;
		if (!probe) return undefined;
		try {
			return worstFinding(jdbcFindings({probe, connections: table.update!.connections, timings: table.timings}));
		} catch {
			// Extra information: a bug in a finding must not take the screen down.
			return undefined;
		}
	}

	rows(): FleetRow[] {
		return this.tables.map(table => table.row);
	}

	close(): Promise<void> {
		this.closing ??= Promise.all(this.tables.map(async table => table.group.close())).then(() => undefined);
		return this.closing;
	}
}

/** What a row shows (a renew moves the expiry every look: that alone is no frame). */
const rowText = (row: FleetRow) => [row.verdict, row.live, row.backup, row.state, row.note, row.finding, row.name].join('\u0000');
