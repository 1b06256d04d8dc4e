// The timeline on screen: a strip on the main screen (lock rows, then the listed nodes) and the
// full view on `t` (every row, the time axis, a legend and the window's gaps without a live).
// Cheap: it draws when the session changes, like everything else; time passing moves it only
// while something in the window changed (else a later frame would look the same), and then in
// steps of a twelfth of the window (5 s at 1 min), never a frame per tick; while the window
// holds nothing but the data's start, every quarter of the window.
import React, {useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import {changesWithin, gapText, latestChange, type Timeline} from '../session/timeline.js';
import {sanitize} from '../text/sanitize.js';
import {clockMs} from './format.js';
import {SectionTitle} from './section.js';
import {TITLE_COLUMNS, renderTimeline, windowName, type RenderedRow} from './timeline-render.js';
import {Tone} from './theme.js';
import {wrapIndented} from './text-wrap.js';

/** The steps time moves the picture in: a twelfth of the window, at least a column. */
export function timelineStepMs(windowMs: number, width: number): number {
	return Math.max(windowMs / 12, windowMs / Math.max(1, width - TITLE_COLUMNS));
}

/**
 * How long until the picture must move (undefined: it looks the same however long it waits).
 * A change in the window moves it every step. When all the window holds is the data's start
 * (the screen opened less than a window ago, nothing happened since), only the blank before
 * it shrinks: every quarter of the window is enough (15 s at 1 min) — 4 frames in the first
 * minute instead of 12, the screen's budget at rest being ≤ 1 % of a core.
 */
export function timelineTickMs(timeline: Timeline, windowMs: number, width: number, end: number): number | undefined {
	const step = timelineStepMs(windowMs, width);
	if (changesWithin(timeline, end - windowMs - step, end, timeline.since)) return step;
	if (timeline.since !== undefined && timeline.since > end - windowMs) return Math.max(step, windowMs / 4);
	return undefined;
}

/**
 * The window's right edge: the last change, or the last step of time, whichever is later. A
 * step later is asked for only while the window holds a change or the data's start (a window
 * with neither looks the same later); a window opened or zoomed after a quiet spell catches
 * up once, at once.
 */
export function useTimelineEnd(timeline: Timeline | undefined, windowMs: number, width: number, fixedEnd?: number): number {
	const [tickAt, setTickAt] = useState(() => Date.now());
	const step = timelineStepMs(windowMs, width);
	const end = fixedEnd ?? Math.max(tickAt, timeline ? latestChange(timeline) : 0);
	const tick = fixedEnd === undefined && timeline !== undefined ? timelineTickMs(timeline, windowMs, width, end) : undefined;
	useEffect(() => {
		if (fixedEnd !== undefined || !timeline) return;
		const stale = Date.now() - end > (tick ?? step);
		if (tick === undefined && !stale) return;
		const timer = setTimeout(() => setTickAt(Date.now()), stale ? 0 : tick);
		timer.unref?.();
		return () => clearTimeout(timer);
	}, [end, tick, step, timeline, fixedEnd]);
	return end;
}

function ChartRow({row}: {readonly row: RenderedRow}) {
	return (
		<Box flexShrink={0} height={1}>
			<Tone tone="muted" wrap="truncate-end">{row.title}</Tone>
			{row.runs.map((run, index) => <Tone key={index} tone={run.tone} bold={run.bold} wrap="truncate-end">{run.text}</Tone>)}
		</Box>
	);
}

const hintFor = (windowMs: number) => `last ${windowName(windowMs)} · +/- zoom · t full`;

/** The strip: `rows` chart rows (primary, backup, state, then the nodes in nodeIds). */
export function TimelineStrip({timeline, width, rows, windowMs, nodeIds, end}: {readonly timeline: Timeline; readonly width: number; readonly rows: number; readonly windowMs: number; readonly nodeIds: readonly string[]; readonly end: number}) {
	const rendered = renderTimeline(timeline, {width, windowMs, end});
	const wanted = new Set(['live', 'backup', 'state', ...nodeIds.map(id => `node:${id}`)]);
	const shown = rendered.rows.filter(row => wanted.has(row.id)).slice(0, rows);
	return (
		<Box flexDirection="column" flexShrink={0} width={width}>
			<SectionTitle title="Timeline" width={width} hint={hintFor(windowMs).length + 12 <= width ? hintFor(windowMs) : `${windowName(windowMs)} · t`}/>
			{shown.map(row => <ChartRow key={row.id} row={row}/>)}
		</Box>
	);
}

/** What the pictures mean, in words (a monochrome terminal, NO_COLOR). */
export const LEGEND = '█ ▓ ▒ # a holder each (its name inside) · ‖ its holder frozen (stopped, zombie): keeps the lock, does no work · × no live, with its length · ─ free · L F P N 0 the state byte where it changed · * state lock taken · nodes: █ live ▒ backup ░ waiting ~ moving · stopped';

/** The full view on t: every line fits `rows`, the chart rows first, then the legend, then the gaps. */
/** The same in a table's words (a JDBC store: a state row, no state lock). */
export const LEASE_LEGEND = '█ ▓ ▒ # a holder each (its name inside) · × no live, with its length (a lease that ran out: ≥ from its expiry, ≤ from its last renew) · ─ free · L F P N the state row where it changed · nodes: █ live ▒ backup ░ waiting ~ moving · stopped';

export function timelineViewLines(timeline: Timeline, width: number, windowMs: number, end: number, rows: number, legendText = LEGEND) {
	const rendered = renderTimeline(timeline, {width, windowMs, end});
	const room = Math.max(1, rows - 2);
	const chart = rendered.rows.length <= room ? rendered.rows : rendered.rows.slice(0, Math.max(1, room - 1));
	const more = rendered.rows.length - chart.length;
	let left = room - chart.length - (more > 0 ? 1 : 0);
	const legend = wrapIndented(legendText, width, 2);
	const gapLines = rendered.gaps.slice().reverse().map(gap => {
		const text = gapText(gap) ?? 'no live, still';
		const who = `${gap.from ? sanitize(gap.from) : '?'} → ${gap.to ? sanitize(gap.to) : '…'}`;
		// A hand-over seen in one look is listed at that look, as `history` lists it.
		return ` ${clockMs(gap.oneLook ? gap.end! : gap.start)}  ${text}  ${who}${gap.exact ? '' : ' (as probes saw it)'}`.slice(0, width);
	});
	const extra: Array<{text: string; tone?: 'muted' | 'error'; bold?: boolean}> = [];
	if (left >= 1 + legend.length) {
		extra.push({text: ''}, ...legend.map(text => ({text, tone: 'muted' as const})));
		left -= 1 + legend.length;
	}

	if (left >= 2) {
		const title = gapLines.length === 0 ? ` No gap without a live in the last ${windowName(windowMs)}.` : ` Without a live in the last ${windowName(windowMs)} (newest first):`;
		extra.push({text: title, bold: true});
		left--;
		const fit = gapLines.slice(0, left);
		extra.push(...fit.map(text => ({text, tone: 'error' as const})));
		if (fit.length < gapLines.length && fit.length > 0) extra[extra.length - 1] = {text: ` … ${gapLines.length - fit.length + 1} more`, tone: 'muted'};
	}

	return {rendered, chart, more, extra};
}

export function TimelineView({timeline, width, rows, windowMs, end, legend}: {readonly timeline: Timeline; readonly width: number; readonly rows: number; readonly windowMs: number; readonly end: number; readonly legend?: string}) {
	const {rendered, chart, more, extra} = timelineViewLines(timeline, width, windowMs, end, rows, legend);
	return (
		<Box flexDirection="column" flexShrink={0} width={width}>
			<SectionTitle title="Timeline" width={width} hint={`last ${windowName(windowMs)} · +/- · t/esc back`.length + 12 <= width ? `last ${windowName(windowMs)} · +/- · t/esc back` : 't back'}/>
			<Tone tone="muted" wrap="truncate-end">{rendered.axis.slice(0, width)}</Tone>
			{chart.map(row => <ChartRow key={row.id} row={row}/>)}
			{more > 0 ? <Tone tone="muted" wrap="truncate-end">… {more} more row{more === 1 ? '' : 's'} (a taller terminal shows them)</Tone> : null}
			{extra.map((line, index) => line.text === '' ? <Text key={index}> </Text> : <Tone key={index} tone={line.tone} bold={line.bold} wrap="truncate-end">{line.text}</Tone>)}
		</Box>
	);
}
