// Watches a JDBC store: a pulse every intervalMs — ONE round trip: a read-only transaction
// with the clock query and the rows (the table's shape is checked once, at start) — and an
// `update` event with the changes whenever something changed: the state, a lease taken,
// released, renewed late or expired, the verdict. Renew cadence comes from successive expiry
// values of the same holder (each renew sets expiry = DB now + lease length).
// A database that goes away is reported once and retried every tick; never a write.
// The TUI's watcher may rest (options.rest): a look costs ~1.5 ms of this thread, most of the
// screen's CPU at rest, so with nothing changing it looks less often — never so seldom that two
// renews fall between two looks, and at the full cadence near a held lease's end.
import {EventEmitter} from 'node:events';
import type pg from 'pg';
import {connectionError, describeDbError, isTransientDbError} from './client.js';
import {readConnections, type DbConnection} from './holders.js';
import {probeWith, type JdbcProbe, type Lease} from './probe.js';
import {connectReadOnly} from './read-only.js';
import {leaseText, shortHolder} from './report.js';
import type {StoreWatcher} from '../store.js';
import {JdbcInputError, type JdbcTarget} from './target.js';
import {assessJdbc, jdbcVerdictLabel, seconds, type JdbcAssessment} from './verdict.js';

export type JdbcChange = {kind: string; segment?: 'live' | 'backup'; message: string};

/** What successive expiry values of one holder say about its renewing. */
export type RenewStats = {
	holderId: string | null;
	/** Renews seen. */
	count: number;
	/** ms between the last two renews (by expiry values, DB clock). */
	lastIntervalMs: number | null;
	maxIntervalMs: number | null;
	avgIntervalMs: number | null;
	/** The least lease that was left when a renew came (ms); small = close to losing it. */
	minMarginMs: number | null;
	/** The lease length as seen right after renews (≈ jdbc-lock-expiration). */
	leaseMs: number | null;
};

export type JdbcUpdate = {
	takenAt: number;
	probe?: JdbcProbe;
	assessment: JdbcAssessment;
	connections: DbConnection[];
	changes: JdbcChange[];
	error?: string;
	renew: {live: RenewStats; backup: RenewStats};
};

const rowName = {live: 'primary', backup: 'backup'} as const;
/** A renew later than this past the usual cadence is reported. */
const LATE_MS = 1000;

/** The TUI: a slower cadence once nothing changed for a while (see nextDelay). */
export type RestCadence = {
	/** At rest this long after the last change, lookSoon() or setBusy(false). */
	readonly afterMs: number;
	/** The cadence at rest (the watcher's intervalMs if slower). */
	readonly intervalMs: number;
};

const emptyStats = (holderId: string | null, leftMs: number | null = null): RenewStats => ({holderId, count: 0, lastIntervalMs: null, maxIntervalMs: null, avgIntervalMs: null, minMarginMs: null, leaseMs: holderId === null || leftMs === null || leftMs < 0 ? null : leftMs});

/**
 * The table's StoreWatcher. update: something changed (the lines watch prints); look: every
 * look, changed or not (a renew moves the expiry: the TUI's bars refill).
 */
export class JdbcWatcher extends EventEmitter<{update: [JdbcUpdate]; look: [update: JdbcUpdate, changed: boolean]}> implements StoreWatcher<JdbcUpdate> {
	private client: pg.Client | undefined;
	private format: 'bigint' | 'timestamp' | undefined;
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;
	private closing: Promise<void> | undefined;
	private busy = false;
	private current: JdbcUpdate | undefined;
	private readonly stats: {live: RenewStats; backup: RenewStats} = {live: emptyStats(null), backup: emptyStats(null)};
	private intervalSum = {live: 0, backup: 0};
	private connections: DbConnection[] = [];
	private connectionsKey = '';
	/** Statements sent (for the bench: queries per second). */
	queries = 0;
	/** When something last changed (or lookSoon): the rest cadence waits options.rest.afterMs from it. */
	private activeAt = Date.now();
	private nodesRunning = false;

	constructor(readonly target: JdbcTarget, private readonly options: {intervalMs: number; rest?: RestCadence}) {
		super();
	}

