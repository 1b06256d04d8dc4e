// The screen: panels from the session's view, keys turned into session actions. Destructive
// actions go through a y/n dialog that says what will happen; refusals say why.
import React, {useCallback, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {Box, useInput, type Key} from 'ink';
import {planFailback, planForceFailover, planPause, planQuit, planStartLive} from '../session/policy.js';
import {Stopper, describeAbandoned, type StopResult} from '../session/stopper.js';
import type {ActionResult, LogLevel, NodeView, SessionLike, SessionView} from '../session/types.js';
import {sanitize} from '../text/sanitize.js';
import {ConfirmDialog, type Choice} from './confirm.js';
import {DoctorPanel, maxDoctorOffset} from './doctor-panel.js';
import {EventLog} from './event-log.js';
import {lineCount} from './format.js';
import {Header, headerHeight} from './header.js';
import {HelpBar} from './help-bar.js';
import {HelpOverlay} from './help-overlay.js';
import {LOCK_FILE_PANEL_HEIGHT, LockFilePanel} from './lock-file-panel.js';
import {LocksPanel, locksPanelHeight} from './locks-panel.js';
import {NodesPanel, nodesPanelHeight} from './nodes-panel.js';
import {Tone, levelSymbol} from './theme.js';
import {useNow} from './use-now.js';
import {useSessionView} from './use-session.js';
import {useTerminalSize, type Size} from './use-terminal-size.js';

type Dialog =
	| {readonly kind: 'live' | 'failback'; readonly message: string}
	| {readonly kind: 'pause' | 'failover'; readonly nodeId: string; readonly message: string}
	| {readonly kind: 'quit'; readonly message: string};

type Notice = {readonly level: LogLevel; readonly text: string};

const dialogTitle: Readonly<Record<Dialog['kind'], string>> = {
	live: 'Start a live node?',
	failback: 'Request failback?',
	pause: 'Pause / stop the selected node?',
	failover: 'Force failover?',
	quit: 'Quit?',
};

/** Longer than Ink's frame interval (30 frames a second at most: one per 34 ms). */
const FRAME_MS = 40;

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
};

/** Start times of every age on screen, so the clock ticks when one of them would change. */
function ageStarts(view: SessionView): number[] {
	const starts = view.nodes.map(node => node.since);
	for (const since of Object.values(view.snapshot.heldSince)) if (since !== undefined) starts.push(since);
	return starts;
}

function selectedNode(nodes: readonly NodeView[], selectedId: string | undefined): NodeView | undefined {
	return nodes.find(node => node.id === selectedId) ?? nodes[0];
}

