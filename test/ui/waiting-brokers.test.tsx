// Brokers of this group that hold no lock (issue 14 §4) — a second backup polling for the backup
// lock leaves none behind — are shown as waiting, with their role, in the TUI's locks panel
// (status and doctor say the same through broker/waiting.ts). The panel and the whole screen by
// ink-testing-library; the session's look at a real process (a fake broker: python with an
// Artemis command line and a real instance directory, holding nothing).
import assert from 'node:assert/strict';
import path from 'node:path';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import type {WaitingBroker} from '../../source/broker/waiting.js';
import {Session} from '../../source/session/session.js';
import {App} from '../../source/ui/app.js';
import {LocksPanel} from '../../source/ui/locks-panel.js';
import {copyInstance, fakeBroker, hasPython, makeGroup, stop} from '../broker/fake-broker.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';
import {FakeSession, T0, makeSnapshot, makeView, outside} from './fixtures.js';

afterEach(cleanup);

const waitingBackup: WaitingBroker = {
	pid: 4321,
	broker: {kind: 'artemis', name: 'broker-c', instance: '/opt/c', configuration: '/opt/c/etc/broker.xml', haPolicy: 'shared-store', role: 'backup', failoverOnShutdown: false, allowFailback: true, restartBackup: true, lockDirectory: '/srv/artemis/data/journal', clusterConnection: true},
	label: 'broker-c (backup)',
	state: 'S',
	text: 'broker-c (backup) pid 4321 — holds no lock: a backup starting, or waiting for the backup lock (Artemis tries every 500 ms and holds nothing in between)',
};

test('the locks panel has a waiting row per broker that holds no lock, with its name and role', () => {
	const view = makeView({snapshot: makeSnapshot({live: outside(1111), backup: outside(2222)}), waiting: [waitingBackup]});
	const text = render(<LocksPanel view={view} now={T0} width={160}/>).lastFrame() ?? '';
	assert.match(text, /^ waiting +◌ broker-c \(backup\) pid 4321 — holds no lock: a backup starting, or waiting for the/m);
	// None waiting: no such row.
	assert.doesNotMatch(render(<LocksPanel view={makeView({snapshot: makeSnapshot({live: outside(1111)})})} now={T0} width={160}/>).lastFrame() ?? '', /waiting +◌/);
});

test('the whole screen shows the waiting broker at 80×24, and says it is hidden where it does not fit (60×16)', () => {
	const view = makeView({snapshot: makeSnapshot({live: outside(1111), backup: outside(2222)}), waiting: [waitingBackup]});
	const big = render(<App session={new FakeSession(view)} onExit={() => {}} size={{columns: 80, rows: 24}}/>).lastFrame() ?? '';
	assert.match(big, /^ waiting +◌ broker-c \(backup\) pid 4321 — holds no lock/m);
	for (const line of big.split('\n')) assert.ok(line.length <= 80, line);
	const crowded = makeView({snapshot: makeSnapshot({live: outside(1111), backup: outside(2222)}), waiting: [waitingBackup, {...waitingBackup, pid: 4322, text: waitingBackup.text.replace('4321', '4322')}, {...waitingBackup, pid: 4323, text: waitingBackup.text.replace('4321', '4323')}], banner: 'a banner line'});
	const small = render(<App session={new FakeSession(crowded)} onExit={() => {}} size={{columns: 60, rows: 16}}/>).lastFrame() ?? '';
	const shown = small.split('\n').filter(line => /^ waiting +◌/.test(line)).length;
	if (shown < 3) assert.match(small.replaceAll('\n', ' '), new RegExp(`${3 - shown} waiting broker`), small);
});

test('a session finds a broker of its group that holds no lock, and drops it when it is gone', {skip: (process.platform !== 'linux' || !hasPython) && 'Linux and python3'}, async () => {
	const temp = tempDir('ha-tui-waiting-');
	const data = path.join(temp.dir, 'data');
	const group = makeGroup(path.join(data, 'journal'));
	const primary = await fakeBroker({properties: {'artemis.instance': copyInstance('primary', temp.dir), 'data.dir': data}, locks: [{file: group.primaryLock}]});
	// A backup broker of this group that holds nothing: between two of its tries for the backup lock.
	const idle = await fakeBroker({properties: {'artemis.instance': copyInstance('backup', temp.dir), 'data.dir': data}, locks: []});
	const session = new Session(group.serverLock, {intervalMs: 100, waitingEveryMs: 200}).start();
	try {
		const waiting = () => session.getView().waiting ?? [];
		await waitFor('the idle backup broker among the waiting', () => waiting().some(broker => broker.pid === idle.pid), {timeoutMs: 10_000});
		const found = waiting().find(broker => broker.pid === idle.pid)!;
		assert.equal(found.label, 'broker-b (backup)');
		assert.match(found.text, /holds no lock: a backup starting, or waiting for the backup lock/);
		assert.ok(!waiting().some(broker => broker.pid === primary.pid), 'the primary holds a lock: not waiting');
		await stop(idle);
		await waitFor('the stopped broker to leave the list', () => !waiting().some(broker => broker.pid === idle.pid), {timeoutMs: 10_000});
	} finally {
		await session.close();
		await stop(primary);
		await stop(idle);
		temp.cleanup();
	}
});
