// Target resolution (source/target/resolve.ts) on the paths operators type that are not the
// lock directory itself (issue 14 §5): an Artemis instance directory (etc/broker.xml inside), a
// broker.xml, a data directory (journal/server.lock below) — and, for anything else, an error
// naming what was looked for. Real directories and files, as `artemis create` lays them out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {LockFileInputError} from '../../source/lock-file/lock-file.js';
import {describeTarget, resolveTarget} from '../../source/target/resolve.js';
import {runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

/** broker.xml as `artemis create --shared-store` writes it (the parts ha-tui reads). */
const brokerXml = (core: string) => `<?xml version='1.0'?>
<configuration xmlns="urn:activemq" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
   <core xmlns="urn:activemq:core">
      <name>broker-a</name>
      ${core}
   </core>
</configuration>
`;
const sharedStore = '<ha-policy><shared-store><primary><failover-on-shutdown>false</failover-on-shutdown></primary></shared-store></ha-policy>';

/** A temp root with an instance directory and a data directory holding a lock file. */
function layout() {
	const temp = tempDir('ha-tui-resolve-');
	const root = fs.realpathSync(temp.dir);
	const data = path.join(root, 'data');
	const journal = path.join(data, 'journal');
	fs.mkdirSync(journal, {recursive: true});
	for (const name of ['bindings', 'paging', 'large-messages']) fs.mkdirSync(path.join(data, name));
	fs.writeFileSync(path.join(journal, 'server.lock'), encodeNewLockFile());
	fs.writeFileSync(path.join(journal, 'serverlock.1'), '');
	fs.writeFileSync(path.join(journal, 'serverlock.2'), '');
	const instance = path.join(root, 'broker-a');
	fs.mkdirSync(path.join(instance, 'etc'), {recursive: true});
	return {root, data, journal, instance, lock: path.join(journal, 'server.lock'), cleanup: temp.cleanup};
}

test('an Artemis instance directory leads to the lock directory its etc/broker.xml names (journal-directory, absolute)', () => {
	const where = layout();
	try {
		fs.writeFileSync(path.join(where.instance, 'etc', 'broker.xml'), brokerXml(`<journal-directory>${where.journal}</journal-directory>${sharedStore}`));
		const target = resolveTarget(where.instance, {missing: 'error'});
		assert.equal(target.file, where.lock);
		assert.equal(target.directory, where.journal);
		assert.equal(target.via, 'instance');
		assert.match(target.note ?? '', /etc\/broker\.xml \(journal-directory\)/);
		assert.equal(describeTarget(target), `${where.instance} → ${where.lock} (from the Artemis instance's etc/broker.xml (journal-directory))`);
	} finally {
		where.cleanup();
	}
});

test('an instance with a bootstrap.xml, a relative journal-directory and node-manager-lock-directory: Artemis\' own rules', () => {
	const where = layout();
	try {
		// bootstrap.xml names broker.xml (as artemis create writes it); relative paths are the instance's.
		fs.writeFileSync(path.join(where.instance, 'etc', 'bootstrap.xml'), `<broker xmlns="http://activemq.apache.org/schema"><server configuration="file:${where.instance}/etc//broker.xml"/></broker>`);
		fs.symlinkSync(where.data, path.join(where.instance, 'data'));
		fs.writeFileSync(path.join(where.instance, 'etc', 'broker.xml'), brokerXml(`<journal-directory>data/journal</journal-directory>${sharedStore}`));
		const relative = resolveTarget(where.instance, {missing: 'error'});
		assert.equal(relative.file, where.lock, 'relative to the instance, through its data symlink: the real file');
		assert.equal(relative.via, 'instance');

		const locks = path.join(where.root, 'locks');
		fs.mkdirSync(locks);
		fs.writeFileSync(path.join(locks, 'server.lock'), encodeNewLockFile());
		fs.writeFileSync(path.join(where.instance, 'etc', 'broker.xml'), brokerXml(`<journal-directory>data/journal</journal-directory><node-manager-lock-directory>${locks}</node-manager-lock-directory>${sharedStore}`));
		const separate = resolveTarget(where.instance, {missing: 'error'});
		assert.equal(separate.file, path.join(locks, 'server.lock'));
		assert.match(separate.note ?? '', /node-manager-lock-directory/);
	} finally {
		where.cleanup();
	}
});

test('a broker.xml path leads to the lock directory it names; a broker that keeps no lock files is refused in one line', () => {
	const where = layout();
	try {
		const xml = path.join(where.instance, 'etc', 'broker.xml');
		fs.writeFileSync(xml, brokerXml(`<journal-directory>${where.journal}</journal-directory>${sharedStore}`));
		const target = resolveTarget(xml, {missing: 'error'});
		assert.equal(target.file, where.lock);
		assert.equal(target.via, 'configuration');
		assert.match(target.note ?? '', /^broker\.xml \(journal-directory\)$/);

		fs.writeFileSync(xml, brokerXml(`<journal-directory>${where.journal}</journal-directory><ha-policy><replication><primary/></replication></ha-policy>`));
		assert.throws(() => resolveTarget(xml, {missing: 'error'}), (error: unknown) => error instanceof LockFileInputError && /is not a shared-store broker \(ha-policy: replication\)/.test(error.message) && !error.message.includes('\n'));
	} finally {
		where.cleanup();
	}
});

test('a data directory leads to journal/server.lock below it', () => {
	const where = layout();
	try {
		const target = resolveTarget(where.data, {missing: 'error'});
		assert.equal(target.file, where.lock);
		assert.equal(target.via, 'data-directory');
		assert.equal(describeTarget(target), `${where.data} → ${where.lock} (from the data directory's journal/)`);
		// The lock directory itself, and server.lock, are themselves.
		assert.equal(resolveTarget(where.journal, {missing: 'error'}).via, 'directory');
		assert.equal(resolveTarget(where.lock, {missing: 'error'}).via, 'file');
	} finally {
		where.cleanup();
	}
});

test('a directory that is none of these: the error names every place it looked (and a missing configured directory says so)', () => {
	const where = layout();
	try {
		const elsewhere = path.join(where.root, 'elsewhere');
		fs.mkdirSync(elsewhere);
		assert.throws(() => resolveTarget(elsewhere, {missing: 'error'}), (error: unknown) => error instanceof LockFileInputError
			&& error.message.includes(`looked for ${path.join(elsewhere, 'server.lock')}, ${path.join(elsewhere, 'journal', 'server.lock')} (a data directory) and ${path.join(elsewhere, 'etc', 'broker.xml')} (an Artemis instance)`));
		// watch and the TUI wait for a lock file in an existing directory instead.
		assert.equal(resolveTarget(elsewhere, {missing: 'wait'}).file, path.join(elsewhere, 'server.lock'));

		fs.writeFileSync(path.join(where.instance, 'etc', 'broker.xml'), brokerXml(`<journal-directory>${path.join(where.root, 'never-started', 'journal')}</journal-directory>${sharedStore}`));
		assert.throws(() => resolveTarget(where.instance, {missing: 'error'}), (error: unknown) => error instanceof LockFileInputError
			&& /names .*never-started\/journal, which does not exist \(has the broker ever started\?\)/.test(error.message));
	} finally {
		where.cleanup();
	}
});

test('status on an instance directory, a data directory and a wrong one: the same lock file, or exit 3 with one line naming what it looked for', async () => {
	const where = layout();
	try {
		fs.writeFileSync(path.join(where.instance, 'etc', 'broker.xml'), brokerXml(`<journal-directory>${where.journal}</journal-directory>${sharedStore}`));
		for (const argument of [where.instance, where.data, path.join(where.instance, 'etc', 'broker.xml')]) {
			const result = await runCli(['status', argument, '--json']);
			const report = JSON.parse(result.stdout) as {path: string; exitCode: number};
			assert.equal(report.path, where.lock, argument);
			assert.equal(result.code, report.exitCode);
		}

		const wrong = path.join(where.root, 'elsewhere');
		fs.mkdirSync(wrong);
		const result = await runCli(['status', wrong]);
		assert.equal(result.code, 3);
		const lines = result.stderr.trim().split('\n');
		assert.equal(lines.length, 1, result.stderr);
		assert.match(lines[0], /^ha-tui: .*elsewhere: no lock file here: looked for .*elsewhere\/server\.lock, .*elsewhere\/journal\/server\.lock \(a data directory\) and .*elsewhere\/etc\/broker\.xml \(an Artemis instance\)$/);
	} finally {
		where.cleanup();
	}
});
