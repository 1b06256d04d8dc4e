// touched-while-live judged by open file description (issue 14 §5): a takeover writes L again
// and sets server.lock's mtime on purpose — that is no touch — but a touch AFTER the takeover,
// while the new holder is live, is one. Real processes (`ha-tui node`, python OFD holders), a
// Session watching. (An ha-tui node live stops on a foreign touch, as Artemis 2.29+ does: the
// touch after the takeover is made under a python holder, which keeps its lock.)
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {test} from 'node:test';
import {Session} from '../../source/session/session.js';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {nodeGroup} from '../helpers/cli.js';
import {hasPython} from '../helpers/holders.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const worst = (session: Session) => session.getView().doctor?.findings.find(finding => finding.level !== 'info' && finding.level !== 'ok');
const touchedWhileLive = (session: Session) => session.getView().doctor?.findings.some(finding => finding.id === 'touched-while-live') ?? false;

test('a takeover between two ha-tui node processes is not a touch (the new live touches server.lock as it takes over)', {skip: process.platform !== 'linux' && 'Linux only'}, async () => {
	const group = nodeGroup();
	let session: Session | undefined;
	try {
		const primary = group.start('live', ['--layout', 'files']);
		await primary.waitEvent('live');
		const backup = group.start('backup', ['--layout', 'files']);
		await backup.waitEvent('waiting-live-lock');
		session = new Session(group.file, {intervalMs: 50}).start();
		const watching = session;
		const liveHolder = () => watching.getView().snapshot.probe?.locks.live.holders[0]?.pid;
		await waitFor('the session to see the primary live', () => liveHolder() === primary.child.pid && watching.getView().doctor !== undefined);
		// A moment at L with its mtime: what the observer compares with.
		await new Promise(resolve => setTimeout(resolve, 300));
		primary.child.kill('SIGKILL');
		await backup.waitEvent('live');
		await waitFor('the session to name the backup as the live holder', () => liveHolder() === backup.child.pid);
		// The backup wrote L (a newer mtime) as it took over: never a touch.
		for (let look = 0; look < 5; look++) {
			await new Promise(resolve => setTimeout(resolve, 100));
			assert.equal(touchedWhileLive(watching), false, `a takeover is not a touch: ${JSON.stringify(worst(watching))}`);
		}

	} finally {
		await session?.close();
		await group.cleanup();
	}
});

// A JVM-like live on serverlock.1 by OFD lock; "wait": blocks for it, then touches server.lock
// after `touchAfterMs` (its own takeover touch, later than the lock: the window a look can fall in).
const ofdScript = `
import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
print('opened', flush=True)
fcntl.fcntl(fd, fcntl.F_OFD_SETLKW if sys.argv[2] == 'wait' else fcntl.F_OFD_SETLK, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 0, 0))
print('locked', flush=True)
if sys.argv[2] == 'wait':
    time.sleep(float(sys.argv[4]) / 1000)
    os.utime(sys.argv[3])
    print('touched', flush=True)
sys.stdin.read()
`;

function ofdPython(live: string, mode: 'take' | 'wait', server: string, touchAfterMs = 0) {
	const child = spawn('python3', ['-c', ofdScript, live, mode, server, String(touchAfterMs)], {stdio: ['pipe', 'pipe', 'inherit']});
	let text = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		text += chunk;
	});
	const said = async (word: string) => waitFor(`python to say ${word}`, () => text.includes(word) || child.exitCode !== null, 10_000).then(() => {
		if (!text.includes(word)) throw new Error(`python exited with ${String(child.exitCode)} before '${word}'`);
	});
	return {child, said};
}

async function kill(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.kill('SIGKILL');
	await once(child, 'exit');
}

test('after a takeover that touches server.lock a moment after its lock, a touch while the new holder is live is touched-while-live', {skip: (process.platform !== 'linux' || !hasPython) && 'Linux and python3'}, async () => {
	const temp = tempDir('ha-tui-touched-');
	for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(temp.dir, name), '');
	const bytes = encodeNewLockFile();
	bytes[0] = 'L'.codePointAt(0)!;
	fs.writeFileSync(temp.file, bytes);
	const live = path.join(temp.dir, 'serverlock.1');
	const first = ofdPython(live, 'take', temp.file);
	let second: ReturnType<typeof ofdPython> | undefined;
	const session = new Session(temp.file, {intervalMs: 50}).start();
	try {
		await first.said('locked');
		second = ofdPython(live, 'wait', temp.file, 400);
		await second.said('opened');
		const liveHolder = () => session.getView().snapshot.probe?.locks.live.holders[0]?.pid;
		await waitFor('the session to see the first holder', () => liveHolder() === first.child.pid && session.getView().doctor !== undefined);
		await new Promise(resolve => setTimeout(resolve, 300));
		await kill(first.child);
		const next = second.child.pid;
		await waitFor('the session to name the second holder', () => liveHolder() === next);
		await second.said('touched');
		for (let look = 0; look < 5; look++) {
			await new Promise(resolve => setTimeout(resolve, 100));
			assert.equal(touchedWhileLive(session), false, `the takeover's own touch is not a touch: ${JSON.stringify(worst(session))}`);
		}

		// Somebody else touches server.lock while the new holder is live: that one counts.
		const later = new Date(Date.now() + 10_000);
		fs.utimesSync(temp.file, later, later);
		await waitFor('touched-while-live after a touch under the new live', () => touchedWhileLive(session), {timeoutMs: 5000, context: () => JSON.stringify(session.getView().doctor?.findings.map(finding => finding.id))});
	} finally {
		await session.close();
		await kill(first.child);
		if (second) await kill(second.child);
		temp.cleanup();
	}
});
