// The state lock a node holds around every state read and write, as each Artemis generation
// takes it: byte 0 of server.lock (2.4–2.9), the whole of server.lock (2.11+), serverlock.0
// (2.10.x; that file stays once a 2.10.x broker ran on the directory). A node must wait while
// any of them is held by a JVM-style POSIX holder, and go on once it is released.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {STATE, encodeNewLockFile} from '../../source/lock-file/index.js';
import {FileLockNodeManager} from '../../source/node-manager/index.js';
import {hasPython, posixHolder, release} from '../helpers/holders.js';
import {tempDir} from '../helpers/temp.js';

const cases = [
	{name: 'ranges: byte 0 of server.lock', layout: 'ranges', file: 'server.lock', start: 0, length: 1, serverlock0: false},
	{name: 'files (2.11+): the whole of server.lock', layout: 'files', file: 'server.lock', start: 0, length: 0, serverlock0: false},
	{name: 'files with serverlock.0 (2.10.x): the whole of serverlock.0', layout: 'files', file: 'serverlock.0', start: 0, length: 0, serverlock0: true},
	{name: 'files with serverlock.0: the whole of server.lock still counts (2.11+ brokers on the same directory)', layout: 'files', file: 'server.lock', start: 0, length: 0, serverlock0: true},
] as const;

for (const c of cases) {
	test(`state lock, ${c.name}: a state read waits while a JVM-style holder has it`, {skip: !hasPython && 'python3 is needed for a POSIX lock holder'}, async () => {
		const temp = tempDir();
		const bytes = encodeNewLockFile();
		bytes[0] = STATE.paused;
		fs.writeFileSync(temp.file, bytes);
		if (c.layout === 'files') for (const name of ['serverlock.1', 'serverlock.2', ...(c.serverlock0 ? ['serverlock.0'] : [])]) fs.writeFileSync(path.join(temp.dir, name), '');
		const manager = new FileLockNodeManager(temp.file, {layout: c.layout});
		await manager.open();
		const holder = await posixHolder(path.join(temp.dir, c.file), c.start, c.length);
		try {
			let read: number | undefined | 'pending' = 'pending';
			const reading = manager.readState().then(state => {
				read = state;
			});
			// Absence is all a wait can show: many polls of the event loop, still nothing read.
			for (let i = 0; i < 20; i++) await new Promise(resolve => setTimeout(resolve, 5));
			assert.equal(read, 'pending', 'read the state while another held the state lock');
			await release(holder);
			await reading;
			assert.equal(read, STATE.paused);
			await manager.writeState(STATE.live);
			assert.equal(fs.readFileSync(temp.file)[0], STATE.live);
		} finally {
			await release(holder);
			manager.close();
			temp.cleanup();
		}
	});
}

test('the state lock is never left held: after reads and writes a JVM-style holder can take it at once', {skip: !hasPython && 'python3 is needed for a POSIX lock holder'}, async () => {
	const temp = tempDir();
	fs.writeFileSync(temp.file, encodeNewLockFile());
	for (const name of ['serverlock.0', 'serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(temp.dir, name), '');
	const manager = new FileLockNodeManager(temp.file, {layout: 'files'});
	await manager.open();
	try {
		await manager.writeState(STATE.failingBack);
		await manager.readState();
		// posixHolder takes its lock without waiting (LOCK_NB) and fails if it is held.
		const holders = await Promise.all([posixHolder(temp.file, 0, 0), posixHolder(path.join(temp.dir, 'serverlock.0'), 0, 0)]);
		for (const holder of holders) await release(holder);
	} finally {
		manager.close();
		temp.cleanup();
	}
});
