// The library entry (package.json "exports"): built with its .d.ts, and without the helpers
// marked @internal (the npm pack test checks the same from an installed tarball).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import * as library from '../../source/index.js';
import {repoRoot} from '../helpers/spawned.js';

test('the library entry ships types and keeps @internal helpers out', () => {
	const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {exports: {'.': {types: string; default: string}}};
	const types = path.join(repoRoot(), manifest.exports['.'].types);
	assert.ok(fs.existsSync(types), `${types} is built`);
	for (const name of ['bindingForWait', 'encodeRequest']) {
		assert.equal(name in library, false, `${name} is exported`);
		assert.doesNotMatch(fs.readFileSync(path.join(repoRoot(), 'dist/source/lock-file/fcntl.d.ts'), 'utf8'), new RegExp(name), `${name} in fcntl.d.ts`);
	}

	assert.equal(typeof library.probeLockFile, 'function');
	assert.equal(typeof library.tryLock, 'function');
});
