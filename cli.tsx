#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {processIo, stdoutWasClosed} from './source/commands/output.js';
import {parseCommandLine, type Flags} from './source/commands/usage.js';
import {maskArgv, isJdbcTarget, registerArgvSecrets} from './source/store/jdbc/target.js';
import {errorLine} from './source/text/error-line.js';
import {sanitize} from './source/text/sanitize.js';
import {withoutFetch} from './source/ui/without-fetch.js';

// Holders seen by `status` show this process's command line: keep the arguments in it
// (a database URL's password masked: /proc/PID/cmdline is readable by everyone).
process.title = ['ha-tui', ...maskArgv(process.argv.slice(2))].join(' ');
registerArgvSecrets(process.argv.slice(2));
/**
 * Shutdown has one owner: this file. A long-running command (watch, node, the TUI, the demo)
 * gets one AbortSignal that aborts on the first SIGTERM or SIGINT (SIGHUP too for the screen and
 * a node: its terminal closed, as a broker's JVM runs its shutdown hooks on SIGHUP) or when
 * stdout's reader goes away (EPIPE) — a live pauses cleanly rather than vanishing like a crash,
 * and a live still waiting to fail back puts back the L its F replaced. A second signal while it is stopping ends the process at once.
 * One-shot commands (status, help) keep the default actions: Ctrl-C on a hung NFS read kills.
 */
const shutdown = new AbortController();
let longRunning = false;

function listenForShutdown(hangup: boolean): AbortSignal {
	longRunning = true;
	const onSignal = (name: NodeJS.Signals) => {
		if (!shutdown.signal.aborted) {
			shutdown.abort(name);
			return;
		}

		process.stderr.write(`ha-tui: second ${name} while stopping: exiting now, without waiting for the stop to finish\n`);
		process.exit(3);
	};

	for (const name of ['SIGTERM', 'SIGINT', ...(hangup ? ['SIGHUP'] : [])] as NodeJS.Signals[]) process.on(name, onSignal);
	return shutdown.signal;
}

// `ha-tui status … | head` closes the pipe early: that is not an error. Later output is dropped.
process.stdout.on('error', error => {
	if ((error as NodeJS.ErrnoException).code !== 'EPIPE') return;
	stdoutWasClosed();
	if (longRunning) shutdown.abort('EPIPE');
	else process.exit(process.exitCode ?? 0);
});

/** package.json's version, found above this file (dist/cli.js or the bundle in dist/bin/). */
function version(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (;;) {
		try {
			const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {name?: string; version?: string};
			if (manifest.name === 'ha-tui') return manifest.version ?? 'unknown';
		} catch {}

		if (path.dirname(dir) === dir) return 'unknown';
		dir = path.dirname(dir);
	}
}

