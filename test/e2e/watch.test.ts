// `watch` (and the bare command without a terminal) on a real group of `ha-tui node` processes.
import assert from 'node:assert/strict';
import {afterEach, beforeEach, test} from 'node:test';
import {nodeGroup} from '../helpers/cli.js';

let group: ReturnType<typeof nodeGroup>;
beforeEach(() => {
	group = nodeGroup();
});
afterEach(async () => group.cleanup());

const watcher = (args: string[]) => group.processes.cli(`ha-tui ${args.join(' ')}`, args);

test('watch --json: one NDJSON object per change; a failover shows the lock passing to the backup pid', async () => {
	const live = group.start('live');
	await live.next('live');
	const backup = group.start('backup');
	await backup.next('waiting-live-lock');
	const watch = watcher(['watch', group.file, '--json']);
	try {
		await watch.waitLine('the first line', () => true);
		const first = JSON.parse(watch.lines[0]);
		assert.match(first.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		assert.equal(first.verdict, 'healthy');
		assert.equal(first.locks.live.holders[0].pid, live.child.pid);
		assert.equal(first.changes[0].kind, 'appeared');
		live.child.kill('SIGKILL');
		type Report = {locks?: {live: {holders: Array<{pid: number}>}}; changes: Array<{kind: string; segment?: string}>; state: string};
		const line = await watch.nextMatching('a line naming the new holder', object => (object as Report).locks?.live.holders[0]?.pid === backup.child.pid, 3000) as Report;
		assert.ok(line.changes.some(change => change.kind === 'locks' && change.segment === 'live'));
		assert.equal(line.state, 'L');
		for (const text of watch.lines) assert.doesNotThrow(() => JSON.parse(text), 'every line is one JSON object');
	} finally {
		watch.kill('SIGTERM');
	}

	assert.deepEqual(await watch.exited, {code: 0, signal: null}, 'SIGTERM ends watch cleanly');
});

test('the bare command without a terminal prints watch output and a one-line hint', async () => {
	const live = group.start('live');
	await live.next('live');
	const bare = watcher([group.file]);
	try {
		await bare.waitLine('a line naming the live', line => line.includes(`live lock: ha-tui node ${group.file} (primary) pid ${live.child.pid} OFD`));
		assert.equal(bare.stderr.trim().split('\n').length, 1);
		assert.match(bare.stderr, /not a terminal.*watch/);
	} finally {
		bare.kill('SIGTERM');
	}

	assert.deepEqual(await bare.exited, {code: 0, signal: null});
});

// Tried by hand on a real Artemis pair: status' first line said "CRITICAL: NO LIVE — no process
// holds…" while watch's line said only "no process holds…": a grep for CRITICAL found nothing.
test('watch\'s verdict lines read as status\' first line, level first, at the start and on a change', async () => {
	const live = group.start('live');
	await live.next('live');
	const watch = watcher(['watch', group.file]);
	try {
		await watch.waitLine('the verdict', line => line.includes('live is up, but no backup is queued'));
		assert.ok(watch.lines.some(line => / WARNING: no backup — live is up, but no backup is queued$/.test(line)), watch.lines.join('\n'));
		live.child.kill('SIGKILL');
		const index = await watch.waitLine('the crash', line => line.includes('no process holds the live lock'), 5000);
		assert.match(watch.lines[index], /^\S+Z CRITICAL: NO LIVE — no process holds the live lock: crashed, and no backup is queued$/);
	} finally {
		watch.kill('SIGTERM');
	}

	assert.deepEqual(await watch.exited, {code: 0, signal: null});
});
