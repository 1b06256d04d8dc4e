// The one-glance health of a JDBC group: the file verdicts (lock-file/verdict.ts) with "held"
// meaning a lease that has not run out by the DATABASE clock, plus `lease-expired`: the
// primary's holder is still in its row but its lease ran out — it died (or stalls) and a
// backup should take over at its next try.
import {assess, verdictLabel as fileVerdictLabel, type Verdict} from '../../lock-file/verdict.js';
import type {JdbcProbe} from './probe.js';

export type JdbcVerdict = Verdict | 'lease-expired';

export type JdbcAssessment = {
	readonly verdict: JdbcVerdict;
	readonly exitCode: 0 | 1 | 2 | 3;
	readonly summary: string;
};

export const jdbcVerdictLabel: Readonly<Record<JdbcVerdict, string>> = {...fileVerdictLabel, 'lease-expired': 'CRITICAL: LEASE EXPIRED'};

/** Artemis' waiting nodes retry every min(renew period, 2000) ms (JDBC.md). */
export const ARTEMIS_RETRY_MS = 2000;

/** "4.2 s" */
export const seconds = (ms: number) => `${(Math.round(Math.abs(ms) / 100) / 10).toFixed(1)} s`;

export function assessJdbc(probe: JdbcProbe): JdbcAssessment {
	if (probe.format === 'timestamp') {
		return {verdict: 'unknown', exitCode: 3, summary: `table ${probe.table} has the Artemis 2.6–2.20 format (TIMESTAMP expiry in the writing JVM's zone): leases not read, rows shown as stored (2.21+ brokers cannot share it either)`};
	}

	if (probe.stateUnknown) {
		return {verdict: 'unknown', exitCode: 3, summary: `the state row holds ${JSON.stringify(probe.stateRaw)}, not L, F, P, N or NULL: Artemis cannot read it (it throws)`};
	}

	const {live, backup} = probe.locks;
	for (const lease of [live, backup]) {
		if (lease.held === null) return {verdict: 'unknown', exitCode: 3, summary: `row ${lease.row}'s holder_expiration_time ${JSON.stringify(lease.rawExpiration)} is not epoch milliseconds`};
	}

	if (probe.empty) return {verdict: 'no-live', exitCode: 2, summary: 'no lease on the primary lock: never started (the table has no rows yet)'};
	const STATE_L = 0x4c;
	if (probe.state === STATE_L && !live.held && live.holderId !== null && live.leftMs !== null) {
		const ago = seconds(live.leftMs);
		const then = backup.held
			? `: takeover due in ≤ ${seconds(ARTEMIS_RETRY_MS)} (a waiting Artemis backup retries every 2 s)`
			: ', and no backup holds the backup lease to take over';
		return {verdict: 'lease-expired', exitCode: 2, summary: `the primary's lease expired ${ago} ago (its holder is still in the row)${then}`};
	}

	const base = assess({state: probe.state, locks: {live: {locked: live.held === true}, backup: {locked: backup.held === true}}});
	const summary = base.summary.replaceAll('no process holds the live lock', 'no lease on the primary lock').replaceAll('no backup is queued', 'no backup holds the backup lease');
	return {...base, summary};
}
