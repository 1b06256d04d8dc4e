// The fleet screen (issue 19 §2): one row per group, worst first, `/` to filter, ↑/↓ to select,
// enter to open the group's own screen, q to quit. Ink only: the rows come from the fleet view.
import React, {useCallback, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {Box, Text, useInput, type Key} from 'ink';
import {countByVerdict, sortRows, type FleetRow} from '../fleet/fleet-view.js';
import {fleetColumns, type FleetColumn} from './fleet-layout.js';
import {splitKeys, type KeyFlags} from './keys.js';
import {sanitize} from '../text/sanitize.js';
import {useTerminalSize, type Size} from './use-terminal-size.js';

export type FleetSource = {rows: () => readonly FleetRow[]; subscribe: (listener: () => void) => () => void};

const verdictColor = (exitCode: number) => (exitCode === 0 ? 'green' : exitCode === 1 ? 'yellow' : exitCode === 2 ? 'red' : 'magenta');

/** Floored, as the group screen's ages: "59s" until a full minute has passed. */
export function age(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 60) return `${seconds}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
	return `${Math.floor(seconds / 3600)}h`;
}

/** When the age of something changed at `since` next reads differently (ms epoch). */
export function nextAgeChange(since: number, now: number): number {
	const elapsed = Math.max(0, now - since);
	const unit = elapsed < 60_000 ? 1000 : elapsed < 3_600_000 ? 60_000 : 3_600_000;
	return since + ((Math.floor(elapsed / unit) + 1) * unit);
}

/** A path keeps its end (the distinctive part: "…/app-07/journal"), not its common start. */
const fitEnd = (text: string, width: number) => {
	const clean = sanitize(text);
	if (width <= 0) return '';
	return clean.length <= width ? clean.padEnd(width) : `…${clean.slice(clean.length - width + 1)}`;
};

const findingColor = (level: FleetRow['findingLevel']) => (level === 'critical' ? 'red' : level === 'warning' ? 'yellow' : undefined);

const fit = (text: string, width: number) => {
	const clean = sanitize(text);
	if (width <= 0) return '';
	return clean.length <= width ? clean.padEnd(width) : `${clean.slice(0, Math.max(0, width - 1))}…`;
};

/** initialKey: the row selected at first (a group's screen closed: back on its row). */
export function FleetApp({source, onOpen, onQuit, size: fixed, initialFilter = '', initialKey}: {source: FleetSource; onOpen: (row: FleetRow) => void; onQuit: () => void; size?: Size; initialFilter?: string; initialKey?: string}) {
	const {columns, rows: height} = useTerminalSize(fixed);
	const [now, setNow] = useState(() => Date.now());
	const [filter, setFilter] = useState(initialFilter);
	const [editing, setEditing] = useState(false);
	const [selected, setSelected] = useState(() => Math.max(0, sortRows(source.rows(), initialFilter).findIndex(row => row.group.lockPath === initialKey)));
	useEffect(() => source.subscribe(() => setNow(Date.now())), [source]);
	const all = source.rows();
	const rows = sortRows(all, filter);
	const index = Math.min(selected, Math.max(0, rows.length - 1));
	const listHeight = height - 4;
	const start = Math.min(Math.max(0, index - listHeight + 1), Math.max(0, rows.length - listHeight));
	const visible = rows.slice(start, start + listHeight);
	// Nothing moves without an event but the ages: a frame when one on screen would read
	// differently (each second for a change under a minute old, each minute, each hour), not
	// every second — a frame of 100 rows costs milliseconds, and a fleet at rest draws one a minute.
	// At most a frame a second: the groups' first looks land over a few hundred ms, so each row's
	// second ticks at its own moment, and a frame per row's tick was dozens a second (~10 % of a
	// core for the first minute over 100 groups). An age is then late by less than a second.
	const nextFrame = visible.length === 0 ? undefined : Math.max(now + 1000, Math.min(...visible.map(row => nextAgeChange(row.changedAt, now))));
	useEffect(() => {
		if (nextFrame === undefined) return;
		// Never before nextFrame: a timer may fire a millisecond early by Date.now(), and a `now`
		// short of it would give the same nextFrame, no new timer, and ages stuck for good.
		const timer = setTimeout(() => setNow(Math.max(Date.now(), nextFrame)), Math.max(20, nextFrame - Date.now()));
		return () => clearTimeout(timer);
	}, [nextFrame]);
	// The keys' state lives in a ref between the keys of one read (tmux send-keys '/app1', a key
	// typed before the frame of the previous one): each key sees what the previous one left
	// (keys.ts splitKeys, as the group screen does); React's state draws it.
	const keysRef = useRef({editing, filter, selected: index});
	const onKeys = (input: string, key: Key) => {
		for (const press of splitKeys(input, key)) step(press.input, press.key);
		setEditing(keysRef.current.editing);
		setFilter(keysRef.current.filter);
		setSelected(keysRef.current.selected);
	};

	const step = (input: string, key: KeyFlags & {backspace?: boolean; delete?: boolean}) => {
		const state = keysRef.current;
		if (state.editing) {
			if (key.return) state.editing = false;
			else if (key.escape) keysRef.current = {...state, editing: false, filter: ''};
			else if (key.backspace || key.delete) state.filter = state.filter.slice(0, -1);
			else if (input && !key.ctrl && !key.meta) state.filter = (state.filter + input).slice(0, 80);
			return;
		}

		const shown = sortRows(source.rows(), state.filter);
		const at = Math.min(state.selected, Math.max(0, shown.length - 1));
		if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
		else if (input === '/') state.editing = true;
		else if (key.escape) state.filter = '';
		else if (key.upArrow || input === 'k') state.selected = Math.max(0, at - 1);
		else if (key.downArrow || input === 'j') state.selected = Math.min(shown.length - 1, at + 1);
		else if (key.return && shown[at]) onOpen(shown[at]);
	};

	const latest = useRef(onKeys);
	useLayoutEffect(() => {
		latest.current = onKeys;
	});
	useInput(useCallback((input: string, key: Key) => {
		latest.current(input, key);
	}, []));
	if (columns < 60 || height < 16) {
		return <Text>{fit(`ha-tui needs at least 60×16 (now ${columns}×${height}); q quits`, columns)}</Text>;
	}

	const counts = countByVerdict(all).map(([verdict, count]) => `${count} ${verdict}`).join(' · ');
	// Columns by priority (fleet-layout.ts): what does not fit is hidden, and the status line says so.
	const {shown, hidden} = fleetColumns(columns);
	const cell = (row: FleetRow, column: FleetColumn, chosen: boolean): string => {
		switch (column) {
			case 'verdict': {
				return `${chosen ? '▶' : ' '}${row.verdict}`;
			}

			case 'since': {
				return age(now - row.changedAt);
			}

			default: {
				return row[column];
			}
		}
	};

	const status = editing
		? `/${filter}▏ (enter: keep, esc: clear)`
		: rows.length < all.length
			? `filter "${filter}": ${rows.length} of ${all.length} (esc clears)`
			: hidden.length > 0 ? `… not shown at ${columns} columns: ${hidden.join(', ')}` : '';
	return (
		<Box flexDirection='column' width={columns} height={height}>
			<Text bold>{fit(`ha-tui fleet — ${all.length} group${all.length === 1 ? '' : 's'}: ${counts}`, columns)}</Text>
			<Text dimColor>{fit(shown.map(({title, width}) => fit(title, width)).join(' '), columns)}</Text>
			{visible.map((row, offset) => {
				const chosen = start + offset === index;
				return (
					<Text key={row.group.lockPath} inverse={chosen}>
						{shown.map(({column, width}, position) => (
							<Text key={column} color={column === 'verdict' ? verdictColor(row.exitCode) : column === 'finding' ? findingColor(row.findingLevel) : undefined}>
								{position > 0 ? ' ' : ''}{(column === 'name' ? fitEnd : fit)(cell(row, column, chosen), width)}
							</Text>
						))}
					</Text>
				);
			})}
			{Array.from({length: Math.max(0, listHeight - visible.length)}, (_, blank) => <Text key={`blank-${blank}`}> </Text>)}
			<Text dimColor={!editing}>{fit(status, columns)}</Text>
			<Text dimColor>{fit('q quit  ↑↓ select  enter open  / filter  esc clear  (q or esc in a group: back here)', columns)}</Text>
		</Box>
	);
}
