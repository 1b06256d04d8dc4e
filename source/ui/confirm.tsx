// A y/n question that names what will happen. It takes the event log's place on screen.
import React from 'react';
import {Box, Text} from 'ink';
import {sanitize} from '../text/sanitize.js';
import {Tone, useToneColor} from './theme.js';

export type Choice = {readonly key: string; readonly label: string};

export function ConfirmDialog({title, message, choices}: {readonly title: string; readonly message: string; readonly choices: readonly Choice[]}) {
	const color = useToneColor();
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={color('warn')} paddingX={1} flexShrink={0}>
			<Tone bold tone="warn">▲ {sanitize(title)}</Tone>
			<Text>{sanitize(message)}</Text>
			<Text>
				{choices.map((choice, index) => (
					<Text key={choice.key}>{index > 0 ? '   ' : ''}<Tone bold tone="accent">{choice.key}</Tone> {choice.label}</Text>
				))}
			</Text>
		</Box>
	);
}
