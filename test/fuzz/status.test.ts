// `ha-tui status` end to end on random lock directories (issue 9 §7): whatever the bytes of
// server.lock and serverlock.1/.2, it never crashes, exits 0–3, says at most one line on
// stderr, prints JSON with --json, and never changes a byte or an mtime.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, test} from 'node:test';
import fc from 'fast-check';
import {runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

let temp: ReturnType<typeof tempDir>;
before(() => {
	temp = tempDir('ha-tui-fuzz-');
});
after(() => temp.cleanup());

// Mostly lock-file-like bytes (a known state byte, 19 bytes), some anything.
const stateByte = fc.constantFrom(...'0NLPF'.split('').map(char => char.charCodeAt(0)), 0, 0xFF, 0x1B, 0x9B);
const lockBytes = fc.oneof(
	fc.uint8Array({maxLength: 64}),
	fc.tuple(stateByte, fc.uint8Array({minLength: 18, maxLength: 18})).map(([state, rest]) => Uint8Array.from([state, ...rest])),
	fc.tuple(stateByte, fc.nat(40)).map(([state, length]) => Uint8Array.from([state, ...Array.from({length}, () => 0x30)])),
);
const directory = fc.record({
	server: fc.option(lockBytes, {nil: undefined}),
	serverlock1: fc.option(fc.uint8Array({maxLength: 8}), {nil: undefined}),
	serverlock2: fc.option(fc.uint8Array({maxLength: 8}), {nil: undefined}),
	target: fc.constantFrom('dir', 'file'),
	json: fc.boolean(),
});

type Fingerprint = Record<string, string>;

function fingerprint(dir: string): Fingerprint {
	const all: Fingerprint = {};
	for (const name of fs.readdirSync(dir)) {
		const stat = fs.statSync(path.join(dir, name));
		all[name] = `${stat.mode}:${stat.mtimeMs}:${fs.readFileSync(path.join(dir, name)).toString('hex')}`;
	}

	return all;
}

let run = 0;
test('status on random files: exit 0–3, no crash, one error line at most, nothing modified', {timeout: 180_000}, async () => {
	await fc.assert(fc.asyncProperty(directory, async ({server, serverlock1, serverlock2, target, json}) => {
		const dir = path.join(temp.dir, `case-${run++}`);
		fs.mkdirSync(dir);
		if (server) fs.writeFileSync(path.join(dir, 'server.lock'), server);
		if (serverlock1) fs.writeFileSync(path.join(dir, 'serverlock.1'), serverlock1);
		if (serverlock2) fs.writeFileSync(path.join(dir, 'serverlock.2'), serverlock2);
		const before = fingerprint(dir);
		const args = ['status', target === 'dir' ? dir : path.join(dir, 'server.lock'), ...(json ? ['--json'] : [])];
		const result = await runCli(args);
		const what = `ha-tui ${args.join(' ')} (server.lock ${server ? Buffer.from(server).toString('hex') : 'absent'})\n${result.stdout}\n${result.stderr}`;
		assert.ok(result.code !== null && result.code >= 0 && result.code <= 3, `exit ${result.code}: ${what}`);
		assert.doesNotMatch(result.stderr, /\n\s+at |internal error|TypeError|RangeError/, what);
		assert.ok(result.stderr.trim().split('\n').length <= 1, what);
		if (json) {
			const report = JSON.parse(result.stdout) as {exitCode: number};
			assert.equal(report.exitCode, result.code, what);
		}

		assert.deepEqual(fingerprint(dir), before, `files changed: ${what}`);
	}), {numRuns: 40});
});
