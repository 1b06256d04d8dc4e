// The keys, always visible on the last line.
import React from 'react';
import {Box, Text} from 'ink';
import {Tone} from './theme.js';

const keys: ReadonlyArray<[string, string]> = [
	['l', 'live'],
	['b', 'backup'],
	['f', 'failback'],
	['p', 'pause'],
	['k', 'failover'],
	['↑↓', 'select'],
	['?', 'help'],
	['q', 'quit'],
];

export function HelpBar() {
	return (
		<Box>
			<Text wrap="truncate-end">
				{keys.map(([key, label], index) => (
					<Text key={key}>{index > 0 ? '  ' : ''}<Tone bold tone="accent">{key}</Tone> {label}</Text>
				))}
			</Text>
		</Box>
	);
}
