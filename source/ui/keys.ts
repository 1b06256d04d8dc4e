// The screen's keys as a pure function: (state, key, context) → (next state, effects). No
// React, no timers, no session calls: app.tsx performs the effects. Keys that arrive in one
// read ("lq" typed fast, a paste, tmux send-keys l q) are split and stepped one by one, each
// seeing the state the previous one left.
import type {Key} from 'ink';
import {filePlanner, type Planner} from '../session/policy.js';

export type {Planner} from '../session/policy.js';
import type {LogLevel, NodeView, SessionView} from '../session/types.js';

export type Dialog =
	| {readonly kind: 'live' | 'failback' | 'clear'; readonly message: string}
	| {readonly kind: 'pause' | 'failover' | 'restart'; readonly nodeId: string; readonly message: string}
	| {readonly kind: 'quit'; readonly message: string};

export type Notice = {readonly level: LogLevel; readonly text: string};

export type Screen = 'main' | 'help' | 'doctor' | 'timeline';

export type UiState = {
	readonly screen: Screen;
	readonly dialog?: Dialog;
	readonly selectedId?: string;
	readonly doctorOffset: number;
	readonly helpOffset: number;
	/** Index into WINDOWS_MS (1 min, 10 min, 1 h): + shows less time, - more. */
	readonly timelineWindow: number;
	/** The events panel shows every state-lock flap instead of one folded line (e). */
	readonly unfolded: boolean;
};

export const initialUiState: UiState = {screen: 'main', doctorOffset: 0, helpOffset: 0, timelineWindow: 0, unfolded: false};

/** How many timeline windows there are (session/timeline.ts WINDOWS_MS). */
const WINDOW_COUNT = 3;

export type KeyFlags = Partial<Pick<Key, 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'tab' | 'shift' | 'escape' | 'ctrl' | 'meta' | 'return'>>;

export type KeyPress = {readonly input: string; readonly key: KeyFlags};

/** A session call, run after the key's frame (see FRAME_MS). */
export type Action =
	| {readonly kind: 'startLive' | 'startBackup' | 'requestFailback' | 'clearFinished'}
	| {readonly kind: 'pause' | 'forceFailover' | 'restart'; readonly nodeId: string};

export type Effect =
	| {readonly type: 'notice'; readonly notice: Notice | undefined}
	| {readonly type: 'run'; readonly action: Action; readonly afterMs: number}
	| {readonly type: 'quit'; readonly failover: boolean}
	| {readonly type: 'abandon'};

/** What the key machine needs of a view: the nodes (selection, dialogs). */
export type KeyView = {readonly nodes: readonly NodeView[]};

export type KeyContext<V extends KeyView = SessionView> = {
	readonly view: V;
	/** Default: the file store's (filePlanner). */
	readonly planner?: Planner<V>;
	/** Quit was decided (the Stopper is stopping the nodes): only a second Ctrl-C counts. */
	readonly quitting: boolean;
	/** Rows a page of the doctor panel / the help scrolls, and how far each can scroll. */
	readonly doctorPage: number;
	readonly doctorMax: number;
	readonly helpPage: number;
	readonly helpMax: number;
	/**
	 * The screen was opened from the fleet screen: esc on the main screen, with no dialog, help
	 * or doctor panel open (esc closes those first), goes back to the fleet — as q does.
	 */
	readonly escapeGoesBack?: boolean;
};

export type Step = {readonly state: UiState; readonly effects: readonly Effect[]};

/**
 * Longer than Ink's frame interval (30 frames a second at most: one per 34 ms): the frame for
 * the key (the dialog gone) is drawn first, then the action runs. A frame takes tens of ms on
 * this thread and must not sit between a lock release and the node that takes the lock over.
 */
export const FRAME_MS = 40;

const cancelled: Effect = {type: 'notice', notice: {level: 'info', text: 'cancelled: nothing was done'}};
const refused = (message: string): Effect => ({type: 'notice', notice: {level: 'error', text: `refused: ${message}`}});
const run = (action: Action, afterMs = FRAME_MS): Effect => ({type: 'run', action, afterMs});

