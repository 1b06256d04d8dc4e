// The fleet screen's entry (issue 19 §2): `ha-tui A B C…` or `ha-tui --scan ROOT` on a terminal.
// One FleetWatcher for all groups runs the whole time; enter leaves this screen for the group's
// own (runTui, with all its keys), whose q comes back here.
import process from 'node:process';
import {resolveFleet, type FleetTargets} from '../commands/fleet-targets.js';
import {processIo} from '../commands/output.js';
import {FleetDoctor} from '../fleet/fleet-doctor.js';
import {FleetWatcher} from '../fleet/fleet-watcher.js';
import {fleetRow, type FleetRow} from '../fleet/fleet-view.js';
import type {LayoutChoice} from '../lock-file/index.js';
import type {FleetSource} from './fleet-app.js';
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

export async function runFleetTui(options: FleetTargets & {intervalMs: number; layout: LayoutChoice; signal: AbortSignal}): Promise<number> {
	if (!process.stdin.isTTY) {
		process.stderr.write('ha-tui: stdin is not a terminal: the fleet screen needs keys (use `ha-tui watch` or `ha-tui status`)\n');
		return 3;
	}

	const fleet = await resolveFleet(options, processIo, 'wait');
	if ('error' in fleet) {
		processIo.err(`ha-tui: ${fleet.error}`);
		return 3;
	}

	const {React, render, FleetApp} = await loadFleetScreen();
	const watcher = new FleetWatcher(fleet.groups, {intervalMs: options.intervalMs});
	const changedAt = new Map<string, number>();
	const listeners = new Set<() => void>();
	const doctor = new FleetDoctor();
	let rows: FleetRow[] = [];
	let pending = false;
	const rebuild = () => {
		rows = watcher.snapshots().map(({group, snapshot, frozen}) => fleetRow(group, snapshot, changedAt.get(group.lockPath) ?? Date.now(), frozen, doctor.worst(group.lockPath)));
	};

	// One frame per burst of changes.
	const redraw = () => {
		if (pending) return;
		pending = true;
		setTimeout(() => {
			pending = false;
			rebuild();
			for (const listener of listeners) listener();
		}, 8);
	};

	watcher.on('update', update => {
		changedAt.set(update.group.lockPath, update.snapshot.takenAt);
		doctor.see(update.group.lockPath, update.snapshot, update.frozen);
		redraw();
	});
	// A probe with no change can still change a finding (an F that became stuck, a frozen holder).
	watcher.on('probe', (group, snapshot, frozen) => {
		if (doctor.see(group.lockPath, snapshot, frozen)) redraw();
	});
	watcher.start();
	for (const {group, snapshot, frozen} of watcher.snapshots()) if (snapshot) doctor.see(group.lockPath, snapshot, frozen);
	rebuild();
	const source: FleetSource = {
		rows: () => rows,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
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
				const instance = render(React.createElement(FleetApp, {source, onOpen: row => finish(row), onQuit: () => finish(undefined)}), {exitOnCtrlC: false});
				options.signal.addEventListener('abort', onAbort, {once: true});
			});
			if (!choice || options.signal.aborted) break;
			// The group's own screen; its quit brings the fleet back (a group that cannot be opened says why).
			const code = await runTui(choice.group.target, {intervalMs: options.intervalMs, layout: options.layout, signal: options.signal, fromFleet: true});
			if (code !== 0) await new Promise(resolve => setTimeout(resolve, 1500));
		}
	} finally {
		await watcher.close();
	}

	return 0;
}
