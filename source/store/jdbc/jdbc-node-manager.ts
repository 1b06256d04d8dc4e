// A NodeManager on a PostgreSQL table, compatible with Artemis' JdbcNodeManager 2.21+: the
// statements of JDBC.md only (postgresql.ts), the DATABASE clock for every lease decision,
// a renew every renewPeriodMs, a lease of expirationMs, and a renew that changes 0 rows (or a
// lease that runs out) is a lost lock: stop being live and never write again.
// One thing it does better than Artemis without changing the protocol: a node waiting for a
// lease reads the row's expiry and tries again at the moment it ends (by the DB clock, through
// the measured DB − host offset) instead of polling every 2 s; it still looks every pollMs for
// a lease released early (a clean stop, a failback).
// The NodeManager interface is synchronous in places (unlock, close): those queue their
// statement on `chain`, which keeps every statement of this node in order; settled() resolves
// when the queue is empty and the connections closed.
import {randomBytes, randomUUID} from 'node:crypto';
import {setTimeout as sleep} from 'node:timers/promises';
import pg from 'pg';
import {STATE} from '../../lock-file/format.js';
import type {LockSegment, NodeManager} from '../../node-manager/node-manager.js';
import {errorLine} from '../../text/error-line.js';
import {clientConfig, connectionError, connectWithMode, describeDbError} from './client.js';
import {columnFormat, quoteIdentifier, ROW, sql, type LockRowId, type Statements} from './postgresql.js';
import {parseExpiration} from './probe.js';
import {JdbcInputError, type JdbcTarget} from './target.js';

export type JdbcNodeManagerOptions = {
	/** jdbc-lock-renew-period (Artemis default 4000 ms). */
	renewPeriodMs?: number;
	/** jdbc-lock-expiration (Artemis default 20000 ms). */
	expirationMs?: number;
	/** How often a waiting node looks for a lease released before its end (default 500 ms). */
	pollMs?: number;
	/** Role, for pg_stat_activity's application_name (brokers.ts ties holders to pids with it). */
	role?: string;
};

const segmentRow: Record<LockSegment, LockRowId> = {live: ROW.live, backup: ROW.backup};

/** application_name of an ha-tui node: "ha-tui node <role> <holder id>" (≤ 63 bytes). */
export const applicationName = (role: string, holderId: string) => `ha-tui node ${role} ${holderId}`;

/**
 * A time-based (version 1) UUID, as Artemis makes node ids: Artemis reads the stored text as a
 * time-based UUID (it forces the version nibble to 1), so a random v4 id would read differently
 * in the JVM than in the row. Random node part with the multicast bit set (RFC 4122 §4.5).
 */
export function timeBasedUuid(now = Date.now()): string {
	const ticks = (BigInt(now) * 10_000n) + 0x01B2_1DD2_1381_4000n; // 100 ns since 1582-10-15
	const low = Number(ticks & 0xFFFF_FFFFn);
	const mid = Number((ticks >> 32n) & 0xFFFFn);
	const high = Number((ticks >> 48n) & 0x0FFFn) | 0x1000;
	const random = randomBytes(8);
	const clockSeq = ((random[0] << 8) | random[1]) & 0x3FFF | 0x8000;
	random[2] |= 0x01;
	const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
	return `${hex(low, 8)}-${hex(mid, 4)}-${hex(high, 4)}-${hex(clockSeq, 4)}-${random.subarray(2).toString('hex')}`;
}

type Held = {expiresAt: number; timer: NodeJS.Timeout; renewing: boolean};

export class JdbcNodeManager implements NodeManager {
	readonly description: string;
	/** Artemis: a random UUID per node-manager start, the same on both lease rows. */
	readonly holderId = randomUUID();
	readonly readsStateBeforeLiveLock = true;
	private readonly statements: Statements;
	private readonly renewPeriodMs: number;
	private readonly expirationMs: number;
	private readonly pollMs: number;
	private pool: pg.Pool | undefined;
	private opening: Promise<void> | undefined;
	private id: string | undefined;
	private chain: Promise<unknown> = Promise.resolve();
	private readonly held = new Map<LockRowId, Held>();
	private lost: string | undefined;
	private closed = false;
	private closing: Promise<void> | undefined;
	private readonly closeController = new AbortController();
	/** DB clock − host clock (ms), from the latest clock query. */
	private offsetMs = 0;

