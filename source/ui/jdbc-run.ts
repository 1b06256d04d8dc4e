// The TUI entry for a JDBC target (cli.tsx): parse, first look (bad input: one line, exit 3),
// then the screen until q or a signal. As run.ts does for a directory: one Stopper for the key
// and the signal, so in-process nodes are stopped once and within its bound; nodes left behind
// are named, and their leases run out by themselves.
import process from 'node:process';
import type {JdbcSessionOptions} from '../session/jdbc-session.js';
import {describeAbandoned, Stopper, type StopResult} from '../session/stopper.js';
import {JdbcInputError, parseJdbcTarget} from '../store/jdbc/target.js';
import {JdbcWatcher} from '../store/jdbc/watcher.js';
import {sanitize} from '../text/sanitize.js';
import {maskSecrets} from '../text/secrets.js';
import {untilQuit} from './until-quit.js';
import {withoutFetch} from './without-fetch.js';

/**
 * React, Ink and the screen's modules, loaded as run.ts loads them: NODE_ENV settled first (React
 * picks its build when first loaded), and fetch hidden (without-fetch.ts: else yoga loads undici).
 */
export async function loadJdbcScreen() {
	process.env.NODE_ENV ??= 'production';
	return withoutFetch(async () => {
		const [react, ink, app, jdbcSession, theme, boundary, painter, layout] = await Promise.all([import('react'), import('ink'), import('./jdbc-app.js'), import('../session/jdbc-session.js'), import('./theme.js'), import('./error-boundary.js'), import('./clock-painter.js'), import('./layout.js')]);
		return {React: react.default, render: ink.render, JdbcApp: app.JdbcApp, JdbcSession: jdbcSession.JdbcSession, ColorContext: theme.ColorContext, colorsWanted: theme.colorsWanted, ErrorBoundary: boundary.ErrorBoundary, ClockPainter: painter.ClockPainter, paintedScreen: painter.paintedScreen, paintArea: {minColumns: layout.MIN_COLUMNS, minRows: layout.MIN_ROWS}};
	});
}

/** The screen's cadence at rest: a look costs more than anything else it does while nothing happens. */
const REST = {afterMs: 5000, intervalMs: 1000} as const;

/** A JDBC node stops in a round trip or two; a dead database makes it wait for its timeouts. */
const STOP_BOUND_MS = 2000;

/** fromFleet: opened from the fleet screen (esc and q go back to it), as run.ts runTui. */
export async function runJdbcTui(input: string, options: {intervalMs: number; signal: AbortSignal; table?: string; sessionOptions?: JdbcSessionOptions; fromFleet?: boolean}): Promise<number> {
	const fail = (message: string) => {
		process.stderr.write(`ha-tui: ${sanitize(maskSecrets(message))}\n`);
		return 3;
	};

	if (!process.stdin.isTTY) return fail('stdin is not a terminal: the TUI needs keys (use `ha-tui watch` or `ha-tui status`)');
	let watcher: JdbcWatcher;
	try {
		const target = parseJdbcTarget(input, {table: options.table});
		// At rest (nothing changed for 5 s, no node of ours running) a look a second, not 4 (watcher.ts).
		watcher = new JdbcWatcher(target, {intervalMs: Math.max(options.intervalMs, 250), rest: REST});
		await watcher.start();
	} catch (error) {
		if (error instanceof JdbcInputError) return fail(error.message);
		throw error;
	}

	const {React, render, JdbcApp, JdbcSession, ColorContext, colorsWanted, ErrorBoundary, ClockPainter, paintedScreen, paintArea} = await loadJdbcScreen();
	const session = new JdbcSession(watcher, options.sessionOptions);
	const stopper = new Stopper(session, STOP_BOUND_MS);
	let ended: {code: number; result?: StopResult};
	try {
		// The clock and the leases' countdowns painted, not rendered (clock-painter.ts): at rest, no frame a second.
		const painter = new ClockPainter(process.stdout, paintArea);
		ended = await untilQuit(stopper, options.signal, ({onExit, onCrash}) => paintedScreen(painter, render(
			React.createElement(ColorContext.Provider, {value: colorsWanted()},
				React.createElement(ErrorBoundary, {onCrash, children: React.createElement(JdbcApp, {session, stopper, onExit, fromFleet: options.fromFleet, painter})})),
			{stdout: painter.stream, exitOnCtrlC: false, patchConsole: true},
		)));
	} finally {
		session.close();
		await watcher.close();
	}

	const {code, result} = ended;
	const note = result ? describeAbandoned(result, STOP_BOUND_MS) : undefined;
	if (note) {
		process.stderr.write(`ha-tui: ${note.replace('the kernel releases its locks as the process exits (as in a crash)', 'its leases run out by themselves (as in a crash)')}\n`);
		// Nodes left running hold the event loop (timers, connections): the process ends here.
		process.exit(code);
	}

	return code;
}
