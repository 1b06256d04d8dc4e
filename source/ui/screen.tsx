// What every store's screen (app.tsx, jdbc-app.tsx) shares apart from its keys
// (use-key-machine.ts): the props they take and the one line shown below the minimum size.
import React from 'react';
import {Box, Text} from 'ink';
import type {Stopper, StopResult} from '../session/stopper.js';
import type {Size} from './use-terminal-size.js';

export type ScreenProps<S> = {
	readonly session: S;
	/** Called once, after the user quit and the nodes were stopped (or abandoned: code 3). */
	readonly onExit: (code: number, result?: StopResult) => void;
	/** Stops the nodes (bounded, once); the run shares it with the shutdown signal. Default: the screen's own. */
	readonly stopper?: Stopper;
	/** Fixed size for tests; otherwise the terminal's, following resizes. */
	readonly size?: Size;
	/** The timeline's right edge, fixed (tests); otherwise now at each frame. */
	readonly timelineEnd?: number;
};

/** Below the minimum size: one centred line saying so; the keys still work (q quits, and so on). */
export function TooSmall({width, height, message}: {readonly width: number; readonly height: number; readonly message: string}) {
	return (
		<Box width={width} height={height} alignItems="center" justifyContent="center">
			<Text wrap="truncate-end">{message}</Text>
		</Box>
	);
}
