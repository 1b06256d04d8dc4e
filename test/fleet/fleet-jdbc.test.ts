// Issue 19 §1 with the JDBC store: `status DIR postgresql://…` — one line per group, directories
// and tables side by side through the store seam, on a real PostgreSQL (initdb/pg_ctl per run)
// and a real `ha-tui node` on the table; never a password in any output.
import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {hasPython} from '../helpers/holders.js';
import {PG_PASSWORD, createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {pythonPair, type PythonPeer} from '../helpers/python-peer.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const processes = new ProcessGroup();
const peers: PythonPeer[] = [];
const temp = tempDir('ha-tui-fleet-jdbc-');
const postgres = postgresFixture({
	async cleanup() {
		for (const peer of peers) peer.child.kill('SIGKILL');
		await processes.killAll();
		temp.cleanup();
	},
});

test('status DIR postgresql://… — one line per group in the order typed, the worst exit code, JSON groups; no password', async t => {
	const db = postgres.need(t);
	if (!db) return;
	if (!hasPython) return t.skip('python3 is needed for the peers');
	const dir = path.join(temp.dir, 'orders', 'journal');
	await pythonPair(dir, peers);
	await createArtemisTable(db, 'fleet_t');
	const node = processes.cli('jdbc primary', ['node', db.url, '--table', 'fleet_t', '--role', 'primary', '--lock-renew-period', '500', '--lock-expiration', '3000']);
	await node.next('live', 30_000);
	const masked = db.url.replace(`:${PG_PASSWORD}@`, ':***@');
	assert.notEqual(masked, db.url);

	const status = await runCli(['status', dir, db.url, '--table', 'fleet_t'], {timeoutMs: 30_000});
	const lines = status.stdout.trim().split('\n');
	assert.equal(lines.length, 2, status.stdout + status.stderr);
	assert.ok(lines[0].startsWith(`${dir}  OK: healthy`), lines[0]);
	// The table's line: the URL without its password, the table; no backup on the table: a warning.
	assert.ok(lines[1].startsWith(`${masked} table fleet_t  WARNING: no backup`), lines[1]);
	assert.match(lines[1], /; live .*ha-tui node.*; backup free; state live/);
	assert.equal(status.code, 1, 'the worst exit code: the table has no backup');
	assert.ok(!`${status.stdout}${status.stderr}`.includes(PG_PASSWORD), 'no password in the output');

	// In the order typed; JSON has one object per group.
	const json = await runCli(['status', db.url, dir, '--table', 'fleet_t', '--json'], {timeoutMs: 30_000});
	const report = JSON.parse(json.stdout) as {exitCode: number; groups: Array<{kind?: string; target?: string; verdict: string; directory?: string}>};
	assert.equal(report.exitCode, 1);
	assert.equal(report.groups.length, 2);
	assert.equal(report.groups[0].kind, 'jdbc');
	assert.equal(report.groups[0].verdict, 'no-backup');
	assert.equal(report.groups[1].directory, dir);
	assert.equal(report.groups[1].verdict, 'healthy');
	assert.ok(!json.stdout.includes(PG_PASSWORD));

	// A database that cannot be reached is that group's UNKNOWN (exit 3 overall), said in one line, without its password.
	const unreachable = 'postgresql://hatui:n0tThisOne@127.0.0.1:1/ha';
	const down = await runCli(['status', dir, unreachable], {timeoutMs: 30_000});
	assert.equal(down.code, 3, down.stdout + down.stderr);
	const downLines = down.stdout.trim().split('\n');
	assert.equal(downLines.length, 2);
	assert.ok(downLines[0].startsWith(`${dir}  OK: healthy`));
	assert.match(downLines[1], /^postgresql:\/\/hatui:\*\*\*@127\.0\.0\.1:1\/ha table node_manager_store {2}UNKNOWN — .*connection refused/);
	assert.ok(!`${down.stdout}${down.stderr}`.includes('n0tThisOne'));

	// The fleet screen takes a database target too; without a terminal it prints watch's lines instead, naming the table.
	const screen = processes.cli('fleet screen without a terminal', [dir, db.url, '--table', 'fleet_t']);
	await screen.waitLine('the table named', line => line.includes(`${masked} table fleet_t: `), 30_000);
	screen.kill('SIGTERM');
	assert.deepEqual(await screen.waitExit(), {code: 0, signal: null});
	assert.match(screen.stderr, /stdout is not a terminal; printing `watch` output instead/);
	assert.ok(!`${screen.lines.join('\n')}${screen.stderr}`.includes(PG_PASSWORD));
});
