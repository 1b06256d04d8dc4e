// The key machine (ui/keys.ts) as a pure function: this key in this state does that, and
// nothing else. No screen, no timers, no session.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {FRAME_MS, initialUiState, onKey, splitKeys, type KeyContext, type KeyPress, type Step, type UiState} from '../../source/ui/keys.js';
import type {SessionView} from '../../source/session/types.js';
import {emptyTimeline} from '../../source/session/timeline.js';
import {makeNode, makeSnapshot, makeView, ours, outside} from './fixtures.js';

const context = (view: Partial<SessionView> = {}, extra: Partial<KeyContext> = {}): KeyContext => ({view: makeView(view), quitting: false, doctorPage: 5, doctorMax: 12, helpPage: 5, helpMax: 4, ...extra});
const press = (input: string, key: KeyPress['key'] = {}): KeyPress => ({input, key});
const liveFree = {snapshot: makeSnapshot({state: 'P'})};
const twoNodes = {snapshot: makeSnapshot({live: ours, backup: ours}), nodes: [makeNode(1, 'live', 'live'), makeNode(2, 'backup', 'waiting-live-lock')]};

/** Steps keys in order, each on the state the previous one left. */
function keys(state: UiState, presses: readonly KeyPress[], at: KeyContext): Step[] {
	const steps: Step[] = [];
	for (const key of presses) {
		const step = onKey(state, key, at);
		steps.push(step);
		state = step.state;
	}

	return steps;
}

test('l on a free live lock: the start runs after the key\'s frame, no dialog', () => {
	const step = onKey(initialUiState, press('l'), context(liveFree));
	assert.equal(step.state.dialog, undefined);
	assert.deepEqual(step.effects, [{type: 'notice', notice: undefined}, {type: 'run', action: {kind: 'startLive'}, afterMs: FRAME_MS}]);
});

test('l next to a live asks; y runs the start after the frame; n cancels with nothing run', () => {
	const asked = onKey(initialUiState, press('l'), context());
	assert.equal(asked.state.dialog?.kind, 'live');
	assert.deepEqual(asked.effects, [{type: 'notice', notice: undefined}]);
	assert.deepEqual(onKey(asked.state, press('y'), context()), {state: {...asked.state, dialog: undefined}, effects: [{type: 'run', action: {kind: 'startLive'}, afterMs: FRAME_MS}]});
	assert.deepEqual(onKey(asked.state, press('n'), context()), {state: {...asked.state, dialog: undefined}, effects: [{type: 'notice', notice: {level: 'info', text: 'cancelled: nothing was done'}}]});
	assert.deepEqual(onKey(asked.state, press('', {escape: true}), context()).effects, [{type: 'notice', notice: {level: 'info', text: 'cancelled: nothing was done'}}]);
	// Any other key leaves the question on screen.
	assert.deepEqual(onKey(asked.state, press('b'), context()), {state: asked.state, effects: []});
});

test('b starts a backup on the next turn; f refused says why and runs nothing', () => {
	assert.deepEqual(onKey(initialUiState, press('b'), context()).effects, [{type: 'notice', notice: undefined}, {type: 'run', action: {kind: 'startBackup'}, afterMs: 0}]);
	const refused = onKey(initialUiState, press('f'), context(liveFree));
	assert.equal(refused.state.dialog, undefined);
	assert.equal(refused.effects.length, 1);
	assert.match(JSON.stringify(refused.effects[0]), /refused: no failback: no backup is live/);
});

