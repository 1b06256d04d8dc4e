// Connections to the database, through node-postgres (`pg`): TLS per sslmode, a connect and a
// statement timeout of a few seconds (a dead database is UNKNOWN, not a hang), no prompt
// ever, and one line naming the host and the cause for anything that goes wrong.
import fs from 'node:fs';
import pg from 'pg';
import {errorLine} from '../../text/error-line.js';
import {maskSecrets} from '../../text/secrets.js';
import {hostText, JdbcInputError, type JdbcHost, type JdbcTarget} from './target.js';

export const CONNECT_TIMEOUT_MS = 3000;
export const STATEMENT_TIMEOUT_MS = 3000;

/**
 * The database cannot be reached or refuses us: one line. `unreachable`: nothing answered, or
 * what answered cannot serve yet (refused, timed out, a host name that does not resolve, the
 * server starting, shutting down or full, a standby where a primary is wanted) — a later try
 * may work, so watch and serve report the group UNKNOWN and try again; otherwise (a password or
 * TLS refused, no such database or role) it is the command line's fault: exit 3.
 */
export class JdbcConnectionError extends JdbcInputError {
	override name = 'JdbcConnectionError';
	constructor(message: string, readonly unreachable = false) {
		super(message);
	}
}

/**
 * Errors a later try may not meet (README "A database unreachable at start"): the network's
 * and the server's transient states. A DNS failure counts: in a compose file or a cluster the
 * database's name resolves only once its container runs.
 */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOENT', '57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001', '08004']);

export function isTransientDbError(error: unknown): boolean {
	if (error instanceof JdbcConnectionError) return error.unreachable;
	const code = (error as {code?: string} | undefined)?.code;
	if (code && TRANSIENT_CODES.has(code)) return true;
	return /timeout expired|connection timeout|Connection terminated|Client has encountered a connection error|Query read timeout|socket hang up/i.test(errorLine(error));
}

function sslOption(target: JdbcTarget, mode: 'tls' | 'plain'): pg.ClientConfig['ssl'] {
	if (mode === 'plain') return false;
	const ca = target.sslRootCert ? readCa(target.sslRootCert) : undefined;
	switch (target.sslMode) {
		case 'verify-full': {
			return {rejectUnauthorized: true, ...(ca ? {ca} : {})};
		}

		case 'verify-ca': {
			// The chain is checked, the host name is not (libpq's verify-ca).
			return {rejectUnauthorized: true, checkServerIdentity: () => undefined, ...(ca ? {ca} : {})};
		}

		default: {
			// require / prefer / allow: encrypted, certificate not checked (libpq's meaning).
			return {rejectUnauthorized: false};
		}
	}
}

function readCa(file: string): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch (error) {
		throw new JdbcInputError(`sslrootcert ${file}: ${errorLine(error)}`);
	}
}

export type ConnectOptions = {
	/** Shown in pg_stat_activity: ha-tui nodes name their holder id here (brokers.ts). */
	applicationName?: string;
	statementTimeoutMs?: number;
	connectTimeoutMs?: number;
	/** Which host of the target's list (default: the first). */
	host?: JdbcHost;
};

export function clientConfig(target: JdbcTarget, mode: 'tls' | 'plain', options: ConnectOptions): pg.ClientConfig {
	const statementTimeout = options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS;
	return {
		host: (options.host ?? target.hosts[0]).host,
		port: (options.host ?? target.hosts[0]).port,
		database: target.database,
		user: target.user,
		// undefined: pg falls back to PGPASSWORD, then ~/.pgpass (PGPASSFILE). Never a prompt.
		password: target.password,
		ssl: sslOption(target, mode),
		connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
		statement_timeout: statementTimeout,
		query_timeout: statementTimeout + 1000,
		application_name: options.applicationName ?? 'ha-tui',
		keepAlive: true,
	};
}

/** The modes to try, in order (prefer and allow fall back, as libpq does). */
function modes(target: JdbcTarget): Array<'tls' | 'plain'> {
	switch (target.sslMode) {
		case 'disable': {
			return ['plain'];
		}

		case 'allow': {
			return ['plain', 'tls'];
		}

		case 'prefer': {
			return ['tls', 'plain'];
		}

		default: {
			return ['tls'];
		}
	}
}

