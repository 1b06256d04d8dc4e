// Keys against a fake session: what is asked, what is refused and why, what is confirmed.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import React from 'react';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {FRAME_MS} from '../../source/ui/keys.js';
import type {SessionView} from '../../source/session/types.js';
import {FakeSession, listening, makeNode, makeSnapshot, makeView, ours, outside, until} from './fixtures.js';

afterEach(cleanup);

const KEY = {down: '\u001B[B', up: '\u001B[A', tab: '\t', escape: '\u001B', ctrlC: '\u0003'};

function mount(view: Partial<SessionView> = {}, fromFleet = false) {
	const session = new FakeSession(makeView(view));
	let exitCode: number | undefined;
	const app = render(<App session={session} onExit={code => exitCode = code} size={{columns: 100, rows: 30}} fromFleet={fromFleet}/>);
	// Box borders and wrapping out of the way: match sentences, not layout.
	const screen = () => (app.lastFrame() ?? '').replaceAll(/[│╭╮╰╯]/g, ' ').replaceAll(/\s+/g, ' ');
	// The ready handshake (see listening): then every test waits for the frame it expects
	// before the next key, never for a time.
	const press = async (key: string) => {
		await listening(app.stdin);
		app.stdin.write(key);
	};

	const see = (pattern: RegExp) => until(`screen to match ${pattern}\n${app.lastFrame()}`, () => pattern.test(screen()));
	const called = (call: string) => until(`session.${call}; calls: ${session.calls.join(', ')}`, () => session.calls.includes(call));
	return {session, app, screen, press, see, called, exitCode: () => exitCode};
}

/**
 * Resolves after every action a key already deferred has run (or would have): Node fires
 * timers in the order they expire, and this one expires after any FRAME_MS timer set before
 * it. The event that would have to come first, not a guess at how long things take.
 */
const afterDeferral = async () => new Promise(resolve => {
	setTimeout(resolve, FRAME_MS + 1);
});

// A live that held the backup lock before (an activated backup): the case where failback makes sense.
const backupIsLive = {snapshot: makeSnapshot({live: outside(4264)}), backupPids: [4264]};
const liveFree = {snapshot: makeSnapshot({state: 'P'})};

test('l on a free live lock starts a live at once', async () => {
	const ui = mount(liveFree);
	await ui.press('l');
	await ui.called('startLive');
});

test('l while a live runs asks first, naming the failback', async () => {
	const ui = mount(backupIsLive);
	await ui.press('l');
	await ui.see(/Start a live node\? .*failback.*pid 4264 OFD.*is an activated backup \(it held the backup lock before\).*y yes n no/);
	await afterDeferral();
	assert.deepEqual(ui.session.calls, []);
	await ui.press('y');
	await ui.called('startLive');
});

test('b starts a backup', async () => {
	const ui = mount();
	await ui.press('b');
	await ui.called('startBackup');
});

test('f is refused with the reason when no backup is live', async () => {
	const ui = mount(liveFree);
	await ui.press('f');
	await ui.see(/refused: no failback: no backup is live — nobody holds the live lock \(state 'P' \(0x50\) paused\)/);
	await afterDeferral();
	assert.deepEqual(ui.session.calls, []);
});

