// `?`: every key and what it does to the group, plus the protocol in five lines.
import React from 'react';
import {Box, Text} from 'ink';
import {SectionTitle} from './section.js';
import {Tone} from './theme.js';

const keys: ReadonlyArray<[string, string]> = [
	['l', 'start an in-process live: writes F, waits for the live lock, writes L. On a group whose backup is live, this is the failback request.'],
	['b', 'start an in-process backup: queues on the backup lock, takes over when the live dies (state L, live lock free).'],
	['f', 'failback: same as l, offered only when a backup is live; refused with the reason otherwise.'],
	['p', 'pause the selected node: a live writes P and releases (backups will NOT take over); a backup releases and stops.'],
	['k', 'force failover on the selected live: releases leaving L, as a crash would, so a backup takes over.'],
	['↑ ↓ tab', 'select a node'],
	['q Ctrl-C', 'quit; running nodes are stopped cleanly first (a live pauses unless you choose failover).'],
];

export function HelpOverlay({width}: {readonly width: number}) {
	return (
		<Box flexDirection="column" flexGrow={1} overflow="hidden">
			<SectionTitle title="Help" width={width} hint="? or Esc closes"/>
			{keys.map(([key, text]) => (
				<Box key={key}>
					<Box width={10} flexShrink={0}><Tone bold tone="accent">{` ${key}`}</Tone></Box>
					<Text>{text}</Text>
				</Box>
			))}
			<Text> </Text>
			<Text>{' p, k, f, l (when a live runs) and quitting with nodes running ask y/n first.'}</Text>
			<Text> </Text>
			<Text bold> The file</Text>
			<Text>{' byte 0 state: L live · P paused (clean stop) · F failing back · 0 first start · N not started'}</Text>
			<Text>{' byte 1 live lock: held by the active server · byte 2 backup lock: the backup next in line'}</Text>
			<Text>{' bytes 3..18 node id. A backup takes over only when the live lock is free AND the state is L.'}</Text>
		</Box>
	);
}
