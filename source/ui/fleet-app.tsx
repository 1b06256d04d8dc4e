// The fleet screen (issue 19 §2): one row per group, worst first, `/` to filter, ↑/↓ to select,
// enter to open the group's own screen, q to quit. Ink only: the rows come from the fleet view.
import React, {useEffect, useState} from 'react';
import {Box, Text, useInput} from 'ink';
import {countByVerdict, sortRows, type FleetRow} from '../fleet/fleet-view.js';
import {sanitize} from '../text/sanitize.js';
import {useTerminalSize, type Size} from './use-terminal-size.js';

export type FleetSource = {rows: () => readonly FleetRow[]; subscribe: (listener: () => void) => () => void};

const verdictColor = (exitCode: number) => (exitCode === 0 ? 'green' : exitCode === 1 ? 'yellow' : exitCode === 2 ? 'red' : 'magenta');

function age(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	if (seconds < 60) return `${seconds}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
	return `${Math.floor(seconds / 3600)}h`;
}

const fit = (text: string, width: number) => {
	const clean = sanitize(text);
	if (width <= 0) return '';
	return clean.length <= width ? clean.padEnd(width) : `${clean.slice(0, Math.max(0, width - 1))}…`;
};

export function FleetApp({source, onOpen, onQuit, size: fixed, initialFilter = ''}: {source: FleetSource; onOpen: (row: FleetRow) => void; onQuit: () => void; size?: Size; initialFilter?: string}) {
	const {columns, rows: height} = useTerminalSize(fixed);
	const [now, setNow] = useState(() => Date.now());
	const [filter, setFilter] = useState(initialFilter);
	const [editing, setEditing] = useState(false);
	const [selected, setSelected] = useState(0);
	useEffect(() => source.subscribe(() => setNow(Date.now())), [source]);
	useEffect(() => {
		// Ages on screen: once a second, nothing else moves without an event.
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, []);
	const all = source.rows();
	const rows = sortRows(all, filter);
	const index = Math.min(selected, Math.max(0, rows.length - 1));
	useInput((input, key) => {
		if (editing) {
			if (key.return || key.escape) setEditing(false);
			if (key.escape) setFilter('');
			else if (key.backspace || key.delete) setFilter(text => text.slice(0, -1));
			else if (!key.return && input && !key.ctrl && !key.meta) setFilter(text => (text + input).slice(0, 80));
			return;
		}

		if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
		else if (input === '/') setEditing(true);
		else if (key.escape) setFilter('');
		else if (key.upArrow || input === 'k') setSelected(Math.max(0, index - 1));
		else if (key.downArrow || input === 'j') setSelected(Math.min(rows.length - 1, index + 1));
		else if (key.return && rows[index]) onOpen(rows[index]);
	});
	if (columns < 60 || height < 16) {
		return <Text>{fit(`ha-tui needs at least 60×16 (now ${columns}×${height}); q quits`, columns)}</Text>;
	}

	const counts = countByVerdict(all).map(([verdict, count]) => `${count} ${verdict}`).join(' · ');
	const listHeight = height - 4;
	const start = Math.min(Math.max(0, index - listHeight + 1), Math.max(0, rows.length - listHeight));
	const visible = rows.slice(start, start + listHeight);
	// Columns by priority: verdict, name, live, backup, state, age, note (dropped when narrow).
	const verdictWidth = 13;
	const ageWidth = 5;
	const rest = columns - verdictWidth - ageWidth - 4;
	const wide = columns >= 100;
	const nameWidth = Math.floor(rest * (wide ? 0.34 : 0.45));
	const liveWidth = Math.floor(rest * (wide ? 0.18 : 0.275));
	const backupWidth = rest - nameWidth - liveWidth - (wide ? Math.floor(rest * 0.3) : 0);
	const stateWidth = wide ? Math.floor(rest * 0.12) : 0;
	const noteWidth = wide ? columns - verdictWidth - ageWidth - nameWidth - liveWidth - backupWidth - stateWidth - 6 : 0;
	const line = (cells: string[]) => cells.join(' ');
	return (
		<Box flexDirection='column' width={columns} height={height}>
			<Text bold>{fit(`ha-tui fleet — ${all.length} group${all.length === 1 ? '' : 's'}: ${counts}`, columns)}</Text>
			<Text dimColor>{fit(line([fit('verdict', verdictWidth), fit('group', nameWidth), fit('live', liveWidth), fit('backup', backupWidth), ...(wide ? [fit('state', stateWidth)] : []), fit('since', ageWidth), ...(wide ? [fit('note', noteWidth)] : [])]), columns)}</Text>
			{visible.map((row, offset) => {
				const chosen = start + offset === index;
				return (
					<Text key={row.group.lockPath} inverse={chosen}>
						<Text color={verdictColor(row.exitCode)}>{fit(`${chosen ? '▶' : ' '}${row.verdict}`, verdictWidth)}</Text>
						{' '}
						{fit(line([fit(row.name, nameWidth), fit(row.live, liveWidth), fit(row.backup, backupWidth), ...(wide ? [fit(row.state, stateWidth)] : []), fit(age(now - row.changedAt), ageWidth), ...(wide ? [fit(row.note, noteWidth)] : [])]), columns - verdictWidth - 1)}
					</Text>
				);
			})}
			{Array.from({length: Math.max(0, listHeight - visible.length)}, (_, blank) => <Text key={`blank-${blank}`}> </Text>)}
			<Text>{fit(editing ? `/${filter}▏ (enter: keep, esc: clear)` : rows.length < all.length ? `filter "${filter}": ${rows.length} of ${all.length} (esc clears)` : '', columns)}</Text>
			<Text dimColor>{fit('q quit  ↑↓ select  enter open  / filter  esc clear  (q or esc in a group: back here)', columns)}</Text>
		</Box>
	);
}
