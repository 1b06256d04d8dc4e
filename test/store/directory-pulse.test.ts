// The directory pulse after an OFD → OFD takeover (issue 14 §5): an OFD lock reads "OFD, pid
// -1" in F_OFD_GETLK and /proc/locks whoever holds it, so when its holder dies and a waiting
// process takes it, and nobody writes a byte, only the owner's own fdinfo tells. Real
// processes: python holding and waiting with F_OFD_SETLK / F_OFD_SETLKW on serverlock.1.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {HolderCache, encodeNewLockFile, probeLockFile} from '../../source/lock-file/index.js';
import {deviceToProc} from '../../source/lock-file/device-number.js';
import {DirectoryPulse} from '../../source/store/directory-pulse.js';
import {Session} from '../../source/session/session.js';
import {hasPython} from '../helpers/holders.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const linux = process.platform === 'linux';

// Whole-file OFD write lock, as an ha-tui node takes serverlock.1; "wait" blocks in the kernel.
const ofdScript = `
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
print('opened', flush=True)
fcntl.fcntl(fd, fcntl.F_OFD_SETLKW if sys.argv[2] == 'wait' else fcntl.F_OFD_SETLK, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 0, 0))
print('locked', flush=True)
sys.stdin.read()
`;

type Python = {child: ChildProcess; locked: Promise<void>; opened: Promise<void>};

function ofdPython(file: string, mode: 'take' | 'wait'): Python {
	const child = spawn('python3', ['-c', ofdScript, file, mode], {stdio: ['pipe', 'pipe', 'inherit']});
	let text = '';
	child.stdout!.setEncoding('utf8');
	const said = (word: string) => new Promise<void>((resolve, reject) => {
		const check = () => {
			if (text.includes(word)) resolve();
		};

		child.stdout!.on('data', (chunk: string) => {
			text += chunk;
			check();
		});
		child.once('exit', code => reject(new Error(`python exited with ${code} before '${word}': ${text}`)));
	});
	return {child, opened: said('opened'), locked: said('locked')};
}

async function kill(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.kill('SIGKILL');
	await once(child, 'exit');
}

function filesGroup() {
	const temp = tempDir('ha-tui-pulse-');
	for (const name of ['serverlock.1', 'serverlock.2']) fs.writeFileSync(path.join(temp.dir, name), '');
	const bytes = encodeNewLockFile();
	bytes[0] = 'L'.codePointAt(0)!;
	fs.writeFileSync(temp.file, bytes);
	return {...temp, live: path.join(temp.dir, 'serverlock.1')};
}

test('the pulse signature changes when an OFD holder dies and a waiting process takes its lock (nothing else changes)', {skip: !linux || !hasPython}, async () => {
	const group = filesGroup();
	const first = ofdPython(group.live, 'take');
	let second: Python | undefined;
	const pulse = new DirectoryPulse();
	try {
		await first.locked;
		second = ofdPython(group.live, 'wait');
		await second.opened;
		const before = probeLockFile(group.file);
		assert.equal(before.locks.live.holders[0]?.pid, first.child.pid, 'the probe names the first holder');
		pulse.follow(before);
		const signature = pulse.signature();
		await kill(first.child);
		await second.locked;
		// The kernel's answer is the same (an OFD lock, pid -1): only the dead owner tells.
		assert.notEqual(pulse.signature(), signature, 'the pulse must see that the owner it was told about is gone');
		// The probe that follows names the new owner, and the pulse is quiet again.
		const after = probeLockFile(group.file);
		assert.equal(after.locks.live.holders[0]?.pid, second.child.pid);
		assert.equal(pulse.follow(after), true, 'new owners to ask: the caller takes a new signature');
		assert.equal(pulse.signature(), signature);
	} finally {
		pulse.close();
		await kill(first.child);
		if (second) await kill(second.child);
		group.cleanup();
	}
});

test('a session names the new OFD holder without waiting for its timed probe (interval 60 s, no byte written)', {skip: !linux || !hasPython}, async () => {
	const group = filesGroup();
	const first = ofdPython(group.live, 'take');
	let second: Python | undefined;
	await first.locked;
	const session = new Session(group.file, {intervalMs: 60_000, pulseMs: 20}).start();
	try {
		second = ofdPython(group.live, 'wait');
		await second.opened;
		const livePid = () => session.getView().snapshot.probe?.locks.live.holders[0]?.pid;
		assert.equal(livePid(), first.child.pid);
		await kill(first.child);
		await second.locked;
		const pid = second.child.pid;
		await waitFor(`the session to name pid ${pid} as the live lock's holder`, () => livePid() === pid, {timeoutMs: 5000, context: () => `live holders: ${JSON.stringify(session.getView().snapshot.probe?.locks.live.holders.map(holder => holder.pid))}`});
	} finally {
		await session.close();
		await kill(first.child);
		if (second) await kill(second.child);
		group.cleanup();
	}
});

test('the holder cache finds the new OFD owner among the descriptors it knew (a waiter), without a scan of every process', {skip: !linux || !hasPython}, async () => {
	const group = filesGroup();
	const first = ofdPython(group.live, 'take');
	let second: Python | undefined;
	const cache = new HolderCache();
	try {
		await first.locked;
		second = ofdPython(group.live, 'wait');
		await second.opened;
		// Its blocked request shows in /proc/locks ("->"): the next probe learns its descriptor.
		const {dev, ino} = fs.statSync(group.live);
		const blocked = new RegExp(`->\\s+OFDLCK\\s.*\\s${deviceToProc(dev)}:${ino}\\s`);
		await waitFor('the waiter to be blocked in the kernel', () => blocked.test(fs.readFileSync('/proc/locks', 'utf8')));
		assert.equal(probeLockFile(group.file, cache).locks.live.holders[0]?.pid, first.child.pid);
		const scans = cache.scans;
		await kill(first.child);
		await second.locked;
		assert.equal(probeLockFile(group.file, cache).locks.live.holders[0]?.pid, second.child.pid);
		assert.equal(cache.scans, scans, 'found among the known descriptors');
	} finally {
		await kill(first.child);
		if (second) await kill(second.child);
		group.cleanup();
	}
});
