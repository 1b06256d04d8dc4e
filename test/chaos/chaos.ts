// npm run chaos -- [--seed N] [--events N] [--layout files|ranges] [--quiet]
// Exits 1 when any invariant was violated.
import process from 'node:process';
import {parseArgs} from 'node:util';
import {formatSummary, runChaos} from './harness.js';

const {values} = parseArgs({
	options: {
		seed: {type: 'string'},
		events: {type: 'string', default: '500'},
		quiet: {type: 'boolean', default: false},
		layout: {type: 'string', default: 'files'},
	},
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const events = Number(values.events);
const layout = values.layout === 'ranges' ? 'ranges' : values.layout === 'files' ? 'files' : undefined;
if (!Number.isInteger(seed) || !Number.isInteger(events) || events < 1 || !layout) {
	process.stderr.write('usage: chaos.js [--seed N] [--events N] [--layout files|ranges] [--quiet]\n');
	process.exit(3);
}

process.stdout.write(`chaos: seed ${seed} (rerun with --seed ${seed}), ${events} events, ${layout} layout\n`);
const summary = await runChaos({seed, events, layout, verbose: !values.quiet});
process.stdout.write(`${formatSummary(summary)}\n`);
process.exitCode = summary.violations.length > 0 || summary.reportOrder.length > 0 ? 1 : 0;
