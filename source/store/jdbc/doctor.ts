// `doctor` on a JDBC group: findings as pure functions of probes (jdbcFindings), and the
// command's look: one probe, then — when the lease is expiring or F is in the row — a short
// read-only watch, because one look cannot tell a failback in progress from a stale one, nor a
// late renew from a dead holder.
import {setTimeout as sleep} from 'node:timers/promises';
import {exitCodeOf, levelLabel, type Finding} from '../../doctor/index.js';
import {connectionError} from './client.js';
import {connectedBrokers, identifyHolder, readConnections, type DbConnection} from './holders.js';
import {probeWith, type JdbcProbe} from './probe.js';
import {connectReadOnly} from './read-only.js';
import {leaseText, shortHolder} from './report.js';
import {JdbcInputError, type JdbcTarget} from './target.js';
import {DEFAULT_ALLOWED_TIME_DIFF_MS, DEFAULT_TIMINGS, groupTimings, type GroupTimings} from './timings.js';
import {ARTEMIS_RETRY_MS, assessJdbc, seconds} from './verdict.js';

export {DEFAULT_RENEW_MS, DEFAULT_EXPIRATION_MS} from './timings.js';
/** jdbc-allowed-time-diff's default (2.27+). */
export const ALLOWED_TIME_DIFF_MS = DEFAULT_ALLOWED_TIME_DIFF_MS;
/** A renew this much past its period is "late". */
export const RENEW_LATE_SLACK_MS = 1000;
/** How long doctor watches an F with a free primary row before calling it stale. */
export const STALE_FAILBACK_MS = 3000;

export type JdbcDoctorInput = {
	probe: JdbcProbe;
	connections: readonly DbConnection[];
	/** A later probe, when doctor watched (F with a free row, a lease running down). */
	later?: JdbcProbe;
	/** The group's timings (broker.xml of its brokers on this host, else Artemis' defaults). */
	timings?: GroupTimings;
};

const who = (probe: JdbcProbe, segment: 'live' | 'backup', connections: readonly DbConnection[]) => {
	const lease = probe.locks[segment];
	if (lease.holderId === null) return 'nobody';
	return `${shortHolder(lease.holderId)} (${identifyHolder(lease.holderId, connections)?.who ?? 'unknown'})`;
};

