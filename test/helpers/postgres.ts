// A real PostgreSQL for the JDBC-store tests: initdb into a temp directory, a unix socket
// directory and a TCP port on 127.0.0.1 away from 5432, started and stopped by the test
// (≈ 1.3 s). As root, the server runs as the `postgres` user (else `nobody`) through setpriv:
// PostgreSQL refuses to run as root. Password authentication (scram) on TCP, so tests can
// use a wrong password; trust on the socket for the harness's own setup.
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {promisify} from 'node:util';
import {after, before, type TestContext} from 'node:test';
import pg from 'pg';

const run = promisify(execFile);

export const PG_USER = 'hatui';
export const PG_PASSWORD = 's3cret-Pa55word';
export const PG_DB = 'ha';

export type Postgres = {
	dir: string;
	port: number;
	socketDir: string;
	/** postgresql://hatui:PASSWORD@127.0.0.1:PORT/ha */
	url: string;
	/** The same without a password (for PGPASSWORD / ~/.pgpass tests). */
	urlWithoutPassword: string;
	/** A superuser client over the socket, for setting rows up (never ha-tui's code). */
	admin(): Promise<pg.Client>;
	sql(text: string, values?: unknown[]): Promise<pg.QueryResult>;
	/** Stops the server, keeping its data and port (a database that went away, or is not up yet). */
	halt(): Promise<void>;
	/** Starts it again after halt(), on the same port. */
	resume(): Promise<void>;
	stop(): Promise<void>;
};

export function postgresBin(): string | undefined {
	const candidates = [process.env.HA_TUI_PG_BIN, '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'].filter(Boolean) as string[];
	return candidates.find(dir => fs.existsSync(path.join(dir, 'initdb')));
}

/** A port nobody listens on right now: taken from the kernel, then let go. */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** uid/gid to run the server as when we are root. */
function serverUser(): {uid: number; gid: number; name: string} | undefined {
	if (process.getuid?.() !== 0) return undefined;
	for (const name of ['postgres', 'nobody']) {
		try {
			const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find(entry => entry.startsWith(`${name}:`));
			if (!line) continue;
			const [, , uid, gid] = line.split(':');
			return {uid: Number(uid), gid: Number(gid), name};
		} catch {}
	}

	return undefined;
}

export type PostgresOptions = {
	/** More server settings (-c NAME=VALUE), e.g. ['ssl=on']. */
	settings?: readonly string[];
	/** Runs after initdb, before the start: write files into the data directory (chown: to the server's user). */
	prepare?: (data: string, chown: (file: string) => void) => void;
	/** This port rather than one from the kernel (a test that needs it before the server runs). */
	port?: number;
};

