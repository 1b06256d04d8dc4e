// A y/n question that names what will happen. It takes the event log's place on screen, laid
// out by layout.ts: the whole message and every choice, with a border when there is room.
import React from 'react';
import {Box, Text} from 'ink';
import {layoutDialog, type Choice, type DialogLayout} from './layout.js';
import {Tone, useToneColor} from './theme.js';

export type {Choice} from './layout.js';

export function ConfirmDialog({title, message, choices, layout, width = 80}: {readonly title: string; readonly message: string; readonly choices: readonly Choice[]; readonly layout?: DialogLayout; readonly width?: number}) {
	const color = useToneColor();
	const shape = layout ?? layoutDialog({title, message, choices}, width, Number.POSITIVE_INFINITY);
	return (
		<Box flexDirection="column" borderStyle={shape.border ? 'round' : undefined} borderColor={color('warn')} paddingX={1} flexShrink={0}>
			<Tone bold tone="warn" wrap="truncate-end">▲ {shape.title}</Tone>
			{shape.message.map((line, index) => <Text key={index}>{line}</Text>)}
			{shape.choices.map((line, index) => (
				<Text key={`choices-${index}`}>
					{line.map((choice, at) => (
						<Text key={choice.key}>{at > 0 ? '   ' : ''}<Tone bold tone="accent">{choice.key}</Tone> {choice.label}</Text>
					))}
				</Text>
			))}
		</Box>
	);
}
