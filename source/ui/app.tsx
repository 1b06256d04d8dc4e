// The screen: panels from the session's view, keys turned into session actions. Destructive
// actions go through a y/n dialog that says what will happen; refusals say why.
import React, {useCallback, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {Box, Text, useInput, type Key} from 'ink';
import {Stopper, describeAbandoned, type StopResult} from '../session/stopper.js';
import type {ActionResult, SessionLike, SessionView} from '../session/types.js';
import {sanitize} from '../text/sanitize.js';
import {ConfirmDialog, type Choice} from './confirm.js';
import {DoctorPanel, maxDoctorOffset} from './doctor-panel.js';
import {EventLog} from './event-log.js';
import {Header} from './header.js';
import {HelpBar} from './help-bar.js';
import {HelpOverlay, maxHelpOffset} from './help-overlay.js';
import {initialUiState, onKey, selectedNode, splitKeys, type Action, type Dialog, type Effect, type Notice, type UiState} from './keys.js';
import {layoutScreen} from './layout.js';
import {LockFilePanel} from './lock-file-panel.js';
import {LocksPanel} from './locks-panel.js';
import {NodesPanel} from './nodes-panel.js';
import {TimelineStrip, TimelineView, useTimelineEnd} from './timeline-panel.js';
import {WINDOWS_MS} from '../session/timeline.js';
import {eventLines} from '../session/event-log.js';
import {Tone, levelSymbol} from './theme.js';
import {useNow} from './use-now.js';
import {useSessionView} from './use-session.js';
import {useTerminalSize, type Size} from './use-terminal-size.js';

const dialogTitle: Readonly<Record<Dialog['kind'], string>> = {
	live: 'Start a live node?',
	failback: 'Request failback?',
	pause: 'Pause / stop the selected node?',
	failover: 'Force failover?',
	clear: 'Clear finished nodes?',
	restart: 'Restart the selected node?',
	quit: 'Quit?',
};

const yesNo: readonly Choice[] = [{key: 'y', label: 'yes'}, {key: 'n', label: 'no'}];
const quitChoices: readonly Choice[] = [
	{key: 'y', label: 'stop them (a live pauses: P)'},
	{key: 'f', label: 'stop with failover (a live leaves L)'},
	{key: 'n', label: 'cancel'},
];

export type AppProps = {
	readonly session: SessionLike;
	/** Called once, after the user quit and the nodes were stopped (or abandoned: code 3). */
	readonly onExit: (code: number, result?: StopResult) => void;
	/** Stops the nodes (bounded, once); run.ts shares it with the shutdown signal. */
	readonly stopper?: Stopper;
	/** Fixed size for tests; otherwise the terminal's, following resizes. */
	readonly size?: Size;
	/** The clock's seconds are painted on the terminal (clock-painter.ts), not rendered every second. */
	readonly clockPainted?: boolean;
	/** Opened from the fleet screen: esc goes back there (keys.ts), and the key bar says q goes back. */
	readonly fromFleet?: boolean;
	/** The timeline's right edge, fixed (tests); otherwise now at each frame. */
	readonly timelineEnd?: number;
};

/** Start times of every age on screen, so the screen redraws when one of them would read differently. */
function ageStarts(view: SessionView): number[] {
	const starts = view.nodes.map(node => node.since);
	for (const since of Object.values(view.snapshot.heldSince)) if (since !== undefined) starts.push(since);
	return starts;
}

export function App({session, onExit, size, stopper: given, clockPainted = false, fromFleet = false, timelineEnd}: AppProps) {
	const [own] = useState(() => given ? undefined : new Stopper(session));
	const stopper = given ?? own!;
	const view = useSessionView(session);
	const now = useNow(ageStarts(view), !clockPainted);
	const {columns, rows} = useTerminalSize(size);
	// The key machine's state (keys.ts): the ref is the truth between keys of one read, the
	// React state draws it.
	const [ui, setUi] = useState<UiState>(initialUiState);
	const uiRef = useRef(ui);
	const [notice, setNotice] = useState<Notice>();
	const selected = selectedNode(view.nodes, ui.selectedId);
	const doctor = ui.screen === 'doctor' && !ui.dialog;
	const noticeText = notice ? `${levelSymbol[notice.level]} ${sanitize(notice.text)}` : undefined;
	const dialogText = ui.dialog ? {title: dialogTitle[ui.dialog.kind], message: ui.dialog.message, choices: ui.dialog.kind === 'quit' ? quitChoices : yesNo} : undefined;
	// Every line's place from one function (layout.ts), so nothing overlaps at any size.
	const layout = layoutScreen({columns, rows, view, screen: ui.screen, dialog: dialogText, notice: noticeText, unfolded: ui.unfolded, selectedIndex: selected ? view.nodes.indexOf(selected) : -1});
	const windowMs = WINDOWS_MS[ui.timelineWindow] ?? WINDOWS_MS[0];
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

	// Actions waiting for their key's frame. They die with the screen, and none runs once quit
	// was decided: a node started then would hold a lock with no screen to stop it.
	const deferred = useRef(new Set<NodeJS.Timeout>());
	const cancelDeferred = () => {
		for (const timer of deferred.current) clearTimeout(timer);
		deferred.current.clear();
	};

	useEffect(() => cancelDeferred, []);

	const setUiState = (next: UiState) => {
		uiRef.current = next;
		setUi(next);
	};

	const report = (result: ActionResult) => setNotice({level: result.ok ? 'ok' : 'error', text: result.ok ? result.message : `refused: ${result.message}`});
	const selectNewest = () => setUiState({...uiRef.current, selectedId: session.getView().nodes.at(-1)?.id});
	const runAsync = (action: Promise<ActionResult>) => {
		action.then(report, (error: unknown) => setNotice({level: 'error', text: error instanceof Error ? error.message : String(error)}));
	};

	const execute = (action: Action) => {
		switch (action.kind) {
			case 'startLive': {
				report(session.startLive());
				selectNewest();
				break;
			}

			case 'startBackup': {
				report(session.startBackup());
				selectNewest();
				break;
			}

			case 'requestFailback': {
				report(session.requestFailback());
				selectNewest();
				break;
			}

			case 'clearFinished': {
				report(session.clearFinished());
				break;
			}

			case 'restart': {
				report(session.restart(action.nodeId));
				selectNewest();
				break;
			}

			case 'pause': {
				runAsync(session.pause(action.nodeId));
				break;
			}

			case 'forceFailover': {
				runAsync(session.forceFailover(action.nodeId));
				break;
			}
		}
	};

	const quit = (failover: boolean) => {
		cancelDeferred();
		setNotice({level: 'info', text: 'stopping in-process nodes… (Ctrl-C again: leave them)'});
		void stopper.stop({failover}).then(result => {
			if (result.abandoned.length > 0) setNotice({level: 'error', text: describeAbandoned(result) ?? ''});
			onExit(result.abandoned.length > 0 ? 3 : 0, result);
		});
	};

	const perform = (effect: Effect) => {
		switch (effect.type) {
			case 'notice': {
				setNotice(effect.notice);
				break;
			}

			case 'run': {
				const timer = setTimeout(() => {
					deferred.current.delete(timer);
					if (!stopper.stopping) execute(effect.action);
				}, effect.afterMs);
				deferred.current.add(timer);
				break;
			}

			case 'quit': {
				quit(effect.failover);
				break;
			}

			case 'abandon': {
				stopper.abandon();
				break;
			}
		}
	};

	const onInput = (input: string, key: Key) => {
		// This render's measures: the handler is the one of the frame on screen (latestOnKey below).
		const page = Math.max(1, panelRows - 3);
		for (const press of splitKeys(input, key)) {
			// quitting is the Stopper's: q, or a signal (SIGTERM, SIGHUP) that run.ts handled.
			const step = onKey(uiRef.current, press, {view: session.getView(), quitting: stopper.stopping, doctorPage: page, doctorMax, helpPage: page, helpMax, escapeGoesBack: fromFleet});
			uiRef.current = step.state;
			for (const effect of step.effects) perform(effect);
		}

		setUi(uiRef.current);
	};

	// One handler for the app's lifetime, calling the latest onKey: Ink re-subscribes a new
	// handler in an effect after each render, and a key arriving in between (typed fast, or
	// right after the frame that shows a dialog) went to the previous render's closure: the
	// 'y' of a dialog just drawn was ignored. The ref is updated in the commit that draws the
	// frame, so a key sent after a frame is seen is handled with that frame's state.
	const latestOnKey = useRef(onInput);
	useLayoutEffect(() => {
		latestOnKey.current = onInput;
	});
	useInput(useCallback((input: string, key: Key) => {
		latestOnKey.current(input, key);
	}, []));

	if (layout.kind === 'too-small') {
		// One centred line; the keys still work (q quits, and so on).
		return (
			<Box width={layout.width} height={layout.height} alignItems="center" justifyContent="center">
				<Text wrap="truncate-end">{layout.message}</Text>
			</Box>
		);
	}

	const {header} = layout;
	return (
		<Box flexDirection="column" width={width} height={layout.height}>
			<Header view={view} now={now} width={width} lines={header}/>
			{layout.body === 'help' ? <HelpOverlay width={width} probe={view.snapshot.probe} rows={panelRows} offset={ui.helpOffset}/> : layout.body === 'doctor' ? <DoctorPanel view={view} width={width} rows={panelRows} offset={ui.doctorOffset}/> : layout.body === 'timeline' ? (view.timeline ? <TimelineView timeline={view.timeline} width={width} rows={panelRows} windowMs={windowMs} end={end}/> : null) : (
				<>
					<LocksPanel view={view} now={now} width={width} verdict={layout.verdict} title={layout.locks.title} segments={layout.locks.segments} waiting={layout.locks.waiting ?? 0}/>
					{layout.nodes ? <NodesPanel nodes={view.nodes} selectedId={selected?.id} now={now} width={width} rows={layout.nodes.rows} offset={layout.nodes.offset}/> : null}
					{layout.timeline > 0 && view.timeline ? <TimelineStrip timeline={view.timeline} width={width} rows={layout.timeline} windowMs={windowMs} nodeIds={view.nodes.map(node => node.id)} end={end}/> : null}
					{layout.lockFile > 0 ? <LockFilePanel snapshot={view.snapshot} width={width} lines={layout.lockFile}/> : null}
					{layout.dialog && dialogText
						? <ConfirmDialog title={dialogText.title} message={dialogText.message} choices={dialogText.choices} layout={layout.dialog}/>
						: layout.events > 0 ? <EventLog log={eventLines(view.log, ui.unfolded)} lines={layout.events - 1} width={width}/> : null}
				</>
			)}
			<Box flexGrow={1}/>
			{layout.hidden ? <Tone tone="muted" wrap="truncate-end">{layout.hidden}</Tone> : null}
			{notice ? layout.notice.map((line, index) => <Tone key={index} tone={notice.level} wrap="truncate-end">{line}</Tone>) : null}
			<HelpBar width={width} back={fromFleet}/>
		</Box>
	);
}
