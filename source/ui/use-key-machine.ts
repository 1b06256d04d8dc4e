// The keys of every store's screen, once: the pure key machine (keys.ts) stepped per key, its
// effects performed on the session's nodes (NodeActions: the file session and the JDBC one),
// notices, quitting through the one Stopper. A screen keeps only what it draws.
import {useCallback, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {useInput, type Key} from 'ink';
import {describeAbandoned, Stopper, type StopResult} from '../session/stopper.js';
import type {ActionResult, NodeActions} from '../session/types.js';
import type {Choice} from './confirm.js';
import {initialUiState, onKey, splitKeys, type Action, type Dialog, type Effect, type KeyContext, type KeyView, type Notice, type UiState} from './keys.js';

const yesNo: readonly Choice[] = [{key: 'y', label: 'yes'}, {key: 'n', label: 'no'}];
const quitChoices: readonly Choice[] = [
	{key: 'y', label: 'stop them (a live pauses: P)'},
	{key: 'f', label: 'stop with failover (a live leaves L)'},
	{key: 'n', label: 'cancel'},
];

const dialogTitle: Readonly<Record<Dialog['kind'], string>> = {
	live: 'Start a live node?',
	failback: 'Request failback?',
	pause: 'Pause / stop the selected node?',
	failover: 'Force failover?',
	clear: 'Clear finished nodes?',
	restart: 'Restart the selected node?',
	quit: 'Quit?',
};

/** A dialog's title, message and choices; `liveTitle` in the store's words (a table: "Start a primary?"). */
export function dialogText(dialog: Dialog | undefined, liveTitle = dialogTitle.live): {title: string; message: string; choices: readonly Choice[]} | undefined {
	if (!dialog) return undefined;
	return {title: dialog.kind === 'live' ? liveTitle : dialogTitle[dialog.kind], message: dialog.message, choices: dialog.kind === 'quit' ? quitChoices : yesNo};
}

/** What a screen's session must do for its keys. */
export type KeySession<V extends KeyView> = NodeActions & {getView(): V};

/** This frame's measures for the key machine (the one on screen when the key arrives). */
export type FrameKeys<V extends KeyView> = Pick<KeyContext<V>, 'planner' | 'doctorMax' | 'helpMax' | 'escapeGoesBack'> & {
	/** Rows of the body: a page of the doctor panel or the help is a few less. */
	readonly panelRows: number;
};

export type KeyMachine<V extends KeyView> = {
	readonly ui: UiState;
	readonly notice: Notice | undefined;
	/** Steps one read of keys with this frame's measures. */
	readonly press: (input: string, key: Key, frame: FrameKeys<V>) => void;
};

/** given: the run's Stopper (shared with the shutdown signal); default the screen's own. */
export function useKeyMachine<V extends KeyView>(session: KeySession<V>, onExit: (code: number, result?: StopResult) => void, given?: Stopper): KeyMachine<V> {
	const [own] = useState(() => (given ? undefined : new Stopper(session)));
	const stopper = given ?? own!;
	// The ref is the truth between keys of one read, the React state draws it.
	const [ui, setUi] = useState<UiState>(initialUiState);
	const uiRef = useRef(ui);
	const [notice, setNotice] = useState<Notice>();

	// Actions waiting for their key's frame. They die with the screen, and none runs once quit
	// was decided: a node started then would hold a lock with no screen to stop it.
	const deferred = useRef(new Set<NodeJS.Timeout>());
	const cancelDeferred = () => {
		for (const timer of deferred.current) clearTimeout(timer);
		deferred.current.clear();
	};

	useEffect(() => cancelDeferred, []);

	const report = (result: ActionResult) => setNotice({level: result.ok ? 'ok' : 'error', text: result.ok ? result.message : `refused: ${result.message}`});
	const selectNewest = () => {
		uiRef.current = {...uiRef.current, selectedId: session.getView().nodes.at(-1)?.id};
		setUi(uiRef.current);
	};

	const runAsync = (action: Promise<ActionResult>) => {
		action.then(report, (error: unknown) => setNotice({level: 'error', text: error instanceof Error ? error.message : String(error)}));
	};

	const execute = (action: Action) => {
		if (action.kind === 'pause' || action.kind === 'forceFailover') {
			runAsync(session[action.kind](action.nodeId));
		} else if (action.kind === 'clearFinished') {
			report(session.clearFinished());
		} else {
			// A node started (l, b, f, r): select it.
			report(action.kind === 'restart' ? session.restart(action.nodeId) : session[action.kind]());
			selectNewest();
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

	const press = (input: string, key: Key, {panelRows, ...frame}: FrameKeys<V>) => {
		const page = Math.max(1, panelRows - 3);
		for (const one of splitKeys(input, key)) {
			// quitting is the Stopper's: q, or a signal (SIGTERM, SIGHUP) that run.ts handled.
			const step = onKey(uiRef.current, one, {...frame, view: session.getView(), quitting: stopper.stopping, doctorPage: page, helpPage: page});
			uiRef.current = step.state;
			for (const effect of step.effects) perform(effect);
		}

		setUi(uiRef.current);
	};

	return {ui, notice, press};
}

/**
 * One input handler for the screen's lifetime, calling the latest frame's: Ink re-subscribes a
 * new handler in an effect after each render, and a key arriving in between (typed fast, or
 * right after the frame that shows a dialog) went to the previous render's closure: the 'y' of
 * a dialog just drawn was ignored. The ref is updated in the commit that draws the frame, so a
 * key sent after a frame is seen is handled with that frame's state.
 */
export function useKeys<V extends KeyView>(machine: KeyMachine<V>, frame: FrameKeys<V>): void {
	const latest = useRef((input: string, key: Key) => {
		machine.press(input, key, frame);
	});
	useLayoutEffect(() => {
		latest.current = (input: string, key: Key) => {
			machine.press(input, key, frame);
		};
	});
	useInput(useCallback((input: string, key: Key) => {
		latest.current(input, key);
	}, []));
}
