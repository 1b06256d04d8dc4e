// Ink's layout engine must load without Node's HTTP client (the first frame pays for it), and
// fetch must be there again afterwards. Each case in a fresh process: a module loads once.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {cliPath} from '../helpers/cli.js';

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

/** In a fresh process: a screen's module imported as cli.tsx imports it, then its loader, then what loaded. */
function loadScreen(module: string, loader: string): {undici: boolean; ink: boolean; fetch: string; environment: string | undefined} {
	const file = fileURLToPath(new URL(`../../source/ui/${module}`, import.meta.url));
	const script = `
		const {withoutFetch} = await import(${JSON.stringify(helper)});
		const screen = await withoutFetch(() => import(${JSON.stringify(file)}));
		const loaded = await screen.${loader}();
		const undici = process.moduleLoadList.some(name => name.includes('undici'));
		console.log(JSON.stringify({undici, ink: typeof loaded.render === 'function', fetch: typeof globalThis.fetch, environment: process.env.NODE_ENV}));`;
	const environment = {...process.env};
	delete environment.NODE_ENV;
	return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8', env: environment})) as {undici: boolean; ink: boolean; fetch: string; environment: string | undefined};
}

test('the JDBC screen and the fleet screen load Ink as the file screen does: no undici, fetch back after, React in production', () => {
	assert.deepEqual(loadScreen('jdbc-run.js', 'loadJdbcScreen'), {undici: false, ink: true, fetch: 'function', environment: 'production'});
	assert.deepEqual(loadScreen('fleet-run.js', 'loadFleetScreen'), {undici: false, ink: true, fetch: 'function', environment: 'production'});
});

test('pg loads undici as it is imported (its Cloudflare check builds a Response), and not with the fetch globals hidden', () => {
	const script = (hidden: boolean) => `
		const {withoutFetch} = await import(${JSON.stringify(helper)});
		const load = () => import('pg');
		await (${hidden} ? withoutFetch(load) : load());
		console.log(JSON.stringify({undici: process.moduleLoadList.some(name => name.includes('undici')), Response: typeof Response}));`;
	const run = (hidden: boolean) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script(hidden)], {encoding: 'utf8'})) as unknown;
	assert.deepEqual(run(false), {undici: true, Response: 'function'});
	assert.deepEqual(run(true), {undici: false, Response: 'function'});
});

test('the bin: status on a database loads no undici (the one-line refusal still comes)', () => {
	// A port in this suite's range that nothing listens on: connection refused at once.
	const hook = `data:text/javascript,process.on('exit',()=>process.stderr.write('undici='+process.moduleLoadList.some(n=>n.includes('undici'))+'\\n'))`;
	const run = spawnSync(process.execPath, ['--import', hook, cliPath, 'status', 'postgresql://ha@127.0.0.1:62499/ha'], {encoding: 'utf8', timeout: 20_000});
	assert.equal(run.status, 3, run.stderr);
	assert.match(run.stderr, /^ha-tui: .*127\.0\.0\.1:62499/m);
	assert.match(run.stderr, /^undici=false$/m);
});

test('fetch is put back when the import fails', async () => {
	const {withoutFetch} = await import('../../source/ui/without-fetch.js');
	const names = ['fetch', 'Response', 'Request', 'Headers', 'FormData'];
	const before = names.map(name => Object.getOwnPropertyDescriptor(globalThis, name));
	await assert.rejects(withoutFetch(async () => {
		for (const name of names) assert.equal(name in globalThis, false, name);
		throw new Error('boom');
	}), /boom/);
	assert.deepEqual(names.map(name => Object.getOwnPropertyDescriptor(globalThis, name)), before);
});
