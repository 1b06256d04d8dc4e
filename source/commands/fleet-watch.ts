// `watch A B C…` / `watch --scan ROOT` / `watch … --record FILE` / `--on-change CMD`: one stream
// for many groups, every line naming its group; the record gets one self-contained event per
// change (source/fleet/record.ts) for `ha-tui history`.
import {FleetWatcher, type FleetUpdate} from '../fleet/fleet-watcher.js';
import {ChangeHooks, HookCommandError} from '../fleet/hooks.js';
import {RecordTargetError, RecordWriter, checkRecordTarget, groupEvent, type GroupEvent} from '../fleet/record.js';
import type {JdbcUpdate} from '../store/jdbc/watcher.js';
import type {JdbcGroup} from '../fleet/jdbc-group.js';
import {isJdbcTarget} from '../store/jdbc/target.js';
import {monotonicMs} from '../time.js';
import {resolveFleet, type FleetTargets} from './fleet-targets.js';
import {EXIT, type Io} from './output.js';
import {statusJson} from './status-report.js';

export type FleetWatchOptions = FleetTargets & {table?: string; json: boolean; intervalMs: number; record?: string; onChange?: string; signal: AbortSignal};

export async function fleetWatch(options: FleetWatchOptions, io: Io): Promise<number> {
	// Tables (postgresql://…) beside the directories: each its own JdbcWatcher (jdbc-group.ts).
	const databases = options.targets.filter(target => isJdbcTarget(target));
	const fleet = await resolveFleet({...options, targets: options.targets.filter(target => !isJdbcTarget(target))}, io, 'wait');
	if ('error' in fleet) {
		io.err(`ha-tui: ${fleet.error}`);
		return EXIT.unknown;
	}

	const {groups} = fleet;
	let writer: RecordWriter | undefined;
	let hooks: ChangeHooks | undefined;
	try {
		if (options.record !== undefined) writer = new RecordWriter(checkRecordTarget(options.record, groups));
		if (options.onChange !== undefined) hooks = new ChangeHooks(options.onChange, {log: line => io.err(`ha-tui: ${line}`)});
	} catch (error) {
		if (!(error instanceof RecordTargetError || error instanceof HookCommandError || (error as NodeJS.ErrnoException).code)) throw error;
		io.err(`ha-tui: ${error instanceof RecordTargetError || error instanceof HookCommandError ? error.message : `--record ${options.record}: ${(error as NodeJS.ErrnoException).code}`}`);
		return EXIT.unknown;
	}

	// The record's start is now: a table's first look (a round trip) comes after it, and history orders by time.
	const startedWall = new Date();
	const startedMono = monotonicMs();
	let tables: JdbcGroup[] = [];
	if (databases.length > 0) {
		const {openJdbcGroups} = await import('../fleet/jdbc-group.js');
		const opened = await openJdbcGroups(databases, options);
		if ('error' in opened) {
			writer?.close('the database could not be read', monotonicMs());
			io.err(`ha-tui: ${opened.error}`);
			return EXIT.unknown;
		}

		tables = opened.groups;
	}

	// Big fleets probe each group less often (fleetIntervalMs): the pulse sees changes at once.
	const watcher = new FleetWatcher(groups, {intervalMs: options.intervalMs});
	const many = groups.length + tables.length > 1;
	const print = (update: FleetUpdate) => {
		const {snapshot, group, changes} = update;
		const time = new Date(snapshot.takenAt).toISOString();
		writer?.write(groupEvent(update));
		hooks?.onUpdate(group, update.previous, snapshot);
		if (options.json) {
			io.out(JSON.stringify({
				time,
				group: group.label,
				changes: changes.map(change => ({kind: change.kind, ...(change.segment ? {segment: change.segment} : {}), message: change.message})),
				status: snapshot.status,
				...(snapshot.error ? {error: snapshot.error} : {}),
				replaced: snapshot.replaced,
				...(update.frozen.length > 0 ? {frozen: update.frozen} : {}),
				...(snapshot.probe ? statusJson(snapshot.probe, snapshot.assessment) : {verdict: snapshot.assessment.verdict, exitCode: snapshot.assessment.exitCode}),
			}));
		} else {
			for (const change of changes) io.out(`${time} ${many ? `${group.label}: ` : ''}${change.message}`);
		}
	};

	const {jdbcStatusJson} = tables.length > 0 ? await import('../store/jdbc/report.js') : {jdbcStatusJson: undefined};
	const printTable = (table: JdbcGroup, event: GroupEvent, update: JdbcUpdate, previous: GroupEvent | undefined) => {
		writer?.write(event);
		hooks?.onEvent(previous, event, 'jdbc');
		if (options.json) {
			io.out(JSON.stringify({
				time: event.time,
				group: table.label,
				changes: event.changes,
				status: event.status,
				...(update.error ? {error: update.error} : {}),
				...(update.probe && jdbcStatusJson ? jdbcStatusJson(update.probe, update.assessment, update.connections) : {verdict: update.assessment.verdict, exitCode: update.assessment.exitCode}),
			}));
		} else {
			for (const change of event.changes) io.out(`${event.time} ${many ? `${table.label}: ` : ''}${change.message}`);
		}
	};

	watcher.on('update', print);
	watcher.on('file-events-failed', (group, message) => io.err(`ha-tui: ${group.label}: ${message}`));
	writer?.start([...groups, ...tables], startedMono, startedWall);
	watcher.start();
	for (const table of tables) {
		let previous = table.latest;
		if (previous) printTable(table, previous, table.watcher.opening(), undefined);
		table.on('update', ({event, update}) => {
			printTable(table, event, update, previous);
			previous = event;
		});
	}

	if (!options.signal.aborted) await new Promise(resolve => options.signal.addEventListener('abort', resolve, {once: true}));
	await watcher.close();
	await Promise.all(tables.map(async table => table.close()));
	await hooks?.close();
	writer?.close(String(options.signal.reason ?? 'stopped'), monotonicMs());
	return EXIT.ok;
}
