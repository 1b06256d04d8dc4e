// Issue 19 §2: the fleet screen's doctor column — each group's worst finding from the probes
// the fleet watcher takes anyway, on real groups (python peers: POSIX locks, as a JVM), with one
// mount table read for all of them (no second scan per group).
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, test} from 'node:test';
import {FleetDoctor, findingText} from '../../source/fleet/fleet-doctor.js';
import {FleetWatcher} from '../../source/fleet/fleet-watcher.js';
import {groupOf} from '../../source/fleet/groups.js';
import {fleetRow} from '../../source/fleet/fleet-view.js';
import {readMountinfo} from '../../source/doctor/index.js';
import {hasPython} from '../helpers/holders.js';
import {newGroupDirectory, pythonPeer, type PythonPeer} from '../helpers/python-peer.js';
import {tempDir} from '../helpers/temp.js';

const temp = tempDir('ha-tui-fleet-doctor-');
const peers: PythonPeer[] = [];
after(() => {
	for (const peer of peers) {
		peer.child.kill('SIGCONT');
		peer.child.kill('SIGKILL');
	}

	temp.cleanup();
});

const start = (dir: string, role: 'live' | 'backup') => {
	const peer = pythonPeer(dir, role);
	peers.push(peer);
	return peer;
};

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

test('doctor column: healthy says nothing, a lone live warns, a frozen live is critical; one mount read for the fleet', {skip: hasPython ? false : 'python3 is needed for the peers'}, async () => {
	const dirs = ['healthy', 'alone', 'frozen'].map(name => path.join(temp.dir, name));
	for (const dir of dirs) newGroupDirectory(dir);
	const lives = dirs.map(dir => start(dir, 'live'));
	await Promise.all(lives.map(async peer => peer.live));
	await start(dirs[0], 'backup').ready;
	await start(dirs[2], 'backup').ready;
	const groups = dirs.map(dir => groupOf(dir, 'argument', 'wait'));
	let mountReads = 0;
	const doctor = new FleetDoctor(() => {
		mountReads++;
		return readMountinfo();
	});
	const watcher = new FleetWatcher(groups, {intervalMs: 100});
	watcher.on('probe', (group, snapshot, frozen) => doctor.see(group.lockPath, snapshot, frozen));
	watcher.on('update', update => doctor.see(update.group.lockPath, update.snapshot, update.frozen));
	watcher.start();
	try {
		const text = (index: number) => findingText(doctor.worst(groups[index].lockPath));
		await until('the findings of three groups', () => groups.every(group => doctor.worst(group.lockPath) !== undefined));
		assert.equal(text(0), '', 'a healthy group has no finding to show');
		assert.match(text(1), new RegExp(`^▲ pid ${lives[1].child.pid} .*is live and no backup holds the backup lock`));
		// SIGSTOP the live of the third: nothing on disk changes; the next probe's look says so.
		lives[2].child.kill('SIGSTOP');
		await until('the frozen live', () => text(2).startsWith('✖'));
		assert.match(text(2), new RegExp(`frozen \\(pid ${lives[2].child.pid}\\)`));
		const row = fleetRow(groups[2], watcher.snapshots()[2].snapshot, Date.now(), [], doctor.worst(groups[2].lockPath));
		assert.equal(row.findingLevel, 'critical');
		assert.equal(mountReads, 1, 'one mount table read served every group');
		// At rest nothing is looked at again: the probes go on, the looks do not.
		const looks = doctor.looks;
		const probes = await new Promise<number>(resolve => {
			let seen = 0;
			const count = () => {
				if (++seen === 9) {
					watcher.off('probe', count);
					resolve(seen);
				}
			};

			watcher.on('probe', count);
		});
		assert.equal(probes, 9);
		assert.equal(doctor.looks, looks, 'no look at rest');
	} finally {
		lives[2].child.kill('SIGCONT');
		await watcher.close();
	}
});
