// Entry points for cli.tsx: the interactive screen on a lock file, and the demo.
// No React here: React's development build costs several times the CPU per frame (the screen
// has a budget of ≤ 1 % of a core idle), and React chooses its build from NODE_ENV when it is
// first loaded, so NODE_ENV is set before mount.tsx is imported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {LockFileInputError, openForReading, resolveLockPath} from '../lock-file/index.js';
import {Session, type NodeLayout, type SessionOptions} from '../session/session.js';
import {sanitize} from '../text/sanitize.js';
import type {Mounted} from './mount.js';

/** Only a regular file, a directory (DIR/server.lock) or nothing yet can be watched. */
function badInput(file: string): string | undefined {
	try {
		fs.statSync(file);
		// Says what it is instead ("a FIFO (named pipe), not a lock file"); opens non-blocking.
		fs.closeSync(openForReading(file).fd);
	} catch (error) {
		if (error instanceof LockFileInputError) return error.message;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') {
			return fs.existsSync(path.dirname(file)) ? undefined : `${file}: the directory ${path.dirname(file)} does not exist`;
		}

		return `${file}: ${(error as Error).message.split('\n')[0]}`;
	}

	return undefined;
}

function notInteractive(): string | undefined {
	return process.stdin.isTTY ? undefined : 'stdin is not a terminal: the TUI needs keys (use `ha-tui watch` or `ha-tui status`)';
}

/** Renders the screen until the user quits (or SIGTERM/SIGHUP): nodes are stopped first. */
async function runSession(session: Session): Promise<number> {
	process.env.NODE_ENV ??= 'production';
	const {mount} = await import('./mount.js');
	session.start();
	let code = 0;
	let finishing: Promise<void> | undefined;
	let instance: Mounted | undefined;
	// Stop nodes, unmount; bounded so that quitting always takes well under a second.
	const finish = (exitCode: number, failover = false) => {
		code = exitCode;
		finishing ??= (async () => {
			await Promise.race([session.stopAll({failover}).catch(() => {}), new Promise(resolve => setTimeout(resolve, 800))]);
			instance?.unmount();
		})();
	};

	const onSignal = () => finish(0);
	// Raw mode turns Ctrl-C into a key; these come from outside (kill, a closed terminal).
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	try {
		instance = mount(session, {onExit: exitCode => finish(exitCode), onCrash: () => finish(3)});
		await instance.waitUntilExit();
		await finishing;
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		await session.close();
	}

	return code;
}

export async function runTui(target: string, options: {intervalMs: number; layout?: NodeLayout; sessionOptions?: SessionOptions}): Promise<number> {
	const file = resolveLockPath(target);
	const bad = notInteractive() ?? badInput(file);
	if (bad) {
		process.stderr.write(`ha-tui: ${sanitize(bad)}\n`);
		return 3;
	}

	return runSession(new Session(file, {intervalMs: options.intervalMs, layout: options.layout, ...options.sessionOptions}));
}

/** A live and two backups on a temp lock file (or DIR/server.lock), to press keys at. */
export async function runDemo(dir: string | undefined, options: {intervalMs: number; layout?: NodeLayout}): Promise<number> {
	const cannot = notInteractive();
	if (cannot) {
		process.stderr.write(`ha-tui: ${sanitize(cannot)}\n`);
		return 3;
	}

	const ownDir = dir === undefined;
	const directory = dir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-demo-')) : path.resolve(dir);
	try {
		fs.mkdirSync(directory, {recursive: true});
	} catch (error) {
		process.stderr.write(`ha-tui: ${sanitize(`${directory}: ${(error as Error).message.split('\n')[0]}`)}\n`);
		return 3;
	}

	const file = path.join(directory, 'server.lock');
	const bad = badInput(file);
	if (bad) {
		process.stderr.write(`ha-tui: ${sanitize(bad)}\n`);
		return 3;
	}

	const session = new Session(file, {
		intervalMs: options.intervalMs,
		layout: options.layout,
		banner: 'DEMO · k on the live: failover · then l: failback · p: pause · ? help',
	});
	// Started before the first frame, so the screen opens on a healthy group.
	session.startLive();
	session.startBackup();
	session.startBackup();
	try {
		return await runSession(session);
	} finally {
		if (ownDir) fs.rmSync(directory, {recursive: true, force: true});
	}
}
