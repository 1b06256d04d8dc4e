// The lock file deleted or replaced under a running live and its backups (a bad NFS remount,
// an operator's `rm`, a restore from backup): the live must notice within 1 s, say
// `lost-lock`, exit 2, and never write to whatever file now sits at the path.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import readline from 'node:readline';
import {afterEach, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {encodeNewLockFile, newNodeId, nodeIdToUuid, probeLockFile} from '../../source/lock-file/index.js';

const CLI = fileURLToPath(new URL('../../cli.js', import.meta.url));
import {monotonicMs} from '../../source/time.js';

type Line = Record<string, unknown> & {event?: string; mono?: number};

class Child {
	readonly lines: Line[] = [];
	stderr = '';
	exit: {code: number | null; signal: NodeJS.Signals | null} | undefined;
	readonly process: ChildProcess;

	constructor(args: string[]) {
		this.process = spawn(process.execPath, [CLI, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
		readline.createInterface({input: this.process.stdout!}).on('line', line => {
			try {
				this.lines.push(JSON.parse(line) as Line);
			} catch {
				this.lines.push({raw: line});
			}
		});
		this.process.stderr!.on('data', (chunk: Buffer) => {
			this.stderr += chunk.toString();
		});
		this.process.on('exit', (code, signal) => {
			this.exit = {code, signal};
		});
		children.push(this);
	}

	get pid(): number {
		return this.process.pid!;
	}

	events(): string[] {
		return this.lines.map(line => line.event ?? '?');
	}

	find(event: string): Line | undefined {
		return this.lines.find(line => line.event === event);
	}
}

const children: Child[] = [];
const directories: string[] = [];

afterEach(async () => {
	for (const child of children.splice(0)) {
		if (child.exit) continue;
		child.process.kill('SIGKILL');
		await until(`pid ${child.pid} gone`, () => child.exit !== undefined, 5000);
	}

	for (const directory of directories.splice(0)) fs.rmSync(directory, {recursive: true, force: true});
});

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs: number, context?: () => string): Promise<T> {
	const deadline = monotonicMs() + timeoutMs;
	for (;;) {
		const value = check();
		if (value) return value;
		if (monotonicMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${context ? `\n${context()}` : ''}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

/** A live and two backups (one queued on the live lock, one waiting for the backup lock), and a watcher. */
async function group() {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-lost-lock-'));
	directories.push(directory);
	const file = path.join(directory, 'server.lock');
	const live = new Child(['node', file, '--role', 'live']);
	await until('the live', () => live.find('live'), 5000, () => live.stderr);
	const queued = new Child(['node', file, '--role', 'backup']);
	await until('the queued backup', () => queued.find('waiting-live-lock'), 5000, () => queued.stderr);
	const waiting = new Child(['node', file, '--role', 'backup']);
	await until('the second backup', () => waiting.find('waiting-backup-lock'), 5000, () => waiting.stderr);
	const watch = new Child(['watch', file, '--json', '--interval', '50']);
	await until('the watcher', () => watch.lines.length > 0, 5000, () => watch.stderr);
	const nodeId = String(live.find('live')!.nodeId);
	return {directory, file, live, queued, waiting, watch, nodeId};
}

const describe = (children: Record<string, Child>) => Object.entries(children)
	.map(([name, child]) => `${name} pid ${child.pid}: ${child.events().join(' → ')} exit ${JSON.stringify(child.exit)} ${child.stderr.trim()}`)
	.join('\n');

/**
 * What a backup may do once the path names another file (or nothing): it queued on the old
 * inode, so either its watchdog sees the change and it rejoins on the file at the path
 * (never creating it), or — the race ha-node.ts still has — the old live's lost-lock closes
 * its descriptor first, the queued backup gets the old live lock with L in the old file and
 * activates there, then loses it at its next lost-lock check and exits 2. Either way it
 * never stays live and never touches the new file.
 */
type Outcome = 'rejoined' | 'activated-on-old-file';

async function backupOutcomes(backups: Record<string, Child>, disturbedAt: number): Promise<Record<string, Outcome>> {
	const rejoined = (backup: Child) => backup.lines.some(line => line.event === 'waiting-backup-lock' && /rejoining/.test(String(line.detail)));
	await until('every backup to rejoin or drop out', () => Object.values(backups).every(backup => backup.exit ?? rejoined(backup)), 3000, () => describe(backups));
	const outcomes: Record<string, Outcome> = {};
	for (const [name, backup] of Object.entries(backups)) {
		const became = backup.lines.find(line => line.event === 'live' && Number(line.mono) > disturbedAt);
		if (!became) {
			assert.equal(backup.exit, undefined, `${name} exited without becoming live:\n${describe(backups)}`);
			assert.ok(rejoined(backup), describe(backups));
			outcomes[name] = 'rejoined';
			continue;
		}

		const lost = await until(`${name} lost-lock`, () => backup.find('lost-lock'), 2000, () => describe(backups));
		assert.ok(Number(lost.mono) - Number(became.mono) < 1000, `${name} was live on the old file for ${Number(lost.mono) - Number(became.mono)} ms`);
		await until(`${name} exit`, () => backup.exit, 2000);
		assert.deepEqual(backup.exit, {code: 2, signal: null}, `${name}: ${describe(backups)}`);
		outcomes[name] = 'activated-on-old-file';
	}

	return outcomes;
}

test('deleting server.lock under a running group: the live says lost-lock within 1 s and exits 2; backups wait for the file and rejoin when a live re-creates it', {timeout: 30_000}, async t => {
	const {file, live, queued, waiting, watch, directory} = await group();
	const deletedAt = monotonicMs();
	fs.unlinkSync(file);

	const lost = await until('lost-lock', () => live.find('lost-lock'), 2000, () => describe({live, queued, waiting}));
	assert.ok(Number(lost.mono) - deletedAt < 1000, `lost-lock came ${Number(lost.mono) - deletedAt} ms after the delete`);
	await until('the live to exit', () => live.exit, 3000);
	assert.deepEqual(live.exit, {code: 2, signal: null}, describe({live}));
	assert.deepEqual(live.events().slice(-1), ['lost-lock'], 'nothing after lost-lock (no P, no stopped)');

	await until('watch to report the file missing', () => watch.lines.find(line => line.status === 'missing'
		|| (line.changes as Array<{kind: string}> | undefined)?.some(change => change.kind === 'missing')), 3000, () => JSON.stringify(watch.lines));

	const outcomes = await backupOutcomes({queued, waiting}, deletedAt);
	t.diagnostic(`backups after the delete: ${JSON.stringify(outcomes)}`);
	// Nobody re-creates the file: a backup waits for it, whoever removed it may mean it.
	await new Promise(resolve => setTimeout(resolve, 500));
	assert.equal(fs.existsSync(file), false, 'the deleted file came back');

	// A live re-creates it (new node id): the backups that rejoined queue behind it, on the new
	// file, and one of them takes over when it is killed.
	const fresh = new Child(['node', file, '--role', 'live']);
	const freshLive = await until('the new live', () => fresh.find('live'), 5000, () => describe({fresh}));
	const rejoined = Object.entries({queued, waiting}).filter(([name]) => outcomes[name] === 'rejoined').map(([, backup]) => backup);
	if (rejoined.length === 0) {
		t.diagnostic('no backup rejoined (all raced to activate on the old inode): the takeover on the new file is not exercised');
	} else {
		await until('a rejoined backup to queue on the new file', () => rejoined.find(backup => backup.lines.at(-1)?.event === 'waiting-live-lock'), 3000, () => describe({fresh, queued, waiting}));
		const killedAt = monotonicMs();
		fresh.process.kill('SIGKILL');
		const takeover = await until('a rejoined backup to take over', () => rejoined.map(backup => backup.lines.find(line => line.event === 'live' && Number(line.mono) > killedAt)).find(Boolean), 2000, () => describe({fresh, queued, waiting}));
		assert.equal(takeover!.nodeId, freshLive.nodeId, 'the rejoined backup took over the new file and its node id');
	}

	fs.rmSync(directory, {recursive: true, force: true});
});

test('replacing server.lock (rename over it) under a running group: lost-lock within 1 s, exit 2, the new file is never written', {timeout: 30_000}, async t => {
	const {file, live, queued, waiting, watch, directory, nodeId} = await group();
	const otherId = newNodeId();
	const newBytes = Buffer.from(encodeNewLockFile(otherId));
	const replacement = path.join(directory, 'server.lock.new');
	fs.writeFileSync(replacement, newBytes);
	const replacedAt = monotonicMs();
	fs.renameSync(replacement, file);

	const lost = await until('lost-lock', () => live.find('lost-lock'), 2000, () => describe({live, queued, waiting}));
	assert.ok(Number(lost.mono) - replacedAt < 1000, `lost-lock came ${Number(lost.mono) - replacedAt} ms after the replace`);
	await until('the live to exit', () => live.exit, 3000);
	assert.deepEqual(live.exit, {code: 2, signal: null}, describe({live}));

	await until('watch to report the replacement', () => watch.lines.find(line => (line.changes as Array<{kind: string}> | undefined)?.some(change => change.kind === 'identity')
		|| line.status === 'missing'), 3000, () => JSON.stringify(watch.lines));

	const outcomes = await backupOutcomes({queued, waiting}, replacedAt);
	t.diagnostic(`backups after the replace: ${JSON.stringify(outcomes)}`);
	// The new file says '0' (no live ever ran on it): rejoined backups hold at most its backup
	// lock and wait; nobody takes its live lock or writes to it.
	await new Promise(resolve => setTimeout(resolve, 500));
	assert.deepEqual(fs.readFileSync(file), newBytes, 'the new file was written to');
	const probe = probeLockFile(file);
	assert.equal(probe.nodeId, nodeIdToUuid(otherId));
	assert.notEqual(probe.nodeId, nodeId);
	assert.equal(probe.locks.live.locked, false, `someone holds the live lock of the new file: ${JSON.stringify(probe.locks.live)}`);
	const rejoinedPids = Object.entries({queued, waiting}).filter(([name]) => outcomes[name] === 'rejoined').map(([, backup]) => backup.pid);
	for (const holder of probe.locks.backup.holders) assert.ok(rejoinedPids.includes(holder.pid!), `backup lock of the new file held by ${holder.pid}: ${describe({queued, waiting})}`);
	assert.equal(probe.locks.backup.locked, rejoinedPids.length > 0, `${JSON.stringify(probe.locks.backup)}\n${describe({queued, waiting})}`);
	fs.rmSync(directory, {recursive: true, force: true});
});

test('after a replace, a new live on the new file keeps the node id it finds and is not disturbed by the old group', {timeout: 30_000}, async () => {
	const {file, live, queued, waiting, directory} = await group();
	const otherId = newNodeId();
	const replacement = path.join(directory, 'server.lock.new');
	fs.writeFileSync(replacement, encodeNewLockFile(otherId));
	const replacedAt = monotonicMs();
	fs.renameSync(replacement, file);
	const fresh = new Child(['node', file, '--role', 'live']);
	const becameLive = await until('the new live', () => fresh.find('live'), 5000, () => describe({fresh}));
	assert.equal(becameLive.nodeId, nodeIdToUuid(otherId), 'a live must adopt the node id it finds, never write its own');
	await until('the old live to exit', () => live.exit, 3000);
	assert.equal(live.exit!.code, 2);
	await backupOutcomes({queued, waiting}, replacedAt);
	assert.equal(fresh.exit, undefined, 'the new live died');
	assert.deepEqual(fresh.events(), ['failing-back', 'live'], describe({fresh}));
	assert.equal(probeLockFile(file).nodeId, nodeIdToUuid(otherId));
	fs.rmSync(directory, {recursive: true, force: true});
});

// A backup queued on the live lock of the old inode is woken by the old live's lost-lock
// (which closes its descriptor), possibly before its own 200 ms watchdog sees the replacement.
// It must not activate on the old file (that made two processes say `live`): it checks the
// path still names its file after getting the lock, and rejoins on the new file.
test('a backup never activates on a lock file that is no longer at the path', {timeout: 60_000}, async () => {
	for (let round = 0; round < 3; round++) {
		const {file, live, queued, waiting, watch, directory} = await group();
		watch.process.kill('SIGKILL');
		const otherId = newNodeId();
		fs.writeFileSync(`${file}.new`, encodeNewLockFile(otherId));
		fs.renameSync(`${file}.new`, file);
		await until('the old live to exit', () => live.exit, 3000);
		await new Promise(resolve => setTimeout(resolve, 1000));
		assert.deepEqual([queued.find('live'), waiting.find('live')], [undefined, undefined], describe({live, queued, waiting}));
		for (const child of [queued, waiting]) child.process.kill('SIGKILL');
		fs.rmSync(directory, {recursive: true, force: true});
	}
});
