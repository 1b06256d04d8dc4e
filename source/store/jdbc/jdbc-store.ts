// The JDBC table as a store: it implements the store seam (source/store/store.ts: probe into a
// snapshot, pulse, watch for changes, give a NodeManager) beside the directory store. Not
// re-exported from source/store/index.ts, so commands on directories never load pg.
import type pg from 'pg';
import type {Store, StoreChangeFeed, StoreHolder, StoreLock, StoreProbeCommon, StorePulse} from '../store.js';
import type {NodeManager} from '../../node-manager/node-manager.js';
import {connectionError} from './client.js';
import {identifyHolder, readConnections, type DbConnection} from './holders.js';
import {JdbcNodeManager, type JdbcNodeManagerOptions} from './jdbc-node-manager.js';
import {probeWith, type JdbcProbe, type Lease} from './probe.js';
import {connectReadOnly} from './read-only.js';
import {JdbcInputError, type JdbcTarget} from './target.js';
import {assessJdbc, type JdbcAssessment} from './verdict.js';

/** The seam's common probe part plus this store's own (`jdbc`: rows, leases, clocks). */
export type JdbcStoreProbe = StoreProbeCommon & {
	readonly store: 'jdbc';
	readonly jdbc: JdbcProbe;
	readonly connections: readonly DbConnection[];
	readonly assessment: JdbcAssessment;
};

export type JdbcStorePulse = StorePulse<JdbcStoreProbe>;

function lockOf(lease: Lease, connections: readonly DbConnection[]): StoreLock {
	const identity = identifyHolder(lease.holderId, connections);
	const holders: StoreHolder[] = lease.holderId === null || !lease.held ? [] : [{
		identity: identity?.who === 'unknown' || !identity ? `holder ${lease.holderId.slice(0, 40)} (broker unknown)` : identity.who,
		pid: identity?.pid,
		command: undefined,
		kind: 'LEASE',
		sameProcess: false,
	}];
	return {locked: lease.held === true, where: `row ${lease.row}`, holders};
}

export function storeProbeOf(probe: JdbcProbe, connections: readonly DbConnection[]): JdbcStoreProbe {
	return {
		store: 'jdbc',
		target: probe.target,
		state: probe.state,
		stateName: probe.stateName,
		nodeId: probe.nodeId,
		locks: {
			// No state lock in a table: every state read and write is one statement.
			state: {locked: false, where: 'none (one statement per state access)', holders: []},
			live: lockOf(probe.locks.live, connections),
			backup: lockOf(probe.locks.backup, connections),
		},
		generation: probe.format === 'bigint' ? 'Artemis 2.21+ JDBC store (BIGINT leases by the database clock)' : 'Artemis 2.6–2.20 JDBC store (TIMESTAMP expiry)',
		jdbc: probe,
		connections,
		assessment: assessJdbc(probe),
	};
}

export class JdbcStore implements Store<JdbcStoreProbe> {
	readonly kind = 'jdbc' as const;
	readonly network = true;
	readonly medium = 'postgresql';
	readonly target: string;
	private client: pg.Client | undefined;
	private format: 'bigint' | 'timestamp' | undefined;

	constructor(readonly jdbcTarget: JdbcTarget, private readonly nodeOptions: Omit<JdbcNodeManagerOptions, 'role'> = {}) {
		this.target = jdbcTarget.display;
	}

	/** One read-only look (the connection is kept for the next; close() ends it). Throws JdbcInputError. */
	async probe(): Promise<JdbcStoreProbe> {
		try {
			this.client ??= await connectReadOnly(this.jdbcTarget);
			const probe = await probeWith(this.client, this.jdbcTarget, {checkedFormat: this.format});
			this.format = probe.format;
			return storeProbeOf(probe, await readConnections(this.client, this.jdbcTarget.table));
		} catch (error) {
			const client = this.client;
			this.client = undefined;
			this.format = undefined;
			await client?.end().catch(() => {});
			if (error instanceof JdbcInputError) throw error;
			throw connectionError(this.jdbcTarget, error);
		}
	}

	/**
	 * The seam's pulse is synchronous; a database is not. This one reads the two lease rows in
	 * the background every intervalMs (one read-only round trip) and signature() returns the last
	 * answer: holder ids and expiry values, so a renew, a release and a takeover all change it.
	 */
	pulse(intervalMs = 100): JdbcStorePulse {
		let last: string | undefined;
		let closed = false;
		let timer: NodeJS.Timeout | undefined;
		let client: pg.Client | undefined;
		const look = async () => {
			try {
				client ??= await connectReadOnly(this.jdbcTarget);
				const probe = await probeWith(client, this.jdbcTarget, {checkedFormat: this.format ?? 'bigint'});
				last = [probe.stateRaw, probe.locks.live.holderId, probe.locks.live.rawExpiration, probe.locks.backup.holderId, probe.locks.backup.rawExpiration].join('|');
			} catch {
				last = undefined;
				const broken = client;
				client = undefined;
				await broken?.end().catch(() => {});
			}

			if (!closed) timer = setTimeout(() => void look(), intervalMs);
		};

		void look();
		return {
			follow: () => false, // a table stays the table
			signature: () => last,
			close() {
				closed = true;
				clearTimeout(timer);
				void client?.end().catch(() => {});
			},
		};
	}

	/** A table sends no events without triggers (writes): the watcher polls. */
	watchChanges(): StoreChangeFeed {
		return {polling: true, close: async () => {}};
	}

	nodeManager(options: {createStore?: boolean; role?: string} = {}): NodeManager {
		const manager = new JdbcNodeManager(this.jdbcTarget, {...this.nodeOptions, role: options.role});
		if (options.createStore === false) {
			const open = manager.open.bind(manager);
			manager.open = async (openOptions = {}) => open({...openOptions, create: false});
		}

		return manager;
	}

	async close(): Promise<void> {
		const client = this.client;
		this.client = undefined;
		await client?.end().catch(() => {});
	}
}
