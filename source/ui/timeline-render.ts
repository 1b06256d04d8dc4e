// The timeline (session/timeline.ts) as character cells: a column per slice of the window, time
// flowing left to right, now at the right edge. Pure (no React), so the exact picture is tested.
// Meaning never rests on colour alone: each holder has its own fill pattern as well as its
// colour, a gap without a live is × and says its length, the state byte writes its letter where
// it changes. A gap shorter than a column still takes its column (× wins over the holders).
import {gaps, gapText, type Gap, type Span, type Timeline, type TimelineRow} from '../session/timeline.js';
import {clock} from './format.js';

import type {ToneName} from './theme.js';

export type Run = {readonly text: string; readonly tone?: ToneName; readonly bold?: boolean};

export type RenderedRow = {readonly id: string; readonly title: string; readonly runs: readonly Run[]};

export type RenderedTimeline = {
	readonly rows: readonly RenderedRow[];
	/** `01:19:05 ──── 01:19:35 ──── now`, as wide as the chart (with the title column). */
	readonly axis: string;
	/** Gaps without a live that end (or go on) inside the window, oldest first. */
	readonly gaps: readonly Gap[];
	readonly columnMs: number;
};

/** Row titles take this many columns (and one blank). */
export const TITLE_COLUMNS = 10;

/** Patterns and colours of the holders, in the order they first appear in the window. */
export const HOLDER_PATTERNS = ['█', '▓', '▒', '#'] as const;
const HOLDER_TONES: readonly ToneName[] = ['accent', 'holder2', 'holder3', 'holder4'];

export const GAP_CHAR = '×';
/** A lock held by a frozen holder (stopped, traced, zombie): it keeps the lock and does no work. */
export const FROZEN_CHAR = '‖';

/** taken: nothing else may be drawn there; text: part of a label (no other label may touch it). */
type Cell = {char: string; tone?: ToneName; bold?: boolean; taken?: boolean; text?: boolean};

const stateTone = (letter: string): ToneName => (letter === 'L' ? 'ok' : letter === 'F' || letter === 'P' ? 'warn' : letter === 'N' || letter === '0' ? 'muted' : 'error');
const stateName: Readonly<Record<string, string>> = {L: 'live', F: 'failing back', P: 'paused', N: 'not started', '0': 'first start'};

const nodeLook: Readonly<Partial<Record<Span['kind'], {char: string; tone: ToneName}>>> = {
	live: {char: '█', tone: 'ok'},
	backup: {char: '▒', tone: 'accent'},
	waiting: {char: '░', tone: 'muted'},
	moving: {char: '~', tone: 'warn'},
	stopped: {char: '·', tone: 'muted'},
	lost: {char: '!', tone: 'error'},
};

/** For each column, the index of the span covering most of it (-1: none, before the data). */
function columnSpans(spans: readonly Span[], from: number, columnMs: number, columns: number, end: number): Int32Array {
	const best = new Int32Array(columns).fill(-1);
	const cover = new Float64Array(columns);
	for (let index = 0; index < spans.length; index++) {
		const start = Math.max(spans[index].start, from);
		const stop = Math.min(spans[index + 1]?.start ?? end, end);
		if (stop <= start) continue;
		const first = Math.max(0, Math.floor((start - from) / columnMs));
		const last = Math.min(columns - 1, Math.floor((Math.max(start, stop - 1e-9) - from) / columnMs));
		for (let column = first; column <= last; column++) {
			const left = from + (column * columnMs);
			const part = Math.min(stop, left + columnMs) - Math.max(start, left);
			if (part > cover[column] || best[column] === -1) {
				cover[column] = part;
				best[column] = index;
			}
		}
	}

	return best;
}

function runsOf(cells: readonly Cell[]): Run[] {
	const runs: Run[] = [];
	for (const cell of cells) {
		const last = runs.at(-1);
		if (last && last.tone === cell.tone && Boolean(last.bold) === Boolean(cell.bold)) runs[runs.length - 1] = {...last, text: last.text + cell.char};
		else runs.push({text: cell.char, ...(cell.tone ? {tone: cell.tone} : {}), ...(cell.bold ? {bold: true} : {})});
	}

	return runs;
}

/**
 * Writes text into cells [at, at + length) if none of them is taken and, with `apart`, no other
 * label touches either end (two labels side by side read as one: "no live 412 msno live 0.4 ms").
 */
