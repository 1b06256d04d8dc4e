// A primary's lost-lock check as Artemis 2.29+ does it: server.lock modified by someone else
// while the state is L means a backup took over (it touches the file) while this primary thought
// it was live — frozen, or cut off from the shared disk. It must stop being live. Writes that
// are not a takeover (a failing-back primary's F) must not end it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {afterEach, beforeEach, test} from 'node:test';
import {nodeGroup} from '../helpers/cli.js';

let group: ReturnType<typeof nodeGroup>;
beforeEach(() => {
	group = nodeGroup();
});
afterEach(async () => group.cleanup());

for (const layout of ['files', 'ranges'] as const) {
	test(`${layout} layout: server.lock touched by another while L → the primary says lost-lock, exits 2, and writes nothing after`, async () => {
		const live = group.start('live', ['--layout', layout]);
		await live.next('live');
		const before = fs.readFileSync(group.file);
		// What an Artemis 2.29+ backup does when it takes over: set the mtime to now.
		const later = new Date(Date.now() + 1000);
		fs.utimesSync(group.file, later, later);
		const lost = await live.next('lost-lock', 3000);
		assert.match(String(lost.detail), /modified by another node while the state is L/);
		assert.deepEqual(await live.exited, {code: 2, signal: null});
		assert.deepEqual(fs.readFileSync(group.file), before, 'the lost primary wrote to the file');
		assert.deepEqual(live.eventNames().slice(-1), ['lost-lock']);
	});
}

test('a failing-back primary\'s F changes the mtime too, but with F in the file the active node does not take it for a lost lock', async () => {
	const live = group.start('live');
	const backup = group.start('backup');
	await live.next('live');
	await backup.next('waiting-live-lock');
	live.child.kill('SIGKILL');
	await backup.next('live');
	const exLive = group.start('live');
	await exLive.next('live');
	// The activated backup stepped down (failback), it did not lose its lock.
	await backup.next('stepping-down');
	assert.equal(backup.events().some(event => event.event === 'lost-lock'), false, backup.eventNames().join(', '));
});

test('a second primary stopped before it got the lock puts back L and the file\'s times: the running primary does not take it for a takeover', async () => {
	const live = group.start('live');
	const backup = group.start('backup');
	await live.next('live');
	await backup.next('waiting-live-lock');
	const before = fs.statSync(group.file, {bigint: true});
	const second = group.start('live');
	await second.next('failing-back');
	assert.equal(fs.readFileSync(group.file)[0], 0x46, 'F while the second waits');
	second.child.kill('SIGTERM');
	const stopped = await second.next('stopped');
	assert.match(String(stopped.detail), /put back the L/);
	const after = fs.statSync(group.file, {bigint: true});
	assert.equal(fs.readFileSync(group.file)[0], 0x4c);
	assert.equal(after.mtimeNs, before.mtimeNs, 'mtime not put back: an Artemis 2.29+ primary would stop');
	// Longer than a few lost-lock checks (200 ms): the primary must still be live.
	await new Promise(resolve => setTimeout(resolve, 800));
	assert.equal(live.events().some(event => event.event === 'lost-lock'), false, live.eventNames().join(', '));
	// And the group still fails over.
	live.child.kill('SIGKILL');
	await backup.next('live');
});
