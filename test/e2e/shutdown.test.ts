// Issue 11 §1: cli.tsx owns shutdown. A closed stdout (EPIPE) and SIGTERM/SIGINT stop a
// long-running command through the same AbortSignal, and it exits 0.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {after, before, test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

let temp: ReturnType<typeof tempDir>;
const group = new ProcessGroup();
before(() => {
	temp = tempDir();
	fs.writeFileSync(temp.file, encodeNewLockFile());
});
after(async () => {
	await group.killAll();
	temp.cleanup();
});

test('watch whose reader went away (EPIPE) stops cleanly at its next line', async () => {
	const watch = group.cli('watch', ['watch', temp.file, '--interval', '20']);
	await watch.waitLine('the opening line', line => line.includes('watching'));
	watch.child.stdout!.destroy();
	// A change makes watch write: the write fails with EPIPE, and that is a shutdown request.
	fs.writeFileSync(temp.file, Buffer.from('P'), {flag: 'r+'});
	const exit = await watch.exited;
	assert.equal(exit.code, 0, watch.describe());
	assert.equal(watch.stderr, '');
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	test(`watch stops on ${signal} with exit 0`, async () => {
		const watch = group.cli(`watch-${signal}`, ['watch', temp.file]);
		await watch.waitLine('the opening line', line => line.includes('watching'));
		watch.kill(signal);
		assert.equal((await watch.exited).code, 0, watch.describe());
	});
}
