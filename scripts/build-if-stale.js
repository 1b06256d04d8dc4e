// `npm test` builds only when dist/ is older than what it is built from: a clone's `npm ci` or
// `npm install` has just built it (the `prepare` script), and CI would otherwise build twice.
// Stale: no dist/bin/cli.js (the build's last output), a source or build file newer than it, or
// a compiled file whose source is gone (a deleted test would still run from dist/).
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const output = 'dist/bin/cli.js';
const configs = ['cli.tsx', 'scripts/bundle.js', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function* files(dir) {
	let entries;
	try {
		entries = fs.readdirSync(dir, {withFileTypes: true});
	} catch {
		return;
	}

	for (const entry of entries) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) yield* files(full);
		else yield full;
	}
}

const mtime = file => {
	try {
		return fs.statSync(file).mtimeMs;
	} catch {
		return 0;
	}
};

function staleBecause() {
	const built = mtime(output);
	if (built === 0) return `${output} is missing`;
	for (const file of [...configs, ...files('source'), ...files('test')]) {
		if (/\.(tsx?|js|json)$/.test(file) && mtime(file) > built) return `${file} changed`;
	}

	for (const file of [...files('dist/source'), ...files('dist/test')]) {
		if (!file.endsWith('.js')) continue;
		const source = file.slice('dist/'.length, -'.js'.length);
		if (!fs.existsSync(`${source}.ts`) && !fs.existsSync(`${source}.tsx`)) return `${source}.ts is gone`;
	}

	return undefined;
}

const why = staleBecause();
if (why) {
	console.log(`build: ${why}`);
	execFileSync('npm', ['run', 'build'], {stdio: 'inherit'});
} else {
	console.log(`build: ${output} is newer than its sources`);
}
