// The timeline as characters: exact pictures for exact inputs; a gap shorter than a column still
// marked with its length; holders told apart by pattern (monochrome, NO_COLOR) as well as colour.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {emptyTimeline, observe} from '../../source/session/timeline.js';
import {FROZEN_CHAR, GAP_CHAR, HOLDER_PATTERNS, renderTimeline} from '../../source/ui/timeline-render.js';
import {TimelineStrip, TimelineView, timelineStepMs, timelineTickMs} from '../../source/ui/timeline-panel.js';
import {ColorContext} from '../../source/ui/theme.js';
import {TIMELINE_T, nightTimeline} from './fixtures.js';

afterEach(cleanup);

const T = TIMELINE_T;
const text = (row: {runs: ReadonlyArray<{text: string}>}) => row.runs.map(run => run.text).join('');

const night = nightTimeline;

test('the picture: one column per slice of the window, holders by name, gaps with their lengths', () => {
	// 60 columns: 10 of titles, 50 of chart; a minute: 1.2 s a column. End at T + 60 s.
	const picture = renderTimeline(night(), {width: 60, windowMs: 60_000, end: T + 60_000});
	const rows = Object.fromEntries(picture.rows.map(row => [row.id, `${row.title}${text(row)}`]));
	for (const line of Object.values(rows)) assert.equal([...line].length, 60, line);
	// At 60 columns the gaps' lengths come first and cover #1's short reign (the full view lists it).
	assert.equal(rows.live, 'primary   █broker-a███████××no live ≈412 ms×no live 0.4 ms▒▒');
	assert.equal(rows.backup, 'backup    ▓#1▓▓▓▓▓▓▓▓▓▓▓▓▓▓▒#2▒▒▒▒▒▒▒▒▒▒▒▒▒─────────────────');
	assert.equal(rows.state, 'state     L─live────────────────────────────────────────────');
	assert.equal(rows['node:n1'], '#1 backup ▒backup▒▒▒▒▒▒▒▒▒▒█LIVE███████████·stopped·········');
	assert.equal(rows['node:n2'], '#2 backup ░waiting░░░░░░░░░▒backup▒▒▒▒▒▒▒▒▒█LIVE████████████');
	const wide = renderTimeline(night(), {width: 100, windowMs: 60_000, end: T + 60_000});
	assert.equal(wide.axis, '          ├-1 min────────────────────────────────────-30 s──────────────────────────────────────now┤');
	assert.equal(`${wide.rows[0].title}${text(wide.rows[0])}`, 'primary   █broker-a█████████████████████×no live ≈412 ms▓#1▓▓▓▓▓▓▓▓▓▓▓×no live 0.4 ms▒#2▒▒▒▒▒▒▒▒▒▒▒▒');
	assert.deepEqual(picture.gaps.map(gap => gap.ms !== undefined && Math.round(gap.ms * 10) / 10), [412, 0.4]);
});

test('a gap shorter than a column is still its own column (×), with its length', () => {
	let timeline = observe(emptyTimeline(), 'live', T, {kind: 'held', label: 'a'}, true);
	timeline = observe(timeline, 'live', T + 50_000, {kind: 'free', label: ''}, true);
	timeline = observe(timeline, 'live', T + 50_000.4, {kind: 'held', label: 'b'}, true);
	// An hour on 50 columns: 72 s a column, the gap 0.4 ms.
	const [live] = renderTimeline(timeline, {width: 60, windowMs: 3_600_000, end: T + 120_000}).rows;
	assert.ok(text(live).includes(GAP_CHAR), text(live));
	assert.ok(text(live).includes('no live 0.4 ms'), text(live));
});