	/** Our nodes are running (the TUI's): no rest until they end. */
	setBusy(busy: boolean): void {
		if (this.nodesRunning && !busy) this.activeAt = Date.now();
		this.nodesRunning = busy;
	}

	/**
	 * ms to the next look: intervalMs, or at rest (options.rest) its slower cadence — no more than
	 * a quarter of each held lease's renew interval as seen (one renew at most between two looks,
	 * or the renew stats and "renewed late" would count two as one), the full cadence while a
	 * holder's renews are not timed yet, and from a rest interval before a held lease's expiry
	 * (its end is seen as soon as by the full cadence).
	 */
	nextDelay(now = Date.now()): number {
		const {intervalMs, rest} = this.options;
		if (!rest || this.nodesRunning || now - this.activeAt < rest.afterMs) return intervalMs;
		const probe = this.current?.probe;
		if (!probe || this.current?.error !== undefined) return Math.max(intervalMs, rest.intervalMs);
		let delay = rest.intervalMs;
		for (const segment of ['live', 'backup'] as const) {
			const lease = probe.locks[segment];
			if (lease.holderId === null || !lease.held || lease.expiresAt === null) continue;
			const renewMs = this.stats[segment].holderId === lease.holderId ? this.stats[segment].avgIntervalMs : null;
			const expiry = lease.expiresAt - (probe.dbNow - probe.hostNow);
			if (renewMs === null || expiry - now <= rest.intervalMs + intervalMs) return intervalMs;
			delay = Math.min(delay, renewMs / 4);
		}

		return Math.max(intervalMs, Math.round(delay));
	}

	/**
	 * The first look: throws JdbcInputError (exit 3) when the store cannot be read at all.
	 * retryUnreachable (watch, serve): a database that cannot be reached yet (isTransientDbError:
	 * refused, timed out, not resolving, starting up) is not bad input: the first look is then
	 * UNKNOWN with the reason, and every tick tries again, as when it goes away while watched.
	 */
	async start(options: {retryUnreachable?: boolean} = {}): Promise<JdbcUpdate> {
		try {
			this.client = await connectReadOnly(this.target);
			if (this.stopped) throw new JdbcInputError('closed while connecting');
			const probe = await probeWith(this.client, this.target);
			this.queries += 6;
			this.format = probe.format;
			this.connections = await readConnections(this.client, this.target.table);
			this.connectionsKey = this.holderKey(probe);
			this.current = this.fold(probe, undefined);
		} catch (error) {
			// Nothing left open: a retry (or the caller's exit) starts from nothing.
			const client = this.client;
			this.client = undefined;
			await client?.end().catch(() => {});
			const failure = error instanceof JdbcInputError ? error : connectionError(this.target, error);
			if (!options.retryUnreachable || this.stopped || !isTransientDbError(failure)) throw failure;
			this.current = this.failedLook(failure.message, undefined);
		}

		this.schedule();
		return this.current;
	}

	/** The opening lines: where we watch, then the state as it is (or why it cannot be read yet). */
	opening(): JdbcUpdate {
		const update = this.current!;
		const {rest} = this.options;
		const resting = rest && rest.intervalMs > this.options.intervalMs ? `, ${rest.intervalMs} ms at rest` : '';
		const first: JdbcChange = {kind: 'appeared', message: `watching ${this.target.display} table ${this.target.table} every ${this.options.intervalMs} ms${resting} (read-only)`};
		if (update.error !== undefined) return {...update, changes: [first, {kind: 'error', message: `${update.error} — trying again every ${this.options.intervalMs} ms`}]};
		const verdict: JdbcChange = {kind: 'verdict', message: `${jdbcVerdictLabel[update.assessment.verdict]} — ${update.assessment.summary}`};
		const leases = update.probe ? (['live', 'backup'] as const).map(segment => ({kind: 'lease', segment, message: `${rowName[segment]} lease: ${this.leaseLine(update.probe!.locks[segment])}`})) : [];
		return {...update, changes: [first, verdict, ...leases]};
	}

	get latest(): JdbcUpdate | undefined {
		return this.current;
	}

	/** Ends the timer and the connection; nothing is emitted after it. Once: a second call returns the first one's promise. */
	close(): Promise<void> {
		this.closing ??= this.closeOnce();
		return this.closing;
	}

