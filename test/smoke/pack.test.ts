// Package smoke test: what `npm pack` ships must install into an empty project and work there
// (bin link, ESM entry, koffi's prebuilt binary without its install script, a real failover).
// Needs the built tree (npm run build) and the npm registry for the dependencies. Takes ~10-60 s.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {ProcessGroup, repoRoot, run, which, type RunResult, type Spawned} from '../helpers/spawned.js';

// `npm test` exports npm_config_* (local prefix, cache…) into our environment; an npm run
// from here must not inherit them, or it could install into the repository instead.
function cleanEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
	// The npm and npx on PATH must run with this very node.
	env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
	return env;
}

const networkError = /E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH)|network/i;

test('npm pack → npm install in an empty project → npx ha-tui works (help, status, one failover)', {timeout: 240_000}, async t => {
	const npm = which('npm');
	const npx = which('npx');
	if (!npm || !npx) {
		t.skip('npm/npx not found on PATH');
		return;
	}

	const root = repoRoot();
	if (!fs.existsSync(path.join(root, 'dist', 'bin', 'cli.js'))) throw new Error('dist/bin/cli.js is missing: run `npm run build` first');
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-pack-'));
	const group = new ProcessGroup();
	const env = cleanEnv();
	const timings: string[] = [];
	const timed = async (label: string, step: () => Promise<RunResult>) => {
		const started = performance.now();
		const result = await step();
		timings.push(`${label} ${((performance.now() - started) / 1000).toFixed(1)} s`);
		return result;
	};

	try {
		// 1. Pack into a temp dir.
		const packDir = path.join(work, 'pack');
		fs.mkdirSync(packDir);
		const packed = await timed('pack', () => run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {cwd: root, env, timeoutMs: 60_000}));
		assert.equal(packed.code, 0, `npm pack failed:\n${packed.stderr}`);
		const [manifest] = JSON.parse(packed.stdout) as Array<{filename: string; files: Array<{path: string}>}>;
		const files = manifest.files.map(file => file.path);
		assert.ok(files.includes('dist/bin/cli.js'), `dist/bin/cli.js (the bin) not packed: ${files.join(', ')}`);
		assert.ok(files.includes('package.json'));
		assert.deepEqual(files.filter(file => file.startsWith('dist/test/') || (file.endsWith('.ts') && !file.endsWith('.d.ts')) || file.endsWith('.tsx')), [], 'tests or sources leaked into the package');
		assert.ok(files.includes('dist/source/index.d.ts'), 'the library entry ships its types');
		const tarball = path.join(packDir, path.basename(manifest.filename));
		assert.ok(fs.existsSync(tarball), `no tarball at ${tarball}`);

		// 2. An empty project installs it.
		const project = path.join(work, 'project');
		fs.mkdirSync(project);
		fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({name: 'ha-tui-smoke', version: '1.0.0', private: true}));
		const installed = await timed('install', () => run(npm, ['install', '--no-audit', '--no-fund', tarball], {cwd: project, env, timeoutMs: 180_000}));
		if (installed.code !== 0 && networkError.test(installed.stderr)) {
			t.skip(`npm registry unreachable: ${installed.stderr.split('\n').find(line => networkError.test(line))}`);
			return;
		}

		assert.equal(installed.code, 0, `npm install failed:\n${installed.stdout}\n${installed.stderr}`);
		// npm 11 holds back dependency install scripts (koffi's): report it, it must not matter.
		const heldBack = installed.stderr.split('\n').filter(line => /install-scripts|allowScripts/.test(line));
		if (heldBack.length > 0) t.diagnostic(`npm held back install scripts: ${heldBack.join(' | ')}`);
		assert.ok(fs.existsSync(path.join(project, 'node_modules', '.bin', 'ha-tui')), 'no node_modules/.bin/ha-tui');

		const npxRun = (args: readonly string[], timeoutMs = 30_000) => run(npx, ['--no', '--', 'ha-tui', ...args], {cwd: project, env, timeoutMs});
		const npxNode = (name: string, args: readonly string[]): Spawned =>
			// detached: npx runs ha-tui as a grandchild; killAll signals the whole group.
			group.spawn(name, npx, ['--no', '--', 'ha-tui', 'node', ...args], {cwd: project, env, detached: true});

		// 3. The library entry: its exports at run time, and its types (the repository's tsc, strict,
		// resolving 'ha-tui' as a consumer would); @internal helpers are in neither.
		const entry = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('ha-tui'); console.log(JSON.stringify([typeof m.probeLockFile, typeof m.HaNode, 'bindingForWait' in m, 'encodeRequest' in m]))"], {cwd: project, env});
		assert.equal(entry.stdout.trim(), '["function","function",false,false]', entry.stderr);
		fs.writeFileSync(path.join(project, 'check.mts'), [
			"import {probeLockFile, type Probe} from 'ha-tui';",
			'// @ts-expect-error internal to the lock-file module',
			"import {bindingForWait} from 'ha-tui';",
			"const probe: Probe = probeLockFile('server.lock');",
			'export {probe, bindingForWait};',
		].join('\n'));
		fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({compilerOptions: {module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: []}, files: ['check.mts']}));
		const typed = await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], {cwd: project, env});
		assert.equal(typed.code, 0, `the installed package's types:\n${typed.stdout}${typed.stderr}`);

		// 4. --help
		const help = await timed('npx --help', () => npxRun(['--help']));
		assert.equal(help.code, 0, help.stderr);
		assert.match(help.stdout, /Usage/);
		assert.match(help.stdout, /ha-tui status <file\|dir>/);

		// 5. A live from the installed package, then status on its file.
		const file = path.join(work, 'ha', 'server.lock');
		const live = npxNode('installed-live', [file, '--role', 'live', '--create-dir']);
		await live.waitEvent('live', 30_000);
		// The pid in the event is the ha-tui process itself, not npx in front of it.
		const livePid = live.events().find(event => event.event === 'live')?.pid as number;
		assert.equal(typeof livePid, 'number');
		const status = await timed('npx status', () => npxRun(['status', file, '--json']));
		assert.equal(status.code, 1, `status (live, no backup) should be WARNING:\n${status.stdout}\n${status.stderr}`);
		const report = JSON.parse(status.stdout) as {state: string; locks: {live: {holders: Array<{pid: number}>}}};
		assert.equal(report.state, 'L');
		assert.deepEqual(report.locks.live.holders.map(holder => holder.pid), [livePid]);

		// 6. One failover: a backup from the installed package takes over from a SIGKILLed live.
		const backup = npxNode('installed-backup', [file, '--role', 'backup']);
		await backup.waitEvent('waiting-live-lock', 30_000);
		const from = backup.lines.length;
		const killedAt = performance.now();
		process.kill(livePid, 'SIGKILL');
		await backup.waitEvent('live', 10_000, from);
		timings.push(`failover ${(performance.now() - killedAt).toFixed(1)} ms`);
		const after = await npxRun(['status', file, '--json']);
		const afterReport = JSON.parse(after.stdout) as {state: string; locks: {live: {holders: Array<{pid: number}>}}};
		const backupPid = backup.events().find(event => event.event === 'live')?.pid;
		assert.equal(afterReport.state, 'L');
		assert.deepEqual(afterReport.locks.live.holders.map(holder => holder.pid), [backupPid]);
		t.diagnostic(timings.join(', '));
	} catch (error) {
		if (error instanceof Error) error.message += `\n${group.describe()}`;
		throw error;
	} finally {
		await group.killAll();
		fs.rmSync(work, {recursive: true, force: true});
	}
});
