// The keys, always visible on the last line; q and ? whatever the width.
import React from 'react';
import {Box, Text} from 'ink';
import {Tone} from './theme.js';

type Item = readonly [key: string, label: string, short: string];

const allKeys: readonly Item[] = [
	['l', 'primary (live)', 'live'],
	['b', 'backup', 'backup'],
	['f', 'failback', 'failback'],
	['p', 'pause', 'pause'],
	['k', 'failover', 'failover'],
	['d', 'doctor', 'doctor'],
	['↑↓', 'select', 'select'],
	['?', 'help', 'help'],
	['q', 'quit', 'quit'],
];

/** Dropped first when the width is short (↑↓ is in the nodes panel's title, f is l's failback, d and k last). */
const dropOrder = ['↑↓', 'f', 'd', 'b', 'k', 'p', 'l'];

const length = (items: ReadonlyArray<readonly [string, string]>, gap: number) => items.reduce((sum, [key, label]) => sum + key.length + 1 + label.length, 0) + (gap * (items.length - 1));

/**
 * The most that fits: every key with long labels two spaces apart; else without ↑↓ (the nodes
 * panel's title says it), long labels, two spaces then one; else short labels; else keys
 * dropped in dropOrder, one space apart. q and ? are never dropped.
 */
export function helpBarKeys(width: number, back = false): {items: ReadonlyArray<readonly [string, string]>; gap: number} {
	// Opened from the fleet screen: q (and esc) go back to it.
	const keys = back ? allKeys.map((item): Item => (item[0] === 'q' ? ['q', 'back to fleet', 'fleet'] : item)) : allKeys;
	const long = (items: readonly Item[]) => items.map(([key, label]) => [key, label] as const);
	const short = (items: readonly Item[]) => items.map(([key, , label]) => [key, label] as const);
	if (length(long(keys), 2) <= width) return {items: long(keys), gap: 2};
	let items = keys.filter(([key]) => key !== '↑↓');
	for (;;) {
		for (const [candidate, gap] of [[long(items), 2], [long(items), 1], [short(items), 2], [short(items), 1]] as const) {
			if (length(candidate, gap) <= width) return {items: candidate, gap};
		}

		const drop = dropOrder.find(key => items.some(item => item[0] === key));
		if (!drop) return {items: short(items), gap: 1};
		items = items.filter(item => item[0] !== drop);
	}
}

export function HelpBar({width = 80, back = false}: {readonly width?: number; readonly back?: boolean}) {
	const {items, gap} = helpBarKeys(width, back);
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
