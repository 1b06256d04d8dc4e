// Every SQL statement ha-tui sends, for PostgreSQL — the one place per dialect (JDBC.md,
// "The statements"). The node statements are Artemis 2.21+'s (journal-sql.properties,
// JdbcLeaseLock) with PostgreSQL's $n parameters; the read-only ones only SELECT. The table
// name is quoted here and nowhere else (it is always folded by target.ts first).

export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Row ids (JdbcSharedStateManager). */
export const ROW = {state: 0, live: 1, backup: 2, nodeId: 3} as const;
export type LockRowId = typeof ROW.live | typeof ROW.backup;

/** The columns of an Artemis node-manager store, in order. */
export const COLUMNS = ['id', 'holder_id', 'holder_expiration_time', 'node_id', 'state'] as const;

export function sql(table: string) {
	const t = quoteIdentifier(table);
	return {
		// The database clock (Artemis 2.21+: NOW() AT TIME ZONE 'UTC', read as UTC epoch ms). The
		// epoch is taken in the database, so no time zone reaches the client; BIGINT → text in pg.
		now: 'SELECT FLOOR(EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT AS now_ms',
		// Read-only probes.
		tableExists: 'SELECT to_regclass($1) IS NOT NULL AS exists',
		columns: `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
			FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
		rows: `SELECT id, holder_id, holder_expiration_time::TEXT AS holder_expiration_time, node_id, state FROM ${t} ORDER BY id LIMIT 64`,
		/** Who is connected to this database (pids by client port, see brokers.ts). */
		connections: `SELECT pid, application_name, client_addr::TEXT AS client_addr, client_port, backend_start::TEXT AS backend_start, state
			FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' LIMIT 256`,
		// Artemis' statements (2.21+).
		createTable: `CREATE TABLE ${t} (id INT NOT NULL, holder_id VARCHAR(128), holder_expiration_time BIGINT, node_id CHAR(36), state CHAR(1), PRIMARY KEY (id))`,
		countRows: `SELECT COUNT(*)::INT AS n FROM ${t}`,
		insertRow: `INSERT INTO ${t} (id) VALUES ($1)`,
		tryAcquire: `UPDATE ${t} SET holder_id = $1, holder_expiration_time = $2 WHERE (holder_expiration_time IS NULL OR holder_expiration_time < $3) AND id = $4`,
		renew: `UPDATE ${t} SET holder_expiration_time = $1 WHERE holder_id = $2 AND holder_expiration_time IS NOT NULL AND $1 >= holder_expiration_time AND id = $3`,
		release: `UPDATE ${t} SET holder_id = NULL, holder_expiration_time = NULL WHERE holder_id = $1 AND id = $2`,
		isLocked: `SELECT holder_id, holder_expiration_time::TEXT AS holder_expiration_time FROM ${t} WHERE id = $1`,
		readState: `SELECT state FROM ${t} WHERE id = ${ROW.state}`,
		writeState: `UPDATE ${t} SET state = $1 WHERE id = ${ROW.state}`,
		/** ha-tui's undo of its own F (see JdbcNodeManager.undoLastWrite): the write-state statement, only while F is there. */
		writeStateIf: `UPDATE ${t} SET state = $1 WHERE id = ${ROW.state} AND state = $2`,
		readNodeId: `SELECT node_id FROM ${t} WHERE id = ${ROW.nodeId}`,
		initNodeId: `UPDATE ${t} SET node_id = $1 WHERE node_id IS NULL AND id = ${ROW.nodeId}`,
	};
}

export type Statements = ReturnType<typeof sql>;

/** Column types that hold each column's values the way Artemis 2.21+ writes them. */
export function columnFormat(columns: ReadonlyArray<{name: string; type: string}>): {ok: true; format: 'bigint' | 'timestamp'} | {ok: false; why: string} {
	const byName = new Map(columns.map(column => [column.name, column.type]));
	const missing = COLUMNS.filter(name => !byName.has(name));
	if (missing.length > 0) return {ok: false, why: `it has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''} (columns: ${columns.map(column => column.name).join(', ') || 'none'})`};
	const text = /^(character varying|varchar|character|char|text|bpchar)/;
	const id = byName.get('id')!;
	if (!/^(integer|bigint|smallint|numeric)/.test(id)) return {ok: false, why: `its id column is ${id}, not an integer`};
	for (const name of ['holder_id', 'node_id', 'state'] as const) {
		if (!text.test(byName.get(name)!)) return {ok: false, why: `its ${name} column is ${byName.get(name)}, not text`};
	}

	const expiry = byName.get('holder_expiration_time')!;
	if (/^timestamp/.test(expiry)) return {ok: true, format: 'timestamp'};
	if (!/^(bigint|numeric)/.test(expiry)) return {ok: false, why: `its holder_expiration_time column is ${expiry}, neither BIGINT (2.21+) nor TIMESTAMP (2.6–2.20)`};
	return {ok: true, format: 'bigint'};
}
