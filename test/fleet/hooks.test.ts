// Issue 19 §4: --on-change runs a command per verdict change, with what changed in the
// environment (never in a shell string), bounded, one at a time per group, failures logged.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, test} from 'node:test';
import {ChangeHooks, splitCommand, type HookRun} from '../../source/fleet/hooks.js';
import type {Group} from '../../source/fleet/groups.js';
import type {Snapshot} from '../../source/watch/index.js';
import {hasPython} from '../helpers/holders.js';
import {pythonPair, type PythonPeer} from '../helpers/python-peer.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

const temp = tempDir('ha-tui-hooks-');
const processes = new ProcessGroup();
const peers: PythonPeer[] = [];
after(async () => {
	for (const peer of peers) peer.child.kill('SIGKILL');
	await processes.killAll();
	temp.cleanup();
});

const snapshot = (verdict: Snapshot['assessment']['verdict'], exitCode: 0 | 1 | 2 | 3): Snapshot => ({
	path: '/x/server.lock', takenAt: Date.now(), status: 'ok', assessment: {verdict, exitCode, summary: `summary ${verdict}`},
	heldSince: {state: undefined, live: undefined, backup: undefined}, replaced: false,
});

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

test('splitCommand: words and quotes, nothing expanded', () => {
	assert.deepEqual(splitCommand(`notify --to 'ops team' "a \\"b\\"" $HOME \`x\` a\\ b`), ['notify', '--to', 'ops team', 'a "b"', '$HOME', '`x`', 'a b']);
	assert.throws(() => splitCommand('a \'b'), /unterminated/);
	assert.throws(() => splitCommand('   '), /needs a command/);
});

test('hooks: environment not shell, bounded, one at a time per group, failures logged, never blocking', async () => {
	const out = path.join(temp.dir, 'out');
	fs.mkdirSync(out);
	const marker = path.join(temp.dir, 'PWNED');
	// A group name chosen to break a shell string, were one built.
	const group: Group = {label: `/srv/$(touch ${marker}); \`touch ${marker}\``, target: 'x', lockPath: '/x/server.lock', foundBy: 'argument'};
	const runs: HookRun[] = [];
	const logged: string[] = [];
	const script = path.join(temp.dir, 'hook.sh');
	// The hook records its environment and sleeps while a flag file exists.
	fs.writeFileSync(script, `#!/bin/sh\nenv | grep ^HA_TUI_ > "${out}/$$"\nwhile [ -e "${temp.dir}/hold" ]; do sleep 0.02; done\n[ "$HA_TUI_NEW_VERDICT" = no-live ] && exit 7\nexit 0\n`, {mode: 0o755});
	fs.writeFileSync(path.join(temp.dir, 'hold'), '');
	const hooks = new ChangeHooks(script, {log: line => logged.push(line), onRun: run => runs.push(run), timeoutMs: 10_000});
	const started = Date.now();
	hooks.onUpdate(group, snapshot('healthy', 0), snapshot('no-live', 2));
	hooks.onUpdate(group, snapshot('no-live', 2), snapshot('no-backup', 1));
	hooks.onUpdate(group, snapshot('no-backup', 1), snapshot('no-backup', 1)); // no verdict change: nothing
	assert.ok(Date.now() - started < 1000, 'onUpdate does not wait for the hook');
	await until('the first hook running', () => fs.readdirSync(out).length === 1);
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.equal(fs.readdirSync(out).length, 1, 'one at a time per group: the second waits');
	fs.rmSync(path.join(temp.dir, 'hold'));
	await until('both hooks done', () => runs.length === 2);
	const environments = fs.readdirSync(out).map(name => Object.fromEntries(fs.readFileSync(path.join(out, name), 'utf8').trim().split('\n').map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])));
	const first = environments.find(environment => environment.HA_TUI_NEW_VERDICT === 'no-live')!;
	assert.equal(first.HA_TUI_OLD_VERDICT, 'healthy');
	assert.equal(first.HA_TUI_GROUP, group.label);
	assert.equal(first.HA_TUI_EXIT_CODE, '2');
	assert.ok(environments.some(environment => environment.HA_TUI_OLD_VERDICT === 'no-live' && environment.HA_TUI_NEW_VERDICT === 'no-backup'));
	assert.ok(!fs.existsSync(marker), 'the group name was never run by a shell');
	assert.equal(runs[0].code, 7);
	assert.ok(logged.some(line => /failed \(exit 7\)/.test(line)), logged.join('\n'));

	// Bounded: a hook that never ends is killed; one that cannot start is logged.
	const slow = new ChangeHooks('sleep 60', {log: line => logged.push(line), onRun: run => runs.push(run), timeoutMs: 300});
	slow.onUpdate(group, snapshot('healthy', 0), snapshot('no-live', 2));
	await until('the slow hook killed', () => runs.length === 3, 10_000);
	assert.equal(runs[2].timedOut, true);
	assert.ok(logged.some(line => /killed after 300 ms/.test(line)));
	const missing = new ChangeHooks(path.join(temp.dir, 'no-such-hook'), {log: line => logged.push(line), onRun: run => runs.push(run)});
	missing.onUpdate(group, snapshot('healthy', 0), snapshot('no-live', 2));
	await until('the missing hook logged', () => runs.length === 4);
	assert.ok(logged.some(line => /cannot run .*no-such-hook: ENOENT/.test(line)), logged.join('\n'));
	await Promise.all([hooks.close(), slow.close(), missing.close()]);
});

test('watch --on-change on a real group: a kill runs the hook with the holders', {skip: hasPython ? false : 'python3 is needed'}, async () => {
	const dir = path.join(temp.dir, 'journal');
	const {live, backup} = await pythonPair(dir, peers);
	const log = path.join(temp.dir, 'changes.log');
	const hook = path.join(temp.dir, 'record.sh');
	fs.writeFileSync(hook, `#!/bin/sh\necho "$HA_TUI_OLD_VERDICT>$HA_TUI_NEW_VERDICT live=$HA_TUI_LIVE_PIDS" >> "${log}"\n`, {mode: 0o755});
	const watch = processes.cli('watch', ['watch', dir, '--on-change', hook]);
	await watch.waitLine('healthy', line => line.includes('live is up and a backup is queued'), 20_000);
	live.child.kill('SIGKILL');
	await backup.live;
	await until('the hook saw the failover', () => fs.existsSync(log) && /healthy>no-backup live=\d+|no-live>no-backup live=\d+/.test(fs.readFileSync(log, 'utf8')));
	assert.match(fs.readFileSync(log, 'utf8'), new RegExp(`live=${backup.child.pid}`));
	watch.kill('SIGTERM');
	assert.deepEqual(await watch.waitExit(), {code: 0, signal: null});
});