export function App({session, onExit, size, stopper: given}: AppProps) {
	const [own] = useState(() => given ? undefined : new Stopper(session));
	const stopper = given ?? own!;
	const view = useSessionView(session);
	const now = useNow(ageStarts(view));
	const {columns, rows} = useTerminalSize(size);
	const [selectedId, setSelectedId] = useState<string>();
	const [dialog, setDialog] = useState<Dialog>();
	const [notice, setNotice] = useState<Notice>();
	const [help, setHelp] = useState(false);
	const [doctor, setDoctor] = useState(false);
	const [doctorOffset, setDoctorOffset] = useState(0);
	const [quitting, setQuitting] = useState(false);
	const selected = selectedNode(view.nodes, selectedId);
	const width = Math.max(20, columns);
	// Ink clears the whole screen when a frame is as tall as the terminal: stay one line short.
	const height = Math.max(8, rows - 1);
	const noticeText = notice ? sanitize(notice.text) : '';
	const noticeLines = notice ? lineCount(`${levelSymbol[notice.level]} ${noticeText}`, width) : 0;
	const fixed = headerHeight(view) + LOCK_FILE_PANEL_HEIGHT + locksPanelHeight(view, width) + nodesPanelHeight(view.nodes) + 1 + noticeLines;
	const logLines = Math.max(0, height - fixed - 1);
	// The doctor panel has the room of every panel below the header.
	const doctorRows = Math.max(3, height - headerHeight(view) - 1 - noticeLines);
	const doctorMax = doctor ? maxDoctorOffset(view, width, doctorRows) : 0;
	// The session looks wider (every broker on this host) and keeps looking while the panel is open.
	useEffect(() => {
		if (!doctor) return;
		session.setDoctorOpen(true);
		return () => {
			session.setDoctorOpen(false);
		};
	}, [doctor, session]);

	const report = (result: ActionResult) => setNotice({level: result.ok ? 'ok' : 'error', text: result.ok ? result.message : `refused: ${result.message}`});
	const selectNewest = () => setSelectedId(session.getView().nodes.at(-1)?.id);
	const runAsync = (action: Promise<ActionResult>) => {
		action.then(report, (error: unknown) => setNotice({level: 'error', text: error instanceof Error ? error.message : String(error)}));
	};

	const quit = (failover: boolean) => {
		setDialog(undefined);
		setQuitting(true);
		setNotice({level: 'info', text: 'stopping in-process nodes… (Ctrl-C again: leave them)'});
		void stopper.stop({failover}).then(result => {
			if (result.abandoned.length > 0) setNotice({level: 'error', text: describeAbandoned(result) ?? ''});
			onExit(result.abandoned.length > 0 ? 3 : 0, result);
		});
	};

	const askToQuit = () => {
		const plan = planQuit(session.getView());
		if (plan.ok && plan.confirm) setDialog({kind: 'quit', message: plan.message});
		else quit(false);
	};

	const act = (current: Dialog) => {
		switch (current.kind) {
			case 'live': {
				report(session.startLive());
				selectNewest();
				break;
			}

			case 'failback': {
				report(session.requestFailback());
				selectNewest();
				break;
			}

			case 'pause': {
				runAsync(session.pause(current.nodeId));
				break;
			}

			case 'failover': {
				runAsync(session.forceFailover(current.nodeId));
				break;
			}

			case 'quit': {
				quit(false);
				break;
			}
		}
	};

	// The frame for the key (dialog gone) renders first, then the action runs: a frame takes
	// tens of ms on this thread, and must not sit between a lock release and the node that
	// takes the lock over (measured: 25-45 ms of "failover" that was only rendering). Ink
	// draws at most one frame per 34 ms and the last of a burst trails: a 'y' typed just after
	// the dialog appeared gets its frame up to 34 ms later, so the action waits past that.
	const confirm = (current: Dialog) => {
		setDialog(undefined);
		setTimeout(() => act(current), FRAME_MS);
	};

	const moveSelection = (step: number) => {
		const {nodes} = view;
		if (nodes.length === 0) return;
		const index = selected ? nodes.indexOf(selected) : 0;
		setSelectedId(nodes[(index + step + nodes.length) % nodes.length].id);
	};

	const onKey = (input: string, key: Key) => {
		if (quitting || stopper.stopping) {
			// Nodes are being stopped (by q, or by a signal): only Ctrl-C counts, and it stops waiting.
			if (key.ctrl && input === 'c') stopper.abandon();
			return;
		}

		if (key.ctrl && input === 'c') {
			// Ctrl-C asks like q; a second Ctrl-C answers the question with the safe "stop cleanly".
			if (dialog?.kind === 'quit') quit(false);
			else askToQuit();
			return;
		}

		if (dialog) {
			if (input === 'y') confirm(dialog);
			else if (input === 'f' && dialog.kind === 'quit') quit(true);
			else if (input === 'n' || key.escape) {
				setDialog(undefined);
				setNotice({level: 'info', text: 'cancelled: nothing was done'});
			}

			return;
		}

		if (help && (input === '?' || key.escape)) {
			setHelp(false);
			return;
		}

		if (doctor) {
			const page = Math.max(1, doctorRows - 3);
			const step = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -page : key.pageDown || input === ' ' ? page : 0;
			if (step !== 0) {
				setDoctorOffset(offset => Math.max(0, Math.min(doctorMax, offset + step)));
				return;
			}

			if (input === 'd' || key.escape) {
				setDoctor(false);
				return;
			}

			// Any other key closes the panel and does what it does (the panels, a dialog, come back).
		}

		setHelp(false);
		setDoctor(false);
		setNotice(undefined);
		const current = session.getView();
		switch (input) {
			case 'l': {
				const plan = planStartLive(current);
				if (plan.ok && plan.confirm) setDialog({kind: 'live', message: plan.message});
				else confirm({kind: 'live', message: plan.message});

				return;
			}

			case 'b': {
				setTimeout(() => {
					report(session.startBackup());
					selectNewest();
				}, 0);
				return;
			}

			case 'f': {
				const plan = planFailback(current);
				if (plan.ok) setDialog({kind: 'failback', message: plan.message});
				else report(plan);
				return;
			}

			case 'p':
			case 'k': {
				const plan = input === 'p' ? planPause(current, selected?.id) : planForceFailover(current, selected?.id);
				if (plan.ok && selected) setDialog({kind: input === 'p' ? 'pause' : 'failover', nodeId: selected.id, message: plan.message});
				else report(plan);
				return;
			}

			case '?': {
				setHelp(true);
				return;
			}

			case 'd': {
				setDoctorOffset(0);
				setDoctor(true);
				return;
			}

			case 'q': {
				askToQuit();
				return;
			}

			default: {
				if (key.upArrow || (key.tab && key.shift)) moveSelection(-1);
				else if (key.downArrow || key.tab) moveSelection(1);
			}
		}
	};

	// One handler for the app's lifetime, calling the latest onKey: Ink re-subscribes a new
	// handler in an effect after each render, and a key arriving in between (typed fast, or
	// right after the frame that shows a dialog) went to the previous render's closure: the
	// 'y' of a dialog just drawn was ignored. The ref is updated in the commit that draws the
	// frame, so a key sent after a frame is seen is handled with that frame's state.
	const latestOnKey = useRef(onKey);
	useLayoutEffect(() => {
		latestOnKey.current = onKey;
	});
	useInput(useCallback((input: string, key: Key) => {
		latestOnKey.current(input, key);
	}, []));

	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Header view={view} now={now} width={width}/>
			{help ? <HelpOverlay width={width}/> : doctor && !dialog ? <DoctorPanel view={view} width={width} rows={doctorRows} offset={doctorOffset}/> : (
				<>
					<LockFilePanel snapshot={view.snapshot} width={width}/>
					<LocksPanel view={view} now={now} width={width}/>
					<NodesPanel nodes={view.nodes} selectedId={selected?.id} now={now} width={width}/>
					{dialog
						? <ConfirmDialog title={dialogTitle[dialog.kind]} message={dialog.message} choices={dialog.kind === 'quit' ? quitChoices : yesNo}/>
						: <EventLog log={view.log} lines={logLines} width={width}/>}
				</>
			)}
			<Box flexGrow={1}/>
			{notice ? <Tone tone={notice.level}>{levelSymbol[notice.level]} {noticeText}</Tone> : null}
			<HelpBar width={width}/>
		</Box>
	);
}
