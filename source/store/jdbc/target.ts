// A JDBC-store target as users type it: postgresql://…, postgres://…, or the
// jdbc:postgresql://… URL exactly as a broker.xml's <jdbc-connection-url> has it, plus the
// table name (folded the way PostgreSQL folds an unquoted identifier). Credentials come from
// the URL, else libpq's environment (PGUSER, PGPASSWORD, …) and ~/.pgpass (read by `pg`).
// The password is never shown: `display` masks it, and it is registered with the output
// layer's masker (text/secrets.ts) so no error or JSON line can carry it.
import process from 'node:process';
import {registerSecret} from '../../text/secrets.js';

export class JdbcInputError extends Error {
	override name = 'JdbcInputError';
}

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES = new Set<SslMode>(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

export type JdbcHost = {readonly host: string; readonly port: number};

export type TargetSessionAttrs = 'any' | 'read-write' | 'read-only' | 'primary' | 'standby' | 'prefer-standby';
const SESSION_ATTRS = new Set<TargetSessionAttrs>(['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby']);
/** pgjdbc's targetServerType values, in libpq's terms. */
const SERVER_TYPES: Readonly<Record<string, TargetSessionAttrs>> = {any: 'any', primary: 'primary', master: 'primary', secondary: 'standby', slave: 'standby', preferSecondary: 'prefer-standby', preferSlave: 'prefer-standby', preferPrimary: 'any'};

/** `db:5432`, `[::1]:5433`, `/run/postgresql (socket, port 5432)`. */
export function hostText({host, port}: JdbcHost): string {
	return host.startsWith('/') ? `${host} (socket, port ${port})` : `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export type JdbcTarget = {
	/** As typed, password masked: postgresql://app:***@db:5432/ha */
	readonly display: string;
	/** host:port (or the socket directory), for one-line errors. */
	readonly where: string;
	/** The first host (of hosts). */
	readonly host: string;
	readonly port: number;
	/** Every host of the URL in order (libpq and pgjdbc: a list tried one after the other). */
	readonly hosts: readonly JdbcHost[];
	/** libpq's target_session_attrs (pgjdbc's targetServerType): which server of the list will do. */
	readonly targetSessionAttrs: TargetSessionAttrs;
	readonly database: string | undefined;
	readonly user: string | undefined;
	readonly password: string | undefined;
	readonly sslMode: SslMode;
	readonly sslRootCert: string | undefined;
	/** The table name as PostgreSQL stores it (unquoted names folded to lower case). */
	readonly table: string;
	/** As typed (NODE_MANAGER_STORE by default), for messages. */
	readonly tableAsTyped: string;
};

export const DEFAULT_TABLE = 'NODE_MANAGER_STORE';
const SCHEMES = ['postgresql://', 'postgres://', 'jdbc:postgresql:'];

/** Does this argument name a database rather than a path? */
export function isJdbcTarget(target: string): boolean {
	const lower = target.toLowerCase();
	return SCHEMES.some(scheme => lower.startsWith(scheme));
}

/**
 * A table name as PostgreSQL resolves it: "Quoted" keeps its case, unquoted folds to lower.
 * Only plain identifiers (what Artemis' table-name setting can make): no schema tricks.
 */
export function foldTableName(name: string): string {
	const quoted = /^"([^"\0]{1,63})"$/.exec(name);
	if (quoted) return quoted[1];
	if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(name)) throw new JdbcInputError(`--table ${JSON.stringify(name)} is not a table name (letters, digits, _ and $, at most 63)`);
	return name.toLowerCase();
}

const MAX_URL = 4096;

function decode(text: string, what: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		throw new JdbcInputError(`bad percent-encoding in the ${what} of the URL`);
	}
}

export type ParseOptions = {
	table?: string;
	/** libpq-style environment (tests pass their own). */
	env?: NodeJS.ProcessEnv;
};

export function parseJdbcTarget(input: string, options: ParseOptions = {}): JdbcTarget {
	const env = options.env ?? process.env;
	if (input.length > MAX_URL) throw new JdbcInputError(`database URL longer than ${MAX_URL} characters`);
	let rest: string;
	const lower = input.toLowerCase();
	if (lower.startsWith('jdbc:postgresql://')) rest = input.slice('jdbc:postgresql://'.length);
	else if (lower.startsWith('jdbc:postgresql:')) rest = `/${input.slice('jdbc:postgresql:'.length)}`; // jdbc:postgresql:db (localhost)
	else if (lower.startsWith('postgresql://')) rest = input.slice('postgresql://'.length);
	else if (lower.startsWith('postgres://')) rest = input.slice('postgres://'.length);
	else throw new JdbcInputError(`not a PostgreSQL URL: ${maskUrl(input)}`);

	const hashAt = rest.indexOf('#');
	if (hashAt !== -1) rest = rest.slice(0, hashAt);
	const queryAt = rest.indexOf('?');
	const query = new URLSearchParams(queryAt === -1 ? '' : rest.slice(queryAt + 1));
	if (queryAt !== -1) rest = rest.slice(0, queryAt);
	const slash = rest.indexOf('/');
	let authority = slash === -1 ? rest : rest.slice(0, slash);
	const databasePart = slash === -1 ? '' : rest.slice(slash + 1);

	let user: string | undefined;
	let password: string | undefined;
	const at = authority.lastIndexOf('@');
	if (at !== -1) {
		const info = authority.slice(0, at);
		authority = authority.slice(at + 1);
		const colon = info.indexOf(':');
		user = decode(colon === -1 ? info : info.slice(0, colon), 'user') || undefined;
		if (colon !== -1) password = decode(info.slice(colon + 1), 'password');
	}

	// pgjdbc: ?user=&password=; libpq: the same names.
	user = query.get('user') ?? user;
	password = query.get('password') ?? password;
	if (password !== undefined && password !== '') registerSecret(password);

	// host[:port][,host2[:port2]…]: a list, tried in order as libpq does (connect timeout each).
	const hosts = parseHosts(authority, query, env, input, password);
	const database = decode(databasePart, 'database') || query.get('dbname') || env.PGDATABASE || undefined;
	user ??= env.PGUSER;
	if (password === undefined && env.PGPASSWORD) registerSecret(env.PGPASSWORD);

	// sslmode (libpq, pgjdbc), else pgjdbc's ssl=true (which means verify-full), else PGSSLMODE, else prefer.
	let sslText = query.get('sslmode') ?? undefined;
	if (sslText === undefined && query.has('ssl')) sslText = query.get('ssl') === 'false' ? 'disable' : 'verify-full';
	sslText ??= env.PGSSLMODE ?? 'prefer';
	if (!SSL_MODES.has(sslText as SslMode)) throw new JdbcInputError(`sslmode ${JSON.stringify(sslText)} is not one of ${[...SSL_MODES].join(', ')}`);
	const tableAsTyped = options.table ?? DEFAULT_TABLE;
	const table = foldTableName(tableAsTyped);
	const where = hosts.map(hostText).join(',');
	return {
		display: maskUrl(input, password),
		where,
		host: hosts[0].host,
		port: hosts[0].port,
		hosts,
		targetSessionAttrs: sessionAttrsOf(query, env),
		database,
		user,
		password,
		sslMode: sslText as SslMode,
		sslRootCert: query.get('sslrootcert') ?? env.PGSSLROOTCERT ?? undefined,
		table,
		tableAsTyped,
	};
}

const MAX_HOSTS = 16;

function parsePort(text: string, input: string, password: string | undefined): number {
	if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65_535) throw new JdbcInputError(`bad port ${JSON.stringify(text)} in ${maskUrl(input, password)}`);
	return Number(text);
}

/** The URL's host list (authority, or ?host=…&port=… lists as libpq allows), ports defaulted from PGPORT or 5432. */
function parseHosts(authority: string, query: URLSearchParams, env: NodeJS.ProcessEnv, input: string, password: string | undefined): JdbcHost[] {
	const entries: Array<{host: string; port?: string}> = [];
	for (const part of authority.split(',')) {
		const entry = decode(part, 'host');
		const bracket = /^\[([^\]]+)\](?::(\d*))?$/.exec(entry);
		if (bracket) entries.push({host: bracket[1], port: bracket[2] || undefined});
		else if (entry.includes(':')) entries.push({host: entry.slice(0, entry.lastIndexOf(':')), port: entry.slice(entry.lastIndexOf(':') + 1) || undefined});
		else entries.push({host: entry});
	}

	const queryHosts = query.get('host')?.split(',');
	const queryPorts = query.get('port')?.split(',');
	const hostNames = queryHosts ?? entries.map(entry => entry.host);
	if (hostNames.length > MAX_HOSTS) throw new JdbcInputError(`more than ${MAX_HOSTS} hosts in ${maskUrl(input, password)}`);
	const defaultPort = env.PGPORT || '5432';
	const ports = queryPorts ?? entries.map(entry => entry.port ?? '');
	if (ports.length !== 1 && ports.length !== hostNames.length) throw new JdbcInputError(`${hostNames.length} hosts but ${ports.length} ports in ${maskUrl(input, password)}`);
	const envHosts = env.PGHOST?.split(',');
	return hostNames.map((name, index) => {
		const host = name || (envHosts?.[index] ?? envHosts?.[0]) || 'localhost';
		const portText = (ports.length === 1 ? ports[0] : ports[index]) || defaultPort;
		return {host, port: parsePort(portText, input, password)};
	});
}

function sessionAttrsOf(query: URLSearchParams, env: NodeJS.ProcessEnv): TargetSessionAttrs {
	const serverType = query.get('targetServerType');
	if (serverType !== null) {
		const mapped = SERVER_TYPES[serverType];
		if (!mapped) throw new JdbcInputError(`targetServerType ${JSON.stringify(serverType.slice(0, 40))} is not one of ${Object.keys(SERVER_TYPES).join(', ')}`);
		return mapped;
	}

	const text = query.get('target_session_attrs') ?? env.PGTARGETSESSIONATTRS ?? 'any';
	if (!SESSION_ATTRS.has(text as TargetSessionAttrs)) throw new JdbcInputError(`target_session_attrs ${JSON.stringify(text.slice(0, 40))} is not one of ${[...SESSION_ATTRS].join(', ')}`);
	return text as TargetSessionAttrs;
}

/**
 * The URL with its password replaced by *** — in the user-info part and in a password=
 * parameter — for every line that shows a target.
 */
export function maskUrl(url: string, password?: string): string {
	let masked = url
		.replace(/^((?:jdbc:)?postgres(?:ql)?:\/\/[^/@?#]*?:)[^/@?#]*@/i, '$1***@')
		.replaceAll(/([?&;]password=)[^&#;]*/gi, '$1***');
	if (password) masked = masked.split(password).join('***');
	return masked;
}

/**
 * Remembers the password of every database URL on the command line (an argument, or the value
 * of --flag=URL) as a secret before any command runs, so no output can show it — also where a
 * command does not take a URL there (`history postgresql://u:pw@…` quoted it in its error).
 * As typed and percent-decoded; the URL is not otherwise checked here.
 */
export function registerArgvSecrets(argv: readonly string[]): void {
	for (const argument of argv) {
		const value = argument.startsWith('--') && argument.includes('=') ? argument.slice(argument.indexOf('=') + 1) : argument;
		if (!isJdbcTarget(value) || value.length > MAX_URL) continue;
		const afterScheme = value.replace(/^(?:jdbc:)?postgres(?:ql)?:(?:\/\/)?/i, '');
		const authority = afterScheme.split(/[/?#]/, 1)[0];
		const at = authority.lastIndexOf('@');
		const colon = at === -1 ? -1 : authority.indexOf(':');
		const candidates = [
			...(colon !== -1 && colon < at ? [authority.slice(colon + 1, at)] : []),
			...[...value.matchAll(/[?&;]password=([^&#;]*)/gi)].map(match => match[1]),
		];
		for (const raw of candidates) {
			registerSecret(raw);
			try {
				registerSecret(decodeURIComponent(raw));
			} catch {}
		}
	}
}

/** Masks database URLs in argv (for the process title: /proc/PID/cmdline is world-readable). */
export function maskArgv(argv: readonly string[]): string[] {
	return argv.map(arg => (isJdbcTarget(arg) ? maskUrl(arg) : arg));
}
