// Issue 19 (and 18 §3), end to end on real processes: fifty groups in temp directories — four of
// `ha-tui node` pairs, the rest python peers (POSIX locks, as a JVM takes them) — looked at by
// one `status`, followed by one `watch --scan … --record`, scraped from one `serve`, while
// lives are SIGKILLed and backups restarted; then `history` on the record. The counts of the
// exporter, the failovers in the record and the kills must agree.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {after, test} from 'node:test';
import {freePorts} from '../helpers/artemis.js';
import {startNode} from '../helpers/cli.js';
import {hasPython} from '../helpers/holders.js';
import {newGroupDirectory, pythonPeer, type PythonPeer} from '../helpers/python-peer.js';
import {ProcessGroup, runCli, type Spawned} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const processes = new ProcessGroup();
const peers: PythonPeer[] = [];
const temp = tempDir('ha-tui-fleet-');
const records = tempDir('ha-tui-fleet-record-');
after(async () => {
	for (const peer of peers) peer.child.kill('SIGKILL');
	await processes.killAll();
	temp.cleanup();
	records.cleanup();
});

const GROUPS = 50;
const NODE_GROUPS = 4;
const prometheusParser = '/opt/pypi/files/prometheus_client-0.26.0-py3-none-any.whl';

type Member = {kind: 'node'; spawned: Spawned} | {kind: 'python'; peer: PythonPeer};
type Group = {dir: string; live: Member; backup: Member};

const pidOf = (member: Member) => (member.kind === 'node' ? member.spawned.pid : member.peer.child.pid!);

function start(dir: string, index: number, role: 'live' | 'backup'): Member {
	if (index < NODE_GROUPS) return {kind: 'node', spawned: startNode(processes, path.join(dir, 'server.lock'), role)};
	const peer = pythonPeer(dir, role);
	peers.push(peer);
	return {kind: 'python', peer};
}

async function isLive(member: Member): Promise<void> {
	if (member.kind === 'node') await member.spawned.next('live', 30_000);
	else await member.peer.live;
}

async function isQueued(member: Member): Promise<void> {
	if (member.kind === 'node') await member.spawned.next('waiting-live-lock', 30_000);
	else await member.peer.ready;
}

/** Polls (with a deadline) until check() gives a value. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			last = error;
		}

		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
		await new Promise(resolve => setTimeout(resolve, 200));
	}
}

type Reply = {status: number; type: string; body: string};

/** One request on its own connection (node:http, no keep-alive reuse to race the server's idle close). */
async function request(url: string, method = 'GET'): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const outgoing = http.request(url, {method, agent: false, timeout: 20_000}, response => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				body += chunk;
			});
			response.on('end', () => resolve({status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '', body}));
		});
		outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${url}: no answer in 20 s`)));
		outgoing.on('error', reject);
		outgoing.end();
	});
}

type Sample = {name: string; labels: Record<string, string>; value: number};

/** The Prometheus project's own parser (prometheus_client.parser), on the exporter's text. */
function parseMetrics(text: string): Sample[] {
	const result = spawnSync('python3', ['-c', `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({'name': s.name, 'labels': s.labels, 'value': s.value})
