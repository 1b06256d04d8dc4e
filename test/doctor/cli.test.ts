// The shipped bin: `ha-tui doctor <dir> [--json]`, exit codes as status.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type {DoctorJson} from '../../source/commands/doctor.js';
import {copyInstance, fakeBroker, hasPython, makeGroup, stop, writeState} from '../broker/fake-broker.js';
import {runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

test('ha-tui doctor: 0 on a healthy pair, 2 when paused, --json is one object; 3 and one line for bad input', {skip: process.platform !== 'linux' ? 'needs /proc' : !hasPython ? 'python3 not found' : false}, async () => {
	const temp = tempDir('ha-tui-doctor-cli-');
	const data = path.join(temp.dir, 'data');
	const group = makeGroup(path.join(data, 'journal'));
	const primaryInstance = copyInstance('primary', temp.dir);
	const backupInstance = copyInstance('backup', temp.dir);
	const primary = await fakeBroker({properties: {'artemis.instance': primaryInstance, 'data.dir': data}, locks: [{file: group.primaryLock}]});
	const backup = await fakeBroker({properties: {'artemis.instance': backupInstance, 'data.dir': data}, locks: [{file: group.backupLock}]});
	try {
		const healthy = await runCli(['doctor', group.dir, '--json']);
		assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
		const json = JSON.parse(healthy.stdout) as DoctorJson;
		assert.deepEqual(json.findings.map(finding => finding.id), ['healthy']);
		assert.equal(json.exitCode, 0);
		const text = await runCli(['doctor', group.dir]);
		assert.equal(text.code, 0);
		assert.match(text.stdout, new RegExp(`OK +healthy — broker-a \\(primary\\) pid ${primary.pid} is live, broker-b \\(backup\\) pid ${backup.pid} waits as backup`));
		await stop(primary);
		writeState(group.serverLock, 'P');
		const paused = await runCli(['doctor', group.serverLock]);
		assert.equal(paused.code, 2);
		assert.match(paused.stdout, /CRITICAL paused — /);
		const missing = await runCli(['doctor', path.join(temp.dir, 'missing')]);
		assert.equal(missing.code, 3);
		assert.equal(missing.stdout, '');
		assert.equal(missing.stderr.trim().split('\n').length, 1);
		assert.match(missing.stderr, /missing/);
		fs.writeFileSync(path.join(temp.dir, 'short.lock'), 'L0');
		assert.equal((await runCli(['doctor', path.join(temp.dir, 'short.lock')])).code, 3);
	} finally {
		await stop(primary);
		await stop(backup);
		temp.cleanup();
	}
});
