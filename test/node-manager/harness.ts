// The same scenarios run on the real file and on the in-memory store; a harness hides which.
import fs from 'node:fs';
import {STATE, decodeLockFile, encodeNewLockFile, probeLockFile, type Layout} from '../../source/lock-file/index.js';
import {FileLockNodeManager, HaNode, InMemoryNodeManager, InMemoryStore, type HaNodeOptions, type NodeEvent, type NodeManager} from '../../source/node-manager/index.js';
import process from 'node:process';
import {JdbcNodeManager} from '../../source/store/jdbc/jdbc-node-manager.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import type {Postgres} from '../helpers/postgres.js';
import {tempDir} from '../helpers/temp.js';

type MaybePromise<T> = T | Promise<T>;

/** Reads may be asynchronous (the JDBC store's are queries): scenarios await them all. */
export type Harness = {
	readonly name: string;
	node(role: HaNodeOptions['role'], options?: Partial<HaNodeOptions>): HaNode;
	state(): MaybePromise<number | undefined>;
	nodeId(): MaybePromise<string | undefined>;
	liveLocked(): MaybePromise<boolean>;
	backupLocked(): MaybePromise<boolean>;
	/** rm + a new file at the path, with another node id (JDBC: another holder takes the lease, P, a new node id). */
	replaceFile(): MaybePromise<void>;
	/** rm, and no new file. Absent where the store has no such thing (a table is not rm'ed under a broker). */
	removeFile?(): void;
	cleanup(): Promise<void>;
};

export const fast = {lostLockCheckMs: 20, failbackCheckMs: 20, backoffMs: 20};

export type Recorded = {node: HaNode; events: NodeEvent[]};

/** Every node of a scenario; an 'error' event (an illegal transition among them) fails it. */
function track(nodes: HaNode[], node: HaNode): HaNode {
	nodes.push(node);
	node.on('event', event => {
		if (event.event === 'error') errors.push(`${node.role}: ${event.detail ?? ''}`);
	});
	return node;
}

const errors: string[] = [];

/** One call a node made to its manager, once it returned (result) or failed (error). */
export type ManagerCall = {readonly method: string; readonly result?: unknown; readonly failed?: boolean};
const callLogs = new WeakMap<HaNode, ManagerCall[]>();

/**
 * What a node has asked its manager so far, in order. A negative check ("the backup does not
 * take over") waits on this for the look that would have to come first (the backup read P),
 * instead of sleeping and hoping the look happened.
 */
export function callsOf(node: HaNode): readonly ManagerCall[] {
	return callLogs.get(node) ?? [];
}

/** The manager, recording every method call's outcome into log (the node sees no difference). */
function recorded<M extends object>(manager: M, log: ManagerCall[]): M {
	return new Proxy(manager, {
		get(target, key) {
			const value: unknown = Reflect.get(target, key, target);
			if (typeof value !== 'function') return value;
			const method = String(key);
			return (...args: unknown[]) => {
				let result: unknown;
				try {
					result = (value as (...a: unknown[]) => unknown).apply(target, args);
				} catch (error) {
					log.push({method, failed: true});
					throw error;
				}

				if (!(result instanceof Promise)) {
					log.push({method, result});
					return result;
				}

				return result.then(settled => {
					log.push({method, result: settled});
					return settled;
				}, (error: unknown) => {
					log.push({method, failed: true});
					throw error;
				});
			};
		},
	});
}

/** A node on a recorded manager, tracked for errors and stopped at cleanup. */
function recordedNode(nodes: HaNode[], manager: NodeManager, options: HaNodeOptions): HaNode {
	const log: ManagerCall[] = [];
	const node = track(nodes, new HaNode(recorded(manager, log), options));
	callLogs.set(node, log);
	return node;
}

async function stopAll(nodes: HaNode[]): Promise<void> {
	await Promise.all(nodes.map(async node => node.stop({failover: true})));
	const seen = errors.splice(0);
	if (seen.length > 0) throw new Error(`nodes reported errors (an illegal phase transition?): ${seen.join('; ')}`);
}

