// Issue 14's outage, against the REAL FileLockNodeManager of Artemis 2.40.0: a symlink to the
// group's server.lock in another directory, and `ha-tui node <link> --role primary` beside a
// live JVM primary. Before the fix ha-tui created serverlock.1/.2 beside the link, locked its
// private serverlock.1 and wrote F then L through the link: the JVM's lock monitor (every 2 s)
// read "Lost NodeManager lock". Now the node works in the real directory (a second primary that
// waits), the JVM never loses its lock, and nothing is created beside the link; a hard link is
// refused outright.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {driverEvent, realArtemis, startDriver} from '../helpers/artemis.js';
import {ProcessGroup, run, cliPath} from '../helpers/spawned.js';
import {holdsFor, statusWhen, pids, stateByte} from './real-node-manager.js';

/** Longer than 2.40's lock monitor period (2 s), so a lost lock would be seen. */
const MONITOR_WINDOW_MS = 4500;

async function withJvmPrimary(t: TestContext, body: (c: {journal: string; edge: string; group: ProcessGroup; jvm: ReturnType<typeof startDriver>}) => Promise<void>): Promise<void> {
	const artemis = await realArtemis();
	if ('skip' in artemis) {
		t.skip(artemis.skip);
		return;
	}

	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-real-symlink-'));
	const journal = path.join(root, 'shared', 'journal');
	const edge = path.join(root, 'srv', 'edge');
	fs.mkdirSync(journal, {recursive: true});
	fs.mkdirSync(edge, {recursive: true});
	const group = new ProcessGroup();
	try {
		const jvm = startDriver(group, artemis, '2.40.0', 'primary', journal);
		await driverEvent(jvm, 'live', 30_000);
		await body({journal, edge, group, jvm});
		assert.equal(jvm.find('lost-lock'), undefined, 'the JVM primary saw its lock lost');
		assert.equal(jvm.exit, undefined, 'the JVM primary still runs');
	} catch (error) {
		if (error instanceof Error) error.message += `\n${group.describe()}`;
		throw error;
	} finally {
		await group.killAll();
		fs.rmSync(root, {recursive: true, force: true});
	}
}

test('real 2.40.0 primary: `ha-tui node <symlink to server.lock> --role primary` never costs the JVM its lock, creates nothing beside the link', async t => withJvmPrimary(t, async ({journal, edge, group, jvm}) => {
	const link = path.join(edge, 'link');
	fs.symlinkSync(path.join(journal, 'server.lock'), link);
	const node = group.cli('ha-tui primary on the link', ['node', link, '--role', 'primary']);
	await node.next('failing-back', 15_000);
	assert.ok(node.stderr.includes(`${link} → ${path.join(journal, 'server.lock')}`), node.stderr);
	await holdsFor(MONITOR_WINDOW_MS, () => {
		assert.equal(jvm.find('lost-lock'), undefined, 'Lost NodeManager lock');
		assert.equal(node.find('live'), undefined, 'ha-tui became a second live');
		assert.deepEqual(fs.readdirSync(edge), ['link'], 'nothing may appear beside the link');
	});
	const seen = await statusWhen(link, 'the JVM on the primary lock, through the link', report => pids(report, 'live').includes(jvm.pid));
	assert.equal(seen.report.layout, 'files');

	node.kill('SIGTERM');
	assert.equal((await node.exited).code, 0);
	assert.equal(stateByte(path.join(journal, 'server.lock')), 'L', 'the node put back the L its F replaced');
	// The restored L and mtime must not read as a takeover to the JVM's next monitor look either.
	await holdsFor(MONITOR_WINDOW_MS, () => assert.equal(jvm.find('lost-lock'), undefined, 'Lost NodeManager lock after the node stopped'));
	assert.deepEqual(fs.readdirSync(edge), ['link']);
}));

test('real 2.40.0 primary: `ha-tui node <hard link to server.lock>` refuses (exit 3, one line) and writes nothing', async t => withJvmPrimary(t, async ({journal, edge}) => {
	const file = path.join(journal, 'server.lock');
	const hard = path.join(edge, 'hard');
	fs.linkSync(file, hard);
	const before = {bytes: fs.readFileSync(file), mtimeNs: fs.statSync(file, {bigint: true}).mtimeNs};
	const result = await run(process.execPath, [cliPath(), 'node', hard, '--role', 'primary'], {timeoutMs: 15_000});
	assert.equal(result.code, 3, result.stdout + result.stderr);
	assert.equal(result.stdout, '');
	assert.equal(result.stderr.trim().split('\n').length, 1);
	assert.match(result.stderr, /refusing to start a node: it has 2 hard links/);
	assert.deepEqual(fs.readdirSync(edge), ['hard']);
	assert.deepEqual(fs.readFileSync(file), before.bytes);
	assert.equal(fs.statSync(file, {bigint: true}).mtimeNs, before.mtimeNs);
	await holdsFor(MONITOR_WINDOW_MS, () => undefined);
}));
