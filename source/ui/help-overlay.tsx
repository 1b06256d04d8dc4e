// `?`: every key and what it does to the group, plus the protocol in five lines.
import React from 'react';
import {Box, Text} from 'ink';
import {SectionTitle} from './section.js';
import {Tone} from './theme.js';

// Each line fits 80 columns (a 10-column key, 70 of text), so the whole help fits 80×24.
const keys: ReadonlyArray<[string, string]> = [
	['l', 'start a primary (live): writes F, waits for the live lock, writes L.'],
	['', 'On a group whose backup is live, this is the failback request.'],
	['b', 'start a backup: queues on the backup lock, takes over when live dies'],
	['f', 'failback: as l, offered only when a backup is live (else: why not)'],
	['p', 'pause the selected node: a live writes P (backups do NOT take over);'],
	['', 'a backup releases its locks and stops'],
	['k', 'force failover: the selected live lets go leaving L, as a crash would'],
	['d', 'doctor: why the group is stuck and what to do (↑↓ scroll, d closes)'],
	['↑ ↓ tab', 'select a node'],
	['q Ctrl-C', 'quit: running nodes stop cleanly first (a live pauses, or fails over)'],
];

export function HelpOverlay({width}: {readonly width: number}) {
	return (
		<Box flexDirection="column" flexGrow={1} overflow="hidden">
			<SectionTitle title="Help" width={width} hint="? or Esc closes"/>
			{keys.map(([key, text]) => (
				<Box key={`${key}:${text}`}>
					<Box width={10} flexShrink={0}><Tone bold tone="accent">{` ${key}`}</Tone></Box>
					<Text>{text}</Text>
				</Box>
			))}
			<Text> </Text>
			<Text>{' p, k, f, l (while a live runs) and quitting with nodes running ask y/n first.'}</Text>
			<Text> </Text>
			<Text bold> The file</Text>
			<Text>{' byte 0 state: L live, P paused, F failing back, 0 first start, N not started'}</Text>
			<Text>{' byte 1 live lock (the active server) · byte 2 backup lock (next in line)'}</Text>
			<Text>{' bytes 3-18 node id. A backup takes over only if the live lock is free AND L.'}</Text>
		</Box>
	);
}