export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres | {skip: string}> {
	const bin = postgresBin();
	if (!bin) return {skip: 'PostgreSQL not installed (apt-get install postgresql)'};
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-pg-'));
	const data = path.join(dir, 'data');
	const socketDir = path.join(dir, 'sock');
	fs.mkdirSync(socketDir);
	const pwfile = path.join(dir, 'pw');
	fs.writeFileSync(pwfile, `${PG_PASSWORD}\n`);
	const user = serverUser();
	if (user) {
		for (const entry of [dir, socketDir, pwfile]) fs.chownSync(entry, user.uid, user.gid);
	}

	const as = (command: string, args: string[]) => user
		? run('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', command, ...args], {cwd: dir, timeout: 60_000})
		: run(command, args, {cwd: dir, timeout: 60_000});
	await as(path.join(bin, 'initdb'), ['-D', data, '-U', PG_USER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions']);
	options.prepare?.(data, file => {
		if (user) fs.chownSync(file, user.uid, user.gid);
	});
	const settings = (options.settings ?? []).map(setting => ` -c ${setting}`).join('');
	let port = 0;
	const pgStart = async () => as(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', '-o', `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60${settings}`, 'start']);
	// A free port from the kernel; retried if someone takes it between our look and the start.
	for (let attempt = 0; ; attempt++) {
		port = options.port ?? await freePort();
		try {
			await pgStart();
			break;
		} catch (error) {
			if (attempt >= 3 || options.port !== undefined) throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${fs.readFileSync(path.join(dir, 'log'), 'utf8')}`, {cause: error});
		}
	}

	const admin = async () => {
		const client = new pg.Client({host: socketDir, port, user: PG_USER, database: 'postgres'});
		await client.connect();
		return client;
	};

	const setup = await admin();
	await setup.query(`CREATE DATABASE ${PG_DB}`);
	await setup.end();
	const sql = async (text: string, values?: unknown[]) => {
		const client = new pg.Client({host: socketDir, port, user: PG_USER, database: PG_DB});
		await client.connect();
		try {
			return await client.query(text, values);
		} finally {
			await client.end();
		}
	};

	let stopped: Promise<void> | undefined;
	const stop = async () => {
		stopped ??= (async () => {
			await as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
			fs.rmSync(dir, {recursive: true, force: true});
		})();
		return stopped;
	};

	process.once('exit', () => {
		// A server left running would hold the port and the directory: stop it, whatever happened.
		try {
			const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
			if (pid > 0) process.kill(pid, 'SIGQUIT');
		} catch {}
	});

	return {
		dir,
		port,
		socketDir,
		url: `postgresql://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${PG_DB}`,
		urlWithoutPassword: `postgresql://${PG_USER}@127.0.0.1:${port}/${PG_DB}`,
		admin: async () => {
			const client = new pg.Client({host: socketDir, port, user: PG_USER, database: PG_DB});
			await client.connect();
			return client;
		},
		sql,
		async halt() {
			await as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
		},
		async resume() {
			await pgStart();
		},
		stop,
	};
}

export type PostgresFixture = {
	/** The server, once `before` has run and started it. */
	readonly db: Postgres | undefined;
	/** Why there is none: PostgreSQL not installed, or the file's own requirement not met. */
	readonly skip: string;
	/** The server for this test, or undefined after skipping the test with the reason. */
	need(t: TestContext): Postgres | undefined;
};

/**
 * One PostgreSQL for a test file: started in the file's `before` (unless `requires` says why
 * not: tmux missing, no Artemis jars), stopped in its `after` (after `cleanup`, the file's own
 * teardown). Each test takes it with `need(t)`.
 */
export function postgresFixture(options: PostgresOptions & {requires?: () => string | undefined | Promise<string | undefined>; cleanup?: () => void | Promise<void>} = {}): PostgresFixture {
	let db: Postgres | undefined;
	let skip = '';
	before(async () => {
		const missing = await options.requires?.();
		if (missing) {
			skip = missing;
			return;
		}

		const started = await startPostgres(options);
		if ('skip' in started) skip = started.skip;
		else db = started;
	});
	after(async () => {
		await options.cleanup?.();
		await db?.stop();
	});
	return {
		get db() {
			return db;
		},
		get skip() {
			return skip;
		},
		need(t) {
			if (!db) t.skip(skip);
			return db;
		},
	};
}

/** The table as Artemis 2.21+ creates it (JDBC.md), rows 3, 0, 1, 2 with ids only. */
export async function createArtemisTable(db: Postgres, table = 'node_manager_store'): Promise<void> {
	await db.sql(`CREATE TABLE ${table} (id INT NOT NULL, holder_id VARCHAR(128), holder_expiration_time BIGINT, node_id CHAR(36), state CHAR(1), PRIMARY KEY(id))`);
	await db.sql(`INSERT INTO ${table} (id) VALUES (3), (0), (1), (2)`);
}

/** Every row, to prove nothing was written. */
export async function tableRows(db: Postgres, table = 'node_manager_store'): Promise<string> {
	const result = await db.sql(`SELECT * FROM ${table} ORDER BY id`);
	return JSON.stringify(result.rows);
}
