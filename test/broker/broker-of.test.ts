// brokerOf() on real processes: a python process whose argv is an Artemis command line.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import test from 'node:test';
import {brokerOf, clearBrokerCache} from '../../source/broker/index.js';
import {tempDir} from '../helpers/temp.js';
import {fakeBroker, fixture, hasPython, stop} from './fake-broker.js';

const skip = process.platform !== 'linux' ? 'needs /proc (Linux)' : !hasPython ? 'python3 not found' : false;

test('brokerOf names the broker behind a pid from /proc/PID/cmdline and its instance', {skip}, async () => {
	const instance = fixture('artemis', 'primary');
	const child = await fakeBroker({properties: {'artemis.instance': instance, 'artemis.instance.etc': `${instance}/etc`, 'data.dir': '/shared/x'}});
	try {
		const broker = brokerOf(child.pid);
		assert.equal(broker?.name, 'broker-a');
		assert.equal(broker?.role, 'primary');
		assert.equal(broker?.lockDirectory, '/shared/x/journal');
		// Cached for the life of the process: the same object.
		assert.equal(brokerOf(child.pid), broker);
	} finally {
		await stop(child);
	}

	// Gone: nothing, and no throw.
	assert.equal(brokerOf(child.pid), undefined);
});

test('brokerOf: not a broker, no such pid, nonsense pids', {skip}, async () => {
	const child = await fakeBroker({plain: true});
	try {
		assert.equal(brokerOf(child.pid), undefined);
	} finally {
		await stop(child);
	}

	assert.equal(brokerOf(undefined), undefined);
	assert.equal(brokerOf(0), undefined);
	assert.equal(brokerOf(-1), undefined);
	assert.equal(brokerOf(1.5), undefined);
	assert.equal(brokerOf(2 ** 31), undefined);
	assert.equal(brokerOf(process.pid), undefined);
});

test('brokerOf resolves ${X} from the process environment (/proc/PID/environ)', {skip}, async () => {
	const temp = tempDir('ha-tui-broker-');
	const instance = fixture('artemis', 'properties');
	const child = spawn('python3', ['-c', 'import sys; print("up", flush=True); sys.stdin.read()', `-Dartemis.instance=${instance}`, 'org.apache.activemq.artemis.boot.Artemis', 'run'], {cwd: temp.dir, env: {...process.env, 'journal.root': '/from/environment'}, stdio: ['pipe', 'pipe', 'inherit']});
	try {
		await once(child.stdout!, 'data');
		clearBrokerCache();
		const broker = brokerOf(child.pid);
		assert.equal(broker?.name, 'broker-p');
		// journal.root comes from the environment, so nothing is unresolved.
		assert.equal(broker?.unresolved, undefined);
	} finally {
		child.kill('SIGKILL');
		await once(child, 'exit');
		temp.cleanup();
	}
});
