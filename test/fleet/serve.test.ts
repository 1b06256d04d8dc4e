// Issue 19 §3: the exporter under bad clients, and while every broker of a group is down.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {after, test} from 'node:test';
import {freePorts} from '../helpers/artemis.js';
import {hasPython} from '../helpers/holders.js';
import {newGroupDirectory, pythonPeer, type PythonPeer} from '../helpers/python-peer.js';
import {ProcessGroup} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../helpers/wait.js';

const processes = new ProcessGroup();
const peers: PythonPeer[] = [];
const temp = tempDir('ha-tui-serve-');
after(async () => {
	for (const peer of peers) peer.child.kill('SIGKILL');
	await processes.killAll();
	temp.cleanup();
});

async function get(port: number, pathname: string, headers: Record<string, string> = {}): Promise<{status: number; body: string}> {
	return new Promise((resolve, reject) => {
		const request = http.get({host: '127.0.0.1', port, path: pathname, agent: false, headers, timeout: 20_000}, response => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				body += chunk;
			});
			response.on('end', () => resolve({status: response.statusCode ?? 0, body}));
		});
		request.on('timeout', () => request.destroy(new Error(`GET ${pathname}: no answer in 20 s`)));
		request.on('error', reject);
	});
}

/** waitFor with a 30 s deadline, looking every 100 ms; a look that throws (the exporter not listening yet) is "not yet". */
const until = async <T>(what: string, check: () => Promise<T | undefined>): Promise<T> => waitFor(what, async () => check().catch(() => undefined), {timeoutMs: 30_000, everyMs: 100});

const metric = (body: string, name: string, pathLabel: string) => {
	const line = body.split('\n').find(candidate => candidate.startsWith(`${name}{`) && candidate.includes(`path="${pathLabel}"`));
	return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

test('serve: bad requests, slow clients and huge headers do not stop it; it reports a group whose brokers are all down', {skip: hasPython ? false : 'python3 is needed for the peers'}, async () => {
	const dir = path.join(temp.dir, 'journal');
	newGroupDirectory(dir);
	const live = pythonPeer(dir, 'live');
	peers.push(live);
	await live.live;
	const before = fs.readFileSync(path.join(dir, 'server.lock'));
	const [port] = await freePorts(1);
	const serve = processes.cli('serve', ['serve', dir, '--listen', `127.0.0.1:${port}`]);
	await until('the exporter', async () => ((await get(port, '/healthz')).status === 200 ? true : undefined));
	assert.equal(metric((await get(port, '/metrics')).body, 'ha_tui_primary_lock_held', dir), 1);

	// A slow client: connects, sends half a request line, and stays.
	const slow = net.connect(port, '127.0.0.1');
	await new Promise(resolve => slow.once('connect', resolve));
	slow.write('GET /metr');
	// Many idle connections at once.
	const idle = await Promise.all(Array.from({length: 40}, async () => new Promise<net.Socket>(resolve => {
		const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
		socket.on('error', () => {});
	})));
	assert.equal((await get(port, '/metrics')).status, 200, 'served while a slow client and 40 idle ones hang on');
	assert.equal((await get(port, '/no/such/path')).status, 404);
	assert.equal((await get(port, '/metrics', {'x-huge': 'a'.repeat(64 * 1024)}).catch(() => ({status: 431, body: ''}))).status, 431);
	assert.equal((await get(port, '/healthz')).status, 200, 'still fine after a huge header');
	// Garbage that is not HTTP.
	const garbage = net.connect(port, '127.0.0.1');
	garbage.on('error', () => {});
	garbage.write('\u0000\u0001 not http at all\r\n\r\n');
	const answer = await new Promise<string>(resolve => {
		let text = '';
		garbage.on('data', chunk => {
			text += chunk.toString();
		});
		garbage.on('close', () => resolve(text));
	});
	assert.match(answer, /^HTTP\/1\.1 400/);

	// Every broker of the group down: it goes on reporting, now no live.
	live.child.kill('SIGKILL');
	await until('no live on /metrics', async () => (metric((await get(port, '/metrics')).body, 'ha_tui_primary_lock_held', dir) === 0 ? true : undefined));
	const body = (await get(port, '/metrics')).body;
	assert.equal(metric(body, 'ha_tui_verdict', dir), 2);
	assert.match(body, /ha_tui_verdict_state\{path="[^"]+",verdict="no-live"\} 1/);
	// Every verdict of the one assessment is a series, the frozen and bad-state ones too.
	for (const verdict of ['live-frozen', 'no-usable-backup', 'bad-state']) assert.match(body, new RegExp(`ha_tui_verdict_state\\{path="[^"]+",verdict="${verdict}"\\} 0`));
	assert.equal((await get(port, '/healthz')).status, 200);
	for (const socket of [slow, ...idle]) socket.destroy();
	assert.ok(fs.readFileSync(path.join(dir, 'server.lock')).equals(before), 'the lock file is untouched');
	assert.deepEqual(fs.readdirSync(dir).sort(), ['server.lock', 'serverlock.1'], 'no file created next to the lock files');
	serve.kill('SIGTERM');
	assert.deepEqual(await serve.waitExit(), {code: 0, signal: null});
});
