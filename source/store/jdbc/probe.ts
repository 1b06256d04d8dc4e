// One read-only look at a JDBC node-manager store: the database clock, the table's shape and
// its four rows, in ONE read-only transaction (REPEATABLE READ: the clock and the rows are one
// moment). Never creates the table, never writes: the session is read-only by default too
// (default_transaction_read_only), so a bug here could not write either.
import type pg from 'pg';
import {stateName, type StateName} from '../../lock-file/format.js';
import {connectionError, JdbcConnectionError} from './client.js';
import {columnFormat, quoteIdentifier, ROW, sql} from './postgresql.js';
import {connectReadOnly} from './read-only.js';
import {hostText, JdbcInputError, type JdbcTarget} from './target.js';

/** Longest text ha-tui keeps from a text column (VARCHAR(128) in Artemis' table). */
export const MAX_TEXT = 256;

export type Lease = {
	readonly row: 1 | 2;
	/** Raw holder id (outside text: sanitize at the terminal), null when free. */
	readonly holderId: string | null;
	/** holder_expiration_time as stored (text), null when NULL. */
	readonly rawExpiration: string | null;
	/** Epoch ms by the DB clock; null when NULL, not a number, or the old TIMESTAMP format. */
	readonly expiresAt: number | null;
	/** expiresAt − the DB clock at the probe (negative: expired); null when unknown. */
	readonly leftMs: number | null;
	/** Held by Artemis' rule: a holder set and now ≤ expiration. null when it cannot be told. */
	readonly held: boolean | null;
};

export type JdbcProbe = {
	readonly kind: 'jdbc';
	readonly target: string;
	readonly where: string;
	readonly database: string | undefined;
	readonly table: string;
	/** bigint: Artemis 2.21+; timestamp: 2.6–2.20 (not read as leases, see verdict). */
	readonly format: 'bigint' | 'timestamp';
	/** The database clock at the probe, epoch ms. */
	readonly dbNow: number;
	/** This host's clock at the middle of the clock query. */
	readonly hostNow: number;
	/** DB clock minus host clock, ms (± half the round trip). */
	readonly clockSkewMs: number;
	readonly roundTripMs: number;
	/** An empty table: created by someone, no rows inserted yet (Artemis inserts them on start). */
	readonly empty: boolean;
	readonly state: number | undefined;
	/** The state column as stored (outside text), null when NULL. */
	readonly stateRaw: string | null;
	readonly stateName: StateName;
	/** A state Artemis cannot read (not L, F, P, N or NULL). */
	readonly stateUnknown: boolean;
	readonly nodeId: string | undefined;
	readonly locks: {readonly live: Lease; readonly backup: Lease};
	/** The rows as read, for the raw view. */
	readonly rows: ReadonlyArray<Readonly<Record<string, string | number | null>>>;
};

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

function textOf(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	return clip(String(value));
}

/** BIGINT (as text) to epoch ms, only when it is a safe integer. */
export function parseExpiration(raw: string | null): number | null {
	if (raw === null || !/^-?\d{1,20}$/.test(raw)) return null;
	const value = Number(raw);
	return Number.isSafeInteger(value) ? value : null;
}

function lease(row: 1 | 2, record: Record<string, unknown> | undefined, format: 'bigint' | 'timestamp', dbNow: number): Lease {
	const holderId = textOf(record?.holder_id);
	const rawExpiration = textOf(record?.holder_expiration_time);
	const expiresAt = format === 'bigint' ? parseExpiration(rawExpiration) : null;
	const leftMs = expiresAt === null ? null : expiresAt - dbNow;
	let held: boolean | null;
	if (holderId === null) held = false; // JdbcLeaseLock: no holder, not locked
	else if (format === 'timestamp' || (rawExpiration !== null && expiresAt === null)) held = null;
	else held = expiresAt !== null && dbNow <= expiresAt;
	return {row, holderId, rawExpiration, expiresAt, leftMs, held};
}

const KNOWN_STATES = new Set(['L', 'F', 'P', 'N']);

/** Runs `body` in a read-only transaction on `client`. */
export async function readOnly<T>(client: pg.Client, body: () => Promise<T>): Promise<T> {
	await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
	try {
		const result = await body();
		await client.query('COMMIT');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	}
}

export type ProbeOptions = {
	/** Skip the table-shape check (a watcher that checked it once). */
	checkedFormat?: 'bigint' | 'timestamp';
};

/** The table's format, or a JdbcInputError saying why it is not a node-manager store. */
async function tableFormat(client: pg.Client, target: JdbcTarget): Promise<'bigint' | 'timestamp'> {
	const statements = sql(target.table);
	const name = quoteIdentifier(target.table);
	const exists = await client.query<{exists: boolean}>(statements.tableExists, [name]);
	if (!exists.rows[0]?.exists) {
		throw new JdbcInputError(`${target.where}: no table ${target.table} in database ${target.database ?? '(default)'} (not created until an Artemis broker or an ha-tui node starts on it; --table names another)`);
	}

	const columns = await client.query<{name: string; type: string}>(statements.columns, [name]);
	const format = columnFormat(columns.rows);
	if (!format.ok) throw new JdbcInputError(`${target.where}: table ${target.table} is not an Artemis node-manager store: ${format.why}`);
	return format.format;
}

