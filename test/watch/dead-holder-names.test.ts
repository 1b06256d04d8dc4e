// Names, not pids (issue 14 §4): a line about a holder that has died ("live lock: broker-a
// (primary) pid N POSIX → free") names the broker, read while it was alive — in `watch` text
// and JSON, and in the TUI's event log (the session's). Before, the dead pid's broker could no
// longer be read and the line fell back to "pid N POSIX — python3 … Artemis run".
// Fake brokers: python processes with an Artemis command line and real instance directories.
import assert from 'node:assert/strict';
import path from 'node:path';
import {test} from 'node:test';
import {Session} from '../../source/session/session.js';
import type {BrokerInfo} from '../../source/broker/index.js';
import type {Holder} from '../../source/lock-file/index.js';
import {diffSnapshots} from '../../source/watch/index.js';
import {takeSnapshot, type HolderWithBroker} from '../../source/watch/snapshot.js';
import {makeSnapshot, ours} from '../ui/fixtures.js';
import {copyInstance, fakeBroker, hasPython, makeGroup, stop} from '../broker/fake-broker.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const skip = (process.platform !== 'linux' || !hasPython) && 'Linux and python3';

test('watch (text, --json) and the session\'s event log name a killed broker by its broker identity, not its command line', {skip}, async () => {
	const temp = tempDir('ha-tui-dead-names-');
	const data = path.join(temp.dir, 'data');
	const group = makeGroup(path.join(data, 'journal'));
	const primary = await fakeBroker({properties: {'artemis.instance': copyInstance('primary', temp.dir), 'data.dir': data}, locks: [{file: group.primaryLock}]});
	const backup = await fakeBroker({properties: {'artemis.instance': copyInstance('backup', temp.dir), 'data.dir': data}, locks: [{file: group.backupLock}]});
	const processes = new ProcessGroup();
	const session = new Session(group.serverLock, {intervalMs: 50}).start();
	try {
		const text = processes.cli('watch', ['watch', group.dir, '--interval', '50']);
		const json = processes.cli('watch --json', ['watch', group.dir, '--json', '--interval', '50']);
		await text.waitLine('the first holder line', line => line.includes('live lock:'));
		await json.waitLine('the first report', line => line.includes('"verdict"'));
		const pid = primary.pid!;
		await stop(primary);

		const released = new RegExp(`live lock: broker-a \\(primary\\) pid ${pid} POSIX → free`);
		const index = await text.waitLine('a line naming the dead primary by name', line => released.test(line) || (line.includes(`pid ${pid}`) && line.includes('→')), 10_000);
		assert.match(text.lines[index], released);
		assert.doesNotMatch(text.lines[index], /python3|Artemis run/);

		const reportIndex = await json.waitLine('a report with the release', line => line.includes(`pid ${pid}`) && line.includes('→'), 10_000);
		const report = JSON.parse(json.lines[reportIndex]) as {changes: Array<{kind: string; message: string}>};
		const message = report.changes.find(change => change.kind === 'locks')?.message ?? '';
		assert.match(message, released);

		await waitFor('the event log to record the release', () => session.getView().log.some(entry => entry.text.includes(`pid ${pid}`) && entry.text.includes('→')), {timeoutMs: 5000});
		const entry = session.getView().log.find(one => one.text.includes(`pid ${pid}`) && one.text.includes('→'))!;
		assert.match(entry.text, released);
		// The backup, alive, is named the same way in the first lines.
		assert.ok(text.lines.some(line => line.includes(`broker-b (backup) pid ${backup.pid} POSIX`)), text.lines.join('\n'));
	} finally {
		await session.close();
		await processes.killAll();
		await stop(primary);
		await stop(backup);
		temp.cleanup();
	}
});

test('a lock passing between two open file descriptions of one process reads as such, not "X → X"', () => {
	const before = makeSnapshot({live: {...ours, ofd: `${ours.pid}:21`}});
	const after = makeSnapshot({live: {...ours, ofd: `${ours.pid}:23`}});
	const [change] = diffSnapshots(before, after).filter(one => one.kind === 'locks');
	assert.ok(!change.message.includes(' → this process'), change.message);
	assert.match(change.message, new RegExp(`→ another open file description of the same process \\(${ours.pid}:23\\)$`));
});

test('a dying holder whose command line already reads empty, still holding its lock, keeps the name seen while it lived', () => {
	const alive = {pid: 4242, command: 'java … org.apache.activemq.artemis.boot.Artemis run', kind: 'POSIX' as const, sameProcess: false, identity: 'pid 4242'};
	const broker = {name: 'broker-a', role: 'primary'} as unknown as BrokerInfo;
	const before = makeSnapshot({live: {...alive, broker} as Holder});
	const dying = makeSnapshot({live: {...alive, command: undefined}});
	const next = takeSnapshot(dying.path, before, () => dying.probe!);
	const [holder] = next.probe!.locks.live.holders as HolderWithBroker[];
	assert.equal(holder.command, alive.command);
	assert.equal(holder.broker, broker);
	// Another holder on the same pid (another open file description) is not that one.
	const other = takeSnapshot(dying.path, before, () => makeSnapshot({live: {...alive, command: undefined, ofd: '4242:9'}}).probe!);
	assert.equal(other.probe!.locks.live.holders[0].command, undefined);
});
