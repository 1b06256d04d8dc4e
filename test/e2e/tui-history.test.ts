// ha-tui DIR --history FILE (issue 18 §3) on a real terminal: the timeline opens on a real
// recording (a real Artemis 2.40.0 pair's night, test/fixtures/records: its group renamed to
// this test's directory and its times moved to end a few seconds ago, so the window shows it);
// a missing file, a FIFO and another group's record are one line and exit 3, never a hang.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {openPty, stripAnsi} from '../helpers/pty.js';
import {cliPath, repoRoot} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const NIGHT = 'test/fixtures/records/artemis-2.40-night.ndjson';

function recordFor(directory: string, file: string): void {
	const lines = fs.readFileSync(path.join(repoRoot(), NIGHT), 'utf8').trim().split('\n').map(line => JSON.parse(line) as {time: string; group?: string; groups?: string[]});
	const shift = Date.now() - 5000 - Date.parse(lines.at(-1)!.time);
	fs.writeFileSync(file, `${lines.map(event => JSON.stringify({
		...event,
		time: new Date(Date.parse(event.time) + shift).toISOString(),
		...(event.group ? {group: directory} : {}),
		...(event.groups ? {groups: [directory]} : {}),
	})).join('\n')}\n`);
}

async function exitCode(pty: ReturnType<typeof openPty>): Promise<number | null> {
	if (pty.child.exitCode !== null) return pty.child.exitCode;
	const [code] = await once(pty.child, 'exit') as [number | null];
	return code;
}

test('the timeline opens on the recorded night: its failovers are there before anything is seen live', async () => {
	const temp = tempDir('ha-tui-tui-history-');
	const directory = fs.realpathSync(temp.dir);
	const record = path.join(fs.realpathSync(tempDir('ha-tui-tui-history-record-').dir), 'night.ndjson');
	recordFor(directory, record);
	const pty = openPty([process.execPath, cliPath(), directory, '--history', record], {columns: 120, rows: 40});
	try {
		await pty.waitForScreen(/timeline from night\.ndjson: 22 recorded events/, {timeoutMs: 15_000});
		await pty.waitForScreen(/^primary {3}.*primary/m, {timeoutMs: 5000});
		const from = pty.output().length;
		pty.write('t');
		await pty.waitForScreen(/Without a live in the last 1 min/, {from});
		const screen = stripAnsi(pty.output().slice(from));
		// The night's failovers well inside the last minute, with the numbers `history` prints for
		// them (its first two, ≥ 34 ms, ≤ 145 ms and ≥ 160 ms, ≤ 266 ms, are at the window's edge).
		assert.match(screen, /no live ≥ 417 ms, ≤ 542 ms {2}primary → backup \(as probes saw it\)/);
		assert.match(screen, /no live ≥ 355 ms, ≤ 508 ms {2}backup → primary \(as probes saw it\)/);
		pty.write('q');
		assert.equal(await exitCode(pty), 0);
	} finally {
		await pty.kill();
		temp.cleanup();
		fs.rmSync(path.dirname(record), {recursive: true, force: true});
	}
});

test('--history: a missing file, a FIFO, another group\'s record: one line, exit 3, nothing hangs', async () => {
	const temp = tempDir('ha-tui-tui-history-bad-');
	const directory = fs.realpathSync(temp.dir);
	const other = path.join(directory, '..', `${path.basename(directory)}-other.ndjson`);
	recordFor('/srv/elsewhere/journal', other);
	const fifo = path.join(directory, 'fifo');
	execFileSync('mkfifo', [fifo]);
	try {
		for (const [file, message] of [
			[path.join(directory, 'none.ndjson'), /ha-tui: --history .*none\.ndjson: no such file/],
			[fifo, /ha-tui: --history .*fifo: not a regular file/],
			[other, /ha-tui: --history .*: no event of .* in it \(it records \/srv\/elsewhere\/journal\)/],
		] as const) {
			const pty = openPty([process.execPath, cliPath(), directory, '--history', file]);
			try {
				assert.equal(await exitCode(pty), 3, stripAnsi(pty.output()));
				const text = stripAnsi(pty.output()).trim();
				assert.match(text, message);
				assert.equal(text.split('\n').length, 1, text);
			} finally {
				await pty.kill();
			}
		}
	} finally {
		temp.cleanup();
		fs.rmSync(other, {force: true});
	}
});
