// `status --verbose` (issue 14 §4): the text names each holder in one short line — the broker
// or ha-tui identity, else the command shortened — and --verbose adds the whole command line,
// as one line (tidied: no process-title padding). JSON always carries the whole command.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {hasPython, ready, release} from '../helpers/holders.js';
import {nodeGroup} from '../helpers/cli.js';
import {runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const marker = `--a-long-argument-${'x'.repeat(120)}`;

test('status shortens a holder\'s command line; --verbose prints it whole; --json always has it', {skip: (process.platform !== 'linux' || !hasPython) && 'Linux and python3'}, async () => {
	const temp = tempDir('ha-tui-verbose-');
	for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(temp.dir, name), '');
	const bytes = encodeNewLockFile();
	bytes[0] = 'L'.codePointAt(0)!;
	fs.writeFileSync(temp.file, bytes);
	const holder = spawn('python3', ['-c', `
import fcntl, sys
f = open(sys.argv[1], 'r+b')
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0, 0)
print('locked', flush=True)
sys.stdin.read()
`, path.join(temp.dir, 'serverlock.1'), marker, 'END'], {stdio: ['pipe', 'pipe', 'inherit']});
	try {
		await ready(holder);
		const short = await runCli(['status', temp.dir]);
		const primary = short.stdout.split('\n').find(line => line.startsWith('primary'))!;
		assert.match(primary, new RegExp(`pid ${holder.pid} POSIX — \\S*python3 -c`));
		assert.ok(primary.endsWith('…'), primary);
		assert.ok(!primary.includes(marker) && primary.length < 160, primary);
		assert.equal(short.code, 1, 'no backup: WARNING');

		const verbose = await runCli(['status', temp.dir, '--verbose']);
		const full = verbose.stdout.split('\n').find(line => line.startsWith('primary'))!;
		assert.ok(full.includes(`${marker} END`), full);
		assert.ok(!/ {2,}/.test(full.slice(full.indexOf('—'))), 'one line, single spaces');
		assert.equal(verbose.code, short.code, 'the verdict does not depend on --verbose');
		assert.equal(verbose.stdout.split('\n')[0], short.stdout.split('\n')[0]);

		const json = JSON.parse((await runCli(['status', temp.dir, '--json'])).stdout) as {locks: {live: {holders: Array<{command?: string}>}}};
		assert.ok(json.locks.live.holders[0].command?.includes(`${marker} END`));
	} finally {
		await release(holder);
		temp.cleanup();
	}
});

test('an ha-tui node holder is "ha-tui node DIR (primary) pid N" in status; --verbose adds its command without the title\'s padding', {skip: process.platform !== 'linux' && 'Linux only'}, async () => {
	const group = nodeGroup();
	try {
		const node = group.start('live', ['--layout', 'files']);
		await node.waitEvent('live');
		const short = await runCli(['status', group.file]);
		const primary = short.stdout.split('\n').find(line => line.startsWith('primary'))!;
		assert.match(primary, new RegExp(`ha-tui node \\S+ \\(primary\\) pid ${node.child.pid} OFD$`));
		const verbose = await runCli(['status', group.file, '--verbose']);
		const full = verbose.stdout.split('\n').find(line => line.startsWith('primary'))!;
		assert.match(full, new RegExp(`pid ${node.child.pid} OFD — ha-tui node \\S+ --role live --layout files$`));
	} finally {
		await group.cleanup();
	}
});
