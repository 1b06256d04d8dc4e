// Issue 19 §3 with the JDBC store: `serve DIR postgresql://…` — a table's group exported beside a
// directory's, on a real PostgreSQL and real `ha-tui node` processes on the table: two
// failovers (SIGKILL the live; the backup takes over when the lease runs out by the DB clock),
// scraped by a real HTTP client (fetch) and parsed strictly; the counts match the episodes.
// Never a password in /metrics nor on stderr.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {hasPython} from '../helpers/holders.js';
import {PG_PASSWORD, createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {newGroupDirectory} from '../helpers/python-peer.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const processes = new ProcessGroup();
const temp = tempDir('ha-tui-serve-jdbc-');
const postgres = postgresFixture({
	async cleanup() {
		await processes.killAll();
		temp.cleanup();
	},
});
const timing = ['--lock-renew-period', '200', '--lock-expiration', '1500'];
const prometheusParser = '/opt/pypi/files/prometheus_client-0.26.0-py3-none-any.whl';

type Sample = {name: string; labels: Record<string, string>; value: number};

/** A strict reader of the text format 0.0.4: every line a HELP, a TYPE or a well-formed sample of a declared family. */
function parseStrict(text: string): Sample[] {
	const samples: Sample[] = [];
	const types = new Map<string, string>();
	assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
	for (const line of text.slice(0, -1).split('\n')) {
		if (line === '') continue;
		const comment = /^# (HELP|TYPE) ([a-zA-Z_:][\w:]*) (.*)$/.exec(line);
		if (comment) {
			if (comment[1] === 'TYPE') {
				assert.match(comment[3], /^(counter|gauge|histogram|summary|untyped)$/, line);
				types.set(comment[2], comment[3]);
			}

			continue;
		}

		const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|\+?Inf|-Inf|NaN))$/.exec(line);
		assert.ok(sample, `not a sample line: ${JSON.stringify(line)}`);
		const [, name, labelText = '', value] = sample;
		const family = [...types.keys()].find(key => name === key || (types.get(key) === 'histogram' && [`${key}_bucket`, `${key}_sum`, `${key}_count`].includes(name)));
		assert.ok(family, `a sample of no declared family: ${name}`);
		const labels: Record<string, string> = {};
		const labelPattern = /([a-zA-Z_]\w*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/gy;
		let consumed = 0;
		for (const match of labelText.matchAll(labelPattern)) {
			labels[match[1]] = match[2].replaceAll(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
			consumed += match[0].length;
		}

		assert.equal(consumed, labelText.length, `bad labels: ${labelText}`);
		samples.push({name, labels, value: Number(value)});
	}

	return samples;
}

/** The Prometheus project's own parser, where it is installed: it must accept the text too. */
function prometheusAccepts(text: string): void {
	if (!hasPython || !fs.existsSync(prometheusParser)) return;
	const result = spawnSync('python3', ['-c', 'import sys\nfrom prometheus_client.parser import text_string_to_metric_families\nfor f in text_string_to_metric_families(sys.stdin.read()):\n    list(f.samples)\n'], {input: text, env: {...process.env, PYTHONPATH: prometheusParser}, encoding: 'utf8'});
	assert.equal(result.status, 0, `the Prometheus parser rejects the exposition: ${result.stderr}`);
}

/** waitFor with a 30 s deadline, looking every 100 ms; a look that throws (the exporter not listening yet) is "not yet". */
const until = async <T>(what: string, check: () => Promise<T | undefined>): Promise<T> => waitFor(what, async () => check().catch(() => undefined), {timeoutMs: 30_000, everyMs: 100});

test('serve DIR postgresql://…: the table\'s group through two failovers, counted as they happened; no password anywhere', async t => {
	const db = postgres.need(t);
	if (!db) return;
	const table = 'serve_t';
	await createArtemisTable(db, table);
	const dir = path.join(temp.dir, 'journal');
	newGroupDirectory(dir);
	const masked = db.url.replace(`:${PG_PASSWORD}@`, ':***@');
	assert.notEqual(masked, db.url);
	const label = `${masked} table ${table}`;

	// Bad input — a password the database refuses — is one line naming it (without the password), exit 3, before any watching.
	// (A database that cannot be reached is not bad input: test/fleet/unreachable-jdbc.test.ts.)
	const refused = await runCli(['serve', dir, db.url.replace(PG_PASSWORD, 'n0tThisOne'), '--listen', '127.0.0.1:0'], {timeoutMs: 30_000});
	assert.equal(refused.code, 3, refused.stdout + refused.stderr);
	assert.match(refused.stderr, /^ha-tui: 127\.0\.0\.1:\d+: password authentication failed for user "hatui"[^\n]*\n$/);
	assert.ok(!refused.stderr.includes('n0tThisOne'));
	// --on-change: a hook per verdict change of the table, its group in the environment.
	const hookDir = path.join(temp.dir, 'hooks');
	fs.mkdirSync(hookDir);
	const hook = path.join(temp.dir, 'hook.sh');
	fs.writeFileSync(hook, `#!/bin/sh\nenv | grep '^HA_TUI_' > "${hookDir}/$$.env"\n`, {mode: 0o755});

	const first = processes.cli('first', ['node', db.url, '--table', table, '--role', 'primary', ...timing]);
	await first.next('live', 30_000);
	// This file's port (the fleet helper's range, LANDING.md).
	const port = 62_311;
	const serve = processes.cli('serve', ['serve', dir, db.url, '--table', table, '--listen', `127.0.0.1:${port}`, '--interval', '100', '--on-change', hook]);
	const scrape = async () => {
		const response = await fetch(`http://127.0.0.1:${port}/metrics`);
		assert.equal(response.status, 200);
		assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
		const text = await response.text();
		assert.ok(!text.includes(PG_PASSWORD), 'no password in /metrics');
		prometheusAccepts(text);
		return parseStrict(text);
	};

	const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) => samples.find(sample => sample.name === name && sample.labels.path === label && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))?.value;
	let samples = await until('the exporter with the table live', async () => {
		const now = await scrape();
		return value(now, 'ha_tui_primary_lock_held') === 1 ? now : undefined;
	});
	assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
	assert.equal(value(samples, 'ha_tui_backup_lock_held'), 0);
	assert.equal(value(samples, 'ha_tui_verdict'), 1, 'no backup: a warning');
	assert.equal(value(samples, 'ha_tui_verdict_state', {verdict: 'no-backup'}), 1);
	assert.equal(value(samples, 'ha_tui_verdict_state', {verdict: 'lease-expired'}), 0, 'the table\'s own verdicts are series too');
	assert.equal(value(samples, 'ha_tui_state_info', {state: 'L'}), 1);
	assert.equal(value(samples, 'ha_tui_group_info', {layout: 'jdbc-bigint'}), 1);
	assert.equal(value(samples, 'ha_tui_failovers_total'), 0);
	assert.equal(samples.filter(sample => sample.name === 'ha_tui_holder_info' && sample.labels.path === label && sample.labels.lock === 'live').length, 1);
	assert.ok(samples.some(sample => sample.name === 'ha_tui_primary_lock_held' && sample.labels.path === dir), 'the directory\'s group beside it');
	assert.equal(samples.find(sample => sample.name === 'ha_tui_groups')?.value, 2);

	// Two failovers: the live killed, the next node takes over when its lease runs out.
	let live = first;
	for (let episode = 1; episode <= 2; episode++) {
		const next = processes.cli(`backup ${episode}`, ['node', db.url, '--table', table, '--role', 'backup', ...timing]);
		await next.next('waiting-live-lock', 30_000);
		samples = await until('the backup on /metrics', async () => {
			const now = await scrape();
			return value(now, 'ha_tui_backup_lock_held') === 1 && value(now, 'ha_tui_verdict') === 0 ? now : undefined;
		});
		const holder = samples.find(sample => sample.name === 'ha_tui_holder_info' && sample.labels.path === label && sample.labels.lock === 'backup');
		assert.ok(holder && holder.labels.holder !== '', 'the backup\'s holder id is a label');
		live.kill('SIGKILL');
		await next.next('live', 30_000);
		samples = await until(`failover ${episode} counted`, async () => {
			const now = await scrape();
			return value(now, 'ha_tui_failovers_total') === episode && value(now, 'ha_tui_primary_lock_held') === 1 ? now : undefined;
		});
		const noLive = value(samples, 'ha_tui_last_failover_no_live_seconds');
		// From the killed live's last renew: its lease (1.5 s) had to run out by the DB clock first.
		assert.ok(noLive !== undefined && noLive > 1 && noLive < 30, `time without a live: ${noLive}`);
		assert.equal(value(samples, 'ha_tui_failover_no_live_seconds_count'), episode);
		// At least from the lease's expiry (store/jdbc/no-live.ts): a lease length (as the looks saw it, ≤ 1.5 s) below the upper bound.
		const noLiveMin = value(samples, 'ha_tui_last_failover_no_live_min_seconds');
		assert.ok(noLiveMin !== undefined && noLiveMin >= 0 && noLive - noLiveMin > 1 && noLive - noLiveMin <= 1.5, `at least ${noLiveMin}, at most ${noLive}`);
		assert.equal(value(samples, 'ha_tui_failover_no_live_min_seconds_count'), episode);
		live = next;
	}

	assert.equal(value(samples, 'ha_tui_failbacks_total'), 0);
	assert.ok((value(samples, 'ha_tui_seconds_since_change') ?? -1) >= 0);
	const envs = fs.readdirSync(hookDir).map(file => fs.readFileSync(path.join(hookDir, file), 'utf8')).filter(text => text.includes('HA_TUI_STORE=jdbc'));
	assert.ok(envs.length >= 2, `a hook per verdict change of the table: ${envs.length}`);
	assert.ok(envs.every(text => text.includes(`HA_TUI_GROUP=${label}\n`) && !text.includes(PG_PASSWORD)), envs.join('\n---\n'));
	assert.ok(envs.some(text => text.includes('HA_TUI_OLD_VERDICT=healthy\n')), envs.join('\n---\n'));
	serve.kill('SIGTERM');
	assert.deepEqual(await serve.waitExit(), {code: 0, signal: null});
	assert.match(serve.stderr, /serving 2 groups on http:\/\/127\.0\.0\.1:/);
	assert.ok(!serve.stderr.includes(PG_PASSWORD), `no password on stderr: ${serve.stderr}`);
});
