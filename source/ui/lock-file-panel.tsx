// The 19 bytes: the state byte decoded, the node id as a UUID, and the raw hex with the
// three segments marked (and labelled: the marking must survive NO_COLOR).
import React from 'react';
import {Box, Text} from 'ink';
import {describeStateByte, formatRaw} from '../lock-file/format.js';
import {LAYOUTS, mixedLayouts, mixedWords, type Layout} from '../lock-file/layout.js';
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

/** lines: how many of its lines the layout gives it (title and state first, then layout, bytes, labels). */
export function LockFilePanel({snapshot, width, lines = 5}: {readonly snapshot: Snapshot; readonly width: number; readonly lines?: number}) {
	const {probe} = snapshot;
	if (!probe) {
		const why = snapshot.status === 'missing' ? `waiting for ${snapshot.path}` : `✖ ${snapshot.error ?? 'unreadable'}`;
		return (
			<Box flexDirection="column" flexShrink={0}>
				<SectionTitle title="Lock file" width={width}/>
				<Tone tone={snapshot.status === 'missing' ? 'warn' : 'error'} wrap="truncate-end"> {sanitize(why)}</Tone>
				{Array.from({length: Math.max(0, lines - 2)}, (_, index) => <Text key={index}> </Text>)}
			</Box>
		);
	}

	// Where the locks are: bytes 1–2 of server.lock (ranges), or the layout's own lock files
	// (files, flock), each with its inode, so a replaced file shows. The layout's description
	// (lock-file/layout.ts) says which.
	const layouts: Layout[] = probe.layout === 'mixed' ? mixedLayouts(probe.layoutDecision) : [probe.layout];
	const exists = (name: string) => probe.files.some(file => file.name === name && file.exists);
	const shownFiles = new Set(layouts.flatMap(name => [...LAYOUTS[name].optionalFiles.filter(exists), ...LAYOUTS[name].files]));
	const lockFiles = probe.files.filter(file => shownFiles.has(file.name));
	const files = lockFiles.map(file => `${file.name} ${file.exists ? `inode ${file.inode ?? '?'}` : 'absent'}`).join(' · ');
	const layoutTone: ToneName = probe.layout === 'mixed' ? 'error' : 'info';
	const generation = probe.layout === 'mixed'
		? (probe.layoutDecision.because === 'both' ? 'byte locks AND serverlock files: two generations that cannot see each other' : `${mixedWords(probe.layoutDecision)}: generations that cannot see each other`)
		: LAYOUTS[probe.layout].label(LAYOUTS[probe.layout].optionalFiles.some(exists));
	const bytesAreLocks = probe.layout !== 'mixed' && LAYOUTS[probe.layout].bytesAreLocks;
	const segmentLabels = bytesAreLocks ? '       state  live  backup  node id (16 bytes)' : `       state  '0'   '0'     node id (16 bytes)  (locks: ${probe.layout === 'flock' ? 'flock files' : 'serverlock files'})`;

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
			{lines >= 4 ? <Text wrap="truncate-end">
				{' bytes '}
				<Tone bold tone="accent">{raw.state.padEnd(7)}</Tone>
				<Tone bold tone={bytesAreLocks ? 'warn' : 'muted'}>{raw.live.padEnd(6)}</Tone>
				<Tone bold tone={bytesAreLocks ? 'accent' : 'muted'}>{raw.backup.padEnd(8)}</Tone>
				<Text>{raw.nodeId}</Text>
			</Text> : null}
			{lines >= 5 ? <Tone tone="muted" wrap="truncate-end">{segmentLabels}</Tone> : null}
			{lines >= 3 ? <Text wrap="truncate-end">
				{' layout '}<Tone bold tone={layoutTone}>{probe.layout}</Tone>
				<Tone tone="muted">{` ${generation}${files ? ` · ${sanitize(files)}` : ''}`}</Tone>
			</Text> : null}
		</Box>
	);
}
