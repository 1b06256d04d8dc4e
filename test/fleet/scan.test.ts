// Issue 19 §1: --scan on a hostile tree — symlink loops, links out of ROOT, unreadable
// directories, 10,000 files — finds the groups, says how each was found, and ends.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {after, test} from 'node:test';
import {scanForGroups} from '../../source/fleet/scan.js';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const temp = tempDir('ha-tui-scan-');
const outside = tempDir('ha-tui-scan-outside-');
after(() => {
	fs.chmodSync(path.join(temp.dir, 'locked'), 0o755);
	temp.cleanup();
	outside.cleanup();
});

const brokerXml = (journal: string) => `<?xml version="1.0"?>
<configuration xmlns="urn:activemq"><core xmlns="urn:activemq:core">
<name>broker-x</name><journal-directory>${journal}</journal-directory>
<ha-policy><shared-store><primary/></shared-store></ha-policy>
</core></configuration>`;

test('--scan: loops, links out, unreadable directories, 10,000 files', async () => {
	const root = temp.dir;
	const make = (...parts: string[]) => {
		const dir = path.join(root, ...parts);
		fs.mkdirSync(dir, {recursive: true});
		return dir;
	};

	const a = make('apps', 'a', 'journal');
	fs.writeFileSync(path.join(a, 'server.lock'), encodeNewLockFile());
	const b = make('apps', 'b', 'journal');
	fs.writeFileSync(path.join(b, 'serverlock.1'), '');
	const c = make('old', 'c');
	fs.writeFileSync(path.join(c, 'server.1.lock'), '');
	// An Artemis instance whose journal is elsewhere inside the tree (relative to the instance).
	const instance = make('instances', 'x');
	make('instances', 'x', 'etc');
	fs.writeFileSync(path.join(instance, 'etc', 'broker.xml'), brokerXml('./data/journal'));
	make('instances', 'x', 'data', 'journal');
	// A group outside ROOT, reachable only through a symlink: must not be followed.
	fs.writeFileSync(path.join(outside.dir, 'server.lock'), encodeNewLockFile());
	fs.symlinkSync(outside.dir, path.join(root, 'apps', 'escape'));
	fs.symlinkSync('/proc', path.join(root, 'apps', 'proc'));
	// Loops: to the root, to a parent, to itself.
	fs.symlinkSync(root, path.join(root, 'apps', 'a', 'loop-root'));
	fs.symlinkSync('..', path.join(root, 'apps', 'b', 'loop-up'));
	fs.symlinkSync('self', path.join(root, 'self'));
	// A link inside ROOT to a group: followed, and the group counted once.
	fs.symlinkSync(path.join(root, 'apps', 'a'), path.join(root, 'alias'));
	// 10,000 files in one directory and 100 directories of 1 file.
	const many = make('many');
	for (let index = 0; index < 10_000; index++) fs.writeFileSync(path.join(many, `f${index}`), '');
	for (let index = 0; index < 100; index++) fs.writeFileSync(path.join(make('tree', `d${index}`), 'x'), '');
	const locked = make('locked');
	make('locked', 'inner');
	fs.chmodSync(locked, 0o000);

	const started = Date.now();
	const result = await scanForGroups(root, {depth: 6});
	const byDir = new Map(result.groups.map(group => [group.label, group.foundBy]));
	assert.equal(byDir.get(a), 'server.lock');
	assert.equal(byDir.get(b), 'serverlock files');
	assert.equal(byDir.get(c), 'flock files');
	assert.equal(byDir.get(path.join(instance, 'data', 'journal')), `broker.xml ${path.join(instance, 'etc', 'broker.xml')}`);
	assert.equal(result.groups.length, 4, JSON.stringify(result.groups));
	assert.ok(!byDir.has(outside.dir), 'a link out of ROOT is not followed');
	assert.ok(result.skippedLinks >= 2, `links out (escape, /proc) skipped: ${result.skippedLinks}`);
	assert.ok(result.entries >= 10_100);
	if (process.getuid?.() !== 0) assert.equal(result.unreadableCount, 1, JSON.stringify(result.unreadable));
	assert.equal(result.incomplete, undefined);
	assert.ok(Date.now() - started < 60_000);

	// The bounds: entries, depth.
	const bounded = await scanForGroups(root, {maxEntries: 500});
	assert.match(bounded.incomplete ?? '', /stopped after 500 directory entries/);
	const shallow = await scanForGroups(root, {depth: 1});
	assert.equal(shallow.groups.length, 0);

	// The command: one line per group, found by what, and a summary on stderr.
	const status = await runCli(['status', '--scan', root]);
	// The worst: group a never started (CRITICAL) outranks the groups without a server.lock (UNKNOWN).
	assert.equal(status.code, 2, status.stdout + status.stderr);
	assert.match(status.stdout, new RegExp(`^${a.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}  CRITICAL: NO LIVE .*\\(found by server\\.lock\\)$`, 'm'));
	assert.match(status.stdout, new RegExp(`^${path.join(instance, 'data', 'journal').replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}  UNKNOWN .*has no server\\.lock yet`, 'm'));
	assert.match(status.stdout, /UNKNOWN .*\(found by broker\.xml /);
	assert.match(status.stderr, /^ha-tui: scanned .*: \d+ directories, \d+ entries, 4 groups/m);
	assert.equal((await runCli(['status', '--scan', '/proc'])).code, 3);
	const none = await runCli(['status', '--scan', many]);
	assert.equal(none.code, 3);
	assert.match(none.stderr, /no group found/);
});

test('status DIR LINK: a directory and a symlink to its server.lock are one group, one line (not a crash)', async () => {
	const dir = path.join(temp.dir, 'twice', 'journal');
	fs.mkdirSync(dir, {recursive: true});
	fs.writeFileSync(path.join(dir, 'server.lock'), encodeNewLockFile());
	const link = path.join(temp.dir, 'twice', 'link.lock');
	fs.symlinkSync(path.join(dir, 'server.lock'), link);
	for (const targets of [[dir, link], [link, dir], [dir, dir, path.join(dir, 'server.lock')]]) {
		const status = await runCli(['status', ...targets], {timeoutMs: 30_000});
		assert.equal(status.stderr, '', targets.join(' '));
		const lines = status.stdout.trim().split('\n');
		assert.equal(lines.length, 1, status.stdout);
		assert.match(lines[0], /journal {2}CRITICAL: NO LIVE/);
		assert.equal(status.code, 2);
		const json = await runCli(['status', ...targets, '--json'], {timeoutMs: 30_000});
		assert.equal((JSON.parse(json.stdout) as {groups: unknown[]}).groups.length, 1);
	}
});
