// `d`: what `ha-tui doctor` says about this group, worst first: level and title, the evidence,
// the fix. Wrapped to the width and scrolled with ↑↓ when it is longer than the screen.
// Titles and evidence quote broker names, paths and command lines: sanitized here.
import React from 'react';
import {Box, Text} from 'ink';
import {levelLabel, type Finding, type Level} from '../doctor/index.js';
import type {DoctorView} from '../session/types.js';

/** What the panel reads of a view: a directory's SessionView, or the JDBC session's. */
export type DoctorPanelView = {readonly doctor?: DoctorView; readonly snapshot?: {readonly probe?: unknown; readonly error?: string}};
import {sanitize} from '../text/sanitize.js';
import {SectionTitle} from './section.js';
import {Tone, type ToneName} from './theme.js';

export const levelTone: Readonly<Record<Level, ToneName>> = {ok: 'ok', info: 'accent', warning: 'warn', critical: 'error'};

/** Column where a finding's evidence and fix start (as `ha-tui doctor` prints them). */
const INDENT = 10;

export type DoctorLine = {readonly text: string; readonly level?: Level; readonly label?: string};

/** Words to lines of at most width characters; a word longer than a line is cut. */
export function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (let word of text.split(' ')) {
		while (word.length > width) {
			const room = line ? width - line.length - 1 : width;
			if (room <= 0) {
				lines.push(line);
				line = '';
				continue;
			}

			lines.push(line ? `${line} ${word.slice(0, room)}` : word.slice(0, room));
			line = '';
			word = word.slice(room);
		}

		if (!line) line = word;
		else if (line.length + 1 + word.length <= width) line += ` ${word}`;
		else {
			lines.push(line);
			line = word;
		}
	}

	lines.push(line);
	return lines;
}

/** Every line of the panel's body: per finding a head line, its evidence, its fix, a blank line. */
export function doctorLines(findings: readonly Finding[], width: number): DoctorLine[] {
	const room = Math.max(10, width - INDENT - 2);
	const pad = ' '.repeat(INDENT);
	const lines: DoctorLine[] = [];
	for (const [index, finding] of findings.entries()) {
		if (index > 0) lines.push({text: ''});
		const label = levelLabel[finding.level];
		const [first, ...rest] = wrap(`${finding.id} — ${sanitize(finding.title)}`, room);
		lines.push({text: first, level: finding.level, label}, ...rest.map(text => ({text: `${pad}${text}`})));
		for (const fact of finding.evidence) {
			const [head, ...more] = wrap(sanitize(fact), room - 2);
			lines.push({text: `${pad}· ${head}`}, ...more.map(text => ({text: `${pad}  ${text}`})));
		}

		const [head, ...more] = wrap(sanitize(finding.fix), room - 5);
		lines.push({text: `${pad}fix: ${head}`}, ...more.map(text => ({text: `${pad}     ${text}`})));
	}

	return lines;
}

/** The body's lines, and how many of them fit in rows (title, summary and a "more below" line take the rest). */
function layout(view: DoctorPanelView, width: number, rows: number): {lines: DoctorLine[]; body: number} {
	const lines = view.doctor ? doctorLines(view.doctor.findings, width) : [];
	return {lines, body: Math.max(1, lines.length > rows - 2 ? rows - 3 : rows - 2)};
}

/** The largest useful scroll offset: the last line at the bottom. */
export function maxDoctorOffset(view: DoctorPanelView, width: number, rows: number): number {
	const {lines, body} = layout(view, width, rows);
	return Math.max(0, lines.length - body);
}

/** scope: what the findings looked at (default: a directory's holders and brokers); nothing: the line when there is nothing to diagnose. */
export function DoctorPanel({view, width, rows, offset, scope: givenScope, nothing}: {readonly view: DoctorPanelView; readonly width: number; readonly rows: number; readonly offset: number; readonly scope?: string; readonly nothing?: string}) {
	const {doctor, snapshot} = view;
	const title = <SectionTitle title="Doctor" width={width} hint="↑↓ scroll · d or Esc closes"/>;
	if (!doctor) {
		return (
			<Box flexDirection="column" flexGrow={1} overflow="hidden">
				{title}
				<Text wrap="truncate-end">{snapshot?.probe ? ' looking…' : ` nothing to diagnose: ${sanitize(snapshot?.error ?? nothing ?? 'no lock file')}`}</Text>
			</Box>
		);
	}

	const {lines, body} = layout(view, width, rows);
	const start = Math.max(0, Math.min(offset, lines.length - body));
	const shown = lines.slice(start, start + body);
	const below = lines.length - start - shown.length;
	const scope = givenScope ?? (doctor.full ? 'the lock holders, every broker on this host' : 'the lock holders (brokers: looking…)');
	const count = `${doctor.findings.length} finding${doctor.findings.length === 1 ? '' : 's'}, worst first · seen: ${scope}`;
	return (
		<Box flexDirection="column" flexGrow={1} overflow="hidden">
			{title}
			<Tone tone="muted" wrap="truncate-end">{start > 0 ? ` ↑ ${start} more line${start === 1 ? '' : 's'} above` : ` ${count}`}</Tone>
			{shown.map((line, index) => (
				<Box key={start + index}>
					{line.level ? <Box width={INDENT} flexShrink={0}><Tone bold tone={levelTone[line.level]}>{` ${line.label}`}</Tone></Box> : null}
					<Text wrap="truncate-end">{line.text || ' '}</Text>
				</Box>
			))}
			{below > 0 ? <Tone tone="muted" wrap="truncate-end">{` ↓ ${below} more line${below === 1 ? '' : 's'} below (↑↓ scroll)`}</Tone> : null}
		</Box>
	);
}