export function selectedNode(nodes: readonly NodeView[], selectedId: string | undefined): NodeView | undefined {
	return nodes.find(node => node.id === selectedId) ?? nodes[0];
}

/** The effect of confirming a dialog with y. */
function confirmEffect(dialog: Dialog): Effect {
	switch (dialog.kind) {
		case 'live': {
			return run({kind: 'startLive'});
		}

		case 'failback': {
			return run({kind: 'requestFailback'});
		}

		case 'pause': {
			return run({kind: 'pause', nodeId: dialog.nodeId});
		}

		case 'failover': {
			return run({kind: 'forceFailover', nodeId: dialog.nodeId});
		}

		case 'clear': {
			return run({kind: 'clearFinished'});
		}

		case 'restart': {
			return run({kind: 'restart', nodeId: dialog.nodeId});
		}

		case 'quit': {
			return {type: 'quit', failover: false};
		}
	}
}

function askToQuit<V extends KeyView>(state: UiState, view: V, planner: Planner<V>): Step {
	const plan = planner.quit(view);
	if (plan.ok && plan.confirm) return {state: {...state, screen: 'main', dialog: {kind: 'quit', message: plan.message}}, effects: []};
	return {state: {...state, dialog: undefined}, effects: [{type: 'quit', failover: false}]};
}

const clamp = (value: number, max: number) => Math.max(0, Math.min(max, value));

function scrollStep(key: KeyFlags, input: string, page: number): number {
	if (key.upArrow) return -1;
	if (key.downArrow) return 1;
	if (key.pageUp) return -page;
	if (key.pageDown || input === ' ') return page;
	return 0;
}