/** A connected client; JdbcConnectionError (one line) when that fails. */
export async function connect(target: JdbcTarget, options: ConnectOptions = {}): Promise<pg.Client> {
	return (await connectWithMode(target, options)).client;
}

/** Which server of the list will do (libpq's target_session_attrs); the reason when it will not. */
async function sessionRefusal(client: pg.Client, wanted: JdbcTarget['targetSessionAttrs'], pass: 'first' | 'last'): Promise<string | undefined> {
	if (wanted === 'any' || (wanted === 'prefer-standby' && pass === 'last')) return undefined;
	// A hot standby is read-only and in recovery: one question answers every setting.
	const recovery = (await client.query('SELECT pg_is_in_recovery() AS standby')).rows[0] as {standby: boolean};
	const standby = recovery.standby === true;
	const ok = wanted === 'standby' || wanted === 'prefer-standby' || wanted === 'read-only' ? standby : !standby;
	if (ok) return undefined;
	return standby ? `a standby (read-only), not ${wanted}` : `a primary (read-write), not ${wanted}`;
}

/** A server said who we are is not welcome: libpq does not try the other hosts then. */
const authenticationFailed = (error: unknown) => /^28/.test((error as {code?: string} | undefined)?.code ?? '');

/**
 * Connects to the first host of the list that answers and will do (target_session_attrs), each
 * with the connect timeout, as libpq does; says which of sslmode's modes and which host worked
 * (a pool then uses those). One line naming every host tried when none did.
 */
export async function connectWithMode(target: JdbcTarget, options: ConnectOptions = {}): Promise<{client: pg.Client; mode: 'tls' | 'plain'; host: JdbcHost}> {
	const tried: Array<{host: JdbcHost; why: string; transient: boolean}> = [];
	const passes: Array<'first' | 'last'> = target.targetSessionAttrs === 'prefer-standby' ? ['first', 'last'] : ['last'];
	for (const pass of passes) {
		for (const host of target.hosts) {
			const attempt = await connectHost(target, host, options);
			if ('error' in attempt) {
				const plainRefused = target.sslMode === 'disable' && /no pg_hba\.conf entry .*no encryption/i.test(errorLine(attempt.error));
				tried.push({host, why: `${describeDbError(attempt.error)}${plainRefused ? '; the server accepts this connection only with TLS: sslmode=disable cannot connect' : ''}`, transient: isTransientDbError(attempt.error)});
				if (authenticationFailed(attempt.error)) throw listError(target, tried, attempt.error);
				continue;
			}

			let refusal: string | undefined;
			let transient = true;
			try {
				refusal = await sessionRefusal(attempt.client, target.targetSessionAttrs, pass);
			} catch (error) {
				refusal = describeDbError(error);
				transient = isTransientDbError(error);
			}

			if (refusal === undefined) return {...attempt, host};
			await attempt.client.end().catch(() => {});
			// A standby where a primary is wanted: the database's own failover may change that.
			tried.push({host, why: refusal, transient});
		}
	}

	throw listError(target, tried);
}

async function connectHost(target: JdbcTarget, host: JdbcHost, options: ConnectOptions): Promise<{client: pg.Client; mode: 'tls' | 'plain'} | {error: unknown}> {
	let last: unknown;
	for (const mode of modes(target)) {
		const client = new pg.Client(clientConfig(target, mode, {...options, host}));
		// A connection that breaks later emits 'error': without a listener that would crash us.
		client.on('error', () => {});
		try {
			await client.connect();
			return {client, mode};
		} catch (error) {
			last = error;
			await client.end().catch(() => {});
			const message = errorLine(error);
			// Fall back only where the other mode can help (prefer: the server has no TLS).
			const tlsRefused = /does not support SSL/i.test(message);
			const plainRefused = /no pg_hba\.conf entry .*no encryption/i.test(message);
			if (!tlsRefused && !plainRefused) break;
		}
	}

	return {error: last};
}