export function jdbcFindings(input: JdbcDoctorInput): Finding[] {
	const {probe, connections} = input;
	const last = input.later ?? probe;
	const timings = input.timings ?? DEFAULT_TIMINGS;
	const renewMs = timings.renewPeriodMs;
	const expirationMs = timings.expirationMs;
	const allowedMs = timings.allowedTimeDiffMs;
	const findings: Finding[] = [];
	const store = `${probe.target} table ${probe.table}`;
	if (last.format === 'timestamp') {
		findings.push({
			id: 'old-table-format',
			level: 'critical',
			title: 'the table has the Artemis 2.6–2.20 format (TIMESTAMP expiry): 2.21+ brokers cannot use it',
			evidence: [`${store}: holder_expiration_time is a TIMESTAMP, written in the writing JVM's time zone`, `primary row expiry: ${last.locks.live.rawExpiration ?? 'NULL'}; backup row expiry: ${last.locks.backup.rawExpiration ?? 'NULL'}`],
			fix: 'stop every broker of the group, then drop the table (a new node id is made) or alter holder_expiration_time to BIGINT epoch ms, as the Artemis 2.21 upgrade note says; brokers of 2.6–2.20 and 2.21+ must not share it',
		});
		return findings;
	}

	const assessment = assessJdbc(last);
	const {live, backup} = last.locks;
	if (assessment.verdict === 'lease-expired' && live.leftMs !== null) {
		findings.push({
			id: 'lease-expired',
			level: 'critical',
			title: `the primary's lease expired ${seconds(live.leftMs)} ago: its holder stopped renewing (dead, paused or cut off)`,
			evidence: [
				`primary row: ${who(last, 'live', connections)}, ${leaseText(live)}; state L`,
				`backup row: ${backup.held ? `${who(last, 'backup', connections)}, ${leaseText(backup)}` : 'no backup holds it'}`,
				`an Artemis backup tries every ${seconds(ARTEMIS_RETRY_MS)}; an ha-tui backup at the lease's end`,
			],
			fix: backup.held
				? `a backup should take over within ${seconds(ARTEMIS_RETRY_MS)}; if it does not, look at the backup broker's log (is it still waiting on the backup row?)`
				: 'start a backup (an Artemis backup broker, or `ha-tui node URL --role backup`): it will take over at once; or restart the primary',
		});
	}

	if (live.held && live.leftMs !== null) {
		// A renewer on schedule keeps ≥ expiration − renew period left (16 s with the defaults).
		const expectedLeast = expirationMs - renewMs - RENEW_LATE_SLACK_MS;
		const sawRenew = input.later && input.later.locks.live.holderId === probe.locks.live.holderId && (input.later.locks.live.expiresAt ?? 0) > (probe.locks.live.expiresAt ?? 0);
		if (live.leftMs < expectedLeast && !sawRenew) {
			findings.push({
				id: 'renew-late',
				level: 'warning',
				title: `the primary's lease has ${seconds(live.leftMs)} left: its renews are late (a GC-paused, overloaded or partitioned primary)`,
				evidence: [
					`primary row: ${who(last, 'live', connections)}, ${leaseText(live)}`,
					`with renew every ${seconds(renewMs)} and a ${seconds(expirationMs)} lease (${timings.source}), at least ${seconds(expirationMs - renewMs)} is left after each renew`,
					...timings.notes,
					`if no renew comes, the lease ends in ${seconds(live.leftMs)} and a backup takes over then`,
				],
				fix: 'look at the primary broker: GC pauses, CPU starvation, or the network to the database; jdbc-lock-renew-period and jdbc-lock-expiration are in broker.xml',
			});
		}
	}

	const skew = last.clockSkewMs;
	if (Math.abs(skew) > allowedMs + last.roundTripMs) {
		const ahead = skew < 0;
		findings.push({
			id: 'clock-skew',
			level: Math.abs(skew) > expirationMs - renewMs ? 'critical' : 'warning',
			title: `this host's clock is ${seconds(Math.abs(skew))} ${ahead ? 'ahead of' : 'behind'} the database's (jdbc-allowed-time-diff is ${allowedMs} ms)`,
			evidence: [
				`database − this host: ${skew} ms (round trip ${last.roundTripMs} ms); jdbc-allowed-time-diff ${allowedMs} ms, renew ${seconds(renewMs)}, lease ${seconds(expirationMs)}: ${timings.source}`,
				'leases are judged by the database clock; Artemis only logs a warning when a broker host differs by more than jdbc-allowed-time-diff',
				`a broker host more than ${seconds(expirationMs - renewMs)} ahead loses its renew tolerance and may judge a lease it just won as expired`,
			],
			fix: 'run NTP (chrony, systemd-timesyncd) on the broker hosts and the database host',
		});
	}

	if (last.state === 0x46 /* F */ && !live.held && (!input.later || input.later.state === 0x46)) {
		findings.push({
			id: 'stale-failback',
			level: 'critical',
			title: 'F (failing back) with nobody holding the primary lease: a stale failback that blocks failover',
			evidence: [
				`state F${input.later ? `, still F after ${seconds(input.later.dbNow - probe.dbNow)}` : ''}; primary row: ${leaseText(live)}`,
				'a failing-back primary takes the free primary lease at once; backups act only on L, so none will take over',
			],
			fix: 'start the primary again (it writes F and takes the lease), or, with every broker of the group stopped, set the state row to P (UPDATE … SET state = \'P\' WHERE id = 0)',
		});
	}

	if ((last.stateRaw === null || last.state === 0x4e /* N */) && !live.held) {
		findings.push({
			id: 'never-started',
			level: 'critical',
			title: 'no primary has ever run on this table (state NULL or N)',
			evidence: [`state ${last.stateRaw ?? 'NULL'}; primary row: ${leaseText(live)}; backup row: ${leaseText(backup)}`, last.empty ? 'the table has no rows yet' : `node id ${last.nodeId ?? 'none'}`],
			fix: 'start the primary broker (or `ha-tui node URL --role primary`); backups wait for a first L',
		});
	}

	if (findings.length === 0 || assessment.verdict === 'healthy') {
		const brokers = connectedBrokers(connections);
		findings.push({
			id: assessment.verdict === 'lease-expired' ? 'no-live' : assessment.verdict === 'mixed-layout' ? 'unknown' : assessment.verdict,
			level: assessment.exitCode === 0 ? 'ok' : assessment.exitCode === 1 ? 'warning' : assessment.exitCode === 2 ? 'critical' : 'warning',
			title: assessment.summary,
			evidence: [`primary row: ${who(last, 'live', connections)}, ${leaseText(live)}`, `backup row: ${who(last, 'backup', connections)}, ${leaseText(backup)}`, ...(brokers.length > 0 ? [`connected from this host: ${brokers.join(', ')}`] : [])],
			fix: assessment.verdict === 'healthy' ? 'nothing to do' : assessment.verdict === 'no-backup' ? 'start a backup broker (or `ha-tui node URL --role backup`)' : 'see the state and leases above',
		});
	}

	const order = {critical: 0, warning: 1, info: 2, ok: 3} as const;
	return findings.sort((a, b) => order[a.level] - order[b.level]);
}