function put(cells: Cell[], at: number, text: string, tone: ToneName | undefined, bold = false, apart = true): boolean {
	const characters = [...text];
	if (at < 0 || at + characters.length > cells.length) return false;
	for (let index = at; index < at + characters.length; index++) if (cells[index].taken) return false;
	if (apart && (cells[at - 1]?.text || cells[at + characters.length]?.text)) return false;
	for (const [offset, char] of characters.entries()) cells[at + offset] = {char, tone, bold, taken: true, text: true};
	return true;
}

/** The columns of each run of one span: [first, last] inclusive. */
function spanRuns(best: Int32Array): Array<{span: number; first: number; last: number}> {
	const runs: Array<{span: number; first: number; last: number}> = [];
	for (let column = 0; column < best.length; column++) {
		const last = runs.at(-1);
		if (last && last.span === best[column] && last.last === column - 1) last.last = column;
		else runs.push({span: best[column], first: column, last: column});
	}

	return runs.filter(run => run.span !== -1);
}

/** A label inside its run, in the longest stretch not taken, shortened (…) when it must be. */
function label(cells: Cell[], first: number, last: number, text: string, tone: ToneName | undefined): void {
	if (!text) return;
	let bestStart = -1;
	let bestLength = 0;
	let start = -1;
	for (let column = first; column <= last + 1; column++) {
		const free = column <= last && !cells[column].taken;
		if (free && start === -1) start = column;
		if (!free && start !== -1) {
			if (column - start > bestLength) {
				bestLength = column - start;
				bestStart = start;
			}

			start = -1;
		}
	}

	// A cell of the run's own pattern on each side, so the label never touches another one; a
	// label cut short keeps at least three characters ("bro…"), else it is left out.
	const room = bestLength - 2;
	if (room < Math.min(text.length, 4)) return;
	const shown = text.length <= room ? text : `${text.slice(0, room - 1).trimEnd()}…`;
	put(cells, bestStart + 1, shown, tone, true);
}

function lockRow(row: TimelineRow, best: Int32Array, holders: Map<string, number>, liveGaps: ReadonlySet<number>): Cell[] {
	return [...best].map((index, column): Cell => {
		if (row.id === 'live' && liveGaps.has(column)) return {char: GAP_CHAR, tone: 'error', bold: true};
		const span = row.spans[index];
		if (!span) return {char: ' '};
		switch (span.kind) {
			case 'held': {
				const holder = holders.get(span.label) ?? 0;
				return {char: HOLDER_PATTERNS[holder % HOLDER_PATTERNS.length], tone: HOLDER_TONES[holder % HOLDER_TONES.length]};
			}

			case 'frozen': {
				return {char: FROZEN_CHAR, tone: 'error'};
			}

			case 'free': {
				return row.id === 'live' ? {char: GAP_CHAR, tone: 'error', bold: true} : {char: '─', tone: 'muted'};
			}

			default: {
				return {char: ' '};
			}
		}
	});
}