test('p and k act on the selected node, after its confirmation', () => {
	const at = context(twoNodes);
	const [down, kill, yes] = keys(initialUiState, [press('', {downArrow: true}), press('k'), press('y')], at);
	assert.equal(down.state.selectedId, 'n2');
	assert.match(JSON.stringify(kill.effects), /refused: force failover needs a live node: #2 backup/);
	assert.deepEqual(yes, {state: kill.state, effects: [{type: 'notice', notice: undefined}]}, 'no dialog: y only clears the refusal');
	const [pause, confirmed] = keys(initialUiState, [press('k'), press('y')], at);
	assert.equal(pause.state.dialog?.kind, 'failover');
	assert.deepEqual(confirmed.effects, [{type: 'run', action: {kind: 'forceFailover', nodeId: 'n1'}, afterMs: FRAME_MS}]);
});

test('q with nothing running quits at once; with nodes it asks, y and f answer, Ctrl-C twice is "stop cleanly"', () => {
	assert.deepEqual(onKey(initialUiState, press('q'), context()).effects, [{type: 'notice', notice: undefined}, {type: 'quit', failover: false}]);
	const at = context(twoNodes);
	const asked = onKey(initialUiState, press('q'), at);
	assert.equal(asked.state.dialog?.kind, 'quit');
	assert.match(asked.state.dialog?.message ?? '', /2 in-process nodes running \(#1 live, #2 backup\)\. They will be stopped\./);
	assert.deepEqual(onKey(asked.state, press('y'), at).effects, [{type: 'quit', failover: false}]);
	assert.deepEqual(onKey(asked.state, press('f'), at).effects, [{type: 'quit', failover: true}]);
	const [first, second] = keys(initialUiState, [press('c', {ctrl: true}), press('c', {ctrl: true})], at);
	assert.equal(first.state.dialog?.kind, 'quit');
	assert.deepEqual(second.effects, [{type: 'quit', failover: false}]);
});

test('once quitting, only Ctrl-C counts: it abandons the stop', () => {
	const at = context(liveFree, {quitting: true});
	for (const key of ['l', 'b', 'f', 'p', 'k', 'q', 'y', 'd', '?']) assert.deepEqual(onKey(initialUiState, press(key), at), {state: initialUiState, effects: []}, key);
	assert.deepEqual(onKey(initialUiState, press('c', {ctrl: true}), at).effects, [{type: 'abandon'}]);
});

test('l then q in one read: the start is deferred, the quit comes after it in order (the screen cancels the start)', () => {
	const steps = keys(initialUiState, splitKeys('lq', {}), context(liveFree));
	assert.deepEqual(steps.map(step => step.effects.map(effect => effect.type)), [['notice', 'run'], ['notice', 'quit']]);
});

test('help and doctor scroll within their bounds; ? / d / Esc close them; another key closes and acts', () => {
	const at = context();
	const [help, down, page, far, closed] = keys(initialUiState, [press('?'), press('', {downArrow: true}), press('', {pageDown: true}), press(' '), press('', {escape: true})], at);
	assert.equal(help.state.screen, 'help');
	assert.equal(down.state.helpOffset, 1);
	assert.equal(page.state.helpOffset, 4, 'clamped to helpMax');
	assert.equal(far.state.helpOffset, 4);
	assert.equal(closed.state.screen, 'main');
	const [doctor, up, downTwice, closedByD] = keys(initialUiState, [press('d'), press('', {upArrow: true}), press('', {pageDown: true}), press('d')], at);
	assert.equal(doctor.state.screen, 'doctor');
	assert.equal(up.state.doctorOffset, 0, 'never above the top');
	assert.equal(downTwice.state.doctorOffset, 5);
	assert.equal(closedByD.state.screen, 'main');
	const [, backup] = keys(initialUiState, [press('d'), press('b')], at);
	assert.equal(backup.state.screen, 'main');
	assert.deepEqual(backup.effects.map(effect => effect.type), ['notice', 'run']);
});

test('↑ ↓ tab shift-tab move the selection around the nodes; with no node they do nothing', () => {
	const at = context({nodes: [makeNode(1, 'live', 'live'), makeNode(2, 'backup', 'backup'), makeNode(3, 'backup', 'backup')]});
	const steps = keys(initialUiState, [press('', {tab: true}), press('', {downArrow: true}), press('', {downArrow: true}), press('', {upArrow: true}), press('', {tab: true, shift: true})], at);
	assert.deepEqual(steps.map(step => step.state.selectedId), ['n2', 'n3', 'n1', 'n3', 'n2']);
	assert.equal(onKey(initialUiState, press('', {downArrow: true}), context()).state.selectedId, undefined);
});

test('splitKeys: one key per character of a read, control characters decoded; single keys pass through', () => {
	assert.deepEqual(splitKeys('l', {}), [{input: 'l', key: {}}]);
	assert.deepEqual(splitKeys('', {upArrow: true}), [{input: '', key: {upArrow: true}}]);
	assert.deepEqual(splitKeys('ly\t\u0003\u001B\u0007', {}), [
		{input: 'l', key: {}},
		{input: 'y', key: {}},
		{input: '', key: {tab: true}},
		{input: 'c', key: {ctrl: true}},
		{input: '', key: {escape: true}},
		{input: '', key: {}},
	]);
	assert.deepEqual(splitKeys('c', {ctrl: true}), [{input: 'c', key: {ctrl: true}}]);
});

test('the outside live of the fixtures is named in the l dialog', () => {
	const step = onKey(initialUiState, press('l'), context({snapshot: makeSnapshot({live: outside(4264)})}));
	assert.match(step.state.dialog?.message ?? '', /pid 4264 OFD/);
});

test('x asks before clearing finished nodes, r before restarting the selected one; both refused with the reason otherwise', () => {
	const at = context({nodes: [makeNode(1, 'live', 'paused'), makeNode(2, 'backup', 'stopped'), makeNode(3, 'backup', 'backup')]});
	const clear = onKey(initialUiState, press('x'), at);
	assert.equal(clear.state.dialog?.kind, 'clear');
	assert.match(clear.state.dialog?.message ?? '', /^clear 2 finished nodes \(#1 live paused, #2 backup stopped\) from the list\? They hold no lock; nothing in the lock file changes\.$/);
	assert.deepEqual(onKey(clear.state, press('y'), at).effects, [{type: 'run', action: {kind: 'clearFinished'}, afterMs: FRAME_MS}]);
	const [, restart] = keys(initialUiState, [press('', {downArrow: true}), press('r')], at);
	assert.equal(restart.state.dialog?.kind, 'restart');
	assert.match(restart.state.dialog?.message ?? '', /^restart #2 backup \(stopped\): a new backup takes its place/);
	assert.deepEqual(onKey(restart.state, press('y'), at).effects, [{type: 'run', action: {kind: 'restart', nodeId: 'n2'}, afterMs: FRAME_MS}]);
	const [, , running] = keys(initialUiState, [press('', {downArrow: true}), press('', {downArrow: true}), press('r')], at);
	assert.match(JSON.stringify(running.effects), /refused: #3 backup is backup, not stopped: p stops it first/);
	assert.match(JSON.stringify(onKey(initialUiState, press('x'), context()).effects), /refused: nothing to clear/);
});

test('escapeGoesBack (a group opened from the fleet): esc closes a dialog, the help, the doctor panel first, then goes back like q', () => {
	const back = context({}, {escapeGoesBack: true});
	const esc = press('', {escape: true});
	assert.deepEqual(onKey(initialUiState, esc, back).effects, [{type: 'notice', notice: undefined}, {type: 'quit', failover: false}]);
	for (const state of [{...initialUiState, screen: 'help' as const}, {...initialUiState, screen: 'doctor' as const}]) {
		assert.deepEqual(onKey(state, esc, back), {state: {...state, screen: 'main'}, effects: []}, `esc on ${state.screen} closes it`);
	}

	const dialog = onKey(initialUiState, press('l'), back).state;
	assert.equal(dialog.dialog?.kind, 'live');
	assert.deepEqual(onKey(dialog, esc, back).effects, [{type: 'notice', notice: {level: 'info', text: 'cancelled: nothing was done'}}]);
	// Nodes running: esc asks the question q asks.
	const running = context(twoNodes, {escapeGoesBack: true});
	const asked = onKey(initialUiState, esc, running);
	assert.equal(asked.state.dialog?.kind, 'quit');
	assert.ok(!asked.effects.some(effect => effect.type === 'quit'));
	// Without it, esc on the main screen only clears the notice.
	assert.deepEqual(onKey(initialUiState, esc, context()).effects, [{type: 'notice', notice: undefined}]);
});

test('t opens the full timeline, t or esc closes it; + and - step through 1 min, 10 min, 1 h and stop at the ends', () => {
	const withTimeline = context({timeline: emptyTimeline()});
	const [opened, wider, widest, still, narrower, closed] = keys(initialUiState, [press('t'), press('-'), press('-'), press('-'), press('+'), press('t')], withTimeline);
	assert.equal(opened.state.screen, 'timeline');
	assert.deepEqual([wider, widest, still, narrower].map(step => step.state.timelineWindow), [1, 2, 2, 1]);
	assert.equal(narrower.state.screen, 'timeline');
	assert.equal(closed.state.screen, 'main');
	assert.equal(onKey(opened.state, press('', {escape: true}), context({timeline: emptyTimeline()}, {escapeGoesBack: true})).state.screen, 'main', 'esc closes the timeline before it goes back to the fleet');
	const none = onKey(initialUiState, press('t'), context());
	assert.equal(none.state.screen, 'main', 'no timeline in the view (a table\'s screen): t says so and stays');
	assert.match(JSON.stringify(none.effects), /no timeline on this screen/);
	assert.equal(onKey({...initialUiState, timelineWindow: 0}, press('+'), context()).state.timelineWindow, 0);
});

test('e unfolds the folded state-lock flaps and folds them again, saying so', () => {
	const [unfolded, folded] = keys(initialUiState, [press('e'), press('e')], context());
	assert.equal(unfolded.state.unfolded, true);
	assert.match(JSON.stringify(unfolded.effects), /every state-lock flap shown/);
	assert.equal(folded.state.unfolded, false);
});
