import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {pathToFileURL} from 'node:url';
import {styledCharsToString} from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import {outputRows, type InkOutput, type InkText, type StyledChar} from '../../source/text/output-rows.js';
import {cliPath} from '../helpers/cli.js';
import {repoRoot} from '../helpers/spawned.js';

type Transformer = (line: string, index: number) => string;
type Output = InkOutput & {
	write(x: number, y: number, text: string, options: {transformers: Transformer[]}): void;
	clip(clip: {x1?: number; x2?: number; y1?: number; y2?: number}): void;
	unclip(): void;
	get(): {output: string; height: number};
};
type OutputClass = new (options: {width: number; height: number}) => Output;

/** Ink's own Output, as npm installed it (the bin has the edited copy). */
async function inkOutput(): Promise<OutputClass> {
	const file = path.join(repoRoot(), 'node_modules', 'ink', 'build', 'output.js');
	return ((await import(pathToFileURL(file).href)) as {default: OutputClass}).default;
}

const ink: InkText = {sliceAnsi, styledCharsToString: chars => styledCharsToString(chars as Parameters<typeof styledCharsToString>[0])};

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6D_2B_79_F5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const pieces = ['a', 'Locks', ' ', '─', '█▓▒', '日本', 'e\u0301', '✔', '\u001B[31m', '\u001B[39m', '\u001B[1m', '\u001B[22m', '\u001B[38;5;208m', '\u001B[0m', '×'];
const transformers: Transformer[] = [
	line => `\u001B[32m${line}\u001B[39m`,
	(line, index) => (index % 2 === 0 ? `\u001B[1m${line}\u001B[22m` : line),
	line => line.toUpperCase(),
];

/** A random screen: writes (some multi-line, some off the screen), clips, transformers. */
function fill(output: Output, next: () => number, width: number, height: number): void {
	const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
	let clips = 0;
	for (let index = 0; index < 25; index++) {
		const roll = next();
		if (roll < 0.1) {
			const x1 = Math.floor(next() * width);
			const y1 = Math.floor(next() * height);
			output.clip(next() < 0.5 ? {x1, x2: x1 + Math.floor(next() * width), y1, y2: y1 + Math.floor(next() * height)} : {x1, x2: x1 + Math.floor(next() * width)});
			clips++;
		} else if (roll < 0.15 && clips > 0) {
			output.unclip();
			clips--;
		} else {
			const lines = Array.from({length: 1 + Math.floor(next() * 3)}, () => Array.from({length: Math.floor(next() * 6)}, () => pick(pieces)).join(''));
			const chosen = transformers.filter(() => next() < 0.3);
			output.write(Math.floor(next() * (width + 4)) - 2, Math.floor(next() * (height + 2)) - 1, lines.join('\n'), {transformers: chosen});
		}
	}
}

test('outputRows gives what Ink\'s Output.get gives, on 400 random screens, drawn twice and changed', async () => {
	const Output = await inkOutput();
	for (let seed = 1; seed <= 400; seed++) {
		const width = 5 + (seed % 17);
		const height = 1 + (seed % 7);
		// The same screen in two frames (the second from the kept lines), then another.
		for (const frameSeed of [seed, seed, seed + 1000]) {
			const output = new Output({width, height});
			fill(output, random(frameSeed), width, height);
			assert.deepEqual(outputRows(output, ink), output.get(), `seed ${frameSeed}, ${width}×${height}`);
		}
	}
});

test('outputRows builds again only the lines whose texts changed', async () => {
	const Output = await inkOutput();
	let built = 0;
	const counting: InkText = {sliceAnsi, styledCharsToString(chars: StyledChar[]) {
		built++;
		return ink.styledCharsToString(chars);
	}};
	const frame = (clock: string) => {
		const output = new Output({width: 40, height: 4});
		output.write(0, 0, `Header ${clock}`, {transformers: []});
		output.write(0, 1, 'Locks\nprimary  held', {transformers: [transformers[0]]});
		output.write(20, 3, '█▓▒', {transformers: []});
		return outputRows(output, counting);
	};

	frame('12:00:00');
	built = 0;
	assert.equal(frame('12:00:00').output, 'Header 12:00:00\n\u001B[32mLocks\u001B[39m\n\u001B[32mprimary  held\u001B[39m\n                    █▓▒');
	assert.equal(built, 0, 'a frame like the last one builds no line');
	frame('12:00:01');
	assert.equal(built, 1, 'one line changed: one line built');
	// The same texts at another width, or at another column, are other lines.
	const wider = new Output({width: 41, height: 1});
	wider.write(0, 0, 'Header 12:00:01', {transformers: []});
	built = 0;
	outputRows(wider, counting);
	assert.equal(built, 1);
});

test('the bin draws frames with outputRows in place of Ink\'s Output.get', () => {
	const dir = path.dirname(cliPath);
	const bundle = fs.readdirSync(dir).filter(name => name.endsWith('.js')).map(name => fs.readFileSync(path.join(dir, name), 'utf8')).join('\n');
	assert.match(bundle, /get\(\) \{\s*return outputRows\(this, \{ sliceAnsi, styledCharsToString \}\);\s*\}\s*inkGet\(\) \{/);
});
