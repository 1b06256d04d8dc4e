// Runs one headless HA node until a signal, a lost lock or an error, then stops it: the one
// life cycle of `node` for every store, and its exit code.
import type {HaNode, NodeEvent, NodeLook} from '../node-manager/index.js';
import {EXIT, type Io} from './output.js';

type Ending = 'signal' | 'lost-lock' | 'error';

/**
 * Listens before `start` runs, so a SIGTERM or an error event that comes while the node is
 * still setting up ends it cleanly too. `start` may throw (bad input): the caller decides.
 */
export async function runNodeUntilEnd(haNode: HaNode, signal: AbortSignal, start: () => void): Promise<number> {
	const ended = new Promise<Ending>(resolve => {
		if (signal.aborted) resolve('signal');
		signal.addEventListener('abort', () => resolve('signal'), {once: true});
		haNode.on('event', event => {
			if (event.event === 'lost-lock') resolve('lost-lock');
			if (event.event === 'error') resolve('error');
		});
	});
	start();
	const reason = await ended;
	await haNode.stop();
	if (reason === 'lost-lock') return EXIT.critical;
	return reason === 'error' ? EXIT.unknown : EXIT.ok;
}

/**
 * The node's NDJSON on stdout: every event, its time in ISO form, and `extra` (the JDBC holder
 * id); with `trace`, also every look that decided to wait (NodeLook: `"event":"look"`).
 */
export function printNodeEvents(haNode: HaNode, io: Io, options: {trace?: boolean; extra?: Readonly<Record<string, unknown>>} = {}): void {
	const print = (record: NodeEvent | NodeLook) => io.out(JSON.stringify({...record, time: new Date(record.time).toISOString(), ...options.extra}));
	haNode.on('event', print);
	if (options.trace) haNode.on('look', print);
}
