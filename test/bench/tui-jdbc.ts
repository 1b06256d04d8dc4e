// The JDBC screen at rest (issue 18): `ha-tui postgresql://…` on a pseudo-terminal (100×30) on a
// real PostgreSQL, its CPU (utime + stime from /proc) over a window after a warm-up, the Ink
// frames it drew in that window (each frame is one synchronized update, ESC[?2026h; a painted
// clock or countdown is not) and the transactions it ran (pg_stat_database). Two tables:
// idle (Artemis' four rows, nobody holding a lease) and one with an outside `ha-tui node`
// primary renewing its lease (Artemis' defaults: 4 s renew, 20 s lease).
//   node dist/test/bench/tui.js --stages idle-jdbc,idle-jdbc-live [--idle-seconds S] [--jdbc-warmup-seconds W]
// HA_TUI_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the TUI's node only;
// HA_TUI_BENCH_CLI runs another tree's dist/bin/cli.js (before/after on the same machine).
import process from 'node:process';
import {cliPath} from '../helpers/cli.js';
import {createArtemisTable, PG_PASSWORD, startPostgres, type Postgres} from '../helpers/postgres.js';
import {openPty, type Pty} from '../helpers/pty.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {cpuMs, monotonicMs, sleep} from './stats.js';

export type JdbcIdle = {
	/** % of a core over the window. */
	cpu: number;
	/** Ink frames drawn in the window. */
	frames: number;
	/** Transactions per second on the database (all clients: the TUI's looks, and a node's renews). */
	transactions: number;
	seconds: number;
};

async function transactions(db: Postgres): Promise<number> {
	const result = await db.sql('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
	return Number((result.rows[0] as {n: string}).n);
}

const count = (text: string, part: string) => text.split(part).length - 1;
/** Ink begins each frame with "begin synchronized update". */
const FRAME_START = '\u001B[?2026h';

/** The screen on `table` at rest: a warm-up (V8 compiling, the first minute's frames), then the window. */
async function measure(db: Postgres, table: string, seconds: number, warmupSeconds: number): Promise<JdbcIdle> {
	const extra = process.env.HA_TUI_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
	const cli = process.env.HA_TUI_BENCH_CLI ?? cliPath;
	const pty: Pty = openPty([process.execPath, ...extra, cli, db.urlWithoutPassword, '--table', table], {columns: 100, rows: 30, env: {PGPASSWORD: PG_PASSWORD}});
	try {
		const pid = await pty.pid;
		await pty.waitForScreen(/Leases/, {timeoutMs: 20_000});
		await sleep(warmupSeconds * 1000);
		const from = pty.output().length;
		const x0 = await transactions(db);
		const before = cpuMs(pid);
		const started = monotonicMs();
		await sleep(seconds * 1000);
		const cpu = ((cpuMs(pid) - before) / (monotonicMs() - started)) * 100;
		const frames = count(pty.output().slice(from), FRAME_START);
		// pg_stat_database is updated when a backend reports (at most every 500 ms … 1 s).
		await sleep(1200);
		const x1 = await transactions(db);
		if (extra.length > 0) {
			// A profile is written at a clean exit only: q (no node of ours is running).
			pty.write('q');
			await Promise.race([new Promise(resolve => pty.child.once('exit', resolve)), sleep(5000)]);
		}

		return {cpu, frames, transactions: (x1 - x0 - 2) / (seconds + 1.2), seconds};
	} finally {
		await pty.kill();
	}
}

/** idle: nobody holds a lease; live: an outside `ha-tui node` primary renews its lease every 4 s. */
export async function jdbcIdleCpu(kind: 'idle' | 'live', seconds: number, warmupSeconds: number): Promise<JdbcIdle | {skip: string}> {
	const started = await startPostgres();
	if ('skip' in started) return started;
	const db = started;
	const group = new ProcessGroup();
	try {
		const table = `bench_${kind}`;
		await createArtemisTable(db, table);
		if (kind === 'live') {
			const primary = group.cli('primary', ['node', db.url, '--table', table, '--role', 'primary']);
			await primary.next('live');
		}

		return await measure(db, table, seconds, warmupSeconds);
	} finally {
		await group.killAll();
		await db.stop();
	}
}