	private async closeOnce(): Promise<void> {
		this.stopped = true;
		clearTimeout(this.timer);
		const client = this.client;
		this.client = undefined;
		await client?.end().catch(() => {});
	}

	/** Look now rather than at the next tick (a node of ours just took or released a lease). */
	lookSoon(): void {
		this.activeAt = Date.now();
		if (this.stopped || this.client === undefined) return;
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			void this.tick();
		}, 0);
	}

	private schedule(): void {
		if (this.stopped) return;
		this.timer = setTimeout(() => {
			void this.tick();
		}, this.nextDelay());
	}

	private async tick(): Promise<void> {
		if (this.busy || this.stopped) return;
		this.busy = true;
		try {
			const previous = this.current;
			let update: JdbcUpdate;
			try {
				if (this.client === undefined) {
					const client = await connectReadOnly(this.target);
					// Closed while connecting: nothing may stay open (it would hold the process).
					if (this.stopped) {
						await client.end().catch(() => {});
						return;
					}

					this.client = client;
				}

				const probe = await probeWith(this.client, this.target, {checkedFormat: this.format});
				// The shape is checked once: at the first look that reached the table.
				this.format ??= probe.format;
				this.queries += 4;
				const key = this.holderKey(probe);
				if (key !== this.connectionsKey) {
					// A new holder: look again at who is connected (a few ms of /proc), not every tick.
					this.connections = await readConnections(this.client, this.target.table);
					this.queries++;
					this.connectionsKey = key;
				}

				update = this.fold(probe, previous);
			} catch (error) {
				const client = this.client;
				this.client = undefined;
				await client?.end().catch(() => {});
				update = this.failedLook(error instanceof JdbcInputError ? error.message : `${this.target.where}: ${describeDbError(error)}`, previous);
			}

			this.current = update;
			if (update.changes.length > 0) this.activeAt = Date.now();
			if (update.changes.length > 0 && !this.stopped) this.emit('update', update);
			if (!this.stopped) this.emit('look', update, update.changes.length > 0);
		} finally {
			this.busy = false;
			this.schedule();
		}
	}

	/** A look that could not read the table: UNKNOWN with the reason, a line only when the reason changed. */
	private failedLook(message: string, previous: JdbcUpdate | undefined): JdbcUpdate {
		const changes: JdbcChange[] = previous?.error === message ? [] : [{kind: 'error', message}];
		return {takenAt: Date.now(), assessment: {verdict: 'unknown', exitCode: 3, summary: message}, connections: [], changes, error: message, renew: this.renewCopy()};
	}

	private holderKey(probe: JdbcProbe): string {
		return `${probe.locks.live.holderId}|${probe.locks.backup.holderId}`;
	}

	private leaseLine(lease: Lease): string {
		if (lease.holderId === null) return leaseText(lease);
		const who = this.connections.find(connection => connection.haTui?.holderId === lease.holderId);
		const name = who ? ` — ha-tui node (${who.haTui!.role})${who.pid === undefined ? '' : ` pid ${who.pid}`}` : '';
		return `holder ${shortHolder(lease.holderId)}, ${leaseText(lease)}${name}`;
	}

	private renewCopy(): {live: RenewStats; backup: RenewStats} {
		return {live: {...this.stats.live}, backup: {...this.stats.backup}};
	}

	private fold(probe: JdbcProbe, previous: JdbcUpdate | undefined): JdbcUpdate {
		const assessment = assessJdbc(probe);
		const changes: JdbcChange[] = [];
		const before = previous?.probe;
		if (previous?.error) changes.push({kind: 'recovered', message: `${this.target.where}: reachable again`});
		if (before) {
			if (before.stateRaw !== probe.stateRaw) changes.push({kind: 'state', message: `state ${before.stateRaw ?? 'NULL'} → ${probe.stateRaw ?? 'NULL'} (${probe.stateName})`});
			if (before.nodeId !== probe.nodeId) changes.push({kind: 'node-id', message: `node id ${before.nodeId ?? 'none'} → ${probe.nodeId ?? 'none'}`});
			for (const segment of ['live', 'backup'] as const) changes.push(...this.leaseChanges(segment, before.locks[segment], probe.locks[segment], probe));
			if (previous.assessment.verdict !== assessment.verdict) changes.push({kind: 'verdict', message: `${jdbcVerdictLabel[assessment.verdict]} — ${assessment.summary}`});
		} else {
			for (const segment of ['live', 'backup'] as const) this.stats[segment] = emptyStats(probe.locks[segment].holderId, probe.locks[segment].leftMs);
			// The first look that reached the table after failed ones: the state as it is, as the opening says it.
			if (previous) {
				changes.push({kind: 'verdict', message: `${jdbcVerdictLabel[assessment.verdict]} — ${assessment.summary}`});
				for (const segment of ['live', 'backup'] as const) changes.push({kind: 'lease', segment, message: `${rowName[segment]} lease: ${this.leaseLine(probe.locks[segment])}`});
			}
		}

		return {takenAt: Date.now(), probe, assessment, connections: this.connections, changes, renew: this.renewCopy()};
	}

	private leaseChanges(segment: 'live' | 'backup', before: Lease, now: Lease, probe: JdbcProbe): JdbcChange[] {
		const name = rowName[segment];
		const changes: JdbcChange[] = [];
		if (before.holderId !== now.holderId) {
			this.stats[segment] = emptyStats(now.holderId, now.leftMs);
			this.intervalSum[segment] = 0;
			if (now.holderId === null) changes.push({kind: 'lease-released', segment, message: `${name} lease released by ${shortHolder(before.holderId ?? '?')}`});
			else {
				// The previous holder's lease: run out (a takeover) or released between two looks.
				const previous = before.holderId === null
					? ''
					: before.expiresAt !== null && before.expiresAt < probe.dbNow
						? ` (was ${shortHolder(before.holderId)}, whose lease ran out ${seconds(probe.dbNow - before.expiresAt)} before this look)`
						: ` (was ${shortHolder(before.holderId)}, released)`;
				changes.push({kind: 'lease-taken', segment, message: `${name} lease taken: ${this.leaseLine(now)}${previous}`});
			}
			return changes;
		}

		if (now.holderId === null) return changes;
		// The lease length as seen: the most lease ever left on this holder's row (≈ jdbc-lock-expiration).
		if (now.leftMs !== null) this.stats[segment].leaseMs = Math.max(this.stats[segment].leaseMs ?? 0, now.leftMs);
		if (before.expiresAt !== null && now.expiresAt !== null && now.expiresAt > before.expiresAt) {
			// A renew: expiry = DB now + lease. The interval between two is the renew cadence.
			const stats = this.stats[segment];
			const interval = now.expiresAt - before.expiresAt;
			const leaseMs = stats.leaseMs;
			const margin = leaseMs === null ? null : before.expiresAt - (now.expiresAt - leaseMs);
			stats.count++;
			// The first interval may span a renew we did not see since we started: count from the second.
			if (stats.count > 1) {
				this.intervalSum[segment] += interval;
				stats.lastIntervalMs = interval;
				stats.maxIntervalMs = Math.max(stats.maxIntervalMs ?? 0, interval);
				stats.avgIntervalMs = Math.round(this.intervalSum[segment] / (stats.count - 1));
				if (margin !== null) stats.minMarginMs = Math.min(stats.minMarginMs ?? margin, margin);
				if (stats.avgIntervalMs !== null && stats.count > 2 && interval > (stats.avgIntervalMs ?? interval) + LATE_MS) {
					changes.push({kind: 'renew-late', segment, message: `${name} lease renewed late: ${seconds(interval)} after the previous renew (usually ${seconds(stats.avgIntervalMs)})${margin === null ? '' : `, ${seconds(margin)} of lease was left`}`});
				}
			}

		}

		if (before.held && now.held === false && now.leftMs !== null) {
			const lease = this.stats[segment].leaseMs;
			const silence = lease === null ? '' : `, last renewed ≥ ${seconds(lease - now.leftMs)} ago`;
			changes.push({kind: 'lease-expired', segment, message: `${name} lease expired (holder ${shortHolder(now.holderId)}${silence}): ${segment === 'live' && probe.state === 0x4c ? 'takeover due' : 'free for the next node'}`});
		}

		return changes;
	}
}