/** One host: "db:5432: cause" as before; several: every host tried, with its cause, in order. */
function listError(target: JdbcTarget, tried: ReadonlyArray<{host: JdbcHost; why: string; transient: boolean}>, error?: unknown): JdbcConnectionError {
	const transient = tried.length > 0 && tried.every(entry => entry.transient);
	if (target.hosts.length === 1 && tried.length === 1) return new JdbcConnectionError(`${hostText(tried[0].host)}: ${tried[0].why}`, transient);
	const skipped = target.hosts.length - new Set(tried.map(entry => hostText(entry.host))).size;
	const rest = skipped > 0 && error !== undefined ? ` (not tried after an authentication failure: ${target.hosts.slice(-skipped).map(host => hostText(host)).join(', ')})` : '';
	return new JdbcConnectionError(`no usable server among ${target.hosts.length} hosts: ${tried.map(entry => `${hostText(entry.host)}: ${entry.why}`).join('; ')}${rest}`, transient);
}

/** One line, naming the host and the cause, with any secret masked. */
export function describeDbError(error: unknown): string {
	const code = (error as {code?: string} | undefined)?.code;
	const message = errorLine(error);
	const known: Record<string, string> = {
		ECONNREFUSED: 'connection refused (is PostgreSQL running on that host and port?)',
		ENOTFOUND: 'host not found',
		EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
		EHOSTUNREACH: 'host unreachable',
		ENETUNREACH: 'network unreachable',
		ECONNRESET: 'the connection was reset',
		ETIMEDOUT: 'connection timed out',
		ENOENT: 'no server socket there (is PostgreSQL running, with that socket directory and port?)',
		EACCES: 'permission denied on the server socket',
		'28P01': message,
		'28000': message,
		'3D000': message,
		'42501': `permission denied: ${message}`,
		'57014': `a statement took longer than ${STATEMENT_TIMEOUT_MS / 1000} s (statement timeout)`,
		'57P01': 'the server is shutting down',
		'57P03': 'the server is starting up or shutting down',
		'53300': 'too many connections on the server',
	};
	if (code && known[code]) return maskSecrets(known[code]);
	if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
		const {reason = message, cert} = error as {reason?: string; cert?: {subjectaltname?: string; subject?: {CN?: string}}};
		const names = /^(?:IP|Host): (\S+?)\.? is not in the cert's (?:list|altnames)/.exec(reason);
		// The reason lists only the names of the asked kind (no DNS names for an IP): the certificate says them all.
		const has = cert?.subjectaltname ?? (cert?.subject?.CN ? `CN=${cert.subject.CN}` : 'no name given');
		return maskSecrets(names
			? `TLS: the server's certificate is not for ${names[1]} (it is for ${String(has).slice(0, 200)}): sslmode=verify-full checks the host name — connect by a name the certificate has, or use sslmode=verify-ca`
			: `TLS: ${reason}`);
	}

	if (/self[- ]signed certificate|unable to get local issuer|unable to verify/i.test(message)) return `TLS certificate not accepted: ${maskSecrets(message)} (give the CA that signed it with sslrootcert=FILE or PGSSLROOTCERT)`;
	if (/timeout expired|Connection terminated due to connection timeout/i.test(message)) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s (connect timeout)`;
	// pg's words for a connection that broke under it (the server stopped or restarted).
	if (/Client has encountered a connection error|Connection terminated unexpectedly/i.test(message)) return 'the connection to the server was lost (it stopped or restarted)';
	if (/Query read timeout/i.test(message)) return `no answer within ${(STATEMENT_TIMEOUT_MS + 1000) / 1000} s (statement timeout)`;
	if (/client password must be a string|SASL: SCRAM-SERVER-FIRST-MESSAGE/i.test(message)) return 'the server asks for a password and none was given (URL, PGPASSWORD or ~/.pgpass)';
	if (/self[- ]signed certificate|unable to verify|certificate/i.test(message)) return `TLS certificate not accepted: ${maskSecrets(message)}`;
	return maskSecrets(message);
}

export function connectionError(target: JdbcTarget, error: unknown): JdbcConnectionError {
	return new JdbcConnectionError(`${target.where}: ${describeDbError(error)}`, isTransientDbError(error));
}