export function renderTimeline(timeline: Timeline, options: {readonly width: number; readonly windowMs: number; readonly end: number}): RenderedTimeline {
	const columns = Math.max(1, options.width - TITLE_COLUMNS);
	const {windowMs, end} = options;
	const from = end - windowMs;
	const columnMs = windowMs / columns;
	// Holders in the order they first show in the window: the same holder has the same look on every row.
	const holders = new Map<string, number>();
	const inWindow = (row: TimelineRow) => row.spans.filter((span, index) => (span.kind === 'held' || span.kind === 'frozen') && (row.spans[index + 1]?.start ?? end) >= from && span.start <= end);
	for (const row of timeline.rows.filter(one => one.id === 'live' || one.id === 'backup')) {
		for (const span of inWindow(row)) if (!holders.has(span.label)) holders.set(span.label, holders.size);
	}

	const all = gaps(timeline);
	const shownGaps = all.filter(gap => (gap.end ?? end) >= from && gap.start <= end);
	const columnOf = (time: number) => Math.max(0, Math.min(columns - 1, Math.floor((time - from) / columnMs)));
	// Every column a gap touches, however short the gap.
	const gapColumns = new Set<number>();
	for (const gap of shownGaps) for (let column = columnOf(gap.start); column <= columnOf(Math.max(gap.start, (gap.end ?? end) - 1e-9)); column++) gapColumns.add(column);

	const rows = timeline.rows.map((row): RenderedRow => {
		const best = columnSpans(row.spans, from, columnMs, columns, end);
		let cells: Cell[];
		if (row.id === 'live' || row.id === 'backup') {
			cells = lockRow(row, best, holders, gapColumns);
			if (row.id === 'live') {
				// Every gap's column is kept (a label never covers another gap), then the lengths,
				// newest first (the last failover matters most): inside the gap when it is wide
				// enough, else just after it, else just before.
				for (const column of gapColumns) cells[column] = {...cells[column], taken: true};
				for (const gap of shownGaps.slice().reverse()) {
					const text = gapText(gap) ?? `no live since ${clock(gap.start)}`;
					const first = columnOf(gap.start);
					const last = columnOf(Math.max(gap.start, (gap.end ?? end) - 1e-9));
					for (let column = first; column <= last; column++) cells[column] = {...cells[column], taken: false};
					const placed = (last - first + 1 >= text.length + 2 && put(cells, first + 1, text, 'error', true))
						|| put(cells, last + 1, text, 'error', true)
						|| put(cells, first - text.length, text, 'error', true);
					for (let column = first; column <= last; column++) if (!cells[column].taken) cells[column] = {...cells[column], taken: true};
					void placed;
				}
			}

			for (const run of spanRuns(best)) {
				const span = row.spans[run.span];
				if (span.kind === 'held') label(cells, run.first, run.last, span.label, cells[run.first]?.tone);
				else if (span.kind === 'frozen') label(cells, run.first, run.last, `${span.label} frozen`, 'error');
				else if (span.kind === 'unknown') label(cells, run.first, run.last, span.label, 'muted');
			}
		} else if (row.id === 'state') {
			cells = [...best].map((index): Cell => (row.spans[index]?.kind === 'state' ? {char: '─', tone: 'muted'} : {char: ' '}));
			for (const markAt of timeline.marks) {
				if (markAt.time < from || markAt.time > end) continue;
				const column = columnOf(markAt.time);
				if (cells[column].char === '─') cells[column] = {char: '*', tone: 'muted'};
			}

			// Each change writes its letter where it happened (a state change mark; one shorter than
			// a column still shows, in the next free column), then its name if there is room.
			const named: Array<{at: number; stop: number; name: string; tone: ToneName}> = [];
			for (const [index, span] of row.spans.entries()) {
				const until = row.spans[index + 1]?.start ?? end;
				if (span.kind !== 'state' || until < from || span.start > end) continue;
				let at = span.start >= from ? columnOf(span.start) : 0;
				while (at < columns && cells[at].taken) at++;
				if (at >= columns) continue;
				// Letters side by side are a sequence of states (L F L), not words: no gap between them.
				put(cells, at, span.label.slice(0, 4), stateTone(span.label), true, false);
				const name = stateName[span.label];
				if (name) named.push({at, stop: Math.min(columns - 1, columnOf(Math.max(span.start, until - 1e-9))), name, tone: stateTone(span.label)});
			}

			for (const {at, stop, name, tone} of named) label(cells, at + 1, stop, name, tone);
		} else {
			cells = [...best].map((index): Cell => {
				const look = nodeLook[row.spans[index]?.kind];
				return look ? {char: look.char, tone: look.tone} : {char: ' '};
			});
			for (const run of spanRuns(best)) {
				const span = row.spans[run.span];
				label(cells, run.first, run.last, span.label, nodeLook[span.kind]?.tone);
			}
		}

		return {id: row.id, title: row.title.slice(0, TITLE_COLUMNS - 1).padEnd(TITLE_COLUMNS), runs: runsOf(cells)};
	});

	return {rows, axis: axisLine(from, end, columns), gaps: shownGaps, columnMs};
}

/**
 * Under the chart, relative to now: `├-1 min ──── -30 s ──── now┤`. Relative, so a picture that
 * did not change needs no frame for its axis either.
 */
function axisLine(from: number, end: number, columns: number): string {
	const cells = [...' '.repeat(TITLE_COLUMNS), ...'─'.repeat(columns)];
	const write = (at: number, text: string) => {
		for (const [offset, char] of [...text].entries()) if (at + offset >= 0 && at + offset < cells.length) cells[at + offset] = char;
	};

	const span = end - from;
	write(TITLE_COLUMNS, `├-${ago(span)}`);
	const now = 'now┤';
	write(cells.length - now.length, now);
	const middle = `-${ago(span / 2)}`;
	const at = TITLE_COLUMNS + Math.floor(columns / 2) - Math.floor(middle.length / 2);
	if (at > TITLE_COLUMNS + 10 && at + middle.length < cells.length - now.length - 1) write(at, middle);
	return cells.join('');
}

/** 30 s, 5 min, 1 h */
function ago(ms: number): string {
	if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
	if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
	return `${Math.round(ms / 3_600_000)} h`;
}

/** "1 min", "10 min", "1 h" */
export function windowName(windowMs: number): string {
	return windowMs >= 3_600_000 ? `${windowMs / 3_600_000} h` : `${windowMs / 60_000} min`;
}
