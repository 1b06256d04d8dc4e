// A REAL Artemis 2.40.0 broker pair on a JDBC shared store (artemis create --shared-store --jdbc,
// pgjdbc copied into each instance's lib/) on a real PostgreSQL, with ha-tui watching and
// taking part: kill -9 of the primary broker, the backup broker activates after the lease, watch
// shows the takeover; an ha-tui backup queued behind the activated backup takes over when that
// one is killed too; the primary broker, restarted, fails back from the ha-tui node.
// Ports 62210/62211 (this suite's fixed range), short leases (renew 1 s, lease 4 s).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {brokerLine, brokerLog, realArtemis, type RealArtemis} from '../helpers/artemis.js';
import {PG_PASSWORD, PG_USER, postgresFixture} from '../helpers/postgres.js';
import {ProcessGroup, run, runCli, type Spawned} from '../helpers/spawned.js';
import {waitFor} from '../helpers/wait.js';

const PORTS = {primary: 62_210, backup: 62_211};
const RENEW = 1000;
const LEASE = 4000;

let artemis: RealArtemis | undefined;
let root: string | undefined;
const postgres = postgresFixture({
	async requires() {
		const real = await realArtemis();
		if ('skip' in real) return real.skip;
		artemis = real;
		return undefined;
	},
	cleanup() {
		if (root) fs.rmSync(root, {recursive: true, force: true});
	},
});

function pgjdbcJar(): string | undefined {
	const file = path.join(process.env.HA_TUI_INTEROP_CACHE ?? path.join(os.homedir(), '.cache', 'ha-tui-interop'), 'classpath-jdbc-2.40.0.txt');
	if (!fs.existsSync(file)) return undefined;
	return fs.readFileSync(file, 'utf8').trim().split(path.delimiter).find(jar => /[/\\]postgresql-[\d.]+\.jar$/.test(jar));
}

async function createInstance(home: string, instance: string, role: 'primary' | 'backup', jdbcUrl: string, jar: string): Promise<void> {
	const other = role === 'primary' ? 'backup' : 'primary';
	const created = await run(path.join(home, 'bin', 'artemis'), [
		'create', instance, '--shared-store', ...(role === 'backup' ? ['--backup'] : []),
		// create writes the URL into broker.xml as it is: the & of the query must be XML.
		'--jdbc', '--jdbc-connection-url', jdbcUrl.replaceAll('&', '&amp;'), '--jdbc-driver-class-name', 'org.postgresql.Driver',
		'--jdbc-lock-renew-period', String(RENEW), '--jdbc-lock-expiration', String(LEASE),
		'--name', role, '--user', 'a', '--password', 'a', '--require-login', '--no-autotune', '--silent', '--no-web', '--host', 'localhost',
		'--no-amqp-acceptor', '--no-mqtt-acceptor', '--no-stomp-acceptor', '--no-hornetq-acceptor',
		'--default-port', String(PORTS[role]), '--staticCluster', `tcp://localhost:${PORTS[other]}`, '--cluster-user', 'a', '--cluster-password', 'a',
	], {timeoutMs: 120_000, env: {...process.env, JAVA_ARGS: undefined, JAVA_OPTS: undefined}});
	if (created.code !== 0) throw new Error(`artemis create ${role} failed (exit ${created.code}):\n${created.stdout}\n${created.stderr}`);
	fs.copyFileSync(jar, path.join(instance, 'lib', path.basename(jar)));
}

function startBroker(group: ProcessGroup, instance: string, name: string): Spawned {
	const javaArgs = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData', '-Xms32m', '-Xmx256m', '-Dlog4j2.disableJmx=true', '--add-opens', 'java.base/jdk.internal.misc=ALL-UNNAMED'].join(' ');
	const broker = group.spawn(name, path.join(instance, 'bin', 'artemis'), ['run'], {detached: true, env: {...process.env, JAVA_ARGS: javaArgs}});
	const {pid} = broker.child;
	if (pid !== undefined) {
		process.once('exit', () => {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {}
		});
	}

	return broker;
}

type Report = {verdict: string; locks: Record<'live' | 'backup', {holderId: string | null; held: boolean}>};

test('a real broker pair on PostgreSQL: kill -9, takeover seen by watch, an ha-tui backup behind it, failback to the primary broker', {timeout: 300_000}, async t => {
	const jar = pgjdbcJar();
	const db = postgres.db;
	if (!db || !artemis || !jar) {
		t.skip(postgres.skip || 'pgjdbc jar not fetched (scripts/fetch-artemis.sh)');
		return;
	}

	root = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-jdbc-pair-'));
	const jdbcUrl = `jdbc:postgresql://127.0.0.1:${db.port}/ha?user=${PG_USER}&password=${PG_PASSWORD}`;
	const instances = {primary: path.join(root, 'primary'), backup: path.join(root, 'backup')};
	await Promise.all((['primary', 'backup'] as const).map(async role => createInstance(artemis!.distributionHome, instances[role], role, jdbcUrl, jar)));
	const group = new ProcessGroup();
	const status = async () => JSON.parse((await runCli(['status', jdbcUrl, '--json'])).stdout) as Report;
	try {
		const primary = startBroker(group, instances.primary, 'broker-primary');
		await brokerLine(primary, brokerLog.primaryActive, 90_000);
		const backup = startBroker(group, instances.backup, 'broker-backup');
		await brokerLine(backup, brokerLog.backupWaiting, 90_000);
		await waitFor('status: healthy', async () => (await status()).verdict === 'healthy', 10_000);
		const before = await status();
		const watch = group.cli('watch', ['watch', jdbcUrl, '--json', '--interval', '100']);
		await watch.waitLine('watching', line => line.includes('"appeared"'));

		primary.kill('SIGKILL');
		await brokerLine(backup, brokerLog.backupActive, LEASE + 30_000);
		await watch.waitLine('the takeover', line => line.includes('primary lease taken') && line.includes(before.locks.backup.holderId ?? '?'), 10_000);
		const taken = await status();
		assert.equal(taken.locks.live.holderId, before.locks.backup.holderId, 'the backup broker holds the primary row now');
		assert.notEqual(taken.locks.live.holderId, before.locks.live.holderId);

		// An ha-tui backup queues behind the activated backup broker, and takes over when it dies.
		const haTui = group.cli('ha-tui-backup', ['node', jdbcUrl, '--role', 'backup', '--lock-renew-period', String(RENEW), '--lock-expiration', String(LEASE)]);
		await haTui.next('waiting-live-lock', 20_000);
		backup.kill('SIGKILL');
		const live = await haTui.next('live', LEASE + 10_000);
		assert.equal((await status()).locks.live.holderId, live.holderId);

		// The primary broker comes back: it writes F, the ha-tui node steps down, the broker is active.
		const again = startBroker(group, instances.primary, 'broker-primary-again');
		await haTui.next('stepping-down', 90_000);
		await brokerLine(again, brokerLog.primaryActive, 60_000);
		await haTui.nextMatching('queued again', event => event.event === 'waiting-live-lock' && haTui.events().indexOf(event) > haTui.events().findIndex(e => e.event === 'stepping-down'), 20_000);
		const back = await status();
		assert.equal(back.verdict, 'healthy');
		assert.equal(back.locks.backup.holderId, live.holderId, 'the ha-tui node is the backup again');
		for (const line of watch.lines) JSON.parse(line);
	} catch (error) {
		if (error instanceof Error) error.message += `\n${group.describe()}`;
		throw error;
	} finally {
		await group.killAll();
	}
});
