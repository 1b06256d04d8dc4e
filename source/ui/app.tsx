// The screen: panels from the session's view, keys turned into session actions. Destructive
// actions go through a y/n dialog that says what will happen; refusals say why.
import React, {useEffect, useMemo} from 'react';
import {Box} from 'ink';
import type {SessionLike, SessionView} from '../session/types.js';
import {sanitize} from '../text/sanitize.js';
import {ConfirmDialog} from './confirm.js';
import {DoctorPanel, maxDoctorOffset} from './doctor-panel.js';
import {EventLog} from './event-log.js';
import {Header} from './header.js';
import {HelpBar} from './help-bar.js';
import {HelpOverlay, maxHelpOffset} from './help-overlay.js';
import {selectedNode} from './keys.js';
import {layoutScreen} from './layout.js';
import {LockFilePanel} from './lock-file-panel.js';
import {LocksPanel} from './locks-panel.js';
import {NodesPanel} from './nodes-panel.js';
import {TimelineStrip, TimelineView, useTimelineEnd} from './timeline-panel.js';
import {WINDOWS_MS} from '../session/timeline.js';
import {eventLines} from '../session/event-log.js';
import {Tone, levelSymbol} from './theme.js';
import {dialogText, useKeyMachine, useKeys} from './use-key-machine.js';
import {useNow} from './use-now.js';
import {TooSmall, type ScreenProps} from './screen.js';
import {samePanel} from './same-props.js';
import {useSessionView} from './use-session.js';
import {useTerminalSize} from './use-terminal-size.js';

export type AppProps = ScreenProps<SessionLike> & {
	/** The clock's seconds are painted on the terminal (clock-painter.ts), not rendered every second. */
	readonly clockPainted?: boolean;
	/** Opened from the fleet screen: esc goes back there (keys.ts), and the key bar says q goes back. */
	readonly fromFleet?: boolean;
};

// Each panel is drawn again only when what it is given changed: a frame made by one panel (the
// timeline's axis step, an age) does not redraw the others.
const SameHeader = samePanel(Header);
const SameLocksPanel = samePanel(LocksPanel);
const SameNodesPanel = samePanel(NodesPanel);
const SameTimelineStrip = samePanel(TimelineStrip);
const SameTimelineView = samePanel(TimelineView);
const SameLockFilePanel = samePanel(LockFilePanel);
const SameEventLog = samePanel(EventLog);
const SameHelpBar = samePanel(HelpBar);

/** Start times of every age on screen, so the screen redraws when one of them would read differently. */
function ageStarts(view: SessionView): number[] {
	const starts = view.nodes.map(node => node.since);
	for (const since of Object.values(view.snapshot.heldSince)) if (since !== undefined) starts.push(since);
	return starts;
}

export function App({session, onExit, size, stopper: given, clockPainted = false, fromFleet = false, timelineEnd}: AppProps) {
	const view = useSessionView(session);
	const now = useNow(ageStarts(view), !clockPainted);
	const {columns, rows} = useTerminalSize(size);
	// The key machine (keys.ts) and its effects on the session (use-key-machine.ts).
	const machine = useKeyMachine(session, onExit, given);
	const {ui, notice} = machine;
	const selected = selectedNode(view.nodes, ui.selectedId);
	const doctor = ui.screen === 'doctor' && !ui.dialog;
	const noticeText = notice ? `${levelSymbol[notice.level]} ${sanitize(notice.text)}` : undefined;
	const dialog = dialogText(ui.dialog);
	// Every line's place from one function (layout.ts), so nothing overlaps at any size.
	const layout = layoutScreen({columns, rows, view, screen: ui.screen, dialog, notice: noticeText, unfolded: ui.unfolded, selectedIndex: selected ? view.nodes.indexOf(selected) : -1});
	const windowMs = WINDOWS_MS[ui.timelineWindow] ?? WINDOWS_MS[0];
	const events = useMemo(() => eventLines(view.log, ui.unfolded), [view.log, ui.unfolded]);
	const timelineShown = layout.kind === 'screen' && (layout.body === 'timeline' || (layout.body === 'main' && layout.timeline > 0));
	const end = useTimelineEnd(timelineShown ? view.timeline : undefined, windowMs, columns, timelineEnd);
	const panelRows = layout.kind === 'screen' ? Math.max(1, layout.bodyRows) : 1;
	const width = layout.width;
	const doctorMax = doctor && layout.kind === 'screen' ? maxDoctorOffset(view, width, panelRows) : 0;
	const helpMax = maxHelpOffset(view.snapshot.probe, panelRows, width);
	// The session looks wider (every broker on this host) and keeps looking while the panel is open.
	useEffect(() => {
		if (!doctor) return;
		session.setDoctorOpen(true);
		return () => {
			session.setDoctorOpen(false);
		};
	}, [doctor, session]);

	useKeys(machine, {panelRows, doctorMax, helpMax, escapeGoesBack: fromFleet});

	if (layout.kind === 'too-small') return <TooSmall width={layout.width} height={layout.height} message={layout.message}/>;

	const {header} = layout;
	return (
		<Box flexDirection="column" width={width} height={layout.height}>
			<SameHeader view={view} now={now} width={width} lines={header}/>
			{layout.body === 'help' ? <HelpOverlay width={width} probe={view.snapshot.probe} rows={panelRows} offset={ui.helpOffset}/> : layout.body === 'doctor' ? <DoctorPanel view={view} width={width} rows={panelRows} offset={ui.doctorOffset}/> : layout.body === 'timeline' ? (view.timeline ? <SameTimelineView timeline={view.timeline} width={width} rows={panelRows} windowMs={windowMs} end={end}/> : null) : (
				<>
					<SameLocksPanel view={view} now={now} width={width} verdict={layout.verdict} title={layout.locks.title} segments={layout.locks.segments} waiting={layout.locks.waiting ?? 0}/>
					{layout.nodes ? <SameNodesPanel nodes={view.nodes} selectedId={selected?.id} now={now} width={width} rows={layout.nodes.rows} offset={layout.nodes.offset}/> : null}
					{layout.timeline > 0 && view.timeline ? <SameTimelineStrip timeline={view.timeline} width={width} rows={layout.timeline} windowMs={windowMs} nodeIds={view.nodes.map(node => node.id)} end={end}/> : null}
					{layout.lockFile > 0 ? <SameLockFilePanel snapshot={view.snapshot} width={width} lines={layout.lockFile}/> : null}
					{layout.dialog && dialog
						? <ConfirmDialog title={dialog.title} message={dialog.message} choices={dialog.choices} layout={layout.dialog}/>
						: layout.events > 0 ? <SameEventLog log={events} lines={layout.events - 1} width={width}/> : null}
				</>
			)}
			<Box flexGrow={1}/>
			{layout.hidden ? <Tone tone="muted" wrap="truncate-end">{layout.hidden}</Tone> : null}
			{notice ? layout.notice.map((line, index) => <Tone key={index} tone={notice.level} wrap="truncate-end">{line}</Tone>) : null}
			<SameHelpBar width={width} back={fromFleet}/>
		</Box>
	);
}
