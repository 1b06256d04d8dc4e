// Who holds a lease row. Holder ids are random, so a row alone says nothing. What can be known:
// - an ha-tui node names its holder id in its application_name ("ha-tui node <role> <id>"),
//   so pg_stat_activity ties the id to a connection, and the connection's client port ties it to
//   a local pid (/proc/net/tcp[6] → socket inode → /proc/PID/fd);
// - any other connection from this host (an Artemis broker's pool) can be tied to a pid and a
//   broker (its command line and broker.xml) the same way, but not to a holder id: those are
//   listed as "connected", and the holder stays "unknown". Never a guess.
import fs from 'node:fs';
import type pg from 'pg';
import {brokerLabel, brokerOf, type BrokerInfo} from '../../broker/index.js';
import {readArgv} from '../../broker/proc.js';
import {sql} from './postgresql.js';

export type DbConnection = {
	readonly backendPid: number;
	readonly applicationName: string;
	readonly clientAddr: string | null;
	readonly clientPort: number | null;
	/** The local process at the other end, when it is on this host and visible. */
	readonly pid?: number;
	readonly command?: string;
	readonly broker?: BrokerInfo;
	/** For ha-tui nodes: the holder id and role they announce. */
	readonly haTui?: {role: string; holderId: string};
};

export type HolderIdentity = {
	/** "ha-tui node (backup) pid 4242", "ha-tui node (primary) on 10.0.0.7", or "unknown". */
	readonly who: string;
	readonly pid?: number;
	readonly broker?: BrokerInfo;
};

const HA_TUI = /^ha-tui node (\S+) ([0-9a-f-]{36})$/;

export async function readConnections(client: pg.Client, table: string): Promise<DbConnection[]> {
	let rows: Array<Record<string, unknown>>;
	try {
		rows = (await client.query(sql(table).connections)).rows;
	} catch {
		return []; // pg_stat_activity hidden from us: nothing to tie
	}

	const sockets = localSockets();
	const inodes = new Map<string, number>();
	const wanted = new Set<string>();
	const connections = rows.map(row => {
		const clientPort = row.client_port === null || row.client_port === undefined ? null : Number(row.client_port);
		const applicationName = String(row.application_name ?? '');
		const match = HA_TUI.exec(applicationName);
		const inode = clientPort === null ? undefined : sockets.get(clientPort);
		if (inode) wanted.add(inode);
		return {backendPid: Number(row.pid), applicationName, clientAddr: (row.client_addr as string | null) ?? null, clientPort, inode, ...(match ? {haTui: {role: match[1], holderId: match[2]}} : {})};
	});
	if (wanted.size > 0) for (const [inode, pid] of socketOwners(wanted)) inodes.set(inode, pid);
	return connections.map(({inode, ...connection}) => {
		const pid = inode ? inodes.get(inode) : undefined;
		if (pid === undefined) return connection;
		const broker = brokerOf(pid);
		return {...connection, pid, command: readArgv(pid)?.join(' '), ...(broker ? {broker} : {})};
	});
}

/** Local TCP client ports → socket inode, from /proc/net/tcp and tcp6. */
function localSockets(): Map<number, string> {
	const ports = new Map<number, string>();
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch {
			continue;
		}

		for (const line of text.split('\n').slice(1, 20_001)) {
			const fields = line.trim().split(/\s+/);
			if (fields.length < 10 || fields[3] !== '01') continue; // ESTABLISHED
			const port = Number.parseInt(fields[1].split(':')[1] ?? '', 16);
			if (Number.isInteger(port) && fields[9] !== '0') ports.set(port, fields[9]);
		}
	}

	return ports;
}

/** Which pid has each socket inode open (/proc/PID/fd links "socket:[N]"). */
function socketOwners(inodes: ReadonlySet<string>): Map<string, number> {
	const owners = new Map<string, number>();
	let pids: string[];
	try {
		pids = fs.readdirSync('/proc').filter(name => /^\d+$/.test(name));
	} catch {
		return owners;
	}

	for (const pid of pids) {
		let fds: string[];
		try {
			fds = fs.readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue;
		}

		for (const fd of fds.slice(0, 65_536)) {
			let link: string;
			try {
				link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
			} catch {
				continue;
			}

			const match = /^socket:\[(\d+)\]$/.exec(link);
			if (match && inodes.has(match[1]) && !owners.has(match[1])) owners.set(match[1], Number(pid));
		}

		if (owners.size === inodes.size) break;
	}

	return owners;
}

/** The holder of a lease row, as far as it can be known. */
export function identifyHolder(holderId: string | null, connections: readonly DbConnection[]): HolderIdentity | undefined {
	if (holderId === null) return undefined;
	const node = connections.find(connection => connection.haTui?.holderId === holderId);
	if (node) {
		const where = node.pid === undefined ? (node.clientAddr ? ` on ${node.clientAddr}` : '') : ` pid ${node.pid}`;
		return {who: `ha-tui node (${node.haTui!.role})${where}`, ...(node.pid === undefined ? {} : {pid: node.pid})};
	}

	return {who: 'unknown'};
}

/** Local brokers connected to this database ("broker-a (primary) pid 77"), for the report. */
export function connectedBrokers(connections: readonly DbConnection[]): string[] {
	const seen = new Map<number, string>();
	for (const connection of connections) {
		// ha-tui nodes are named on their rows; ha-tui's read-only looks (watch, status) hold nothing.
		if (connection.pid === undefined || connection.haTui || connection.applicationName.startsWith('ha-tui') || seen.has(connection.pid)) continue;
		const label = connection.broker ? `${brokerLabel(connection.broker)} pid ${connection.pid}` : `pid ${connection.pid} (${(connection.command ?? '?').slice(0, 60)})`;
		seen.set(connection.pid, label);
	}

	return [...seen.values()];
}
