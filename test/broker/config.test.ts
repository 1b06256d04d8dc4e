import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {ARTEMIS_MAIN, HORNETQ_MAIN} from '../../source/broker/cmdline.js';
import {brokerFromArgv, brokerLabel} from '../../source/broker/index.js';
import {tempDir} from '../helpers/temp.js';
import {copyInstance, fixture} from './fake-broker.js';

const run = (properties: Record<string, string>, extra: string[] = []) => ['java', ...Object.entries(properties).map(([key, value]) => `-D${key}=${value}`), ARTEMIS_MAIN, 'run', ...extra];
const noEnvironment = {environment: () => new Map<string, string>()};

test('a 2.40 primary (artemis create --shared-store): name, role, failover-on-shutdown, lock directory from -Ddata.dir', () => {
	const instance = fixture('artemis', 'primary');
	const broker = brokerFromArgv(run({'artemis.instance': instance, 'artemis.instance.etc': `${instance}/etc`, 'data.dir': '/shared/group-1'}), noEnvironment);
	assert.deepEqual(broker, {
		kind: 'artemis',
		name: 'broker-a',
		instance,
		configuration: `${instance}/etc/broker.xml`,
		haPolicy: 'shared-store',
		role: 'primary',
		failoverOnShutdown: false,
		allowFailback: null,
		restartBackup: null,
		lockDirectory: '/shared/group-1/journal',
		lockDirectorySetting: 'journal-directory',
		clusterConnection: true,
	});
	assert.equal(brokerLabel(broker!), 'broker-a (primary)');
});

test('a 2.40 backup: allow-failback and restart-backup take Artemis\' defaults (true, true)', () => {
	const instance = fixture('artemis', 'backup');
	const broker = brokerFromArgv(run({'artemis.instance': instance, 'data.dir': '/shared/group-1'}), noEnvironment);
	assert.equal(broker?.name, 'broker-b');
	assert.equal(broker?.role, 'backup');
	assert.equal(broker?.allowFailback, true);
	assert.equal(broker?.restartBackup, true);
	assert.equal(broker?.failoverOnShutdown, false);
	assert.equal(broker?.lockDirectory, '/shared/group-1/journal');
	assert.equal(brokerLabel(broker!), 'broker-b (backup)');
});

test('the pre-2.32 <slave> element, allow-failback false, no cluster connection', () => {
	const instance = fixture('artemis', 'backup-no-failback');
	const broker = brokerFromArgv(run({'artemis.instance': instance, 'data.dir': '/d'}), noEnvironment);
	assert.equal(broker?.role, 'backup');
	assert.equal(broker?.allowFailback, false);
	assert.equal(broker?.restartBackup, false);
	assert.equal(broker?.clusterConnection, false);
});

test('a relative journal-directory (artemis create without --data) resolves inside the instance', () => {
	const instance = fixture('artemis', 'relative');
	const broker = brokerFromArgv(run({'artemis.instance': instance}), noEnvironment);
	assert.equal(broker?.lockDirectory, path.join(instance, 'data', 'journal'));
	assert.equal(broker?.unresolved, undefined);
});

test('${prop:default}, an unresolved journal, and node-manager-lock-directory (relative) overriding it', () => {
	const instance = fixture('artemis', 'properties');
	const broker = brokerFromArgv(run({'artemis.instance': instance}), noEnvironment);
	assert.equal(broker?.name, 'broker-p');
	// <master> (the pre-2.32 name) with ${fos:true}
	assert.equal(broker?.role, 'primary');
	assert.equal(broker?.failoverOnShutdown, true);
	assert.equal(broker?.lockDirectory, path.join(instance, 'locks'));
	assert.ok(broker?.unresolved?.some(note => /journal-directory: \$\{journal\.root\}: not set/.test(note)), JSON.stringify(broker?.unresolved));
	const set = brokerFromArgv(run({'artemis.instance': instance, 'broker.name': 'from-cli', 'lock.dir': '/locks/here', 'fos': 'false'}), noEnvironment);
	assert.equal(set?.name, 'from-cli');
	assert.equal(set?.failoverOnShutdown, false);
	assert.equal(set?.lockDirectory, '/locks/here');
});

test('the process environment resolves references too (Artemis considers it); unreadable is said', () => {
	const instance = fixture('artemis', 'properties');
	const withEnvironment = brokerFromArgv(run({'artemis.instance': instance}), {environment: names => new Map([...names].filter(name => name === 'lock.dir').map(name => [name, '/from/env']))});
	assert.equal(withEnvironment?.lockDirectory, '/from/env');
	const unreadable = brokerFromArgv(run({'artemis.instance': instance}), {environment: () => undefined});
	assert.equal(unreadable?.lockDirectory, path.join(instance, 'locks'));
	assert.ok(unreadable?.unresolved?.some(note => /not readable/.test(note)));
});