	constructor(readonly target: JdbcTarget, private readonly options: JdbcNodeManagerOptions = {}) {
		this.renewPeriodMs = options.renewPeriodMs ?? 4000;
		this.expirationMs = options.expirationMs ?? 20_000;
		this.pollMs = options.pollMs ?? 500;
		if (this.expirationMs <= this.renewPeriodMs) throw new JdbcInputError(`--lock-expiration (${this.expirationMs} ms) must exceed --lock-renew-period (${this.renewPeriodMs} ms), as Artemis requires`);
		this.statements = sql(target.table);
		this.description = `PostgreSQL leases on ${target.where} table ${target.table} (JdbcNodeManager 2.21+: renew ${this.renewPeriodMs} ms, lease ${this.expirationMs} ms)`;
	}

	get nodeId(): string | undefined {
		return this.id;
	}

	/** The DB clock now, as this host estimates it from the last clock query. */
	dbNowEstimate(): number {
		return Date.now() + this.offsetMs;
	}

	/** Connects, creates the table as Artemis does unless create is false, reads (or sets once) the node id. Idempotent. */
	async open(options: {create?: boolean} = {}): Promise<void> {
		this.opening ??= this.openOnce(options.create ?? true);
		return this.opening;
	}

	private async openOnce(create: boolean): Promise<void> {
		// The first connection tells which host of the list and which of sslmode's modes work;
		// the pool then uses those (a later switch of the database to another host is not followed).
		const first = await connectWithMode(this.target, {applicationName: 'ha-tui node (opening)'});
		await first.client.end().catch(() => {});
		this.pool = new pg.Pool({
			...clientConfig(this.target, first.mode, {applicationName: applicationName(this.options.role ?? 'node', this.holderId), host: first.host}),
			max: 2,
			idleTimeoutMillis: 0,
		});
		this.pool.on('error', () => {}); // an idle connection that breaks: the next query reconnects
		try {
			await this.prepareTable(create);
			this.id = await this.readOrInitNodeId();
		} catch (error) {
			await this.pool.end().catch(() => {});
			this.pool = undefined;
			if (error instanceof JdbcInputError) throw error;
			throw connectionError(this.target, error);
		}
	}

	private async prepareTable(create: boolean): Promise<void> {
		const name = quoteIdentifier(this.target.table);
		const client = await this.pool!.connect();
		try {
			const exists = await client.query<{exists: boolean}>(this.statements.tableExists, [name]);
			if (!exists.rows[0]?.exists) {
				if (!create) throw new JdbcInputError(`${this.target.where}: no table ${this.target.table}`);
				// JdbcSharedStateManager.createSchema: one transaction creates the table and rows 3, 0, 1, 2.
				await client.query('BEGIN');
				try {
					await client.query(this.statements.createTable);
					for (const id of [ROW.nodeId, ROW.state, ROW.live, ROW.backup]) await client.query(this.statements.insertRow, [id]);
					await client.query('COMMIT');
				} catch (error) {
					await client.query('ROLLBACK').catch(() => {});
					// 42P07: another node created it at the same moment: use theirs.
					if ((error as {code?: string}).code !== '42P07') throw error;
				}
			}

			const columns = await client.query<{name: string; type: string}>(this.statements.columns, [name]);
			const format = columnFormat(columns.rows);
			if (!format.ok) throw new JdbcInputError(`${this.target.where}: table ${this.target.table} is not an Artemis node-manager store: ${format.why}`);
			if (format.format === 'timestamp') throw new JdbcInputError(`${this.target.where}: table ${this.target.table} has the Artemis 2.6–2.20 format (TIMESTAMP expiry): 2.21+ nodes cannot share it (Artemis' upgrade note: drop or alter it)`);
			const count = await client.query<{n: number}>(this.statements.countRows);
			if (count.rows[0]?.n === 0) {
				// An existing empty table gets the rows (Artemis does the same); a non-empty one is left alone.
				await client.query('BEGIN');
				try {
					for (const id of [ROW.nodeId, ROW.state, ROW.live, ROW.backup]) await client.query(this.statements.insertRow, [id]);
					await client.query('COMMIT');
				} catch (error) {
					await client.query('ROLLBACK').catch(() => {});
					if ((error as {code?: string}).code !== '23505') throw error; // someone else inserted them
				}
			}

			for (const id of [ROW.state, ROW.live, ROW.backup, ROW.nodeId]) {
				const row = await client.query(`SELECT id FROM ${name} WHERE id = $1`, [id]);
				if (row.rowCount === 0) throw new JdbcInputError(`${this.target.where}: table ${this.target.table} has no row with id ${id} (Artemis keeps rows 0–3): not touching it`);
			}
		} finally {
			client.release();
		}
	}

