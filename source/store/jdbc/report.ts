// The `status` report of a JDBC group: the --json object and the human lines, from one probe.
// Holder ids, node ids and states are outside text: the output layer sanitizes every line.
import {describeStateByte} from '../../lock-file/format.js';
import {connectedBrokers, identifyHolder, type DbConnection} from './holders.js';
import type {JdbcProbe, Lease} from './probe.js';
import {jdbcVerdictLabel, seconds, type JdbcAssessment} from './verdict.js';

export type LeaseJson = {
	row: 1 | 2;
	held: boolean | null;
	holderId: string | null;
	expiresAt: number | null;
	rawExpiration: string | null;
	leftMs: number | null;
	holder: {who: string; pid: number | null} | null;
};

export type JdbcStatusJson = {
	kind: 'jdbc';
	target: string;
	table: string;
	format: 'bigint' | 'timestamp';
	dbNow: number;
	clockSkewMs: number;
	roundTripMs: number;
	state: string | null;
	stateName: string;
	nodeId: string | null;
	locks: {live: LeaseJson; backup: LeaseJson};
	connected: string[];
	rows: JdbcProbe['rows'];
	verdict: string;
	summary: string;
	exitCode: number;
};

function leaseJson(lease: Lease, connections: readonly DbConnection[]): LeaseJson {
	const identity = identifyHolder(lease.holderId, connections);
	return {
		row: lease.row,
		held: lease.held,
		holderId: lease.holderId,
		expiresAt: lease.expiresAt,
		rawExpiration: lease.rawExpiration,
		leftMs: lease.leftMs,
		holder: identity ? {who: identity.who, pid: identity.pid ?? null} : null,
	};
}

export function jdbcStatusJson(probe: JdbcProbe, assessment: JdbcAssessment, connections: readonly DbConnection[] = []): JdbcStatusJson {
	return {
		kind: 'jdbc',
		target: probe.target,
		table: probe.table,
		format: probe.format,
		dbNow: probe.dbNow,
		clockSkewMs: probe.clockSkewMs,
		roundTripMs: probe.roundTripMs,
		state: probe.stateRaw,
		stateName: probe.stateName,
		nodeId: probe.nodeId ?? null,
		locks: {live: leaseJson(probe.locks.live, connections), backup: leaseJson(probe.locks.backup, connections)},
		connected: connectedBrokers(connections),
		rows: probe.rows,
		verdict: assessment.verdict,
		summary: assessment.summary,
		exitCode: assessment.exitCode,
	};
}

/** "17.9 s left", "expired 3.2 s ago", "free", "2026-12-01 22:40:12 (TIMESTAMP, zone unknown)". */
export function leaseText(lease: Lease): string {
	if (lease.holderId === null) return lease.rawExpiration === null ? 'free' : `free (expiry ${lease.rawExpiration} left behind)`;
	if (lease.leftMs === null) return `expiry ${JSON.stringify(lease.rawExpiration)} (not read as a lease)`;
	return lease.leftMs >= 0 ? `lease ${seconds(lease.leftMs)} left` : `lease expired ${seconds(lease.leftMs)} ago`;
}

/** A holder id as shown: at most 40 characters (Artemis' are 36). */
export const shortHolder = (id: string) => (id.length > 40 ? `${id.slice(0, 39)}…` : id);

function leaseLine(lease: Lease, connections: readonly DbConnection[]): string {
	if (lease.holderId === null) return leaseText(lease);
	const who = identifyHolder(lease.holderId, connections)?.who ?? 'unknown';
	return `holder ${shortHolder(lease.holderId)}, ${leaseText(lease)} — ${who}`;
}

export function jdbcStatusText(probe: JdbcProbe, assessment: JdbcAssessment, connections: readonly DbConnection[] = []): string[] {
	const skew = probe.clockSkewMs;
	const brokers = connectedBrokers(connections);
	const format = probe.format === 'bigint' ? 'Artemis 2.21+ format' : 'Artemis 2.6–2.20 format (TIMESTAMP expiry)';
	return [
		`${jdbcVerdictLabel[assessment.verdict]} — ${assessment.summary}`,
		`store    ${probe.target} table ${probe.table} (${format})${probe.where.includes(',') ? '' : probe.target.includes(',') ? ` · answered by ${probe.where}` : ''}`,
		`clock    database − this host ${skew >= 0 ? '+' : '−'}${Math.abs(skew)} ms (round trip ${probe.roundTripMs} ms)`,
		`state    ${probe.stateRaw === null ? 'NULL' : probe.stateUnknown ? JSON.stringify(probe.stateRaw) : describeStateByte(probe.state)} ${probe.stateName}`,
		`node id  ${probe.nodeId ?? 'none'}`,
		`primary  (row 1) ${leaseLine(probe.locks.live, connections)}`,
		`backup   (row 2) ${leaseLine(probe.locks.backup, connections)}`,
		...(brokers.length > 0 ? [`connected from this host: ${brokers.join(', ')}`] : []),
	];
}
