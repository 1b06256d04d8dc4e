// A JDBC group (an Artemis node-manager table) among the fleet: its JdbcWatcher — the table's
// StoreWatcher — with each look turned into the record's store-agnostic GroupEvent (record.ts),
// the one form the exporter, the record, `history` and the hooks read for every store. Holders
// are told apart by their holder id (a broker on another host has no pid here). Loaded only
// when a database target is given (it brings pg). Never a password: the label is the target's
// display form (the URL with its password masked) and its table.
import {EventEmitter} from 'node:events';
import os from 'node:os';
import {monotonicMs} from '../time.js';
import {identifyHolder, type DbConnection} from '../store/jdbc/holders.js';
import {leaseEnd, type LeaseEnd} from '../store/jdbc/no-live.js';
import type {Lease} from '../store/jdbc/probe.js';
import {JdbcInputError, parseJdbcTarget, type JdbcTarget} from '../store/jdbc/target.js';
import {jdbcVerdictLabel} from '../store/jdbc/verdict.js';
import {JdbcWatcher, type JdbcUpdate} from '../store/jdbc/watcher.js';
import {RECORD_VERSION, type GroupEvent, type RecordLock} from './record.js';

/** Every verdict a table's assessment can give (the exporter's verdict_state series). */
export const JDBC_VERDICTS = Object.keys(jdbcVerdictLabel);

/** What lines and labels start with: the URL without its password, and the table (as `status` prints it). */
export const jdbcLabel = (target: JdbcTarget) => `${target.display} table ${target.table}`;

function leaseLock(lease: Lease, connections: readonly DbConnection[]): RecordLock {
	if (lease.holderId === null || lease.held !== true) return {locked: false, holders: []};
	const node = connections.find(connection => connection.haTui?.holderId === lease.holderId);
	const identity = identifyHolder(lease.holderId, connections);
	const pid = identity?.pid ?? null;
	const broker = node ? 'ha-tui node' : undefined;
	return {locked: true, holders: [{pid, kind: 'LEASE', id: lease.holderId.slice(0, 128), ...(broker ? {broker} : {}), ...(node?.haTui ? {role: node.haTui.role} : {})}]};
}

/** One look at a table as a record event. `after`: the previous look (the change came after it). */
export function jdbcGroupEvent(label: string, update: JdbcUpdate, mono: number, after: number | undefined, leaseExpiry?: number): GroupEvent {
	const {probe} = update;
	return {
		v: RECORD_VERSION,
		type: 'group',
		time: new Date(update.takenAt).toISOString(),
		mono: Math.round(mono * 1000) / 1000,
		...(after === undefined ? {} : {after: Math.round(after * 1000) / 1000}),
		...(leaseExpiry === undefined ? {} : {leaseExpiry: Math.round(leaseExpiry * 1000) / 1000}),
		host: os.hostname(),
		group: label,
		status: update.error === undefined ? 'ok' : 'error',
		...(update.error === undefined ? {} : {error: update.error}),
		verdict: update.assessment.verdict,
		exitCode: update.assessment.exitCode,
		summary: update.assessment.summary,
		state: probe?.state === undefined ? null : String.fromCharCode(probe.state),
		stateName: probe?.stateName ?? null,
		nodeId: probe?.nodeId ?? null,
		layout: probe ? `jdbc-${probe.format}` : null,
		inode: null,
		replaced: false,
		locks: {
			// No state lock in a table: every state access is one statement.
			state: {locked: false, holders: []},
			live: probe ? leaseLock(probe.locks.live, update.connections) : {locked: false, holders: []},
			backup: probe ? leaseLock(probe.locks.backup, update.connections) : {locked: false, holders: []},
		},
		changes: update.changes.map(change => ({kind: change.kind, ...(change.segment ? {segment: change.segment} : {}), message: change.message})),
	};
}

/**
 * When the live lease stops being held in this look (run out, or taken by another): when the
 * old live may have stopped (store/jdbc/no-live.ts), on our monotonic clock — after its last
 * renew (expiry − lease length, by the DB clock), by its expiry. The record carries both (the
 * event's `after` and `leaseExpiry`): the time without a live is a range between them.
 */
