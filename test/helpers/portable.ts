// The shipped bin, copied where any user can read it, for tests that run the CLI as another
// user (`nobody`): the checkout may be under a directory that user cannot traverse (a clone in
// /root/src or in a 0700 mktemp folder), and then dist/bin/cli.js is out of its reach.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {repoRoot, run, type RunResult} from './spawned.js';

let copy: {dir: string; cli: string} | undefined;

/** dist/bin and koffi (the one module the bundle leaves out) in a fresh 0755 directory under the temp dir. */
export function portableCli(): {dir: string; cli: string} {
	if (copy) return copy;
	const root = repoRoot();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-portable-'));
	fs.cpSync(path.join(root, 'dist', 'bin'), path.join(dir, 'dist', 'bin'), {recursive: true});
	// koffi, and its native binary, which comes as an optional package per platform.
	const modules = path.join(root, 'node_modules');
	const native = fs.existsSync(path.join(modules, '@koromix')) ? fs.readdirSync(path.join(modules, '@koromix')).map(name => path.join('@koromix', name)) : [];
	for (const name of ['koffi', ...native]) fs.cpSync(path.join(modules, name), path.join(dir, 'node_modules', name), {recursive: true, dereference: true});
	fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
	// mkdtemp makes 0700 directories; everything here must be readable by everyone.
	for (const entry of [dir, ...walk(dir)]) fs.chmodSync(entry, fs.statSync(entry).isDirectory() ? 0o755 : 0o644);
	fs.chmodSync(path.join(dir, 'dist', 'bin', 'cli.js'), 0o755);
	copy = {dir, cli: path.join(dir, 'dist', 'bin', 'cli.js')};
	process.once('exit', () => fs.rmSync(dir, {recursive: true, force: true}));
	return copy;
}

function walk(dir: string): string[] {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? [full, ...walk(full)] : [full];
	});
}

/** Why `uid` cannot run Node itself (then no copy helps), or undefined. */
export function cannotRunNodeAs(uid: number, gid: number): string | undefined {
	let dir = path.dirname(process.execPath);
	for (;;) {
		const stat = fs.statSync(dir);
		const bits = stat.uid === uid ? 0o100 : stat.gid === gid ? 0o010 : 0o001;
		if ((stat.mode & bits) === 0) return `${process.execPath} is under ${dir}, which uid ${uid} cannot traverse`;
		if (path.dirname(dir) === dir) return undefined;
		dir = path.dirname(dir);
	}
}

/** The CLI, from the portable copy, as another user. */
export async function runCliAs(args: readonly string[], uid: number, gid: number): Promise<RunResult> {
	const {dir, cli} = portableCli();
	return run(process.execPath, [cli, ...args], {uid, gid, cwd: dir});
}