export async function jdbcDoctor(target: JdbcTarget, options: {watchMs?: number; timings?: GroupTimings} = {}): Promise<{findings: Finding[]; exitCode: number; lines: string[]}> {
	const client = await connectReadOnly(target);
	const timings = options.timings ?? groupTimings(target);
	try {
		const probe = await probeWith(client, target);
		const connections = await readConnections(client, target.table);
		let later: JdbcProbe | undefined;
		const live = probe.locks.live;
		const lateLease = live.held && live.leftMs !== null && live.leftMs < timings.expirationMs - timings.renewPeriodMs - RENEW_LATE_SLACK_MS;
		const failback = probe.state === 0x46 && !live.held;
		const budget = options.watchMs ?? (failback ? STALE_FAILBACK_MS : lateLease ? timings.renewPeriodMs + RENEW_LATE_SLACK_MS : 0);
		const started = Date.now();
		while ((failback || lateLease) && Date.now() - started < budget) {
			await sleep(250);
			later = await probeWith(client, target, {checkedFormat: probe.format});
			if (failback && (later.state !== 0x46 || later.locks.live.held)) break;
			if (lateLease && (later.locks.live.expiresAt ?? 0) > (live.expiresAt ?? 0)) break;
		}

		const findings = jdbcFindings({probe, connections, later, timings});
		const lines = [`ha-tui doctor: ${target.display} table ${target.table}`, `timings  renew ${timings.renewPeriodMs} ms, lease ${timings.expirationMs} ms, allowed time diff ${timings.allowedTimeDiffMs} ms — ${timings.source}`];
		for (const finding of findings) {
			lines.push('', `${levelLabel[finding.level].padEnd(8)} ${finding.id} — ${finding.title}`);
			for (const fact of finding.evidence) lines.push(`         · ${fact}`);
			lines.push(`         fix: ${finding.fix}`);
		}

		const verdictExit = assessJdbc(later ?? probe).exitCode;
		const exitCode = verdictExit === 3 ? 3 : Math.max(exitCodeOf(findings), 0);
		return {findings, exitCode, lines};
	} catch (error) {
		if (error instanceof JdbcInputError) throw error;
		throw connectionError(target, error);
	} finally {
		await client.end().catch(() => {});
	}
}
