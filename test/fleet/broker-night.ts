// A real broker pair's "night", recorded (issue 18 §3, for the README): two failovers after
// SIGKILL, two failbacks, a frozen primary, a clean stop and restart — `ha-tui watch --record`
// all along, then `ha-tui history` on the record. Run: node dist/test/fleet/broker-night.js
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {BrokerPair, brokerLine, brokerLog, realArtemis} from '../helpers/artemis.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';

const artemis = await realArtemis();
if ('skip' in artemis) {
	process.stderr.write(`${artemis.skip}\n`);
	process.exit(0);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-night-'));
const out = process.argv[2] ?? path.join(os.tmpdir(), 'ha-tui-night.ndjson');
fs.rmSync(out, {force: true});
const group = new ProcessGroup();
const say = (text: string) => process.stderr.write(`${new Date().toISOString()} ${text}\n`);
const pause = async (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
try {
	const pair = await BrokerPair.create(artemis, root);
	let {primary, backup} = await pair.startBoth(group);
	const watch = group.cli('watch', ['watch', pair.journal, '--record', out]);
	await watch.waitLine('watching', line => line.includes('live is up and a backup is queued'), 30_000);
	await pause(3000);
	for (let round = 1; round <= 2; round++) {
		say(`round ${round}: SIGKILL the primary`);
		const active = backup.lines.length;
		primary.kill('SIGKILL');
		await brokerLine(backup, brokerLog.backupActive, 60_000, active);
		await pause(4000);
		say(`round ${round}: restart the primary (failback)`);
		const from = backup.lines.length;
		primary = pair.start(group, 'primary', `broker-primary-${round}`);
		await brokerLine(primary, brokerLog.primaryActive, 120_000);
		// The backup steps down and restarts as a backup (restart-backup).
		await brokerLine(backup, brokerLog.backupWaiting, 120_000, from).catch(async () => {
			backup.kill('SIGKILL');
			backup = pair.start(group, 'backup', `broker-backup-${round}`);
			await brokerLine(backup, brokerLog.backupWaiting, 120_000);
		});
		await pause(4000);
	}

	say('SIGSTOP the primary for 5 s');
	primary.kill('SIGSTOP');
	await pause(5000);
	primary.kill('SIGCONT');
	await pause(3000);
	say('SIGTERM the primary (a clean stop: P), then start it again');
	primary.kill('SIGTERM');
	await primary.waitExit(60_000);
	await pause(3000);
	primary = pair.start(group, 'primary', 'broker-primary-3');
	await brokerLine(primary, brokerLog.primaryActive, 120_000);
	await pause(3000);
	watch.kill('SIGTERM');
	await watch.waitExit();
	const history = await runCli(['history', out]);
	process.stdout.write(history.stdout);
	process.stderr.write(history.stderr);
	say(`record: ${out}`);
} finally {
	await group.killAll();
	fs.rmSync(root, {recursive: true, force: true});
}
