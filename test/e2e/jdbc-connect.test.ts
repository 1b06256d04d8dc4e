// How ha-tui reaches the database, on real PostgreSQL servers (no mock):
// - a multi-host URL (postgresql://h1:p1,h2:p2/db, as libpq and pgjdbc take it): each host in
//   order with the connect timeout; one dead and one live port works (status, and a node whose
//   pool must use the live one); none working is one line naming every host tried, exit 3;
// - TLS per sslmode against a server with a certificate made here by openssl (a CA and a server
//   certificate for DNS:localhost; pg_hba hostssl only): require connects, verify-full with the
//   CA connects to localhost, verify-full to 127.0.0.1 (not the certificate's name) and without
//   the CA are refused in one line, sslmode=disable is refused in one line naming why.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {JdbcNodeManager} from '../../source/store/jdbc/jdbc-node-manager.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {createArtemisTable, PG_DB, PG_PASSWORD, PG_USER, freePort, postgresFixture} from '../helpers/postgres.js';
import {runCli} from '../helpers/spawned.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-home-'));
const env = {PATH: process.env.PATH ?? '', HOME: home};
const cli = async (args: string[]) => runCli(args, {env, timeoutMs: 30_000});
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-certs-'));

/** A CA and a server certificate for DNS:localhost only, signed by it. */
function makeCertificates(): void {
	const openssl = (...args: string[]) => execFileSync('openssl', args, {cwd: certs, stdio: 'pipe'});
	openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=ha-tui test CA');
	openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
	fs.writeFileSync(path.join(certs, 'ext.cnf'), 'subjectAltName=DNS:localhost\n');
	openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
}

