// `status` names the brokers behind the locks (issue 10): holder.broker in --json, "broker-a (primary) pid N" in text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {clearBrokerCache} from '../../source/broker/index.js';
import {statusJson, statusText} from '../../source/commands/status-report.js';
import {assess, probeLockFile} from '../../source/lock-file/index.js';
import {tempDir} from '../helpers/temp.js';
import {copyInstance, fakeBroker, hasPython, makeGroup, stop} from './fake-broker.js';

test('status --json: holder.broker for brokers, absent for other holders; text shows the broker name and role', {skip: process.platform !== 'linux' ? 'needs /proc' : !hasPython ? 'python3 not found' : false}, async () => {
	const temp = tempDir('ha-tui-status-broker-');
	const data = path.join(temp.dir, 'data');
	const group = makeGroup(path.join(data, 'journal'));
	const primary = copyInstance('primary', temp.dir);
	const live = await fakeBroker({properties: {'artemis.instance': primary, 'data.dir': data}, locks: [{file: group.primaryLock}]});
	const other = await fakeBroker({plain: true, locks: [{file: group.backupLock}]});
	try {
		clearBrokerCache();
		const probe = probeLockFile(group.serverLock);
		const json = statusJson(probe, assess(probe));
		const [holder] = json.locks.live.holders;
		assert.equal(holder.pid, live.pid);
		assert.deepEqual(holder.broker, {
			kind: 'artemis',
			name: 'broker-a',
			instance: primary,
			configuration: path.join(primary, 'etc', 'broker.xml'),
			haPolicy: 'shared-store',
			role: 'primary',
			failoverOnShutdown: false,
			allowFailback: null,
			restartBackup: null,
			lockDirectory: group.dir,
			lockDirectorySetting: 'journal-directory',
			clusterConnection: true,
		});
		assert.equal('broker' in json.locks.backup.holders[0], false);
		const text = statusText(probe, assess(probe));
		assert.ok(text.some(line => line.includes(`broker-a (primary) pid ${live.pid} POSIX`)), text.join('\n'));
		assert.ok(text.some(line => line.includes(`pid ${other.pid} POSIX`)));
	} finally {
		await stop(live);
		await stop(other);
		temp.cleanup();
	}
});

test('a broker name with terminal escapes is printed escaped', {skip: process.platform !== 'linux' ? 'needs /proc' : !hasPython ? 'python3 not found' : false}, async () => {
	const temp = tempDir('ha-tui-status-broker-');
	const data = path.join(temp.dir, 'data');
	const group = makeGroup(path.join(data, 'journal'));
	const instance = copyInstance('primary', temp.dir);
	const brokerXml = path.join(instance, 'etc', 'broker.xml');
	fs.writeFileSync(brokerXml, fs.readFileSync(brokerXml, 'utf8').replace('<name>broker-a</name>', '<name>evil&#x1b;]0;PWNED&#x7;</name>'));
	const live = await fakeBroker({properties: {'artemis.instance': instance, 'data.dir': data}, locks: [{file: group.primaryLock}]});
	try {
		clearBrokerCache();
		const probe = probeLockFile(group.serverLock);
		const text = statusText(probe, assess(probe)).join('\n');
		assert.ok(text.includes('evil\\x1b]0;PWNED\\x07 (primary)'), text);
		assert.equal(text.includes('\u001B'), false);
		assert.equal(statusJson(probe, assess(probe)).locks.live.holders[0].broker?.name, 'evil\u001B]0;PWNED\u0007');
	} finally {
		await stop(live);
		temp.cleanup();
	}
});
