// The fleet screen's row for a table is named by the local brokers OF THAT TABLE: a broker
// connected to the same database for another table (its broker.xml names another
// node-manager-store-table-name) must not name it — matched as store/jdbc/timings.ts sameStore
// matches them for the timings (same host and port, database, table). Real broker.xml files,
// read through the broker.xml reader; a broker whose broker.xml cannot be read names nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, test} from 'node:test';
import type {BrokerInfo} from '../../source/broker/index.js';
import {jdbcFleetRow} from '../../source/fleet/jdbc-fleet-row.js';
import type {DbConnection} from '../../source/store/jdbc/holders.js';
import {parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {groupBrokerTest} from '../../source/store/jdbc/timings.js';
import type {JdbcUpdate} from '../../source/store/jdbc/watcher.js';
import {tempDir} from '../helpers/temp.js';

const temp = tempDir('ha-tui-fleet-row-');
after(() => temp.cleanup());

/** A broker.xml keeping its store in TABLE (none: Artemis' default NODE_MANAGER_STORE) on db:5432/ha. */
function brokerXml(name: string, table?: string, host = 'db.example'): string {
	const file = path.join(temp.dir, `${name}.xml`);
	fs.writeFileSync(file, `<configuration xmlns="urn:activemq"><core xmlns="urn:activemq:core"><name>${name}</name><store><database-store>
<jdbc-connection-url>jdbc:postgresql://${host}:5432/ha?user=artemis</jdbc-connection-url>
${table ? `<node-manager-store-table-name>${table}</node-manager-store-table-name>` : ''}
</database-store></store></core></configuration>`);
	return file;
}

const broker = (name: string, configuration: string | null): BrokerInfo => ({kind: 'artemis', name, instance: null, configuration, haPolicy: 'shared-store', role: 'primary', failoverOnShutdown: null, allowFailback: null, restartBackup: null, lockDirectory: null, clusterConnection: null} as BrokerInfo);
const connection = (pid: number, info: BrokerInfo): DbConnection => ({backendPid: pid + 1000, applicationName: 'PostgreSQL JDBC Driver', clientAddr: '127.0.0.1', clientPort: 40_000 + pid, pid, broker: info});

function update(connections: DbConnection[]): JdbcUpdate {
	const stats = {holderId: null, count: 0, lastIntervalMs: null, maxIntervalMs: null, avgIntervalMs: null, minMarginMs: null, leaseMs: null};
	return {takenAt: Date.now(), assessment: {verdict: 'healthy', exitCode: 0, summary: ''}, connections, changes: [], renew: {live: stats, backup: stats}};
}

test('a table\'s fleet row is named by its own brokers only, not by a broker of another table in the same database', () => {
	const connections = [
		connection(1, broker('orders-a', brokerXml('orders-a', 'orders_nms'))),
		connection(2, broker('orders-b', brokerXml('orders-b', 'ORDERS_NMS'))),
		connection(3, broker('billing-a', brokerXml('billing-a', 'billing_nms'))),
		connection(4, broker('default-a', brokerXml('default-a'))),
		connection(5, broker('elsewhere', brokerXml('elsewhere', 'orders_nms', 'other.example'))),
		connection(6, broker('unreadable', path.join(temp.dir, 'missing.xml'))),
		connection(7, broker('no-xml', null)),
	];
	const row = (input: string, table: string) => {
		const target = parseJdbcTarget(input, {table, env: {}});
		const label = `${target.display} table ${target.table}`;
		return jdbcFleetRow({label, input, ofGroup: groupBrokerTest(target)}, update(connections), Date.now());
	};

	const orders = row('postgresql://app@db.example:5432/ha', 'orders_nms');
	assert.equal(orders.name, 'orders-a/orders-b postgresql://app@db.example:5432/ha table orders_nms', 'the table\'s brokers (its name folded as Artemis folds it), not billing\'s, not another host\'s');
	const billing = row('postgresql://app@db.example:5432/ha', 'billing_nms');
	assert.equal(billing.name, 'billing-a postgresql://app@db.example:5432/ha table billing_nms');
	const defaults = row('postgresql://app@db.example:5432/ha', 'node_manager_store');
	assert.equal(defaults.name, 'default-a postgresql://app@db.example:5432/ha table node_manager_store', 'no table name in broker.xml: Artemis\' default table');
	const none = row('postgresql://app@db.example:5432/ha', 'other_nms');
	assert.equal(none.name, 'postgresql://app@db.example:5432/ha table other_nms', 'nobody\'s broker: the label alone');
});

test('each broker.xml is read once per table (a look every interval must not re-read them)', () => {
	const file = brokerXml('once-a', 'once_nms');
	const target = parseJdbcTarget('postgresql://app@db.example:5432/ha', {table: 'once_nms', env: {}});
	const ofGroup = groupBrokerTest(target);
	assert.equal(ofGroup(broker('once-a', file)), true);
	fs.rmSync(file);
	assert.equal(ofGroup(broker('once-a', file)), true, 'remembered');
	assert.equal(groupBrokerTest(target)(broker('once-a', file)), false, 'a new test reads again (gone: nobody\'s)');
});
