// The nodes started from this screen: role, phase, since when; one of them selected.
import React from 'react';
import {Box, Text} from 'ink';
import type {NodePhase} from '../node-manager/ha-node.js';
import {phaseLabel} from '../session/labels.js';
import type {NodeView} from '../session/types.js';
import {age, clockSeconds} from './format.js';
import {SectionTitle} from './section.js';
import {Tone, type ToneName} from './theme.js';

const phaseTone: Readonly<Record<NodePhase, ToneName>> = {
	idle: 'muted',
	'waiting-backup-lock': 'info',
	backup: 'accent',
	'waiting-live-lock': 'accent',
	'failing-back': 'warn',
	live: 'ok',
	'stepping-down': 'warn',
	paused: 'warn',
	stopped: 'muted',
	'lost-lock': 'error',
};

/** rows nodes from offset (layout.ts keeps the selected one among them); the title says when some are off screen. */
/** phaseWords: another store's words for some phases (a table's "waiting for primary lease"). */
export function NodesPanel({nodes, selectedId, now, width, rows = nodes.length, offset = 0, phaseWords}: {readonly nodes: readonly NodeView[]; readonly selectedId: string | undefined; readonly now: number; readonly width: number; readonly rows?: number; readonly offset?: number; readonly phaseWords?: Partial<Record<NodePhase, string>>}) {
	const shown = nodes.slice(offset, offset + Math.max(1, rows));
	const scrolled = shown.length < nodes.length ? `${offset + 1}–${offset + shown.length} of ${nodes.length} ↑↓` : undefined;
	return (
		<Box flexDirection="column" flexShrink={0}>
			<SectionTitle title="In-process nodes" width={width} hint={scrolled ?? (nodes.length > 1 ? '↑↓ select' : undefined)}/>
			{nodes.length === 0
				? <Tone tone="muted" wrap="truncate-end"> none: read-only. Press l to start a primary (live), b a backup.</Tone>
				: shown.map(node => {
					const selected = node.id === selectedId;
					const phase = node.phase === 'live' && node.activated ? 'live (activated backup)' : phaseWords?.[node.phase] ?? phaseLabel[node.phase];
					return (
						<Box key={node.id}>
							<Box flexShrink={0}><Text bold={selected} inverse={selected}>{selected ? '▶' : ' '} {node.label.padEnd(3)} {node.role.padEnd(7)}</Text></Box>
							<Box width={26} flexShrink={0}><Tone bold={node.phase === 'live' || node.phase === 'lost-lock'} tone={phaseTone[node.phase]} wrap="truncate-end"> {phase}</Tone></Box>
							<Box flexShrink={1} flexGrow={1}><Tone tone="muted" wrap="truncate-end">since {clockSeconds(node.since)} ({age(now - node.since)})</Tone></Box>
						</Box>
					);
				})}
		</Box>
	);
}
