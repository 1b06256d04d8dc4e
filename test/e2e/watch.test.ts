// `watch` (and the bare command without a terminal) on a real group of `ha-tui node` processes.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import readline from 'node:readline';
import {afterEach, beforeEach, test} from 'node:test';
import {cliPath, nodeGroup} from '../helpers/cli.js';
import {waitFor} from '../helpers/temp.js';

let group: ReturnType<typeof nodeGroup>;
beforeEach(() => {
	group = nodeGroup();
});
afterEach(async () => group.cleanup());

function watcher(args: string[]) {
	const child = spawn(process.execPath, [cliPath, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	const lines: string[] = [];
	let stderr = '';
	readline.createInterface({input: child.stdout}).on('line', line => lines.push(line));
	child.stderr.on('data', chunk => stderr += chunk);
	const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
	return {child, lines, stderr: () => stderr, exited};
}

test('watch --json: one NDJSON object per change; a failover shows the lock passing to the backup pid', async () => {
	const live = group.start('live');
	await live.next('live');
	const backup = group.start('backup');
	await backup.next('waiting-live-lock');
	const watch = watcher(['watch', group.file, '--json']);
	try {
		await waitFor('the first line', () => watch.lines.length > 0);
		const first = JSON.parse(watch.lines[0]);
		assert.match(first.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		assert.equal(first.verdict, 'healthy');
		assert.equal(first.locks.live.holders[0].pid, live.child.pid);
		assert.equal(first.changes[0].kind, 'appeared');
		live.child.kill('SIGKILL');
		const line = await waitFor('a line naming the new holder', () => watch.lines.map(text => JSON.parse(text)).find(object => object.locks?.live.holders[0]?.pid === backup.child.pid), 3000);
		assert.ok(line.changes.some((change: {kind: string; segment?: string}) => change.kind === 'locks' && change.segment === 'live'));
		assert.equal(line.state, 'L');
		for (const text of watch.lines) assert.doesNotThrow(() => JSON.parse(text), 'every line is one JSON object');
	} finally {
		watch.child.kill('SIGTERM');
	}

	assert.equal(await watch.exited, 0, 'SIGTERM ends watch cleanly');
});

test('the bare command without a terminal prints watch output and a one-line hint', async () => {
	const live = group.start('live');
	await live.next('live');
	const bare = watcher([group.file]);
	try {
		await waitFor('watch lines', () => bare.lines.some(line => line.includes(`live lock: pid ${live.child.pid} (OFD)`)));
		assert.equal(bare.stderr().trim().split('\n').length, 1);
		assert.match(bare.stderr(), /not a terminal.*watch/);
	} finally {
		bare.child.kill('SIGTERM');
	}

	assert.equal(await bare.exited, 0);
});