/** BEGIN … READ ONLY, the clock, the rows, COMMIT: one round trip (the simple query protocol). */
async function pulseRows(client: pg.Client, statements: ReturnType<typeof sql>): Promise<{dbNow: number; before: number; after: number; rows: Array<Record<string, unknown>>}> {
	const before = Date.now();
	const results = await client.query(`BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY; ${statements.now}; ${statements.rows}; COMMIT`) as unknown as pg.QueryResult[];
	const after = Date.now();
	return {dbNow: Number((results[1]?.rows[0] as {now_ms?: string} | undefined)?.now_ms), before, after, rows: (results[2]?.rows ?? []) as Array<Record<string, unknown>>};
}

export async function probeWith(client: pg.Client, target: JdbcTarget, options: ProbeOptions = {}): Promise<JdbcProbe> {
	const probe = await probeRows(client, target, options);
	// Of a host list, the one that answered (the client keeps where it connected).
	return target.hosts.length > 1 && typeof client.host === 'string' ? {...probe, where: hostText({host: client.host, port: Number(client.port)})} : probe;
}

async function probeRows(client: pg.Client, target: JdbcTarget, options: ProbeOptions): Promise<JdbcProbe> {
	const statements = sql(target.table);
	if (options.checkedFormat) {
		// A watcher's pulse: the table's shape was checked at its first look.
		let read: Awaited<ReturnType<typeof pulseRows>>;
		try {
			read = await pulseRows(client, statements);
		} catch (error) {
			await client.query('ROLLBACK').catch(() => {});
			throw error;
		}

		return decodeRows(target, options.checkedFormat, read.dbNow, read.before, read.after, read.rows);
	}

	return readOnly(client, async () => {
		const before = Date.now();
		const clock = await client.query<{now_ms: string}>(statements.now);
		const after = Date.now();
		const dbNow = Number(clock.rows[0]?.now_ms);
		const format = await tableFormat(client, target);
		const result = await client.query<Record<string, unknown>>(statements.rows);
		return decodeRows(target, format, dbNow, before, after, result.rows);
	});
}

function decodeRows(target: JdbcTarget, format: 'bigint' | 'timestamp', dbNow: number, before: number, after: number, rows: Array<Record<string, unknown>>): JdbcProbe {
	const result = {rows};
	{
		const byId = new Map<number, Record<string, unknown>>();
		for (const row of result.rows) {
			const id = Number(row.id);
			if (Number.isInteger(id) && !byId.has(id)) byId.set(id, row);
		}

		const empty = result.rows.length === 0;
		const missing = [ROW.state, ROW.live, ROW.backup, ROW.nodeId].filter(id => !byId.has(id));
		if (!empty && missing.length > 0) {
			throw new JdbcInputError(`${target.where}: table ${target.table} is not an Artemis node-manager store: no row with id ${missing.join(', ')} (Artemis keeps rows 0–3)`);
		}

		const stateRaw = textOf(byId.get(ROW.state)?.state);
		const stateChar = stateRaw?.trimEnd();
		const stateUnknown = stateRaw !== null && (stateChar === undefined || !KNOWN_STATES.has(stateChar));
		const state = stateChar && stateChar.length === 1 ? stateChar.charCodeAt(0) : stateRaw === null ? undefined : Number.NaN;
		const nodeIdText = textOf(byId.get(ROW.nodeId)?.node_id)?.trim();
		return {
			kind: 'jdbc',
			target: target.display,
			where: target.where,
			database: target.database,
			table: target.table,
			format,
			dbNow,
			hostNow: Math.round((before + after) / 2),
			clockSkewMs: Math.round(dbNow - (before + after) / 2),
			roundTripMs: after - before,
			empty,
			state: Number.isNaN(state) ? undefined : state,
			stateRaw,
			stateName: stateUnknown || Number.isNaN(state) ? 'unknown' : stateName(state),
			stateUnknown,
			nodeId: nodeIdText || undefined,
			locks: {live: lease(1, byId.get(ROW.live), format, dbNow), backup: lease(2, byId.get(ROW.backup), format, dbNow)},
			rows: result.rows.map(row => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'number' ? value : textOf(value)]))),
		};
	}
}

/** Connect, probe, disconnect: `status` and `doctor`. */
export async function probeJdbc(target: JdbcTarget): Promise<JdbcProbe> {
	const client = await connectReadOnly(target);
	try {
		return await probeWith(client, target);
	} catch (error) {
		if (error instanceof JdbcInputError) throw error;
		throw queryError(target, error);
	} finally {
		await client.end().catch(() => {});
	}
}

/** A failed query as one line; a permission error on the table says which. */
export function queryError(target: JdbcTarget, error: unknown): JdbcConnectionError {
	return connectionError(target, error);
}
