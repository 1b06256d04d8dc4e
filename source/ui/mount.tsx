// Puts the App on the terminal. Loaded by run.ts only after NODE_ENV is settled, because
// React picks its build when it is first loaded.
import React from 'react';
import {render} from 'ink';
import type {StopResult, Stopper} from '../session/stopper.js';
import type {SessionLike} from '../session/types.js';
import {App} from './app.js';
import {ErrorBoundary} from './error-boundary.js';
import {ColorContext, colorsWanted} from './theme.js';

export type Mounted = {unmount: () => void; waitUntilExit: () => Promise<unknown>};

export function mount(session: SessionLike, handlers: {stopper: Stopper; onExit: (code: number, result?: StopResult) => void; onCrash: (error: Error) => void}): Mounted {
	return render(
		<ColorContext.Provider value={colorsWanted()}>
			<ErrorBoundary onCrash={handlers.onCrash}>
				<App session={session} stopper={handlers.stopper} onExit={handlers.onExit}/>
			</ErrorBoundary>
		</ColorContext.Provider>,
		{exitOnCtrlC: false, patchConsole: true},
	);
}