async function main(): Promise<number> {
	const parsed = parseCommandLine(process.argv.slice(2));
	switch (parsed.kind) {
		case 'help': {
			process.stdout.write(`${parsed.text}\n`);
			return 0;
		}

		case 'version': {
			process.stdout.write(`${version()}\n`);
			return 0;
		}

		case 'error': {
			// A monitoring check reading --json gets an object too, with the same exit code.
			if (parsed.json) processIo.out(JSON.stringify({verdict: 'unknown', error: parsed.message, exitCode: 3}));
			processIo.err(`ha-tui: ${parsed.message}`);
			return 3;
		}

		case 'run': {
			break;
		}
	}

	const {command, flags} = parsed;
	const target = parsed.target!;
	// Several groups (issue 19): more than one target, or --scan.
	const fleet = parsed.targets.length > 1 || flags.scan !== undefined;
	const fleetTargets = {targets: parsed.targets, scan: flags.scan, depth: flags.depth};
	// status, watch, serve and the fleet screen take databases beside directories (the store seam).
	const fleetTakesDatabases = command === 'watch' || command === 'serve' || command === 'status' || command === 'tui';
	const database = parsed.targets.find(one => isJdbcTarget(one));
	if (command !== 'history' && !fleetTakesDatabases && database !== undefined && (fleet || flags.record !== undefined || flags.onChange !== undefined)) {
		processIo.err(`ha-tui: ${maskArgv([database])[0]}: ${command} takes one target; several groups (directories and postgresql://… tables) work in status, watch, serve and the fleet screen`);
		return 3;
	}

	if (target !== undefined && command !== 'history' && command !== 'serve' && isJdbcTarget(target) && !fleet && !(command === 'watch' && (flags.record !== undefined || flags.onChange !== undefined))) return runJdbc(command, target, flags);
	if (target !== undefined && !fleet && ['status', 'watch', 'doctor', 'node', 'tui'].includes(command) && flags.record === undefined && flags.onChange === undefined) {
		// An Artemis instance directory (or broker.xml) on a JDBC store leads to its table, saying so.
		const {databaseStoreOf} = await import('./source/store/jdbc/broker-xml.js');
		const store = databaseStoreOf(target);
		if (store && 'error' in store) {
			processIo.err(`ha-tui: ${store.error}`);
			return 3;
		}

		if (store) {
			processIo.err(`ha-tui: ${store.configuration} has a <database-store>: looking at its table${store.table ? ` ${store.table}` : ''} there`);
			return runJdbc(command, store.url, {...flags, table: flags.table ?? store.table});
		}
	}

	switch (command) {
		case 'history': {
			const {history} = await import('./source/commands/history.js');
			return history(parsed.targets, {json: flags.json, since: flags.since}, processIo);
		}

		case 'serve': {
			const {serve} = await import('./source/commands/serve.js');
			return serve({...fleetTargets, table: flags.table, listen: flags.listen, intervalMs: flags.interval, onChange: flags.onChange, signal: listenForShutdown(false)}, processIo);
		}

		case 'status': {
			if (fleet) {
				const {fleetStatus} = await import('./source/commands/fleet-status.js');
				return fleetStatus({...fleetTargets, json: flags.json, table: flags.table}, processIo);
			}

			const {status} = await import('./source/commands/status.js');
			return status(target, {json: flags.json, verbose: flags.verbose}, processIo);
		}

		case 'watch': {
			if (fleet || flags.record !== undefined || flags.onChange !== undefined) {
				const {fleetWatch} = await import('./source/commands/fleet-watch.js');
				return fleetWatch({...fleetTargets, table: flags.table, json: flags.json, intervalMs: flags.interval, record: flags.record, onChange: flags.onChange, signal: listenForShutdown(false)}, processIo);
			}

			const {watch} = await import('./source/commands/watch.js');
			return watch(target, {json: flags.json, verbose: flags.verbose, intervalMs: flags.interval, signal: listenForShutdown(false)}, processIo);
		}

		case 'node': {
			const {node} = await import('./source/commands/node.js');
			return node(target, {role: flags.role!, layout: flags.layout, allowFailback: flags.allowFailback, failoverOnShutdown: flags.failoverOnShutdown, createDirectory: flags.createDir, trace: flags.trace, signal: listenForShutdown(true)}, processIo);
		}

		case 'doctor': {
			const {doctor} = await import('./source/commands/doctor.js');
			return doctor(target, {json: flags.json, verbose: flags.verbose}, processIo);
		}

		case 'demo': {
			const {runDemo} = await import('./source/ui/run.js');
			return runDemo(parsed.target, {intervalMs: flags.interval, layout: flags.layout, signal: listenForShutdown(true)});
		}

		case 'tui': {
			if (fleet && !process.stdout.isTTY) {
				process.stderr.write('ha-tui: stdout is not a terminal; printing `watch` output instead (use `ha-tui watch` to say so)\n');
				const {fleetWatch} = await import('./source/commands/fleet-watch.js');
				return fleetWatch({...fleetTargets, table: flags.table, json: flags.json, intervalMs: flags.interval, signal: listenForShutdown(false)}, processIo);
			}

			if (fleet && flags.history !== undefined) {
				processIo.err('ha-tui: --history opens one group\'s timeline on its record: give one lock directory');
				return 3;
			}

			if (fleet) {
				const {runFleetTui} = await import('./source/ui/fleet-run.js');
				return runFleetTui({...fleetTargets, table: flags.table, intervalMs: flags.interval, layout: flags.layout, signal: listenForShutdown(true)});
			}

			if (!process.stdout.isTTY) {
				process.stderr.write('ha-tui: stdout is not a terminal; printing `watch` output instead (use `ha-tui watch` to say so)\n');
				const {watch} = await import('./source/commands/watch.js');
				return watch(target, {json: flags.json, intervalMs: flags.interval, signal: listenForShutdown(false)}, processIo);
			}

			const {runTui} = await import('./source/ui/run.js');
			return runTui(target, {intervalMs: flags.interval, layout: flags.layout, history: flags.history, signal: listenForShutdown(true)});
		}
	}
}

/** The same commands on an Artemis JDBC shared store (source/commands/jdbc.ts). */
async function runJdbc(command: string, target: string, flags: Flags): Promise<number> {
	// pg asks for a `new Response` as it loads, which loads undici: hidden (ui/without-fetch.ts).
	const jdbc = await withoutFetch(async () => import('./source/commands/jdbc.js'));
	const table = {table: flags.table};
	switch (command) {
		case 'status': {
			return jdbc.jdbcStatus(target, {json: flags.json, ...table}, processIo);
		}

		case 'doctor': {
			return jdbc.jdbcDoctorCommand(target, {json: flags.json, ...table}, processIo);
		}

		case 'node': {
			return jdbc.jdbcNode(target, {role: flags.role!, allowFailback: flags.allowFailback, failoverOnShutdown: flags.failoverOnShutdown, renewPeriodMs: flags.lockRenewPeriod, expirationMs: flags.lockExpiration, trace: flags.trace, signal: listenForShutdown(true), ...table}, processIo);
		}

		default: {
			// watch, and the TUI (its lease screen is source/ui/jdbc-*.tsx; without a terminal: watch).
			if (command === 'tui' && process.stdout.isTTY) {
				const {runJdbcTui} = await withoutFetch(async () => import('./source/ui/jdbc-run.js'));
				return runJdbcTui(target, {intervalMs: flags.interval, signal: listenForShutdown(true), ...table});
			}

			if (command === 'tui') process.stderr.write('ha-tui: stdout is not a terminal; printing `watch` output instead (use `ha-tui watch` to say so)\n');
			return jdbc.jdbcWatch(target, {json: flags.json, intervalMs: flags.interval, signal: listenForShutdown(false), ...table}, processIo);
		}
	}
}

try {
	process.exitCode = await main();
} catch (error) {
	// Anything that reaches here is a bug, but the user still gets one line, not a stack.
	process.stderr.write(`ha-tui: ${sanitize(errorLine(error))}\n`);
	if (process.env.HA_TUI_DEBUG) console.error(error);
	process.exitCode = 3;
}
