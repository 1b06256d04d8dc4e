// The fleet screen's rows as one source (fleet-app.tsx FleetSource): the FleetWatcher's
// directories (each with the fleet doctor's worst finding) and, beside them, the tables
// (fleet/fleet-tables.ts). One frame per burst of changes. The screen's entry (fleet-run.ts)
// and its tests build it the same way.
import {FleetDoctor} from '../fleet/fleet-doctor.js';
import type {FleetTables} from '../fleet/fleet-tables.js';
import type {FleetWatcher} from '../fleet/fleet-watcher.js';
import {fleetRow, type FleetRow} from '../fleet/fleet-view.js';
import type {FleetSource} from './fleet-app.js';

/** Starts `watcher` (the tables are started by FleetTables.open); close() is the caller's, on both. */
export function fleetSource(watcher: FleetWatcher, tables: FleetTables | undefined): FleetSource {
	const changedAt = new Map<string, number>();
	const listeners = new Set<() => void>();
	const doctor = new FleetDoctor();
	let rows: FleetRow[] = [];
	let pending = false;
	const rebuild = () => {
		rows = watcher.snapshots().map(({group, snapshot, frozen}) => fleetRow(group, snapshot, changedAt.get(group.lockPath) ?? Date.now(), frozen, doctor.worst(group.lockPath)));
		if (tables) rows.push(...tables.rows());
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
	tables?.on('change', redraw);
	watcher.start();
	for (const {group, snapshot, frozen} of watcher.snapshots()) if (snapshot) doctor.see(group.lockPath, snapshot, frozen);
	rebuild();
	return {
		rows: () => rows,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
