// The fleet screen's rows (fleet/fleet-view.ts) name each holder by the broker read at the probe,
// while it lived (watch/snapshot.ts withBrokers): a row drawn later reads nothing of /proc.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {BrokerInfo} from '../../source/broker/index.js';
import {fleetRow} from '../../source/fleet/fleet-view.js';
import type {Group} from '../../source/fleet/groups.js';
import type {Snapshot} from '../../source/watch/index.js';

const group: Group = {label: '/srv/orders/journal', target: '/srv/orders/journal', lockPath: '/srv/orders/journal/server.lock', foundBy: 'argument'};
// A pid no process has (above pid_max): anything read from /proc now would find nothing.
const gonePid = 4_194_400;
const broker = {kind: 'artemis', name: 'broker-a', role: 'primary'} as unknown as BrokerInfo;

function snapshotWith(holder: Record<string, unknown>): Snapshot {
	const free = {locked: false, file: 'serverlock.2', where: 'serverlock.2', holders: []};
	return {
		path: group.lockPath,
		takenAt: Date.now(),
		status: 'ok',
		probe: {stateName: 'live', locks: {state: {...free, file: 'server.lock'}, live: {locked: true, file: 'serverlock.1', where: 'serverlock.1', holders: [holder]}, backup: free}} as never,
		assessment: {verdict: 'no-backup', exitCode: 1, summary: 'no backup'},
		heldSince: {state: undefined, live: Date.now(), backup: undefined},
		replaced: false,
	};
}

test('a row names the holder by the broker the probe read, though its process is gone now', () => {
	const row = fleetRow(group, snapshotWith({pid: gonePid, command: 'java …', kind: 'POSIX', sameProcess: false, identity: `pid ${gonePid}`, broker}), Date.now(), []);
	assert.equal(row.live, `broker-a ${gonePid}`);
	assert.match(row.name, /^broker-a \/srv\/orders\/journal$/);
});

test('a holder the probe found no broker for (null) stays a pid, without a second look', () => {
	const row = fleetRow(group, snapshotWith({pid: gonePid, command: 'python3', kind: 'POSIX', sameProcess: false, identity: `pid ${gonePid}`, broker: null}), Date.now(), []);
	assert.equal(row.live, `pid ${gonePid}`);
	assert.equal(row.backup, '—');
	assert.equal(row.name, '/srv/orders/journal');
});
