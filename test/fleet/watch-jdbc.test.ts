// Issue 19 §1/§4 with the JDBC store: `watch DIR postgresql://… --record FILE --on-change CMD` —
// one stream, each line naming its group (the table's by the URL's display form), `--json`
// objects, a record `history` reads (the failover in the table counted), and a hook with the
// table's group in its environment. Real PostgreSQL, real `ha-tui node` processes; never a
// password in any output, record or hook environment.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {PG_PASSWORD, createArtemisTable, postgresFixture} from '../helpers/postgres.js';
import {newGroupDirectory} from '../helpers/python-peer.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const processes = new ProcessGroup();
const temp = tempDir('ha-tui-watch-jdbc-');
const postgres = postgresFixture({
	async cleanup() {
		await processes.killAll();
		temp.cleanup();
	},
});
const timing = ['--lock-renew-period', '200', '--lock-expiration', '1500'];

test('watch DIR postgresql://… --record --on-change: lines and JSON name the table, history counts its failover, the hook gets the group; no password', async t => {
	const db = postgres.need(t);
	if (!db) return;
	const table = 'watch_t';
	await createArtemisTable(db, table);
	const dir = path.join(temp.dir, 'journal');
	newGroupDirectory(dir);
	const masked = db.url.replace(`:${PG_PASSWORD}@`, ':***@');
	assert.notEqual(masked, db.url);
	const label = `${masked} table ${table}`;
	const record = path.join(temp.dir, 'fleet.ndjson');
	const hookDir = path.join(temp.dir, 'hooks');
	fs.mkdirSync(hookDir);
	const hook = path.join(temp.dir, 'hook.sh');
	// The whole environment: the password must not be in it, even given as PGPASSWORD too.
	fs.writeFileSync(hook, `#!/bin/sh\nenv > "${hookDir}/$$.env"\n`, {mode: 0o755});

	// Bad input — a password the database refuses — is one line naming it (without the password), exit 3, before any watching.
	// (A database that cannot be reached is not bad input: test/fleet/unreachable-jdbc.test.ts.)
	const refused = await runCli(['watch', dir, db.url.replace(PG_PASSWORD, 'n0tThisOne')], {timeoutMs: 30_000});
	assert.equal(refused.code, 3, refused.stdout + refused.stderr);
	assert.match(refused.stderr, /^ha-tui: 127\.0\.0\.1:\d+: password authentication failed for user "hatui"[^\n]*\n$/);
	assert.ok(!refused.stderr.includes('n0tThisOne'));

	const primary = processes.cli('primary', ['node', db.url, '--table', table, '--role', 'primary', ...timing]);
	await primary.next('live', 30_000);
	const backup = processes.cli('backup', ['node', db.url, '--table', table, '--role', 'backup', ...timing]);
	await backup.next('waiting-live-lock', 30_000);
	const watch = processes.cli('watch', ['watch', dir, db.url, '--table', table, '--interval', '100', '--record', record, '--on-change', hook], {env: {...process.env, PGPASSWORD: PG_PASSWORD}});
	const json = processes.cli('watch --json', ['watch', db.url, dir, '--table', table, '--json', '--interval', '100']);
	await watch.waitLine('the table healthy', line => line.includes(`${label}: OK: healthy`), 30_000);
	await json.waitLine('the table as JSON', line => line.includes('"verdict":"healthy"') && line.includes(label), 30_000);

	primary.kill('SIGKILL');
	await backup.next('live', 30_000);
	await watch.waitLine('the takeover', line => line.includes(`${label}: primary lease taken`), 30_000);
	await waitFor('the hook ran for the table', () => fs.readdirSync(hookDir).some(file => fs.readFileSync(path.join(hookDir, file), 'utf8').includes('HA_TUI_STORE=jdbc')), {timeoutMs: 30_000, everyMs: 100});
	await json.waitLine('the takeover as JSON', line => line.includes('lease-taken'), 30_000);
	watch.kill('SIGTERM');
	json.kill('SIGTERM');
	assert.deepEqual(await watch.waitExit(), {code: 0, signal: null});
	assert.deepEqual(await json.waitExit(), {code: 0, signal: null});

	// Text: every line a time, then its group.
	for (const line of watch.lines) assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z (${dir}|${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}): `), line);
	// JSON: one object per line, each naming its group; the table's with its verdict and leases.
	const objects = json.lines.map(line => JSON.parse(line) as {group: string; verdict: string; exitCode: number; changes: Array<{kind: string}>; target?: string});
	const tableObjects = objects.filter(object => object.group === label);
	assert.ok(tableObjects.length >= 2, json.lines.join('\n'));
	assert.ok(tableObjects.some(object => object.changes.some(change => change.kind === 'lease-taken')));
	assert.ok(objects.some(object => object.group === dir));

	// The hook: the table's group by its label, its verdicts, the new live's holder id.
	const envs = fs.readdirSync(hookDir).map(file => fs.readFileSync(path.join(hookDir, file), 'utf8')).filter(text => text.includes('HA_TUI_STORE=jdbc'));
	assert.ok(envs.every(text => text.includes(`HA_TUI_GROUP=${label}\n`) && !/^PGPASSWORD=/m.test(text)), envs.join('\n---\n'));
	assert.ok(envs.some(text => /HA_TUI_OLD_VERDICT=healthy\n/.test(text)), envs.join('\n---\n'));

	// The record: history reads it and counts the table's failover.
	const history = await runCli(['history', record, '--json'], {timeoutMs: 30_000});
	assert.equal(history.code, 0, history.stderr);
	type Totals = {group: string; windowMs: number; noLiveMs: number; noLiveMinMs: number; noLiveBounds?: string; availability: number; availabilityMax: number};
	const result = JSON.parse(history.stdout) as {episodes: Array<{group: string; kind: string; noLiveMs?: number; noLiveMinMs?: number; noLiveBounds?: string; detail?: string}>; totals: Totals[]};
	const failovers = result.episodes.filter(episode => episode.group === label && episode.kind === 'failover');
	assert.equal(failovers.length, 1, history.stdout);
	const [failover] = failovers;
	assert.ok((failover.noLiveMs ?? 0) > 1000, `at most from the killed live's last renew: ${failover.noLiveMs}`);
	// At least from its lease's expiry: the lease length as the looks saw it (≤ 1.5 s) less (store/jdbc/no-live.ts).
	assert.equal(failover.noLiveBounds, 'lease');
	const span = failover.noLiveMs! - failover.noLiveMinMs!;
	assert.ok(failover.noLiveMinMs! >= 0 && span > 1000 && span <= 1500, `at least ${failover.noLiveMinMs}, at most ${failover.noLiveMs}`);
	// The totals are the episodes' numbers summed, the lease range kept (a hand-over in one look
	// was counted as no time without a live: "live 100.000 %" beside the failover).
	const total = result.totals.find(candidate => candidate.group === label)!;
	const mine = result.episodes.filter(episode => episode.group === label && episode.noLiveMs !== undefined);
	// (Less only where a row says so: a last renew older than the record's first look.)
	const sum = mine.reduce((all, episode) => all + episode.noLiveMs!, 0);
	if (mine.some(episode => /of it counted/.test(episode.detail ?? ''))) assert.ok(total.noLiveMs < sum, `${total.noLiveMs} < ${sum}`);
	else assert.ok(Math.abs(total.noLiveMs - sum) < 0.001, `${total.noLiveMs} = ${sum}`);
	assert.ok(total.noLiveMinMs <= mine.reduce((all, episode) => all + (episode.noLiveMinMs ?? episode.noLiveMs!), 0) + 0.001);
	assert.equal(total.noLiveBounds, 'lease');
	assert.ok(total.availability < total.availabilityMax && total.availabilityMax < 1, JSON.stringify(total));
	const text = await runCli(['history', record], {timeoutMs: 30_000});
	assert.match(text.stdout, /failover .*≥ [\d.]+ m?s, ≤ [\d.]+ s/, text.stdout);
	assert.match(text.stdout, new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [\\d.]+ m?s recorded, live [\\d.]+–[\\d.]+ % of it \\(no live ≥ [\\d.]+ m?s, ≤ [\\d.]+ s, the sum of the episodes\\)`, 'm'), text.stdout);

	const everything = [watch.lines.join('\n'), watch.stderr, json.lines.join('\n'), json.stderr, fs.readFileSync(record, 'utf8'), ...fs.readdirSync(hookDir).map(file => fs.readFileSync(path.join(hookDir, file), 'utf8')), history.stdout, text.stdout];
	for (const text of everything) assert.ok(!text.includes(PG_PASSWORD), 'no password anywhere');
});
