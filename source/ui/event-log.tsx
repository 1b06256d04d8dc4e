// The latest events, oldest at the top, one line each.
import React from 'react';
import {Box} from 'ink';
import type {LogEntry} from '../session/types.js';
import {clockMs} from './format.js';
import {sanitize} from '../text/sanitize.js';
import {SectionTitle} from './section.js';
import {Tone, levelSymbol} from './theme.js';

const sourceLabel: Readonly<Record<LogEntry['source'], string>> = {watch: 'file', node: 'node', action: 'you '};

/** lines: the entries shown below the title (the latest). */
/** watchLabel: what the watcher's lines are labelled (a directory's 'file', a table's 'db  '). */
export function EventLog({log, lines, width, watchLabel}: {readonly log: readonly LogEntry[]; readonly lines: number; readonly width: number; readonly watchLabel?: string}) {
	const shown = lines > 0 ? log.slice(-lines) : [];
	return (
		<Box flexDirection="column" flexShrink={0}>
			<SectionTitle title="Events" width={width}/>
			{shown.map(entry => (
				<Box key={entry.seq} flexShrink={0} height={1}>
					<Box flexShrink={0}><Tone tone="muted">{clockMs(entry.time)} {entry.source === 'watch' && watchLabel ? watchLabel : sourceLabel[entry.source]} </Tone></Box>
					<Box flexShrink={1}><Tone bold={entry.level === 'error'} tone={entry.level} wrap="truncate-end">{levelSymbol[entry.level]} {sanitize(entry.text)}</Tone></Box>
				</Box>
			))}
		</Box>
	);
}