export function fileHarness(layout: Layout): Harness {
	const temp = tempDir();
	const nodes: HaNode[] = [];
	return {
		name: `FileLockNodeManager (${layout} layout)`,
		node: (role, options) => recordedNode(nodes, new FileLockNodeManager(temp.file, {layout}), {role, ...fast, ...options}),
		state: () => decodeLockFile(fs.readFileSync(temp.file)).state,
		nodeId: () => decodeLockFile(fs.readFileSync(temp.file)).nodeId,
		liveLocked: () => probeOf(temp.file, layout).locks.live.locked,
		backupLocked: () => probeOf(temp.file, layout).locks.backup.locked,
		replaceFile() {
			const next = `${temp.file}.new`;
			const bytes = encodeNewLockFile();
			bytes[0] = STATE.paused;
			fs.writeFileSync(next, bytes);
			fs.renameSync(next, temp.file);
		},
		removeFile: () => fs.rmSync(temp.file),
		async cleanup() {
			await stopAll(nodes);
			temp.cleanup();
		},
	};
}

/** A probe that must see the layout the nodes use: a second layout would be a bug. */
function probeOf(file: string, layout: Layout) {
	const probe = probeLockFile(file);
	if (probe.layout !== layout) throw new Error(`the probe sees the ${probe.layout} layout, the nodes use ${layout}`);
	return probe;
}

export const filesHarness = (): Harness => fileHarness('files');
export const rangesHarness = (): Harness => fileHarness('ranges');
export const flockHarness = (): Harness => fileHarness('flock');

export function memoryHarness(): Harness {
	const store = new InMemoryStore();
	const nodes: HaNode[] = [];
	return {
		name: 'InMemoryNodeManager',
		node: (role, options) => recordedNode(nodes, new InMemoryNodeManager(store), {role, ...fast, ...options}),
		state: () => store.state,
		nodeId: () => store.nodeId,
		liveLocked: () => store.owners.has('live'),
		backupLocked: () => store.owners.has('backup'),
		replaceFile() {
			store.replace();
			store.state = STATE.paused;
			store.nodeId = '11111111-2222-4333-8444-555555555555';
		},
		removeFile: () => store.remove(),
		async cleanup() {
			await stopAll(nodes);
		},
	};
}

/** Fast leases for scenarios: renew every 100 ms, a 600 ms lease, look every 50 ms. */
export const fastLeases = {renewPeriodMs: 100, expirationMs: 600, pollMs: 50};

let tables = 0;

/** The JDBC store on a real PostgreSQL (test/helpers/postgres.ts): a fresh table per scenario. */
export function jdbcHarness(db: Postgres): Harness {
	const table = `nms_${process.pid}_${++tables}`;
	const target = parseJdbcTarget(db.url, {table});
	const nodes: HaNode[] = [];
	const one = async (sqlText: string, values: unknown[] = []) => (await db.sql(sqlText, values)).rows[0] as Record<string, unknown> | undefined;
	const held = async (id: number) => {
		const row = await one(`SELECT holder_id, holder_expiration_time, (EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT AS now FROM ${table} WHERE id = $1`, [id]);
		return row?.holder_id !== null && row?.holder_id !== undefined && Number(row.now) <= Number(row.holder_expiration_time);
	};

	return {
		name: 'JdbcNodeManager (PostgreSQL)',
		node: (role, options) => recordedNode(nodes, new JdbcNodeManager(target, {...fastLeases, role}), {role, ...fast, ...options}),
		async state() {
			const row = await one(`SELECT state FROM ${table} WHERE id = 0`).catch(() => undefined);
			return typeof row?.state === 'string' ? row.state.codePointAt(0) : undefined;
		},
		async nodeId() {
			const row = await one(`SELECT node_id FROM ${table} WHERE id = 3`).catch(() => undefined);
			return typeof row?.node_id === 'string' ? row.node_id.trim() : undefined;
		},
		liveLocked: async () => held(1),
		backupLocked: async () => held(2),
		async replaceFile() {
			// Another group's node takes the primary lease for a minute, writes P and its own node id.
			await db.sql(`UPDATE ${table} SET holder_id = 'intruder', holder_expiration_time = (EXTRACT(EPOCH FROM NOW()) * 1000)::BIGINT + 60000 WHERE id = 1`);
			await db.sql(`UPDATE ${table} SET state = 'P' WHERE id = 0`);
			await db.sql(`UPDATE ${table} SET node_id = '11111111-2222-1333-8444-555555555555' WHERE id = 3`);
		},
		async cleanup() {
			await stopAll(nodes);
		},
	};
}
