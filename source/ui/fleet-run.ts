// The fleet screen's entry (issue 19 §2): `ha-tui A B C…` or `ha-tui --scan ROOT` on a terminal.
// One FleetWatcher for all directories and, beside it, FleetTables for the database targets
// (fleet/fleet-tables.ts: a JdbcWatcher each) run the whole time; enter leaves this screen for
// the group's own (runTui, or runJdbcTui for a table, with all its keys), whose q comes back here.
import process from 'node:process';
import {resolveFleet, type FleetTargets} from '../commands/fleet-targets.js';
import {processIo} from '../commands/output.js';
import {FleetWatcher} from '../fleet/fleet-watcher.js';
import type {FleetTables} from '../fleet/fleet-tables.js';
import type {FleetRow} from '../fleet/fleet-view.js';
import type {LayoutChoice} from '../lock-file/index.js';
import {isJdbcTarget} from '../store/jdbc/target.js';
import {sanitize} from '../text/sanitize.js';
import {maskSecrets} from '../text/secrets.js';
import {fleetSource} from './fleet-source.js';
import {runTui} from './run.js';
import {withoutFetch} from './without-fetch.js';

/** React, Ink and the fleet's App, loaded as run.ts loads them (NODE_ENV first, fetch hidden). */
export async function loadFleetScreen() {
	process.env.NODE_ENV ??= 'production';
	return withoutFetch(async () => {
		const [react, ink, app] = await Promise.all([import('react'), import('ink'), import('./fleet-app.js')]);
		return {React: react.default, render: ink.render, FleetApp: app.FleetApp};
	});
}

export async function runFleetTui(options: FleetTargets & {table?: string; intervalMs: number; layout: LayoutChoice; signal: AbortSignal}): Promise<number> {
	if (!process.stdin.isTTY) {
		process.stderr.write('ha-tui: stdin is not a terminal: the fleet screen needs keys (use `ha-tui watch` or `ha-tui status`)\n');
		return 3;
	}

	// Tables (postgresql://…) beside the directories, as watch and serve take them.
	const databases = options.targets.filter(target => isJdbcTarget(target));
	const fleet = await resolveFleet({...options, targets: options.targets.filter(target => !isJdbcTarget(target))}, processIo, 'wait');
	if ('error' in fleet) {
		processIo.err(`ha-tui: ${fleet.error}`);
		return 3;
	}

	let tables: FleetTables | undefined;
	if (databases.length > 0) {
		// pg builds a `Response` as it loads: fetch hidden (without-fetch.ts), as for the JDBC screen.
		const {FleetTables: Tables} = await withoutFetch(async () => import('../fleet/fleet-tables.js'));
		const opened = await Tables.open(databases, {table: options.table, intervalMs: Math.max(options.intervalMs, 250)});
		if ('error' in opened) {
			process.stderr.write(`ha-tui: ${sanitize(maskSecrets(opened.error))}\n`);
			return 3;
		}

		tables = opened;
	}

	const {React, render, FleetApp} = await loadFleetScreen();
	const watcher = new FleetWatcher(fleet.groups, {intervalMs: options.intervalMs});
	const source = fleetSource(watcher, tables);
	let lastKey: string | undefined;
	try {
		while (!options.signal.aborted) {
			const choice = await new Promise<FleetRow | undefined>(resolve => {
				let done = false;
				const finish = (row: FleetRow | undefined) => {
					if (done) return;
					done = true;
					options.signal.removeEventListener('abort', onAbort);
					instance.unmount();
					resolve(row);
				};

				const onAbort = () => finish(undefined);
				const instance = render(React.createElement(FleetApp, {source, initialKey: lastKey, onOpen: row => finish(row), onQuit: () => finish(undefined)}), {exitOnCtrlC: false});
				options.signal.addEventListener('abort', onAbort, {once: true});
			});
			if (!choice || options.signal.aborted) break;
			lastKey = choice.group.lockPath;
			// The group's own screen; its quit brings the fleet back (a group that cannot be opened says why).
			const code = choice.jdbc
				? await openTable(choice.jdbc.input, options)
				: await runTui(choice.group.target, {intervalMs: options.intervalMs, layout: options.layout, signal: options.signal, fromFleet: true});
			if (code !== 0) await new Promise(resolve => setTimeout(resolve, 1500));
		}
	} finally {
		await watcher.close();
		await tables?.close();
	}

	return 0;
}

/** A table's own screen (the JDBC screen, with all its keys), loaded only when one is opened. */
async function openTable(input: string, options: {table?: string; intervalMs: number; signal: AbortSignal}): Promise<number> {
	const {runJdbcTui} = await import('./jdbc-run.js');
	return runJdbcTui(input, {intervalMs: options.intervalMs, signal: options.signal, table: options.table, fromFleet: true});
}