const plain = postgresFixture();
// A second server, TLS only on TCP, with the certificate above.
const tls = postgresFixture({
	requires() {
		if (!hasOpenssl) return 'openssl missing';
		makeCertificates();
		return undefined;
	},
	settings: ['ssl=on'],
	prepare(data, chown) {
		for (const file of ['server.crt', 'server.key']) {
			fs.copyFileSync(path.join(certs, file), path.join(data, file));
			fs.chmodSync(path.join(data, file), 0o600);
			chown(path.join(data, file));
		}

		// TCP only with TLS; the harness's own socket stays trusted.
		fs.writeFileSync(path.join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n');
	},
	cleanup() {
		fs.rmSync(certs, {recursive: true, force: true});
		fs.rmSync(home, {recursive: true, force: true});
	},
});

/** A port nobody listens on. */
const deadPort = freePort;

const url = (hosts: string, query = '') => `postgresql://${PG_USER}:${PG_PASSWORD}@${hosts}/${PG_DB}${query}`;
const oneLine = (stderr: string) => stderr.trim().split('\n');

test('multi-host URL: a dead first host is skipped, the live one answers (status, and a node takes its lease there)', async t => {
	const db = plain.need(t);
	if (!db) return;
	await createArtemisTable(db, 'multi_t');
	const dead = await deadPort();
	const hosts = `127.0.0.1:${dead},127.0.0.1:${db.port}`;
	const status = await cli(['status', url(hosts), '--table', 'multi_t']);
	assert.equal(status.code, 2, status.stderr);
	assert.match(status.stdout, /CRITICAL: NO LIVE/);
	assert.match(status.stdout, new RegExp(`^store .* · answered by 127\\.0\\.0\\.1:${db.port}$`, 'm'), 'which host of the list answered');
	assert.equal(status.stderr, '');

	// The node's pool must use the host that answered, not the first of the list.
	const manager = new JdbcNodeManager(parseJdbcTarget(url(hosts), {table: 'multi_t', env}), {role: 'primary'});
	try {
		await manager.open();
		assert.equal(await manager.tryLock('live'), true);
		const row = (await db.sql('SELECT holder_id FROM multi_t WHERE id = 1')).rows[0] as {holder_id: string};
		assert.equal(row.holder_id, manager.holderId);
		await manager.unlock('live');
	} finally {
		manager.close();
		await manager.settled();
	}

	// pgjdbc's spelling of the same list.
	const jdbc = await cli(['status', `jdbc:postgresql://${hosts}/${PG_DB}?user=${PG_USER}&password=${PG_PASSWORD}`, '--table', 'multi_t']);
	assert.equal(jdbc.code, 2, jdbc.stderr);
});

test('multi-host URL: no host works — one line naming every host tried and its cause, exit 3, no password', async t => {
	const db = plain.need(t);
	if (!db) return;
	const [first, second] = [await deadPort(), await deadPort()];
	const result = await cli(['status', url(`127.0.0.1:${first},127.0.0.1:${second}`), '--table', 'multi_t']);
	assert.equal(result.code, 3);
	const lines = oneLine(result.stderr);
	assert.equal(lines.length, 1, result.stderr);
	assert.match(lines[0], new RegExp(`^ha-tui: no usable server among 2 hosts: 127\\.0\\.0\\.1:${first}: connection refused .*; 127\\.0\\.0\\.1:${second}: connection refused`));
	assert.ok(!result.stderr.includes(PG_PASSWORD) && !result.stdout.includes(PG_PASSWORD));

	// A wrong password on the live host: libpq stops there (authentication failed), and says so.
	const wrong = await cli(['status', `postgresql://${PG_USER}:nope@127.0.0.1:${first},127.0.0.1:${db.port}/${PG_DB}`, '--table', 'multi_t']);
	assert.equal(wrong.code, 3);
	assert.match(oneLine(wrong.stderr)[0], new RegExp(`127\\.0\\.0\\.1:${first}: connection refused .*; 127\\.0\\.0\\.1:${db.port}: password authentication failed`));

	// target_session_attrs: this server is a primary, so a standby is wanted in vain.
	const standby = await cli(['status', url(`127.0.0.1:${db.port}`, '?target_session_attrs=standby'), '--table', 'multi_t']);
	assert.equal(standby.code, 3);
	assert.match(oneLine(standby.stderr)[0], /a primary \(read-write\), not standby/);
});

test('TLS: sslmode=require connects to a server with a certificate (pg_hba: hostssl only)', async t => {
	const secured = tls.need(t);
	if (!secured) return;
	await createArtemisTable(secured, 'tls_t');
	const result = await cli(['status', url(`127.0.0.1:${secured.port}`, '?sslmode=require'), '--table', 'tls_t']);
	assert.equal(result.code, 2, result.stderr);
	assert.match(result.stdout, /CRITICAL: NO LIVE/);
	// prefer (the default) tries TLS first: it connects too.
	assert.equal((await cli(['status', url(`127.0.0.1:${secured.port}`), '--table', 'tls_t'])).code, 2);
});

test('TLS: verify-full with the CA (sslrootcert) connects by the certificate\'s name; by another name, or without the CA, one line, exit 3', async t => {
	const secured = tls.need(t);
	if (!secured) return;
	const ca = path.join(certs, 'ca.crt');
	const good = await cli(['status', url(`localhost:${secured.port}`, `?sslmode=verify-full&sslrootcert=${ca}`), '--table', 'tls_t']);
	assert.equal(good.code, 2, good.stderr);
	assert.match(good.stdout, /CRITICAL: NO LIVE/);

	const wrongName = await cli(['status', url(`127.0.0.1:${secured.port}`, `?sslmode=verify-full&sslrootcert=${ca}`), '--table', 'tls_t']);
	assert.equal(wrongName.code, 3);
	assert.equal(oneLine(wrongName.stderr).length, 1, wrongName.stderr);
	assert.match(wrongName.stderr, new RegExp(`^ha-tui: 127\\.0\\.0\\.1:${secured.port}: TLS: the server's certificate is not for 127\\.0\\.0\\.1 .*DNS:localhost.*verify-full`));

	// verify-ca checks the chain only: the same address is accepted.
	assert.equal((await cli(['status', url(`127.0.0.1:${secured.port}`, `?sslmode=verify-ca&sslrootcert=${ca}`), '--table', 'tls_t'])).code, 2);

	const noCa = await cli(['status', url(`localhost:${secured.port}`, '?sslmode=verify-full'), '--table', 'tls_t']);
	assert.equal(noCa.code, 3);
	assert.equal(oneLine(noCa.stderr).length, 1, noCa.stderr);
	assert.match(noCa.stderr, /TLS certificate not accepted: (self[- ]signed certificate in certificate chain|unable to verify the first certificate).*sslrootcert/);
});

test('TLS: sslmode=disable against a hostssl-only server is refused in one line saying the server wants TLS, exit 3', async t => {
	const secured = tls.need(t);
	if (!secured) return;
	const result = await cli(['status', url(`127.0.0.1:${secured.port}`, '?sslmode=disable'), '--table', 'tls_t']);
	assert.equal(result.code, 3);
	const lines = oneLine(result.stderr);
	assert.equal(lines.length, 1, result.stderr);
	assert.match(lines[0], /no pg_hba\.conf entry for host "127\.0\.0\.1".*no encryption.*the server accepts this connection only with TLS: sslmode=disable cannot connect/);
	assert.ok(!result.stderr.includes(PG_PASSWORD));
});