function liveLeaseEnd(previous: JdbcUpdate | undefined, update: JdbcUpdate, mono: number): LeaseEnd | undefined {
	const before = previous?.probe?.locks.live;
	const now = update.probe;
	if (!before?.held || !now) return undefined;
	if (now.locks.live.held && now.locks.live.holderId === before.holderId) return undefined;
	return leaseEnd(before, previous?.renew.live.leaseMs, now.dbNow - mono);
}

export type JdbcGroupUpdate = {event: GroupEvent; update: JdbcUpdate; first: boolean};

/** A table in the fleet: `update` on its first look and on every look that changed something. */
export class JdbcGroup extends EventEmitter<{update: [JdbcGroupUpdate]}> {
	readonly target: JdbcTarget;
	readonly label: string;
	readonly foundBy = 'argument' as const;
	readonly watcher: JdbcWatcher;
	/** When the table was last looked at (monotonic ms): /healthz looks at it. */
	lastLookMono = monotonicMs();
	private lastEvent: GroupEvent | undefined;
	private lastUpdate: JdbcUpdate | undefined;

	/** Throws JdbcInputError (one line, no password) when the URL does not parse. */
	constructor(readonly input: string, options: {table?: string; intervalMs: number}) {
		super();
		this.target = parseJdbcTarget(input, {table: options.table});
		this.label = jdbcLabel(this.target);
		this.watcher = new JdbcWatcher(this.target, {intervalMs: options.intervalMs});
	}

	get latest(): GroupEvent | undefined {
		return this.lastEvent;
	}

	/**
	 * The first look, emitted as an update. A database that cannot be reached yet is this look's
	 * UNKNOWN (status error, the reason) and is tried again every interval (JdbcWatcher.start
	 * retryUnreachable); throws JdbcInputError for bad input: a password or TLS refused, no such
	 * database, not a node-manager table.
	 */
	async start(): Promise<GroupEvent> {
		await this.watcher.start({retryUnreachable: true});
		const opening = this.watcher.opening();
		this.lastLookMono = monotonicMs();
		this.lastEvent = jdbcGroupEvent(this.label, opening, this.lastLookMono, undefined);
		this.lastUpdate = opening;
		this.watcher.on('look', (update, changed) => {
			const previous = this.lastUpdate;
			const previousMono = this.lastLookMono;
			this.lastLookMono = monotonicMs();
			this.lastUpdate = update;
			if (!changed) return;
			const end = liveLeaseEnd(previous, update, this.lastLookMono);
			this.lastEvent = jdbcGroupEvent(this.label, update, this.lastLookMono, Math.min(previousMono, end?.lastRenew ?? previousMono), end?.expiry);
			this.emit('update', {event: this.lastEvent, update, first: false});
		});
		this.emit('update', {event: this.lastEvent, update: opening, first: true});
		return this.lastEvent;
	}

	async close(): Promise<void> {
		await this.watcher.close();
	}
}

/**
 * Each table's first look, all at once; one that is bad input is one line naming it (no
 * password), and none is left open. One whose database cannot be reached yet is opened UNKNOWN
 * and retried (its `latest` has status error and the reason).
 */
export async function openJdbcGroups(inputs: readonly string[], options: {table?: string; intervalMs: number}): Promise<{groups: JdbcGroup[]} | {error: string}> {
	const groups: JdbcGroup[] = [];
	try {
		for (const input of inputs) groups.push(new JdbcGroup(input, options));
		// Two spellings of one table are one group.
		const unique = groups.filter((group, index) => groups.findIndex(other => other.label === group.label) === index);
		await Promise.all(unique.map(async group => group.start()));
		return {groups: unique};
	} catch (error) {
		if (!(error instanceof JdbcInputError)) throw error;
		await Promise.all(groups.map(async group => group.close()));
		return {error: error.message};
	}
}
