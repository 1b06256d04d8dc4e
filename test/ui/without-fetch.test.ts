// Ink's layout engine must load without Node's HTTP client (the first frame pays for it), and
// fetch must be there again afterwards. Each case in a fresh process: a module loads once.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const helper = fileURLToPath(new URL('../../source/ui/without-fetch.js', import.meta.url));

function loadInk(hidden: boolean): {undici: boolean; fetch: string} {
	const script = `
		const {withoutFetch} = await import(${JSON.stringify(helper)});
		const load = () => import('ink');
		await (${hidden} ? withoutFetch(load) : load());
		const undici = process.moduleLoadList.some(name => name.includes('undici'));
		console.log(JSON.stringify({undici, fetch: typeof globalThis.fetch}));`;
	return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8', env: {...process.env, NODE_ENV: 'production'}})) as {undici: boolean; fetch: string};
}

test('Ink imported with fetch hidden: undici never loads, and fetch is a function again after', () => {
	assert.deepEqual(loadInk(true), {undici: false, fetch: 'function'});
});

test('the cause: Ink imported plainly loads undici (yoga fetch()es its inlined wasm)', () => {
	assert.deepEqual(loadInk(false), {undici: true, fetch: 'function'});
});

test('fetch is put back when the import fails', async () => {
	const {withoutFetch} = await import('../../source/ui/without-fetch.js');
	const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
	await assert.rejects(withoutFetch(async () => {
		assert.equal(typeof globalThis.fetch, 'undefined');
		throw new Error('boom');
	}), /boom/);
	assert.deepEqual(Object.getOwnPropertyDescriptor(globalThis, 'fetch'), before);
});
