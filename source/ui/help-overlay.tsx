// `?`: every key and what it does to the group, plus the file in the layout's own words.
import React from 'react';
import {Box, Text} from 'ink';
import type {Probe} from '../lock-file/probe.js';
import {sanitize} from '../text/sanitize.js';
import {wrap} from './text-wrap.js';
import {SectionTitle} from './section.js';
import {Tone} from './theme.js';

// Each line fits 80 columns (a 10-column key, 70 of text), so the whole help fits 80×24.
export const helpKeys: ReadonlyArray<[string, string]> = [
	['l', 'start a primary (live): writes F, waits for the live lock, writes L.'],
	['', 'On a group whose backup is live, this is the failback request.'],
	['b', 'start a backup: queues on the backup lock, takes over when live dies'],
	['f', 'failback: as l, offered only when a backup is live (else: why not)'],
	['p', 'pause the selected node: a live writes P (backups do NOT take over);'],
	['', 'a backup releases its locks and stops'],
	['k', 'force failover: the selected live lets go leaving L, as a crash would'],
	['x r', 'x clears stopped and paused nodes; r restarts the selected one'],
	['d', 'doctor: why the group is stuck and what to do (↑↓ scroll, d closes)'],
	['t + -', 'timeline: who held each lock, when (t/Esc back; + - 1 min…1 h)'],
	['↑↓ tab e', 'select a node · e unfolds the state-lock flaps in the events'],
	['q Ctrl-C', 'quit: running nodes stop cleanly first (a live pauses, or fails over)'],
];

/** The file, in the terms of the layout the directory is in (the locks are not always bytes). */
export function fileHelp(probe: Probe | undefined): string[] {
	const state = ' byte 0 state: L live, P paused, F failing back, 0 first start, N not started';
	const rule = ' A backup takes over only if the live lock is free AND L.';
	if (!probe || probe.layout === 'ranges') {
		return [state, ' byte 1 live lock (the active server) · byte 2 backup lock (next in line)', ` bytes 3-18 node id.${rule}`];
	}

	return [state, ` locks: ${sanitize(probe.generation)}`, ` bytes 3-18 node id.${rule}`];
}

/** Another store's help (the JDBC screen): its keys in its words, and what its store holds. */
export type HelpText = {readonly keys: ReadonlyArray<readonly [string, string]>; readonly note: string; readonly title: string; readonly lines: readonly string[]};

/** Every line of the help below its title, wrapped to the width (for the layout and for scrolling). */
export function helpLines(probe: Probe | undefined, width = 80, about?: HelpText): Array<{key?: string; text: string; bold?: boolean}> {
	const keys = about?.keys ?? helpKeys;
	const keyed = keys.flatMap(([key, text]) => wrap(text, Math.max(10, width - 10)).map((line, index) => ({key: index === 0 ? key : '', text: line})));
	const plain = (text: string, bold?: boolean) => wrap(text.trimStart(), Math.max(10, width - 2)).map(line => ({text: ` ${line}`, bold}));
	return [
		...keyed,
		...plain(about?.note ?? ' p k f x r, l while a live runs, and q with nodes running ask y/n first.'),
		{text: ' '},
		...plain(about?.title ?? ' The file', true),
		...(about?.lines ?? fileHelp(probe)).flatMap(text => plain(text)),
	];
}

export function HelpOverlay({width, probe, rows, offset = 0, about}: {readonly width: number; readonly probe?: Probe; readonly rows?: number; readonly offset?: number; readonly about?: HelpText}) {
	const lines = helpLines(probe, width, about);
	const body = rows === undefined ? lines.length : Math.max(1, rows - 1);
	const scrolls = lines.length > body;
	const room = scrolls ? Math.max(1, body - 1) : body;
	const start = Math.max(0, Math.min(offset, lines.length - room));
	const shown = lines.slice(start, start + room);
	const below = lines.length - start - shown.length;
	return (
		<Box flexDirection="column" flexShrink={0}>
			<SectionTitle title="Help" width={width} hint={scrolls ? '↑↓ scroll · ? closes' : '? or Esc closes'}/>
			{shown.map((line, index) => line.key === undefined ? (
				<Text key={start + index} bold={line.bold} wrap="truncate-end">{line.text}</Text>
			) : (
				<Box key={start + index}>
					<Box width={10} flexShrink={0}><Tone bold tone="accent">{` ${line.key}`}</Tone></Box>
					<Text wrap="truncate-end">{line.text}</Text>
				</Box>
			))}
			{scrolls ? <Tone tone="muted" wrap="truncate-end">{below > 0 ? ` ↓ ${below} more line${below === 1 ? '' : 's'} (↑↓ scroll)` : ` ↑ ${start} line${start === 1 ? '' : 's'} above`}</Tone> : null}
		</Box>
	);
}

/** The largest useful scroll offset of the help in rows. */
export function maxHelpOffset(probe: Probe | undefined, rows: number, width = 80, about?: HelpText): number {
	const lines = helpLines(probe, width, about).length;
	const body = Math.max(1, rows - 1);
	return lines > body ? lines - Math.max(1, body - 1) : 0;
}