print(json.dumps(out))
`], {input: text, env: {...process.env, PYTHONPATH: prometheusParser}, encoding: 'utf8'});
	assert.equal(result.status, 0, `the Prometheus parser rejects the exposition: ${result.stderr}`);
	return JSON.parse(result.stdout) as Sample[];
}

const haveParser = hasPython && fs.existsSync(prometheusParser);

test('fifty groups: one status, one watch with a record, one exporter, history — through kills and restarts', {skip: hasPython ? false : 'python3 is needed for the peers'}, async () => {
	const groups: Group[] = [];
	for (let index = 0; index < GROUPS; index++) {
		const dir = path.join(temp.dir, `app-${String(index).padStart(2, '0')}`, 'journal');
		newGroupDirectory(dir);
		const live = start(dir, index, 'live');
		await isLive(live);
		groups.push({dir, live, backup: start(dir, index, 'backup')});
	}

	await Promise.all(groups.map(async group => isQueued(group.backup)));

	// One process, one line per group, each starting with its directory; the worst exit code.
	const status = await runCli(['status', ...groups.map(group => group.dir)], {timeoutMs: 30_000});
	assert.equal(status.code, 0, status.stdout + status.stderr);
	const lines = status.stdout.trim().split('\n');
	assert.equal(lines.length, GROUPS);
	for (const [index, line] of lines.entries()) {
		assert.ok(line.startsWith(`${groups[index].dir}  OK: healthy`), line);
		assert.ok(line.includes(`live pid ${pidOf(groups[index].live)}`), line);
	}

	const scanned = await runCli(['status', '--scan', temp.dir, '--json'], {timeoutMs: 30_000});
	const report = JSON.parse(scanned.stdout) as {exitCode: number; groups: Array<{directory: string; verdict: string; foundBy: string}>};
	assert.equal(report.exitCode, 0);
	assert.deepEqual(report.groups.map(group => group.directory).sort(), groups.map(group => group.dir).sort());
	assert.ok(report.groups.every(group => group.foundBy === 'server.lock' && group.verdict === 'healthy'));
	assert.match(scanned.stderr, new RegExp(`scanned .*: \\d+ directories, \\d+ entries, ${GROUPS} groups`));

	// The watchers: a stream with a record, and the exporter.
	const record = path.join(records.dir, 'night.ndjson');
	const [port] = await freePorts(1);
	const watch = processes.cli('watch', ['watch', '--scan', temp.dir, '--record', record]);
	const serve = processes.cli('serve', ['serve', '--scan', temp.dir, '--listen', `127.0.0.1:${port}`]);
	for (const group of groups) await watch.waitLine(`${group.dir} healthy`, line => line.includes(`${group.dir}: live is up and a backup is queued`), 30_000);
	const scrape = async () => {
		const response = await request(`http://127.0.0.1:${port}/metrics`);
		assert.equal(response.status, 200);
		assert.match(response.type, /^text\/plain; version=0\.0\.4/);
		return response.body;
	};

	await until('the exporter', async () => (await request(`http://127.0.0.1:${port}/healthz`)).status === 200 || undefined);

	// SIGKILL the live of ten groups (two of ha-tui nodes); each backup takes over.
	const victims = [0, 1, 4, 9, 13, 21, 30, 38, 44, 49];
	for (const index of victims) {
		const group = groups[index];
		(group.live.kind === 'node' ? group.live.spawned.child : group.live.peer.child).kill('SIGKILL');
	}

	await Promise.all(victims.map(async index => isLive(groups[index].backup)));
	for (const index of victims) {
		const {dir} = groups[index];
		await watch.waitLine(`${dir} failed over`, line => line.includes(`${dir}: live is up, but no backup is queued`), 30_000);
	}

	// Restart a backup in each: healthy again.
	const restarted = victims.map(index => {
		const group = groups[index];
		const backup = start(group.dir, index, 'backup');
		return {index, backup, newLive: group.backup};
	});
	await Promise.all(restarted.map(async entry => isQueued(entry.backup)));
	await until('every group healthy on the exporter', async () => {
		const samples = haveParser ? parseMetrics(await scrape()) : [];
		if (!haveParser) return true;
		const verdicts = samples.filter(sample => sample.name === 'ha_tui_verdict');
		return verdicts.length === GROUPS && verdicts.every(sample => sample.value === 0) ? true : undefined;
	});

	if (haveParser) {
		const samples = parseMetrics(await scrape());
		const byPath = (name: string) => new Map(samples.filter(sample => sample.name === name).map(sample => [sample.labels.path, sample.value]));
		const failovers = byPath('ha_tui_failovers_total');
		assert.equal(failovers.size, GROUPS);
		for (const [index, group] of groups.entries()) assert.equal(failovers.get(group.dir), victims.includes(index) ? 1 : 0, `failovers of ${group.dir}`);
		const held = byPath('ha_tui_primary_lock_held');
		assert.ok([...held.values()].every(value => value === 1));
		const histogram = samples.filter(sample => sample.name === 'ha_tui_failover_no_live_seconds_count');
		assert.equal(histogram.reduce((sum, sample) => sum + sample.value, 0), victims.length);
		const holders = samples.filter(sample => sample.name === 'ha_tui_holder_info' && sample.labels.lock === 'live');
		for (const entry of restarted) {
			const {dir} = groups[entry.index];
			assert.ok(holders.some(sample => sample.labels.path === dir && sample.labels.pid === String(pidOf(entry.newLive))), `the new live of ${dir} on /metrics`);
		}
	} else {
		process.stderr.write(`(no Prometheus parser at ${prometheusParser}: the exporter's text was not parsed)\n`);
	}

	// Bad requests do not hurt it.
	assert.equal((await request(`http://127.0.0.1:${port}/nope`)).status, 404);
	assert.equal((await request(`http://127.0.0.1:${port}/metrics`, 'POST')).status, 405);
	assert.equal((await request(`http://127.0.0.1:${port}/healthz`)).status, 200);
	// And fetch (undici), as a scraper would, with its connection reuse.
	const fetched = await fetch(`http://127.0.0.1:${port}/metrics`);
	assert.equal(fetched.status, 200);
	assert.match(await fetched.text(), /^ha_tui_groups 50$/m);

	watch.kill('SIGTERM');
	assert.deepEqual(await watch.waitExit(), {code: 0, signal: null});
	serve.kill('SIGTERM');
	assert.deepEqual(await serve.waitExit(), {code: 0, signal: null});

	// The record replays into the same failovers: from the killed live to the backup, a kill.
	const history = await runCli(['history', record, '--json']);
	assert.equal(history.code, 0, history.stderr);
	type Episode = {group: string; kind: string; from: string; to: string; trigger: string; noLiveMs: number};
	const {episodes, totals} = JSON.parse(history.stdout) as {episodes: Episode[]; totals: Array<{group: string; failovers: number; availability: number}>};
	const failovers = episodes.filter(episode => episode.kind === 'failover');
	assert.equal(failovers.length, victims.length, JSON.stringify(episodes, null, 1));
	for (const index of victims) {
		const group = groups[index];
		const episode = failovers.find(candidate => candidate.group === group.dir);
		assert.ok(episode, `a failover of ${group.dir}`);
		// Named as watch names them: an ha-tui node by its title and role (the record carries them), a python peer by its pid.
		const named = (member: Member, role: string) => (member.kind === 'node' ? new RegExp(`^ha-tui node \\S+ \\(${role}\\) pid ${pidOf(member)}$`) : new RegExp(`^pid ${pidOf(member)}$`));
		assert.match(episode.from, named(group.live, 'primary'));
		assert.match(episode.to, named(group.backup, 'backup'));
		assert.equal(episode.trigger, 'kill (holder gone)');
		assert.ok(episode.noLiveMs >= 0 && episode.noLiveMs < 30_000);
	}

	assert.equal(totals.length, GROUPS);
	assert.ok(totals.every(total => total.availability !== null && total.availability > 0.5));
	const text = await runCli(['history', record]);
	assert.match(text.stdout, /failover +pid \d+ → pid \d+/);
	assert.match(text.stdout, /failover +ha-tui node \S+ \(primary\) pid \d+ → ha-tui node \S+ \(backup\) pid \d+/);
	assert.ok(!fs.readdirSync(groups[0].dir).some(name => name.endsWith('.ndjson')), 'nothing written next to the lock files');
});
