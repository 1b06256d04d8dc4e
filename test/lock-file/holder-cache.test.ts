// The OFD owner cache used by watch and the TUI: a scan that found no owner (it ran while the
// lock moved between holders) must not be kept while /proc/locks looks the same.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import process from 'node:process';
import {test} from 'node:test';
import {HolderCache} from '../../source/lock-file/index.js';
import {deviceToProc} from '../../source/lock-file/device-number.js';
import {parseProcLockLine, readProcLocks} from '../../source/lock-file/proc-locks.js';
import {ofdHolder, release} from '../helpers/holders.js';
import {tempDir} from '../helpers/temp.js';

test('HolderCache looks again for the owner of an OFD lock it found no owner for, though /proc/locks is unchanged', {skip: process.platform !== 'linux' && 'Linux only'}, async () => {
	const temp = tempDir();
	fs.writeFileSync(temp.file, '0000000000000000000');
	const {dev, ino} = fs.statSync(temp.file);
	const files = [{device: dev, inode: ino}];
	// What /proc/locks shows for an OFD lock on byte 1 — the same line whoever holds it.
	const line = parseProcLockLine(`1: OFDLCK ADVISORY  WRITE -1 ${deviceToProc(dev)}:${ino} 1 1`)!;
	const cache = new HolderCache(0);
	// The scan runs at an instant nobody holds it (between two holders): no owner.
	assert.deepEqual([...cache.ofdOwners(files, [line]).values()].flat(), []);
	const holder = await ofdHolder(temp.file, 1);
	try {
		assert.deepEqual(readProcLocks(dev, ino).map(lock => lock.line.replace(/^\d+:/, '')), [line.line.replace(/^\d+:/, '')], 'the same /proc/locks line');
		assert.deepEqual([...cache.ofdOwners(files, [line]).values()].flat().map(owner => owner.pid), [holder.pid]);
	} finally {
		await release(holder);
		temp.cleanup();
	}
});
