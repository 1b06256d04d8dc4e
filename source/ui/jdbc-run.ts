// The TUI entry for a JDBC target (cli.tsx): parse, first look (bad input: one line, exit 3),
// then the screen until q or a signal; in-process nodes stop cleanly (bounded) before exit.
import process from 'node:process';
import {HaNode} from '../node-manager/index.js';
import {JdbcInputError, parseJdbcTarget} from '../store/jdbc/target.js';
import {JdbcWatcher} from '../store/jdbc/watcher.js';
import {sanitize} from '../text/sanitize.js';
import {maskSecrets} from '../text/secrets.js';

const STOP_BOUND_MS = 2000;

export async function runJdbcTui(input: string, options: {intervalMs: number; signal: AbortSignal; table?: string}): Promise<number> {
	const fail = (message: string) => {
		process.stderr.write(`ha-tui: ${sanitize(maskSecrets(message))}\n`);
		return 3;
	};

	if (!process.stdin.isTTY) return fail('stdin is not a terminal: the TUI needs keys (use `ha-tui watch` or `ha-tui status`)');
	let watcher: JdbcWatcher;
	try {
		const target = parseJdbcTarget(input, {table: options.table});
		watcher = new JdbcWatcher(target, {intervalMs: Math.max(options.intervalMs, 250)});
		await watcher.start();
	} catch (error) {
		if (error instanceof JdbcInputError) return fail(error.message);
		throw error;
	}

	process.env.NODE_ENV ??= 'production';
	const React = (await import('react')).default;
	const {render} = await import('ink');
	const {JdbcApp, createNodes} = await import('./jdbc-app.js');
	const nodes = createNodes(watcher.target, () => {});
	let quit: () => void = () => {};
	const instance = render(React.createElement(JdbcApp, {watcher, nodes, onQuit: () => quit()}), {exitOnCtrlC: false});
	quit = () => instance.unmount();
	const onSignal = () => instance.unmount();
	options.signal.addEventListener('abort', onSignal, {once: true});
	if (process.stdin.isTTY) {
		process.stdin.on('data', chunk => {
			if (String(chunk) === '\u0003') instance.unmount(); // Ctrl-C
		});
	}

	await instance.waitUntilExit();
	options.signal.removeEventListener('abort', onSignal);
	const stops = Promise.all(nodes.nodes.map(async (node: HaNode) => node.stop()));
	const bounded = await Promise.race([stops.then(() => true), new Promise<boolean>(resolve => setTimeout(resolve, STOP_BOUND_MS, false).unref())]);
	await watcher.stop();
	if (!bounded) process.stderr.write('ha-tui: a node did not stop within 2 s; its lease runs out by itself\n');
	return 0;
}
