// Puts the App on the terminal. Loaded by run.ts only after NODE_ENV is settled, because
// React picks its build when it is first loaded.
import process from 'node:process';
import React from 'react';
import {render} from 'ink';
import type {StopResult, Stopper} from '../session/stopper.js';
import type {SessionLike} from '../session/types.js';
import {App} from './app.js';
import {ClockPainter, paintedScreen} from './clock-painter.js';
import {ErrorBoundary} from './error-boundary.js';
import {MIN_COLUMNS, MIN_ROWS} from './layout.js';
import {ColorContext, colorsWanted} from './theme.js';

export type Mounted = {unmount: () => void; waitUntilExit: () => Promise<unknown>};

export function mount(session: SessionLike, handlers: {stopper: Stopper; onExit: (code: number, result?: StopResult) => void; onCrash: (error: Error) => void; fromFleet?: boolean}): Mounted {
	const painter = new ClockPainter(process.stdout, {minColumns: MIN_COLUMNS, minRows: MIN_ROWS});
	const instance = render(
		<ColorContext.Provider value={colorsWanted()}>
			<ErrorBoundary onCrash={handlers.onCrash}>
				<App clockPainted session={session} stopper={handlers.stopper} onExit={handlers.onExit} fromFleet={handlers.fromFleet}/>
			</ErrorBoundary>
		</ColorContext.Provider>,
		{stdout: painter.stream, exitOnCtrlC: false, patchConsole: true},
	);
	return paintedScreen(painter, instance);
}
