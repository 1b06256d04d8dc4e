// `npm run test:unit`: the fast layer, the edit loop. Which files it runs, in one place:
// every compiled test under the unit directories (and the parser fuzz), except the real-code
// tests (real-*: JVMs, real brokers), the command-line tests (cli.test.js) and the files that
// start a PostgreSQL server for one screen or finding (they import helpers/postgres.js): those
// are integration tests and run in `npm test`. The scenario suite is the one exception it keeps:
// one suite runs every NodeManager scenario against every store, the JDBC one included.
// Two files at a time (node --test runs one by default on a 2-core machine): the tests wait on
// real processes and the kernel far more than they compute, and each file is isolated (its own
// temp directories, ports and fake brokers; the doctor's tests look only at their own).
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const UNIT_DIRECTORIES = ['lock-file', 'node-manager', 'session', 'watch', 'ui', 'text', 'broker', 'doctor'].map(name => path.join('dist/test', name));
const EXTRA = ['dist/test/fuzz/parsers.test.js'];
/** Starts a database server, yet belongs here: the store-neutral scenario suite. */
const KEPT = new Set(['dist/test/node-manager/scenarios.test.js']);

function* testFiles(dir) {
	for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) yield* testFiles(full);
		else if (entry.name.endsWith('.test.js')) yield full;
	}
}

const startsPostgres = file => !KEPT.has(file) && /from '\.\.\/helpers\/postgres\.js'/.test(fs.readFileSync(file, 'utf8'));
const files = [...UNIT_DIRECTORIES.flatMap(dir => [...testFiles(dir)]), ...EXTRA]
	.filter(file => !path.basename(file).startsWith('real-') && path.basename(file) !== 'cli.test.js' && !startsPostgres(file))
	.sort();

if (process.argv.includes('--list')) {
	for (const file of files) console.log(file);
} else {
	const {status, signal} = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...process.argv.slice(2), ...files], {stdio: 'inherit'});
	process.exitCode = status ?? (signal ? 1 : 0);
}
