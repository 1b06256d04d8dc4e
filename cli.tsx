#!/usr/bin/env node
import './source/thread-pool.js';
import process from 'node:process';
import meow from 'meow';
import {processIo, stdoutWasClosed} from './source/commands/output.js';
import {sanitize} from './source/text/sanitize.js';

const cli = meow(`
	Usage
	  $ ha-tui <file|dir>                 interactive TUI (watch + drive in-process nodes)
	  $ ha-tui status <file|dir> [--json] one-shot report, exit 0 OK / 1 warning / 2 critical / 3 unknown
	  $ ha-tui watch <file|dir> [--json] [--interval ms]
	                                      a line (NDJSON with --json) on every change
	  $ ha-tui node <file|dir> --role live|backup [--no-allow-failback] [--failover-on-shutdown] [--create-dir]
	                                      one headless node, NDJSON events on stdout
	  $ ha-tui demo [dir]                 a temp lock file with a live and two backups, in the TUI

	A directory means DIR/server.lock (the Artemis journal directory layout).

	Options
	  --json                   machine-readable output
	  --interval <ms>          full probe period (default 250)
	  --role <live|backup>     node role
	  --no-allow-failback      an activated backup ignores a failing-back live (F)
	  --failover-on-shutdown   SIGTERM/SIGINT leave L (a backup takes over) instead of P
	  --create-dir             node: create the lock file's directory if missing

	Examples
	  $ ha-tui /var/lib/artemis/data/journal
	  $ ha-tui status /shared/server.lock --json
	  $ ha-tui node /tmp/ha/server.lock --role backup
`, {
	importMeta: import.meta,
	flags: {
		json: {type: 'boolean', default: false},
		interval: {type: 'number'},
		role: {type: 'string', choices: ['live', 'backup']},
		allowFailback: {type: 'boolean', default: true},
		failoverOnShutdown: {type: 'boolean', default: false},
		createDir: {type: 'boolean', default: false},
	},
	allowUnknownFlags: false,
});

// Holders seen by `status` show this process's command line: keep the arguments in it.
process.title = ['ha-tui', ...process.argv.slice(2)].join(' ');
// `ha-tui status … | head` closes the pipe early: that is not an error. A long-running
// command (node, watch) then stops as on SIGTERM — a live pauses cleanly rather than
// vanishing like a crash — and anything else just ends.
process.stdout.on('error', error => {
	if ((error as NodeJS.ErrnoException).code !== 'EPIPE') return;
	stdoutWasClosed();
	if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
	else process.exit(process.exitCode ?? 0);
});

const commands = new Set(['status', 'watch', 'node', 'demo', 'tui']);

function fail(message: string): never {
	process.stderr.write(`ha-tui: ${sanitize(message)}\n`);
	process.exit(3);
}

async function main(): Promise<number> {
	const [first, ...rest] = cli.input;
	const command = first && commands.has(first) ? first : 'tui';
	const args = first && commands.has(first) ? rest : cli.input;
	const target = args[0];
	const {flags} = cli;
	if (args.length > 1) fail(`unexpected argument: ${args[1]} (see ha-tui --help)`);
	if (command !== 'demo' && !target) {
		if (!first) cli.showHelp(3);
		fail(`${command} needs a lock file or directory (see ha-tui --help)`);
	}

	if (flags.interval !== undefined && (!Number.isFinite(flags.interval) || flags.interval < 10)) fail(`--interval must be a number of ms ≥ 10, got ${flags.interval}`);
	const interval = flags.interval ?? 250;
	switch (command) {
		case 'status': {
			const {status} = await import('./source/commands/status.js');
			return status(target!, {json: flags.json}, processIo);
		}

		case 'watch': {
			const {watch} = await import('./source/commands/watch.js');
			return watch(target!, {json: flags.json, intervalMs: interval}, processIo);
		}

		case 'node': {
			if (!flags.role) fail('node needs --role live or --role backup');
			const {node} = await import('./source/commands/node.js');
			return node(target!, {role: flags.role as 'live' | 'backup', allowFailback: flags.allowFailback, failoverOnShutdown: flags.failoverOnShutdown, createDirectory: flags.createDir}, processIo);
		}

		case 'demo': {
			const {runDemo} = await import('./source/ui/run.js');
			return runDemo(target, {intervalMs: interval});
		}

		default: {
			if (!process.stdout.isTTY) {
				process.stderr.write('ha-tui: stdout is not a terminal; printing `watch` output instead (use `ha-tui watch` to say so)\n');
				const {watch} = await import('./source/commands/watch.js');
				return watch(target!, {json: flags.json, intervalMs: interval}, processIo);
			}

			const {runTui} = await import('./source/ui/run.js');
			return runTui(target!, {intervalMs: interval});
		}
	}
}

try {
	process.exitCode = await main();
} catch (error) {
	// Anything that reaches here is a bug, but the user still gets one line, not a stack.
	process.stderr.write(`ha-tui: ${sanitize(error instanceof Error ? error.message.split('\n')[0] : String(error))}\n`);
	if (process.env.HA_TUI_DEBUG) console.error(error);
	process.exitCode = 3;
}
