// A server.lock whose state byte is not 0 N L P F (NUL: an empty file was there before the
// first broker, so it wrote the node id but never '0' '0' '0'). A 2.44 backup then holds both
// serverlock files for ever, looping without a branch for the state: permanent, so status,
// doctor and the TUI must say so and what to do, not "in transition".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {runCli} from '../helpers/cli.js';
import {hasPython, posixHolder, release} from '../helpers/holders.js';
import {tempDir} from '../helpers/temp.js';

test('a NUL state byte with the primary lock held is CRITICAL "bad state byte", with its own doctor finding and fix', {skip: !hasPython && 'python3 is needed for a POSIX lock holder'}, async () => {
	const temp = tempDir();
	const bytes = encodeNewLockFile();
	bytes.fill(0, 0, 3);
	fs.writeFileSync(temp.file, bytes);
	for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(temp.dir, name), '');
	// As the looping 2.44 backup: both serverlock files, POSIX whole-file locks.
	const holders = [await posixHolder(path.join(temp.dir, 'serverlock.1'), 0, 0), await posixHolder(path.join(temp.dir, 'serverlock.2'), 0, 0)];
	try {
		const status = await runCli(['status', temp.dir]);
		assert.equal(status.code, 2, status.stdout + status.stderr);
		assert.match(status.stdout, /^CRITICAL: BAD STATE BYTE — the state byte is 0x00, not one of 0 N L P F: a node holds the primary lock and loops on it for ever; stop the brokers and fix or remove server\.lock/);
		assert.doesNotMatch(status.stdout, /transition/);
		const doctor = await runCli(['doctor', temp.dir, '--json']);
		const report = JSON.parse(doctor.stdout);
		const finding = report.findings.find((one: {id: string}) => one.id === 'bad-state');
		assert.ok(finding, doctor.stdout);
		assert.equal(finding.level, 'critical');
		assert.match(finding.fix, /Stop every broker of this group/);
		assert.match(finding.fix, /dd of=.*server\.lock bs=1 count=3 conv=notrunc/);
		assert.ok(!report.findings.some((one: {id: string}) => one.id === 'transition'));
		// A node will not write into it either.
		const node = await runCli(['node', temp.dir, '--role', 'backup']);
		assert.equal(node.code, 3);
		assert.match(node.stderr, /state byte is 0x00/);
		assert.deepEqual(fs.readFileSync(temp.file), Buffer.from(bytes));
	} finally {
		for (const holder of holders) await release(holder);
		temp.cleanup();
	}
});
