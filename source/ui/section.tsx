// A panel title drawn as a rule: `Locks ──────────`. Rules cost one line, borders two.
import React from 'react';
import {Box, Text} from 'ink';
import {Tone} from './theme.js';

export function SectionTitle({title, width, hint}: {readonly title: string; readonly width: number; readonly hint?: string}) {
	const used = title.length + 1 + (hint ? hint.length + 2 : 0);
	return (
		<Box flexShrink={0} height={1}>
			<Box flexShrink={0}><Text bold>{title} </Text></Box>
			<Box flexGrow={1} flexShrink={1}><Tone tone="muted" wrap="truncate-end">{'─'.repeat(Math.max(0, width - used))}</Tone></Box>
			{hint ? <Box flexShrink={0}><Tone tone="muted"> {hint} </Tone></Box> : null}
		</Box>
	);
}
