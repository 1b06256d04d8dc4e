// Top lines: which file, which file system, what time; and, loudly, a deleted or replaced file.
import React from 'react';
import {Box, Text} from 'ink';
import {levelLabel, worstFinding, type Finding} from '../doctor/index.js';
import type {SessionView} from '../session/types.js';
import {levelTone} from './doctor-panel.js';
import {clock, truncateMiddle} from './format.js';
import {sanitize} from '../text/sanitize.js';
import {Tone} from './theme.js';

export type Alarm = {readonly tone: 'warn' | 'error'; readonly text: string};

/** The one line that must not be missed, if any. */
export function alarmFor(view: SessionView): Alarm | undefined {
	const {snapshot} = view;
	if (snapshot.status === 'missing') {
		return snapshot.replaced
			? {tone: 'error', text: `‼ FILE DELETED: ${view.path} is gone. Nodes holding locks on it no longer protect anything.`}
			: {tone: 'warn', text: `… waiting for ${view.path} (press l: a live creates it)`};
	}

	if (snapshot.status === 'error') return {tone: 'error', text: `✖ ${snapshot.error ?? 'the lock file cannot be read'}`};
	if (snapshot.replaced) {
		return {tone: 'error', text: `‼ FILE REPLACED: ${view.path} is now inode ${snapshot.probe?.inode ?? '?'}. Locks held on the old file no longer count.`};
	}

	return undefined;
}

/** The doctor's worst finding when it asks for action (a warning or worse); `d` shows them all. */
export function doctorHeadline(view: SessionView): Finding | undefined {
	const worst = view.doctor ? worstFinding(view.doctor.findings) : undefined;
	return worst?.level === 'warning' || worst?.level === 'critical' ? worst : undefined;
}

export type HeaderLines = {readonly identity: boolean; readonly alarm: boolean; readonly finding: boolean; readonly banner: boolean};

const allLines: HeaderLines = {identity: true, alarm: true, finding: true, banner: true};

/** The path line always; the others as the layout (layout.ts) gives them room. */
export function Header({view, now, width, lines = allLines}: {readonly view: SessionView; readonly now: number; readonly width: number; readonly lines?: HeaderLines}) {
	const {probe} = view.snapshot;
	const time = clock(now);
	const watching = view.polling ? 'polling' : 'inotify';
	const identity = probe
		? `dev:inode ${probe.device}:${probe.inode} · ${probe.size} bytes · ${view.fsKind} (${watching})`
		: `${view.snapshot.status === 'error' ? 'not a usable lock file' : 'no file'} · ${view.fsKind} (${watching})`;
	const alarm = lines.alarm ? alarmFor(view) : undefined;
	const finding = lines.finding ? doctorHeadline(view) : undefined;
	return (
		<Box flexDirection="column" flexShrink={0}>
			<Box>
				<Box flexShrink={0}><Text bold>ha-tui </Text></Box>
				<Box flexGrow={1} flexShrink={1}><Text wrap="truncate-end">{truncateMiddle(sanitize(view.path), Math.max(10, width - 8 - time.length))}</Text></Box>
				<Box flexShrink={0}><Text> {time}</Text></Box>
			</Box>
			{lines.identity ? <Tone tone="muted" wrap="truncate-end">{sanitize(identity)}</Tone> : null}
			{alarm ? <Tone bold inverse={alarm.tone === 'error'} tone={alarm.tone} wrap="truncate-end">{sanitize(alarm.text)}</Tone> : null}
			{finding ? (
				<Text wrap="truncate-end">
					doctor: <Tone bold tone={levelTone[finding.level]}>{levelLabel[finding.level]} {finding.id}</Tone> — {sanitize(finding.title)}
				</Text>
			) : null}
			{view.banner && lines.banner ? <Tone tone="accent" wrap="truncate-end">{sanitize(view.banner)}</Tone> : null}
		</Box>
	);
}
