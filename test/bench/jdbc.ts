// The JDBC store's figures (issue 17), on a real PostgreSQL and the REAL JdbcNodeManager:
// - takeover after a SIGKILLed primary, measured from the dead primary's lease end to the new
//   holder's acquisition, BOTH by the database clock (the new expiry minus the lease length is
//   the moment the try-acquire ran): ha-tui backup vs the real class, same table, same timing
//   (renew 4000 ms as Artemis' default; lease 6000 ms, so a run costs seconds, not 20 s; a
//   waiting Artemis node retries every min(renew, 2000) = 2000 ms either way);
// - `status` wall time; `watch` cost on the database (transactions and statements per second,
//   from pg_stat_database) and its own CPU.
// Alone: node dist/test/bench/jdbc.js [--runs N]
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {realJdbcArtemis, startJdbcDriver} from '../helpers/jdbc-artemis.js';
import {createArtemisTable, PG_PASSWORD, PG_USER, startPostgres, type Postgres} from '../helpers/postgres.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';
import {cpuMs, ms, percentile, sleep, table} from './stats.js';

const RENEW = 4000;
const LEASE = 6000;

type Row = string[];

async function takeover(db: Postgres, who: 'ha-tui' | 'artemis', run: number): Promise<number> {
	const artemis = await realJdbcArtemis();
	if ('skip' in artemis) throw new Error(artemis.skip);
	const name = `bench_${who.replace('-', '_')}_${run}`;
	await createArtemisTable(db, name);
	const group = new ProcessGroup();
	try {
		const primary = group.cli('primary', ['node', db.url, '--table', name, '--role', 'primary', '--lock-renew-period', String(RENEW), '--lock-expiration', String(LEASE)]);
		await primary.next('live');
		const jdbcUrl = `jdbc:postgresql://127.0.0.1:${db.port}/ha?user=${PG_USER}&password=${PG_PASSWORD}`;
		const backup = who === 'ha-tui'
			? group.cli('backup', ['node', db.url, '--table', name, '--role', 'backup', '--lock-renew-period', String(RENEW), '--lock-expiration', String(LEASE)])
			: startJdbcDriver(group, artemis, 'backup', jdbcUrl, name, 'jvm-backup', ['--renew-ms', String(RENEW), '--expiration-ms', String(LEASE)]);
		await backup.next('backup', 30_000);
		const holder = String(primary.events()[0]?.holderId);
		// Let the backup settle into its wait on the primary row, and the primary renew once more.
		await sleep(1000 + Math.random() * RENEW);
		const before = (await db.sql(`SELECT holder_expiration_time FROM ${name} WHERE id = 1`)).rows[0] as {holder_expiration_time: string};
		primary.kill('SIGKILL');
		const end = Number(before.holder_expiration_time);
		const after = await waitFor('the backup holds the primary row', async () => {
			const row = (await db.sql(`SELECT holder_id, holder_expiration_time FROM ${name} WHERE id = 1`)).rows[0] as {holder_id: string | null; holder_expiration_time: string | null};
			return row.holder_id && row.holder_id !== holder ? row : undefined;
		}, {timeoutMs: LEASE + 10_000, everyMs: 50});
		return Number(after.holder_expiration_time) - LEASE - end;
	} finally {
		await group.killAll();
	}
}

export async function measureJdbc(options: {runs: number}): Promise<Row[]> {
	const artemis = await realJdbcArtemis();
	const started = await startPostgres();
	if ('skip' in started) return [['JDBC store', `skipped: ${started.skip}`, '', '']];
	const db = started;
	const rows: Row[] = [];
	try {
		const ours: number[] = [];
		const theirs: number[] = [];
		for (let run = 0; run < options.runs; run++) {
			process.stderr.write(`bench (jdbc): takeover run ${run + 1}/${options.runs}\n`);
			ours.push(await takeover(db, 'ha-tui', run));
			if (!('skip' in artemis)) theirs.push(await takeover(db, 'artemis', run));
		}

		const summary = (values: number[]) => `${ms(percentile(values, 50))} / ${ms(Math.max(...values))}`;
		rows.push([`[jdbc] takeover after the lease end, ha-tui backup, p50 / max (n=${ours.length}; lease ${LEASE} ms, renew ${RENEW} ms)`, summary(ours), '≤ 100 ms', percentile(ours, 100) <= 100 ? 'yes' : 'NO']);
		if (theirs.length > 0) rows.push([`[jdbc] takeover after the lease end, real JdbcNodeManager 2.40.0 backup, p50 / max (n=${theirs.length})`, summary(theirs), '(Artemis: up to 2 s)', '']);

		// status: the wall time of the command as users run it.
		const table1 = 'bench_status';
		await createArtemisTable(db, table1);
		const times: number[] = [];
		for (let index = 0; index < 10; index++) {
			const begin = performance.now();
			await runCli(['status', db.url, '--table', table1]);
			times.push(performance.now() - begin);
		}

		const baseline: number[] = [];
		for (let index = 0; index < 5; index++) {
			const begin = performance.now();
			await runCli(['--version']);
			baseline.push(performance.now() - begin);
		}

		rows.push([`[jdbc] status wall time (process start to exit), p50 / max, n=10 (ha-tui --version alone: p50 ${ms(percentile(baseline, 50))})`, `${ms(percentile(times, 50))} / ${ms(Math.max(...times))}`, '', '']);

		// watch: what it costs the database and this host, at the default interval.
		const group = new ProcessGroup();
		try {
			const watch = group.cli('watch', ['watch', db.url, '--table', table1]);
			await watch.waitLine('watching', line => line.includes('watching'));
			await sleep(1000);
			const xacts = async () => Number((await db.sql('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0].n);
			const x0 = await xacts();
			const c0 = cpuMs(watch.child.pid!);
			const seconds = 10;
			await sleep(seconds * 1000);
			// pg_stat_database is updated when a backend reports (at most every 500 ms … 1 s).
			await sleep(1200);
			const x1 = await xacts();
			const c1 = cpuMs(watch.child.pid!);
			const perSecond = (x1 - x0 - 2) / (seconds + 1.2);
			rows.push([`[jdbc] watch (default --interval 250): database transactions per second (each: BEGIN READ ONLY, clock, rows, COMMIT)`, `${perSecond.toFixed(1)} /s (${(perSecond * 4).toFixed(0)} statements/s)`, '', '']);
			rows.push(['[jdbc] watch: CPU of the watch process', `${((c1 - c0) / (seconds * 10)).toFixed(2)} % of a core`, '≤ 1 %', (c1 - c0) / (seconds * 10) <= 1 ? 'yes' : 'NO']);
		} finally {
			await group.killAll();
		}
	} finally {
		await db.stop();
	}

	return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const index = process.argv.indexOf('--runs');
	const rows = await measureJdbc({runs: index === -1 ? 4 : Number(process.argv[index + 1])});
	process.stdout.write(`${table([['measure', 'result', 'goal', 'ok'], ...rows])}\n`);
}
