// The 19 bytes: the state byte decoded, the node id as a UUID, and the raw hex with the
// three segments marked (and labelled: the marking must survive NO_COLOR).
import React from 'react';
import {Box, Text} from 'ink';
import {describeStateByte, formatRaw} from '../lock-file/format.js';
import type {Snapshot} from '../watch/snapshot.js';
import {sanitize} from '../text/sanitize.js';
import {SectionTitle} from './section.js';
import {Tone, type ToneName} from './theme.js';

const stateTone: Record<string, ToneName> = {
	live: 'ok',
	paused: 'warn',
	'failing back': 'warn',
	'first start': 'info',
	'not started': 'info',
	unknown: 'error',
};

export const LOCK_FILE_PANEL_HEIGHT = 4;

export function LockFilePanel({snapshot, width}: {readonly snapshot: Snapshot; readonly width: number}) {
	const {probe} = snapshot;
	if (!probe) {
		const why = snapshot.status === 'missing' ? `waiting for ${snapshot.path}` : `✖ ${snapshot.error ?? 'unreadable'}`;
		return (
			<Box flexDirection="column" flexShrink={0}>
				<SectionTitle title="Lock file" width={width}/>
				<Tone tone={snapshot.status === 'missing' ? 'warn' : 'error'} wrap="truncate-end"> {sanitize(why)}</Tone>
				<Text> </Text>
				<Text> </Text>
			</Box>
		);
	}

	// Decoded from the file's bytes, so hex and a UUID; sanitized all the same (they are outside data).
	const raw = formatRaw(sanitize(probe.raw));
	const state = probe.stateName === 'unknown' ? `unknown ${describeStateByte(probe.state)}` : `${describeStateByte(probe.state)} ${probe.stateName}`;
	return (
		<Box flexDirection="column" flexShrink={0}>
			<SectionTitle title="Lock file" width={width}/>
			<Text wrap="truncate-end">
				{' state '}<Tone bold tone={stateTone[probe.stateName]}>{state}</Tone>
				{'   node id '}<Text>{probe.nodeId === undefined ? `none (${probe.complete ? '' : 'incomplete, '}${probe.size} bytes)` : sanitize(probe.nodeId)}</Text>
			</Text>
			<Text wrap="truncate-end">
				{' bytes '}
				<Tone bold tone="accent">{raw.state.padEnd(7)}</Tone>
				<Tone bold tone="warn">{raw.live.padEnd(6)}</Tone>
				<Tone bold tone="accent">{raw.backup.padEnd(8)}</Tone>
				<Text>{raw.nodeId}</Text>
			</Text>
			<Tone tone="muted" wrap="truncate-end">{'       state  live  backup  node id (16 bytes)'}</Tone>
		</Box>
	);
}
