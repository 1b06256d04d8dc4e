import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import stringWidth from 'string-width';
import {NARROW_ONLY, narrowWidth} from '../../source/text/narrow-width.js';
import {cliPath} from '../helpers/cli.js';

/** Every code point of the BMP that NARROW_ONLY takes. */
function narrowSet(): string[] {
	const set: string[] = [];
	for (let code = 0; code < 0x1_00_00; code++) {
		const character = String.fromCodePoint(code);
		if (NARROW_ONLY.test(character)) set.push(character);
	}

	return set;
}

test('narrowWidth: every character it takes is one column for string-width, and its own grapheme', () => {
	const set = narrowSet();
	assert.ok(set.length > 1000, `${set.length} characters`);
	const segmenter = new Intl.Segmenter();
	const wrong = set.filter(character => stringWidth(character) !== 1 || [...segmenter.segment(`a${character}a${character}${character}`)].length !== 5);
	assert.deepEqual(wrong.map(character => `U+${character.codePointAt(0)!.toString(16)}`), []);
});

test('narrowWidth: the screen\'s own strings measure as string-width measures them; others are left to it', () => {
	for (const text of ['', 'Locks', ' primary (live) ● held broker-a (primary) pid 4321  seen for 5s', '✔ OK: healthy — live is up · ≤ 1 % ≈ µs', '├──┤ █▓▒░ ◌ ○ ▲ ▶ ▏│ × − ‼ ↑↓→']) {
		assert.equal(narrowWidth(text), stringWidth(text), text);
	}

	// Wide, combining, invisible, emoji, controls: not taken (string-width decides).
	for (const text of ['日本', 'e\u0301', 'a\u200Db', '✅', '◽', 'a\u00ADb', 'tab\there', '🙂', 'x\uFE0F']) assert.equal(narrowWidth(text), undefined, text);
});

test('the bin puts narrowWidth in front of Ink\'s string-width, and meow loads normalize-package-data only when called', () => {
	const dir = path.dirname(cliPath);
	const bundle = fs.readdirSync(dir).filter(name => name.endsWith('.js')).map(name => fs.readFileSync(path.join(dir, name), 'utf8')).join('\n');
	assert.match(bundle, /function segmentedWidth\(/);
	assert.match(bundle, /return segmentedWidth\(input, options\)/);
	assert.ok(bundle.includes(NARROW_ONLY.source), 'the fast path\'s set is in the bundle');
	assert.match(bundle, /normalizePackageData = \(data\) => getDefaultExportFromCjs\(requireNormalize\(\)\)\(data\)/);
	// Still a working command line.
	const run = spawnSync(cliPath, ['--version'], {encoding: 'utf8'});
	assert.equal(run.status, 0, run.stderr);
	assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
});
