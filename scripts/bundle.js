// Bundles the compiled CLI (dist/cli.js, from tsc) into dist/bin/ for the `ha-tui` bin.
// Why: Ink and its dependencies are ~700 small ES modules (es-toolkit/compat alone is ~176 ms
// to load here for one `throttle`); loading them one by one doubled the time to the first
// frame (≈ 800 ms → ≈ 420 ms) and cost ≈ 20 MB of RSS. Code splitting keeps the lazy imports
// lazy (status/watch/node never load Ink). koffi stays external: it loads a native binary.
import fs from 'node:fs';
import path from 'node:path';
import {build} from 'esbuild';

// Three dependencies are edited as they are bundled, for the first frame and each frame's CPU (each edit must find its
// text exactly once, or the build fails: an upgrade that moves it is seen, not silently lost).
const narrowWidthFile = path.resolve('dist/source/text/narrow-width.js');
const outputRowsFile = path.resolve('dist/source/text/output-rows.js');
const edits = [
	{
		// Ink's string-width, with a fast path in front (source/text/narrow-width.ts says why):
		// only the copy Ink resolves, whose widths test/text/narrow-width.test.ts checks.
		file: path.resolve('node_modules/string-width/index.js'),
		from: 'export default function stringWidth(',
		to: 'function segmentedWidth(',
		append: `
import {narrowWidth as __narrowWidth} from ${JSON.stringify(narrowWidthFile)};
export default function stringWidth(input, options = {}) {
	if (typeof input === 'string' && options.ambiguousIsNarrow !== false && !options.countAnsiEscapeCodes) {
		const width = __narrowWidth(input.includes('\\u001B') || input.includes('\\u009B') ? stripAnsi(input) : input);
		if (width !== undefined) return width;
	}

	return segmentedWidth(input, options);
}
`,
	},
	{
		// Ink's Output.get(), with the lines that did not change kept from the frame before
		// (source/text/output-rows.ts says why; test/text/output-rows.test.ts compares the two).
		file: path.resolve('node_modules/ink/build/output.js'),
		from: '    get() {\n',
		to: '    get() {\n        return __outputRows(this, {sliceAnsi, styledCharsToString});\n    }\n    inkGet() {\n',
		append: `
import {outputRows as __outputRows} from ${JSON.stringify(outputRowsFile)};
`,
	},
	{
		// meow loads normalize-package-data (and the SPDX licence lists) as it is imported, 10–19 ms
		// of every command, to normalise a package.json only for its own --help and --version,
		// which usage.ts does not use: loaded when first called instead.
		file: path.resolve('node_modules/meow/build/dependencies.js'),
		from: 'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
		to: 'const normalizePackageData = data => getDefaultExportFromCjs(requireNormalize())(data);',
	},
];

const editDependencies = {
	name: 'edit-dependencies',
	setup(esbuild) {
		esbuild.onLoad({filter: /[\\/]node_modules[\\/].*\.js$/}, async ({path: file}) => {
			const edit = edits.find(one => one.file === file);
			if (!edit) return undefined;
			const source = await fs.promises.readFile(file, 'utf8');
			if (source.split(edit.from).length !== 2) throw new Error(`${file}: expected "${edit.from}" once, to edit it for the first frame (scripts/bundle.js)`);
			edit.done = true;
			return {loader: 'js', contents: source.replace(edit.from, edit.to) + (edit.append ?? '')};
		});
	},
};

await build({
	entryPoints: ['dist/cli.js'],
	outdir: 'dist/bin',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20.19',
	// Ink imports react-devtools-core only when DEV=true; it is not a dependency.
	external: ['koffi', 'react-devtools-core'],
	// CommonJS dependencies call require() for Node built-ins.
	banner: {js: "import {createRequire as __haTuiRequire} from 'node:module'; const require = __haTuiRequire(import.meta.url);"},
	define: {'process.env.NODE_ENV': '"production"'},
	logLevel: 'warning',
	plugins: [editDependencies],
});
for (const edit of edits) if (!edit.done) throw new Error(`${edit.file}: not bundled any more: drop its edit from scripts/bundle.js`);

// Start through /bin/sh so Node gets a flag a `#!/usr/bin/env node` line cannot pass portably
// (`env -S` is missing from busybox). The second line is a no-op to sh before it execs node,
// and a string plus a comment to JavaScript. A small young generation (1 MB semi-spaces
// instead of up to 16 MB) keeps the TUI's RSS ≈ 20 MB lower at the cost of more frequent
// scavenges, which are tiny here. No memory reducer: V8 runs it once the allocation rate drops
// after start, three full GCs 8–9 s after opening (armed as startup grows the old generation),
// to give back ≈ 3 MB of a 13 MB heap — 40–80 ms of CPU, a fifth of the screen's budget at rest
// (≤ 1 % of a core) in its first 20 s; the ordinary full GCs still run when the heap grows.
// UV_THREADPOOL_SIZE must be in the environment before node
// starts: libuv sizes its pool at first use, which the module loader makes before any of our
// code runs (set from JavaScript, the pool stayed at 4 threads). Each waiting in-process node
// parks one pool thread in a blocking fcntl.
const bin = 'dist/bin/cli.js';
const code = fs.readFileSync(bin, 'utf8').replace(/^#!.*\n/, '');
fs.writeFileSync(bin, `#!/bin/sh\n':' //; UV_THREADPOOL_SIZE="\${UV_THREADPOOL_SIZE:-16}" exec node --max-semi-space-size=1 --no-memory-reducer "$0" "$@"\n${code}`);
fs.chmodSync(bin, 0o755);