test('holders differ by pattern, not only by colour; NO_COLOR output has the same characters', () => {
	const picture = renderTimeline(night(), {width: 100, windowMs: 60_000, end: T + 60_000});
	const live = text(picture.rows[0]);
	assert.ok(live.includes(HOLDER_PATTERNS[0]) && live.includes(HOLDER_PATTERNS[1]), live);
	const strip = (colors: boolean) => render(
		<ColorContext.Provider value={colors}>
			<TimelineStrip timeline={night()} width={100} rows={5} windowMs={60_000} nodeIds={['n1', 'n2']} end={T + 60_000}/>
		</ColorContext.Provider>,
	).lastFrame() ?? '';
	// eslint-disable-next-line no-control-regex
	const plain = (frame: string) => frame.replaceAll(/\u001B\[[\d;]*m/g, '');
	const colored = strip(true);
	const mono = strip(false);
	assert.equal(plain(mono), plain(colored));
	assert.match(plain(mono), /no live ≈412 ms/);
	assert.match(plain(mono), /no live 0\.4 ms/);
	assert.match(plain(mono), /^Timeline ─+ last 1 min · \+\/- zoom · t full$/m);
});

test('the full view: axis, every row, legend, and the gaps newest first, within its rows', () => {
	for (const [width, rows] of [[60, 12], [100, 26], [200, 56]] as const) {
		const frame = render(<TimelineView timeline={night()} width={width} rows={rows} windowMs={60_000} end={T + 60_000}/>).lastFrame() ?? '';
		const lines = frame.split('\n');
		assert.ok(lines.length <= rows, `${lines.length} > ${rows}\n${frame}`);
		for (const line of lines) assert.ok([...line].length <= width, line);
		assert.match(frame, /├-1 min─/);
		assert.match(frame, /now┤$/m);
		if (rows > 20) assert.match(frame, /Without a live in the last 1 min \(newest first\):\n .*no live 0\.4 ms {2}#1 → #2\n/);
		cleanup();
	}
});

test('time moves the picture in steps of a twelfth of the window, never a frame per second', () => {
	assert.equal(timelineStepMs(60_000, 60), 5000);
	assert.equal(timelineStepMs(3_600_000, 200), 300_000);
	// Wider than twelve columns a window: still at least a column.
	assert.equal(timelineStepMs(60_000, 16), 10_000);
});

test('a window holding only the data\'s start moves every quarter of the window; a change in it, every step; neither, never', () => {
	// The screen just opened: the first look at T, nothing since.
	let opened = observe(emptyTimeline(), 'live', T, {kind: 'free', label: ''});
	opened = observe(opened, 'backup', T, {kind: 'free', label: ''});
	opened = observe(opened, 'state', T, {kind: 'state', label: 'L'});
	assert.equal(timelineTickMs(opened, 60_000, 100, T + 10_000), 15_000);
	assert.equal(timelineTickMs(opened, 600_000, 100, T + 10_000), 150_000);
	// Once the start has left the window, the picture looks the same however long it waits.
	assert.equal(timelineTickMs(opened, 60_000, 100, T + 61_000), undefined);
	// A change inside the window: the usual steps, until it has left the window.
	const changed = observe(opened, 'live', T + 20_000, {kind: 'held', label: 'broker-a'});
	assert.equal(timelineTickMs(changed, 60_000, 100, T + 30_000), 5000);
	assert.equal(timelineTickMs(changed, 60_000, 100, T + 86_000), undefined);
});

/** Three holders and three gaps within 30 s: at narrow widths their labels compete for columns. */
function crowded() {
	let timeline = observe(emptyTimeline(), 'state', T, {kind: 'state', label: 'L'});
	timeline = observe(timeline, 'live', T, {kind: 'held', label: 'broker-a'});
	timeline = observe(timeline, 'live', T + 20_000, {kind: 'free', label: ''});
	timeline = observe(timeline, 'live', T + 20_412, {kind: 'held', label: 'broker-b'});
	timeline = observe(timeline, 'live', T + 40_000, {kind: 'free', label: ''}, true);
	timeline = observe(timeline, 'live', T + 40_000.4, {kind: 'held', label: 'broker-c'}, true);
	timeline = observe(timeline, 'live', T + 45_000, {kind: 'free', label: ''});
	timeline = observe(timeline, 'live', T + 46_300, {kind: 'held', label: 'broker-a'});
	timeline = observe(timeline, 'backup', T, {kind: 'held', label: 'broker-b'});
	timeline = observe(timeline, 'backup', T + 20_412, {kind: 'free', label: ''});
	return timeline;
}

const LABELS = ['broker-a', 'broker-b', 'broker-c', 'no live ≈412 ms', 'no live 0.4 ms', 'no live ≈1.30 s', 'L', 'live'];

/**
 * The texts on a chart line: what is left between the pictures' own characters. Each must be
 * one whole label, or one cut short with "…": two labels side by side would read as one text.
 */
function chartTexts(line: string): string[] {
	return line.slice(10).split(/[█▓▒░~·!×─]+/).map(part => part.trim()).filter(Boolean);
}

test('no two texts touch on a chart line, at 60×16 and 80×24, in the strip and in the full view (a label left out rather than glued to another)', () => {
	for (const [width, rows] of [[60, 16], [80, 24]] as const) {
		const strip = render(<TimelineStrip timeline={crowded()} width={width} rows={3} windowMs={60_000} nodeIds={[]} end={T + 60_000}/>).lastFrame() ?? '';
		cleanup();
		const view = render(<TimelineView timeline={crowded()} width={width} rows={rows - 4} windowMs={60_000} end={T + 60_000}/>).lastFrame() ?? '';
		cleanup();
		for (const frame of [strip, view]) {
			const chart = frame.split('\n').filter(line => /^(primary|backup|state) /.test(line));
			assert.equal(chart.length, 3, frame);
			for (const line of chart) {
				assert.ok([...line].length <= width, line);
				for (const found of chartTexts(line)) {
					assert.ok(LABELS.includes(found) || (found.endsWith('…') && found.length >= 4 && LABELS.some(label => label.startsWith(found.slice(0, -1)))), `${width}×${rows}: "${found}" is not one label in\n${line}`);
				}
			}

			// From 80 columns every gap is named on the chart (at 60 the view's list names them).
			if (width >= 80) for (const gap of ['no live ≈412 ms', 'no live 0.4 ms', 'no live ≈1.30 s']) assert.ok(chart[0].includes(gap), `${gap}\n${frame}`);
		}
	}
});

test('a frozen holder draws ‖ with its name and "frozen", in the error colour and without colour alike; a frozen live is no gap', () => {
	let timeline = observe(emptyTimeline(), 'live', T, {kind: 'held', label: 'broker-a'});
	timeline = observe(timeline, 'live', T + 30_000, {kind: 'frozen', label: 'broker-a'});
	const [live] = renderTimeline(timeline, {width: 100, windowMs: 60_000, end: T + 60_000}).rows;
	const line = text(live);
	assert.match(line, /^█broker-a█+‖broker-a frozen‖+$/);
	assert.equal([...line].filter(char => char === FROZEN_CHAR).length + 'broker-a frozen'.length, 45);
	assert.ok(!line.includes(GAP_CHAR));
	assert.ok(live.runs.some(run => run.tone === 'error' && run.text.includes('broker-a frozen')));
	const mono = render(<ColorContext.Provider value={false}><TimelineView timeline={timeline} width={100} rows={20} windowMs={60_000} end={T + 60_000}/></ColorContext.Provider>).lastFrame() ?? '';
	assert.match(mono, /‖broker-a frozen‖/);
	assert.match(mono, /‖ its holder frozen \(stopped, zombie\)/);
	assert.match(mono, /No gap without a live in the last 1 min\./);
});
