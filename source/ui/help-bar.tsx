// The keys, always visible on the last line.
import React from 'react';
import {Box, Text} from 'ink';
import {Tone} from './theme.js';

const keys: ReadonlyArray<[string, string]> = [
	['l', 'primary (live)'],
	['b', 'backup'],
	['f', 'failback'],
	['p', 'pause'],
	['k', 'failover'],
	['d', 'doctor'],
	['↑↓', 'select'],
	['?', 'help'],
	['q', 'quit'],
];

const length = (items: ReadonlyArray<[string, string]>, gap: number) => items.reduce((sum, [key, label]) => sum + key.length + 1 + label.length, 0) + (gap * (items.length - 1));

/**
 * Every key in 80 columns: two spaces between keys when they fit; else without ↑↓ (the nodes
 * panel's title says it); else one space.
 */
export function helpBarKeys(width: number): {items: ReadonlyArray<[string, string]>; gap: number} {
	if (length(keys, 2) <= width) return {items: keys, gap: 2};
	const items = keys.filter(([key]) => key !== '↑↓');
	return {items, gap: length(items, 2) <= width ? 2 : 1};
}

export function HelpBar({width = 80}: {readonly width?: number}) {
	const {items, gap} = helpBarKeys(width);
	return (
		<Box>
			<Text wrap="truncate-end">
				{items.map(([key, label], index) => (
					<Text key={key}>{index > 0 ? ' '.repeat(gap) : ''}<Tone bold tone="accent">{key}</Tone> {label}</Text>
				))}
			</Text>
		</Box>
	);
}