test('only -Dartemis.instance.etc on the command line: artemis.profile supplies the instance and data directory', () => {
	const temp = tempDir('ha-tui-broker-');
	try {
		const instance = copyInstance('primary', temp.dir);
		const profile = path.join(instance, 'etc', 'artemis.profile');
		fs.writeFileSync(profile, fs.readFileSync(profile, 'utf8').replace("ARTEMIS_INSTANCE='/var/lib/primary'", `ARTEMIS_INSTANCE='${instance}'`));
		const broker = brokerFromArgv(run({'artemis.instance.etc': path.join(instance, 'etc')}), noEnvironment);
		assert.equal(broker?.instance, instance);
		assert.equal(broker?.name, 'broker-a');
		assert.equal(broker?.lockDirectory, '/shared/artemis/journal');
	} finally {
		temp.cleanup();
	}
});

test('run --broker overrides bootstrap.xml; `xml:` names another bootstrap.xml', () => {
	const backup = fixture('artemis', 'backup', 'etc', 'broker.xml');
	const instance = fixture('artemis', 'primary');
	assert.equal(brokerFromArgv(run({'artemis.instance': instance, 'data.dir': '/d'}, ['--broker', `file:${backup}`]), noEnvironment)?.name, 'broker-b');
	assert.equal(brokerFromArgv(run({'artemis.instance': instance, 'data.dir': '/d'}, [`xml:${fixture('artemis', 'backup', 'etc', 'bootstrap.xml')}`]), noEnvironment)?.name, 'broker-a');
});

test('missing or hostile configuration: null fields and a note, never a throw', () => {
	const temp = tempDir('ha-tui-broker-');
	try {
		// No instance at all.
		const none = brokerFromArgv(['java', ARTEMIS_MAIN, 'run'], noEnvironment);
		assert.equal(none?.name, null);
		assert.equal(none?.role, null);
		assert.ok(none?.unresolved?.length);
		// An instance whose etc is empty.
		fs.mkdirSync(path.join(temp.dir, 'empty', 'etc'), {recursive: true});
		const empty = brokerFromArgv(run({'artemis.instance': path.join(temp.dir, 'empty')}), noEnvironment);
		assert.equal(empty?.configuration, null);
		assert.match(empty!.unresolved![0], /bootstrap\.xml: no such file/);
		// A broker.xml with a billion laughs, one with binary junk, one not XML.
		for (const [name, content] of [['laughs', '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><configuration><core><name>&b;</name></core></configuration>'], ['junk', '\u0000\u0001\u0002'], ['text', 'not xml at all <<<']] as const) {
			const instance = copyInstance('primary', path.join(temp.dir, name));
			fs.writeFileSync(path.join(instance, 'etc', 'broker.xml'), content);
			const broker = brokerFromArgv(run({'artemis.instance': instance, 'data.dir': '/d'}), noEnvironment);
			assert.equal(broker?.name, null, name);
			assert.equal(broker?.lockDirectory, null, name);
			assert.equal(broker?.configuration, path.join(instance, 'etc', 'broker.xml'));
			assert.ok(broker?.unresolved?.some(note => note.startsWith(path.join(instance, 'etc', 'broker.xml'))), name);
		}

		// bootstrap.xml pointing at a non-file URI.
		const odd = copyInstance('primary', path.join(temp.dir, 'odd'));
		fs.writeFileSync(path.join(odd, 'etc', 'bootstrap.xml'), '<broker xmlns="http://activemq.apache.org/schema"><server configuration="http://example.invalid/broker.xml"/></broker>');
		assert.match(brokerFromArgv(run({'artemis.instance': odd}), noEnvironment)!.unresolved!.join('\n'), /not a file: URI/);
	} finally {
		temp.cleanup();
	}
});

test('HornetQ: hornetq-configuration.xml found on the class path, flat settings, relative to the working directory', () => {
	const config = fixture('hornetq', 'config');
	const broker = brokerFromArgv(['java', '-Xmx1G', '-classpath', `${config}:/opt/hornetq/lib/hornetq-core.jar`, HORNETQ_MAIN, 'hornetq-beans.xml'], {cwd: '/opt/hornetq/bin', ...noEnvironment});
	assert.deepEqual(broker, {
		kind: 'hornetq',
		name: null,
		instance: config,
		configuration: path.join(config, 'hornetq-configuration.xml'),
		haPolicy: 'shared-store',
		role: 'backup',
		failoverOnShutdown: true,
		allowFailback: true,
		restartBackup: null,
		lockDirectory: '/opt/hornetq/data/journal',
		lockDirectorySetting: 'journal-directory',
		clusterConnection: true,
	});
	assert.equal(brokerLabel(broker!), 'HornetQ (backup)');
	// -Ddata.dir wins over the default in ${data.dir:../data}.
	assert.equal(brokerFromArgv(['java', '-Ddata.dir=/shared/hq', '-cp', config, HORNETQ_MAIN], noEnvironment)?.lockDirectory, '/shared/hq/journal');
	assert.match(brokerFromArgv(['java', '-cp', '/nonexistent', HORNETQ_MAIN], noEnvironment)!.unresolved![0], /not found/);
});