/** What one key does in this state, and nothing else. */
export function onKey<V extends KeyView = SessionView>(state: UiState, {input, key}: KeyPress, context: KeyContext<V>): Step {
	const {view} = context;
	const planner = context.planner ?? (filePlanner as unknown as Planner<V>);
	const same: Step = {state, effects: []};
	const ctrlC = key.ctrl === true && input === 'c';
	if (context.quitting) {
		// Nodes are being stopped (by q, or by a signal): only Ctrl-C counts, and it stops waiting.
		return ctrlC ? {state, effects: [{type: 'abandon'}]} : same;
	}

	if (ctrlC) {
		// Ctrl-C asks like q; a second Ctrl-C answers the question with the safe "stop cleanly".
		if (state.dialog?.kind === 'quit') return {state: {...state, dialog: undefined}, effects: [{type: 'quit', failover: false}]};
		return askToQuit(state, view, planner);
	}

	if (state.dialog) {
		if (input === 'y') return {state: {...state, dialog: undefined}, effects: [confirmEffect(state.dialog)]};
		if (input === 'f' && state.dialog.kind === 'quit') return {state: {...state, dialog: undefined}, effects: [{type: 'quit', failover: true}]};
		if (input === 'n' || key.escape) return {state: {...state, dialog: undefined}, effects: [cancelled]};
		return same;
	}

	if (state.screen === 'help') {
		if (input === '?' || key.escape) return {state: {...state, screen: 'main'}, effects: []};
		const step = scrollStep(key, input, context.helpPage);
		if (step !== 0) return {state: {...state, helpOffset: clamp(state.helpOffset + step, context.helpMax)}, effects: []};
		// Any other key closes the help and does what it does.
	}

	if (input === '+' || input === '=') return {state: {...state, timelineWindow: Math.max(0, state.timelineWindow - 1)}, effects: []};
	if (input === '-' || input === '_') return {state: {...state, timelineWindow: Math.min(WINDOW_COUNT - 1, state.timelineWindow + 1)}, effects: []};
	if (state.screen === 'timeline' && (input === 't' || key.escape)) return {state: {...state, screen: 'main'}, effects: []};

	if (state.screen === 'doctor') {
		const step = scrollStep(key, input, context.doctorPage);
		if (step !== 0) return {state: {...state, doctorOffset: clamp(state.doctorOffset + step, context.doctorMax)}, effects: []};
		if (input === 'd' || key.escape) return {state: {...state, screen: 'main'}, effects: []};
		// Any other key closes the panel and does what it does (the panels, a dialog, come back).
	}

	const main: UiState = {...state, screen: 'main'};
	const clear: Effect = {type: 'notice', notice: undefined};
	const selected = selectedNode(view.nodes, state.selectedId);
	if (key.escape && context.escapeGoesBack && state.screen === 'main') {
		const step = askToQuit(main, view, planner);
		return {state: step.state, effects: [clear, ...step.effects]};
	}

	switch (input) {
		case 'l': {
			const plan = planner.startLive(view);
			if (plan.ok && plan.confirm) return {state: {...main, dialog: {kind: 'live', message: plan.message}}, effects: [clear]};
			return {state: main, effects: [clear, run({kind: 'startLive'})]};
		}

		case 'b': {
			return {state: main, effects: [clear, run({kind: 'startBackup'}, 0)]};
		}

		case 'f': {
			const plan = planner.failback(view);
			if (plan.ok) return {state: {...main, dialog: {kind: 'failback', message: plan.message}}, effects: [clear]};
			return {state: main, effects: [refused(plan.message)]};
		}

		case 'p':
		case 'k': {
			const plan = input === 'p' ? planner.pause(view, selected?.id) : planner.forceFailover(view, selected?.id);
			if (plan.ok && selected) return {state: {...main, dialog: {kind: input === 'p' ? 'pause' : 'failover', nodeId: selected.id, message: plan.message}}, effects: [clear]};
			return {state: main, effects: [refused(plan.message)]};
		}

		case 'x': {
			const plan = planner.clear(view);
			if (plan.ok) return {state: {...main, dialog: {kind: 'clear', message: plan.message}}, effects: [clear]};
			return {state: main, effects: [refused(plan.message)]};
		}

		case 'r': {
			const plan = planner.restart(view, selected?.id);
			if (plan.ok && selected) return {state: {...main, dialog: {kind: 'restart', nodeId: selected.id, message: plan.message}}, effects: [clear]};
			return {state: main, effects: [refused(plan.message)]};
		}

		case '?': {
			return {state: {...main, screen: 'help', helpOffset: 0}, effects: [clear]};
		}

		case 'd': {
			return {state: {...main, screen: 'doctor', doctorOffset: 0}, effects: [clear]};
		}

		case 't': {
			// A view with no timeline says so (every store's screen has one now).
			if ((view as {timeline?: unknown}).timeline === undefined) return {state: main, effects: [{type: 'notice', notice: {level: 'info', text: 'no timeline on this screen'}}]};
			return {state: {...main, screen: 'timeline'}, effects: [clear]};
		}

		case 'e': {
			return {state: {...main, unfolded: !state.unfolded}, effects: [{type: 'notice', notice: {level: 'info', text: state.unfolded ? 'events: state-lock flaps folded again (e unfolds)' : 'events: every state-lock flap shown (e folds them again)'}}]};
		}

		case 'q': {
			const step = askToQuit(main, view, planner);
			return {state: step.state, effects: [clear, ...step.effects]};
		}

		default: {
			const {nodes} = view;
			const move = key.upArrow || (key.tab && key.shift) ? -1 : key.downArrow || key.tab ? 1 : 0;
			if (move === 0 || nodes.length === 0) return {state: main, effects: [clear]};
			const index = selected ? nodes.indexOf(selected) : 0;
			return {state: {...main, selectedId: nodes[(index + move + nodes.length) % nodes.length].id}, effects: [clear]};
		}
	}
}

/** One key for each character of a read that carried several ("lq", a paste), control characters decoded. */
export function splitKeys(input: string, key: KeyFlags): KeyPress[] {
	const characters = [...input];
	if (characters.length <= 1 || key.ctrl || key.meta) return [{input, key}];
	return characters.map((character): KeyPress => {
		switch (character) {
			case '\t': {
				return {input: '', key: {tab: true}};
			}

			case '\r':
			case '\n': {
				return {input: '', key: {return: true}};
			}

			case '\u0003': {
				return {input: 'c', key: {ctrl: true}};
			}

			case '\u001B': {
				return {input: '', key: {escape: true}};
			}

			default: {
				// eslint-disable-next-line no-control-regex
				return /[\u0000-\u001F\u007F]/.test(character) ? {input: '', key: {}} : {input: character, key: {}};
			}
		}
	});
}
