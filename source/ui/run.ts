// Entry points for cli.tsx: the interactive screen on a lock file, and the demo.
// No React here: React's development build costs several times the CPU per frame (the screen
// has a budget of ≤ 1 % of a core idle), and React chooses its build from NODE_ENV when it is
// first loaded, so NODE_ENV is set before mount.tsx is imported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {LockFileInputError, openForReading} from '../lock-file/index.js';
import {describeTarget, resolveTarget, targetDiffers} from '../target/resolve.js';
import {Session, type NodeLayout, type SessionOptions} from '../session/session.js';
import {Stopper, describeAbandoned, type StopResult} from '../session/stopper.js';
import {errorLine} from '../text/error-line.js';
import {sanitize} from '../text/sanitize.js';
import type {Timeline} from '../session/timeline.js';
import {withoutFetch} from './without-fetch.js';
import {untilQuit} from './until-quit.js';

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

		return `${file}: ${errorLine(error)}`;
	}

	return undefined;
}

function notInteractive(): string | undefined {
	return process.stdin.isTTY ? undefined : 'stdin is not a terminal: the TUI needs keys (use `ha-tui watch` or `ha-tui status`)';
}

type Ended = {code: number; abandoned: boolean};

/**
 * Renders the screen until the user quits or `signal` aborts (SIGTERM, SIGINT, SIGHUP, stdout
 * gone: cli.tsx owns those): nodes are stopped first, once, within STOP_BOUND_MS.
 */
async function runSession(session: Session, signal: AbortSignal, fromFleet = false): Promise<Ended> {
	process.env.NODE_ENV ??= 'production';
	const {mount} = await withoutFetch(async () => import('./mount.js'));
	session.start();
	const stopper = new Stopper(session);
	let ended: {code: number; result?: StopResult};
	try {
		ended = await untilQuit(stopper, signal, handlers => mount(session, {stopper, ...handlers, fromFleet}));
	} finally {
		await session.close();
	}

	const {code, result} = ended;
	const note = result ? describeAbandoned(result) : undefined;
	if (note) process.stderr.write(`ha-tui: ${note}\n`);
	return {code, abandoned: note !== undefined};
}

/** Nodes left running hold the event loop (a kernel wait, timers): their process ends here. */
function end({code, abandoned}: Ended): number {
	if (abandoned) process.exit(code);
	return code;
}

/** --history FILE: the recorded last hour of this group, or the one line saying why not. */
async function recordedTimeline(file: string, directory: string): Promise<{timeline: Timeline; note: string} | {error: string}> {
	const {HistoryFileError, readRecordTail, timelineFromRecord} = await import('../session/timeline-record.js');
	try {
		const {timeline, events, skipped, groups} = timelineFromRecord(readRecordTail(file), directory);
		if (events === 0) {
			const others = groups.slice(0, 3).map(group => sanitize(group)).join(', ');
			return {error: `--history ${file}: no event of ${directory} in it${groups.length > 0 ? ` (it records ${others}${groups.length > 3 ? ', …' : ''})` : ' (not a `watch --record` file, or empty)'}`};
		}

		return {timeline, note: `timeline from ${path.basename(file)}: ${events} recorded event${events === 1 ? '' : 's'}${skipped > 0 ? `, ${skipped} line${skipped === 1 ? '' : 's'} skipped` : ''}`};
	} catch (error) {
		if (error instanceof HistoryFileError) return {error: error.message};
		return {error: `--history ${file}: ${errorLine(error)}`};
	}
}

/** fromFleet: opened from the fleet screen (esc and q go back to it). */
export async function runTui(argument: string, options: {intervalMs: number; layout?: NodeLayout; history?: string; signal: AbortSignal; sessionOptions?: SessionOptions; fromFleet?: boolean}): Promise<number> {
	// The real server.lock, as every command (target/resolve.ts): its directory is the group's.
	let target;
	try {
		target = resolveTarget(argument, {missing: 'wait'});
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		process.stderr.write(`ha-tui: ${sanitize(error.message)}\n`);
		return 3;
	}

	const file = target.file;
	const bad = notInteractive() ?? badInput(file);
	if (bad) {
		process.stderr.write(`ha-tui: ${sanitize(bad)}\n`);
		return 3;
	}

	let recorded: {timeline: Timeline; note: string} | undefined;
	if (options.history !== undefined) {
		const read = await recordedTimeline(options.history, target.directory);
		if ('error' in read) {
			process.stderr.write(`ha-tui: ${sanitize(read.error)}\n`);
			return 3;
		}

		recorded = read;
	}

	// Both paths on screen when they differ (the banner line; the session has no other slot yet).
	const banner = [targetDiffers(target) ? describeTarget(target) : undefined, recorded?.note].filter(Boolean).join(' · ') || undefined;
	return end(await runSession(new Session(file, {intervalMs: options.intervalMs, layout: options.layout, ...(banner ? {banner} : {}), ...(recorded ? {timeline: recorded.timeline} : {}), ...options.sessionOptions}), options.signal, options.fromFleet));
}

/** A live and two backups on a temp lock file (or DIR/server.lock), to press keys at. */
export async function runDemo(dir: string | undefined, options: {intervalMs: number; layout?: NodeLayout; signal: AbortSignal}): Promise<number> {
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
		process.stderr.write(`ha-tui: ${sanitize(`${directory}: ${errorLine(error)}`)}\n`);
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
	let ended: Ended;
	try {
		ended = await runSession(session, options.signal);
	} finally {
		if (ownDir) fs.rmSync(directory, {recursive: true, force: true});
	}

	return end(ended);
}