test('f is refused when the live is a live started here, not a backup', async () => {
	const ui = mount({snapshot: makeSnapshot({live: ours}), nodes: [makeNode(1, 'live', 'live')]});
	await ui.press('f');
	await ui.see(/refused: no failback: the live is #1 live \(this process\), which started as a live/);
});

test('f when a backup is live: confirm, then the failback request', async () => {
	const ui = mount(backupIsLive);
	await ui.press('f');
	await ui.see(/Request failback\? failback: a new live node writes F and waits; the live backup \(pid 4264 OFD\) steps down/);
	await ui.press('y');
	await ui.called('requestFailback');
});

test('p on a live asks, naming what happens; n cancels and nothing is done', async () => {
	const ui = mount({snapshot: makeSnapshot({live: ours}), nodes: [makeNode(1, 'live', 'live')]});
	await ui.press('p');
	await ui.see(/pause #1 live \(live\): it writes P and releases the live lock\. Backups will NOT take over/);
	await ui.press('n');
	await ui.see(/cancelled: nothing was done/);
	await afterDeferral();
	assert.deepEqual(ui.session.calls, []);
	await ui.press('p');
	await ui.see(/y yes n no/);
	await ui.press('y');
	await ui.called('pause n1');
	await ui.see(/✔ n1 paused/);
});

test('p with no node is refused', async () => {
	const ui = mount();
	await ui.press('p');
	await ui.see(/refused: no in-process node: start one with l \(live\) or b \(backup\)/);
});

test('k on a backup is refused; k on the selected live asks, then forces failover', async () => {
	const ui = mount({
		snapshot: makeSnapshot({live: ours, backup: ours}),
		nodes: [makeNode(1, 'backup', 'waiting-live-lock'), makeNode(2, 'live', 'live')],
	});
	await ui.see(/▶ #1 backup/);
	await ui.press('k');
	await ui.see(/refused: force failover needs a live node: #1 backup is waiting for live lock/);
	await ui.press(KEY.down);
	await ui.see(/▶ #2 live/);
	await ui.press('k');
	await ui.see(/Force failover\? force failover on #2 live: it releases the live lock leaving L.*the queued backup, #1 backup \(this process\), takes over/);
	await ui.press('y');
	await ui.called('forceFailover n2');
});

test('↑, ↓ and tab move the selection around', async () => {
	const ui = mount({nodes: [makeNode(1, 'live', 'live'), makeNode(2, 'backup', 'backup'), makeNode(3, 'backup', 'waiting-backup-lock')]});
	await ui.see(/▶ #1/);
	await ui.press(KEY.tab);
	await ui.see(/▶ #2/);
	await ui.press(KEY.down);
	await ui.see(/▶ #3/);
	await ui.press(KEY.down);
	await ui.see(/▶ #1/);
	await ui.press(KEY.up);
	await ui.see(/▶ #3/);
});

test('? opens the help overlay, Esc closes it', async () => {
	const ui = mount();
	await ui.press('?');
	await ui.see(/Help .*force failover: the selected live lets go leaving L/);
	await ui.press(KEY.escape);
	await ui.see(/Lock file/);
});

test('opened from the fleet: esc closes the help, then the doctor panel, then goes back (the key bar says so)', async () => {
	const ui = mount({}, true);
	await ui.see(/q back to fleet/);
	await ui.press('?');
	await ui.see(/Help /);
	await ui.press(KEY.escape);
	await ui.see(/Lock file/);
	assert.equal(ui.exitCode(), undefined, 'esc closed the help only');
	await ui.press('d');
	await ui.see(/Doctor/);
	await ui.press(KEY.escape);
	await ui.see(/Lock file/);
	assert.equal(ui.exitCode(), undefined, 'esc closed the doctor panel only');
	await ui.press(KEY.escape);
	await until('back to the fleet', () => ui.exitCode() === 0);
});

test('opened from the fleet with nodes running: esc asks as q does, esc again cancels the question', async () => {
	const ui = mount({nodes: [makeNode(1, 'live', 'live')]}, true);
	await ui.press(KEY.escape);
	await ui.see(/Quit\? quit: 1 in-process node running/);
	await ui.press(KEY.escape);
	await ui.see(/cancelled/);
	assert.equal(ui.exitCode(), undefined);
	assert.deepEqual(ui.session.calls, []);
});

test('not from the fleet: esc on the main screen does not quit', async () => {
	const ui = mount();
	await ui.see(/q quit/);
	await ui.press(KEY.escape);
	await afterDeferral();
	assert.equal(ui.exitCode(), undefined);
});

test('q with no node running quits at once', async () => {
	const ui = mount();
	await ui.press('q');
	await until('exit', () => ui.exitCode() === 0);
});

test('q with nodes running asks; y stops them (a live pauses) and exits', async () => {
	const ui = mount({nodes: [makeNode(1, 'live', 'live'), makeNode(2, 'backup', 'backup')]});
	await ui.press('q');
	await ui.see(/Quit\? quit: 2 in-process nodes running \(#1 live, #2 backup\)\. They will be stopped\. y stop them \(a live pauses: P\) f stop with failover/);
	await afterDeferral();
	assert.equal(ui.exitCode(), undefined);
	await ui.press('y');
	await ui.called('stopAll failover=false');
	await until('exit', () => ui.exitCode() === 0);
});

test('q then f stops with failover', async () => {
	const ui = mount({nodes: [makeNode(1, 'live', 'live')]});
	await ui.press('q');
	await ui.see(/Quit\?/);
	await ui.press('f');
	await ui.called('stopAll failover=true');
	await until('exit', () => ui.exitCode() === 0);
});

test('Ctrl-C asks like q; n keeps running; a second Ctrl-C stops cleanly', async () => {
	const ui = mount({nodes: [makeNode(1, 'live', 'live')]});
	await ui.press(KEY.ctrlC);
	await ui.see(/Quit\?/);
	await ui.press('n');
	await ui.see(/cancelled/);
	assert.equal(ui.exitCode(), undefined);
	await ui.press(KEY.ctrlC);
	await ui.see(/Quit\?/);
	await ui.press(KEY.ctrlC);
	await ui.called('stopAll failover=false');
	await until('exit', () => ui.exitCode() === 0);
});

test('the screen follows the session: a change shows without a key', async () => {
	const ui = mount(liveFree);
	await ui.see(/CRITICAL: NO LIVE/);
	ui.session.set({snapshot: makeSnapshot({live: outside(777), backup: outside(778)})});
	await ui.see(/OK: healthy .*pid 777 OFD/);
});

test('l then q in one read: the screen quits and the deferred start never runs', async () => {
	const ui = mount(liveFree);
	await ui.press('lq');
	await until('exit', () => ui.exitCode() === 0);
	await afterDeferral();
	assert.deepEqual(ui.session.calls, ['stopAll failover=false'], 'nothing may start after quit was decided');
});

test('keys that arrive in one read are each handled: "ly" opens the dialog and confirms it', async () => {
	const ui = mount(backupIsLive);
	await ui.press('ly');
	await ui.called('startLive');
});

test('a pasted "bb" starts two backups', async () => {
	const ui = mount();
	await ui.press('bb');
	await until(`two startBackup; calls: ${ui.session.calls.join(', ')}`, () => ui.session.calls.filter(call => call === 'startBackup').length === 2);
});

test('f next to a real primary is refused: a primary never steps down; l says what a second primary does', async () => {
	const primary = {...outside(4264), broker: {kind: 'artemis', name: 'broker-a', role: 'primary', instance: null, configuration: null, haPolicy: 'shared-store', failoverOnShutdown: null, allowFailback: null, restartBackup: null, lockDirectory: null, clusterConnection: null}} as const;
	const ui = mount({snapshot: makeSnapshot({live: primary})});
	await ui.press('f');
	await ui.see(/refused: no failback: the live, broker-a \(primary\) pid 4264, is a primary \(its broker.xml says primary\), not an activated backup: it never steps down/);
	assert.doesNotMatch(ui.screen(), /live backup .* steps down/);
	await ui.press('l');
	await ui.see(/start a second primary\? The live lock is held by broker-a \(primary\) pid 4264, a primary .* never steps down\. Artemis allows a second one, but the new node writes F over the L and waits for the live lock\. While it waits the state stays F, so the backups will NOT take over if broker-a \(primary\) pid 4264 dies \(failover is blocked\); if broker-a \(primary\) pid 4264 dies or stops, the new node becomes live instead of the backup\. p on the waiting node puts the L back\./);
	await afterDeferral();
	assert.deepEqual(ui.session.calls, []);
});

test('p on a live waiting behind a primary says the L is put back', async () => {
	const ui = mount({snapshot: makeSnapshot({live: outside(4264), state: 'F'}), nodes: [makeNode(1, 'live', 'failing-back', {stateBeforeFailingBack: 'L'.charCodeAt(0)})]});
	await ui.press('p');
	await ui.see(/stop #1 live \(failing back\): it gives up waiting and puts back the L it replaced with F/);
	assert.doesNotMatch(ui.screen(), /stays F/);
});