	/** Once, SERIALIZABLE: set the node id where it is NULL, else read the stored one (up to 20 tries). */
	private async readOrInitNodeId(): Promise<string> {
		for (let attempt = 0; attempt < 20; attempt++) {
			const client = await this.pool!.connect();
			try {
				await client.query('BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE');
				const update = await client.query(this.statements.initNodeId, [timeBasedUuid()]);
				const read = await client.query<{node_id: string | null}>(this.statements.readNodeId);
				await client.query('COMMIT');
				const stored = read.rows[0]?.node_id?.trim();
				if (stored) return stored;
				if (update.rowCount === 1) continue;
			} catch (error) {
				await client.query('ROLLBACK').catch(() => {});
				if ((error as {code?: string}).code !== '40001') throw error; // serialization failure: try again
			} finally {
				client.release();
			}
		}

		throw new JdbcInputError(`${this.target.where}: could not read or set the node id in table ${this.target.table}`);
	}

	sameFile(): boolean {
		return !this.closed;
	}

	/** A statement in this node's order (see the file comment). */
	private queued<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
		const result = this.chain.then(async () => this.withClient(body));
		this.chain = result.catch(() => {});
		return result;
	}

	private async withClient<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
		if (!this.pool) throw new Error('node manager not open');
		const client = await this.pool.connect();
		let broken: Error | undefined;
		try {
			return await body(client);
		} catch (error) {
			// A connection error (not an SQL one): do not give the connection back to the pool.
			if (!(error as {code?: string}).code || /^(08|57P)/.test((error as {code?: string}).code ?? '')) broken = error as Error;
			throw error;
		} finally {
			client.release(broken);
		}
	}

	/** The DB clock (epoch ms), and the offset to this host's clock. */
	private async dbNow(client: pg.PoolClient): Promise<number> {
		const before = Date.now();
		const result = await client.query<{now_ms: string}>(this.statements.now);
		const after = Date.now();
		const now = Number(result.rows[0]?.now_ms);
		if (!Number.isFinite(now)) throw new Error('the database clock query returned no time');
		this.offsetMs = now - (before + after) / 2;
		return now;
	}

	private refuseAfterLoss(): void {
		if (this.lost) throw new Error(`lock lost: ${this.lost}; not writing again`);
		if (this.closed) throw new Error('node manager closed');
	}

	async readState(): Promise<number | undefined> {
		return this.queued(async client => {
			const result = await client.query<{state: string | null}>(this.statements.readState);
			const state = result.rows[0]?.state?.trimEnd();
			if (!state) return undefined;
			return state.codePointAt(0);
		});
	}

	async writeState(state: number): Promise<void> {
		this.refuseAfterLoss();
		await this.queued(async client => {
			this.refuseAfterLoss();
			await client.query(this.statements.writeState, [String.fromCharCode(state)]);
		});
	}

	/** Puts `previous` back only while our F is still there (nobody paused or took over since). */
	async undoLastWrite(previous: number): Promise<boolean> {
		if (this.lost || this.closed) return false;
		return this.queued(async client => {
			const result = await client.query(this.statements.writeStateIf, [String.fromCharCode(previous), String.fromCharCode(STATE.failingBack)]);
			return result.rowCount === 1;
		});
	}

	async tryLock(segment: LockSegment): Promise<boolean> {
		this.refuseAfterLoss();
		const row = segmentRow[segment];
		if (this.held.has(row)) return true;
		return this.queued(async client => this.tryAcquire(client, row));
	}

	private async tryAcquire(client: pg.PoolClient, row: LockRowId): Promise<boolean> {
		this.refuseAfterLoss();
		const now = await this.dbNow(client);
		const expiresAt = now + this.expirationMs;
		const result = await client.query(this.statements.tryAcquire, [this.holderId, expiresAt, now, row]);
		if (result.rowCount !== 1) return false;
		this.startRenewing(row, expiresAt);
		return true;
	}

	async waitLock(segment: LockSegment, signal: AbortSignal): Promise<void> {
		const row = segmentRow[segment];
		const any = AbortSignal.any([signal, this.closeController.signal]);
		for (;;) {
			any.throwIfAborted();
			// One look at the row: free or expired → try now; held → sleep until its end (or the next poll).
			const waitMs = await this.queued(async client => {
				if (await this.tryAcquire(client, row)) return 0;
				const now = await this.dbNow(client);
				const result = await client.query<{holder_id: string | null; holder_expiration_time: string | null}>(this.statements.isLocked, [row]);
				const expiresAt = parseExpiration(result.rows[0]?.holder_expiration_time ?? null);
				if (result.rows[0]?.holder_id === null || expiresAt === null) return 1; // released in between: try again at once
				// try-acquire needs expiration < now: the first whole ms after the end.
				return Math.max(1, Math.min(this.pollMs, expiresAt - now + 1));
			});
			if (waitMs === 0) {
				if (any.aborted) {
					await this.unlock(segment);
					any.throwIfAborted();
				}

				return;
			}

			await sleep(waitMs, undefined, {signal: any});
		}
	}

	/** Stops renewing at once; the release statement is queued (in order) and the promise says when it ran. */
	async unlock(segment: LockSegment): Promise<void> {
		const row = segmentRow[segment];
		const lease = this.held.get(row);
		if (!lease) return;
		clearInterval(lease.timer);
		this.held.delete(row);
		if (this.lost || !this.pool) return; // never write again after a loss
		await this.queued(async client => client.query(this.statements.release, [this.holderId, row])).catch(() => {});
	}

	private startRenewing(row: LockRowId, expiresAt: number): void {
		const lease: Held = {
			expiresAt,
			renewing: false,
			timer: setInterval(() => {
				void this.renew(row, lease);
			}, this.renewPeriodMs),
		};
		lease.timer.unref?.();
		this.held.set(row, lease);
	}

	/** Artemis' renew: 0 rows = lost; an error is tolerated while at least one renew period of lease is left. */
	private async renew(row: LockRowId, lease: Held): Promise<void> {
		if (lease.renewing || this.held.get(row) !== lease || this.lost) return;
		lease.renewing = true;
		try {
			const changed = await this.withClient(async client => {
				const now = await this.dbNow(client);
				const expiresAt = now + this.expirationMs;
				const result = await client.query(this.statements.renew, [expiresAt, this.holderId, row]);
				return result.rowCount === 1 ? expiresAt : undefined;
			});
			if (this.held.get(row) !== lease) return; // released meanwhile: a 0 here is ours
			if (changed === undefined) this.loseLock(row, 'the renew changed no row: another node holds the lease now');
			else lease.expiresAt = changed;
		} catch (error) {
			if (this.held.get(row) !== lease) return;
			const left = lease.expiresAt - this.dbNowEstimate();
			if (left < this.renewPeriodMs) this.loseLock(row, `the renew failed (${describeDbError(error)}) with ${Math.max(0, Math.round(left))} ms of lease left`);
		} finally {
			lease.renewing = false;
		}
	}

	private loseLock(row: LockRowId, why: string): void {
		const lease = this.held.get(row);
		if (lease) clearInterval(lease.timer);
		this.held.delete(row);
		// The backup lease is only a queue: losing it is not a second live. The primary's is.
		if (row === ROW.live) this.lost ??= why;
	}

	async lostLock(): Promise<string | undefined> {
		if (this.lost) return this.lost;
		const lease = this.held.get(ROW.live);
		if (!lease) return 'the primary lease is not held';
		// Running out of lease without a renew (a renew hung past the statement timeout, a paused process).
		if (this.dbNowEstimate() > lease.expiresAt) {
			this.loseLock(ROW.live, `the lease ran out ${Math.round(this.dbNowEstimate() - lease.expiresAt)} ms ago without a renew`);
			return this.lost;
		}

		return undefined;
	}

	/** When our lease on a row ends (DB clock), for display. */
	leaseEnd(segment: LockSegment): number | undefined {
		return this.held.get(segmentRow[segment])?.expiresAt;
	}

	touch(): void {
		// Nothing to touch: a JDBC takeover is visible in the lease row itself.
	}

	async waitForChange(timeoutMs: number, signal: AbortSignal): Promise<void> {
		await sleep(timeoutMs, undefined, {signal: AbortSignal.any([signal, this.closeController.signal])});
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		for (const lease of this.held.values()) clearInterval(lease.timer);
		// Leases we did not release stay in their rows and run out: as a process that dies.
		this.held.clear();
		this.closeController.abort(new DOMException('node manager closed', 'AbortError'));
		const pool = this.pool;
		this.closing = (async () => {
			await this.opening?.catch(() => {});
			await this.chain.catch(() => {});
			await (pool ?? this.pool)?.end().catch(() => {});
		})();
	}

	/** Resolves when every queued statement ran and the connections are closed. */
	async settled(): Promise<void> {
		await this.closing;
	}

	/** For messages: why an operation failed, one line. */
	static describe(error: unknown): string {
		return errorLine(error);
	}
}
