// Bundles the compiled CLI (dist/cli.js, from tsc) into dist/bin/ for the `ha-tui` bin.
// Why: Ink and its dependencies are ~700 small ES modules (es-toolkit/compat alone is ~176 ms
// to load here for one `throttle`); loading them one by one doubled the time to the first
// frame (≈ 800 ms → ≈ 420 ms) and cost ≈ 20 MB of RSS. Code splitting keeps the lazy imports
// lazy (status/watch/node never load Ink). koffi stays external: it loads a native binary.
import {build} from 'esbuild';

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
});
