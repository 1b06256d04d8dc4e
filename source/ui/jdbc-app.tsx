// The TUI on a JDBC shared store: the verdict, a draining bar per lease row (jdbc-lease-bars.tsx),
// the state and node id, the table's rows, what changed, and in-process ha-tui nodes driven by
// the file TUI's keys. The same pure key machine (keys.ts, with jdbc-policy.ts's plans: a y/n
// dialog that says what will happen to the rows) and the same layout function (layout.ts, with
// this screen's facts), so nothing overlaps at any size from 60×16; `d` the doctor's findings
// (store/jdbc/doctor.ts, judged by the group's timings), `?` the help in rows and leases.
import React, {memo, useContext, useEffect, useReducer} from 'react';
import {Box, Text} from 'ink';
import {levelLabel, worstFinding} from '../doctor/index.js';
import {jdbcPlanner, type JdbcView} from '../session/jdbc-policy.js';
import type {JdbcSession} from '../session/jdbc-session.js';
import type {JdbcProbe} from '../store/jdbc/probe.js';
import {identifyHolder} from '../store/jdbc/holders.js';
import {shortHolder} from '../store/jdbc/report.js';
import {jdbcVerdictLabel, seconds, type JdbcVerdict} from '../store/jdbc/verdict.js';
import {sanitize} from '../text/sanitize.js';
import type {CellSink} from './clock-painter.js';
import {ConfirmDialog} from './confirm.js';
import {DoctorPanel, levelTone, maxDoctorOffset} from './doctor-panel.js';
import {EventLog} from './event-log.js';
import {clock, nextSecond, truncateMiddle} from './format.js';
import {HelpBar} from './help-bar.js';
import {HelpOverlay, maxHelpOffset, type HelpText} from './help-overlay.js';
import {selectedNode} from './keys.js';
import {countdownTurns, LeaseBars, type LeaseBarsProps} from './jdbc-lease-bars.js';
import {barLeaseMs, paintable, paintedCells} from './jdbc-painted.js';
import {layoutScreen, stripNodeRows, type LayoutFacts} from './layout.js';
import {NodesPanel} from './nodes-panel.js';
import {SectionTitle} from './section.js';
import {LEASE_LEGEND, TimelineStrip, TimelineView, useTimelineEnd} from './timeline-panel.js';
import {WINDOWS_MS} from '../session/timeline.js';
import {ColorContext, Tone, levelSymbol, type ToneName} from './theme.js';
import {dialogText, useKeyMachine, useKeys} from './use-key-machine.js';
import {TooSmall, type ScreenProps} from './screen.js';
import {samePanel, sameProps} from './same-props.js';
import {useNow} from './use-now.js';
import {useSessionView} from './use-session.js';
import {useTerminalSize} from './use-terminal-size.js';

/** `?` on a JDBC group: the keys in rows and leases, and what the table holds. */
export function jdbcHelp(view: Pick<JdbcView, 'timings'>): HelpText {
	const {renewPeriodMs, expirationMs} = view.timings;
	return {
		keys: [
			['l', 'start a primary: writes F in the state row, takes the primary lease'],
			['', '(row 1) when it is free or ran out, writes L; on a group whose backup'],
			['', 'is live, this is the failback request'],
			['b', 'start a backup: takes the backup lease (row 2); takes over when the'],
			['', 'state is L and the primary lease is free or ran out (by the DB clock)'],
			['f', 'failback: as l, offered only when a backup is live (else: why not)'],
			['p', 'pause the selected node: a live writes P and releases its lease'],
			['', '(backups do NOT take over); a backup releases its lease and stops'],
			['k', 'force failover: the selected live releases the primary lease leaving'],
			['', 'L, as a crash would — without waiting for the lease to run out'],
			['x r', 'x clears stopped and paused nodes; r restarts the selected one'],
			['d', 'doctor: leases, renews, clock skew, stale F (↑↓ scroll, d closes)'],
			['t + -', 'timeline: who held each lease, when (t/Esc back; + - 1 min…1 h)'],
			['↑ ↓ tab', 'select a node'],
			['q Ctrl-C', 'quit: running nodes stop cleanly first (a live pauses, or fails over)'],
		],
		note: ' p k f x r, l while a primary lease is held, and q with nodes running ask y/n first. Watching only reads (SELECTs in read-only transactions): it never takes a lease.',
		title: ' The table',
		lines: [
			' row 0 state: L live, P paused, F failing back, N or NULL not started',
			' row 1 primary lease · row 2 backup lease: holder id and expiry, epoch ms by the DATABASE clock; held while DB now ≤ expiry',
			` a holder renews every ${seconds(renewPeriodMs)} for a ${seconds(expirationMs)} lease (${sanitize(view.timings.source)}); a bar drains towards expiry and refills at each renew`,
			' row 3 node id. A backup takes over only when the state is L AND the primary lease is free or ran out; a dead primary\'s lease outlives it.',
		],
	};
}

// This screen redraws twice a second (the bars drain): the timeline is drawn again only when
// what it shows changed.
const SameTimelineStrip = memo(TimelineStrip, (before, after) => before.timeline === after.timeline && before.width === after.width && before.rows === after.rows
	&& before.windowMs === after.windowMs && before.end === after.end && before.nodeIds.join(' ') === after.nodeIds.join(' '));
const SameTimelineView = memo(TimelineView);
// The other panels: drawn again only when what they are given changed.
// `who` is made on every frame: the names it gives are what is drawn.
const whoOf = (props: LeaseBarsProps) => [props.live, props.backup].map(lease => (lease.holderId === null ? '' : props.who(lease.holderId))).join('\n');
const SameLeaseBars = memo(LeaseBars, (before, after) => sameProps({...before, who: undefined}, {...after, who: undefined}) && whoOf(before) === whoOf(after));
const SameNodesPanel = samePanel(NodesPanel);
const SameEventLog = samePanel(EventLog);
const SameHelpBar = samePanel(HelpBar);
const SameSectionTitle = samePanel(SectionTitle);
const TableRows = samePanel(({lines}: {readonly lines: readonly string[]}) => <>{lines.map((line, index) => <Text key={index} wrap="truncate-end">{line}</Text>)}</>);

const NO_AGES: readonly number[] = [];

/**
 * The host times at which a lease bar reads differently other than by its countdown: each held
 * lease's expiry (never shown held after it) and the half-way point where it turns warn. The
 * countdown's tenths and the bar's cells move with the header clock's second.
 */
export function leaseDeadlines(probe: Pick<JdbcProbe, 'locks' | 'dbNow' | 'hostNow'> | undefined, leaseMs: number): number[] {
	if (!probe) return [];
	const offset = probe.dbNow - probe.hostNow;
	const times: number[] = [];
	for (const lease of [probe.locks.live, probe.locks.backup]) {
		if (lease.holderId === null || lease.expiresAt === null) continue;
		times.push(...countdownTurns(lease.expiresAt - offset, leaseMs));
	}

	return times;
}

/** The phases in the table's words (the file TUI says "lock"). */
const phaseWords = {'waiting-backup-lock': 'awaiting backup lease', 'waiting-live-lock': 'awaiting primary lease'} as const;

const verdictTone = (code: number): ToneName => (['ok', 'warn', 'error', 'muted'] as const)[code] ?? 'muted';
const verdictSymbol = (code: number) => [levelSymbol.ok, levelSymbol.warn, levelSymbol.error, '?'][code] ?? '?';

/** One line per row as stored (the raw view): outside text, sanitized, each within the width. */
export function rowLines(view: JdbcView): string[] {
	const probe = view.update?.probe;
	if (!probe) return [];
	const text = (value: string | number | null | undefined) => (value === null || value === undefined ? 'NULL' : sanitize(String(value)));
	const byId = new Map(probe.rows.map(row => [Number(row.id), row]));
	const holder = (id: number) => {
		const row = byId.get(id);
		return row ? `holder_id ${row.holder_id === null || row.holder_id === undefined ? 'NULL' : sanitize(shortHolder(String(row.holder_id)))} · expiration ${text(row.holder_expiration_time)}` : 'missing';
	};

	return [
		` row 0 state ${probe.stateRaw === null ? 'NULL' : JSON.stringify(sanitize(probe.stateRaw))} (${probe.stateName})`,
		` row 1 primary ${holder(1)}`,
		` row 2 backup  ${holder(2)}`,
		` row 3 node_id ${text(byId.get(3)?.node_id)}`,
	];
}

export type JdbcAppProps = ScreenProps<JdbcSession> & {
	/** Opened from the fleet screen: esc goes back there (keys.ts), and the key bar says q goes back. */
	readonly fromFleet?: boolean;
	/**
	 * On a real terminal (clock-painter.ts): the clock's seconds and the leases' countdowns are
	 * painted every second, not rendered, so a screen at rest draws a frame only when what it
	 * shows changed.
	 */
	readonly painter?: CellSink;
};

/** The header's renew cadence, as seen (watcher.ts' renew stats of the primary lease). */
function renewLine(view: Pick<JdbcView, 'update'>): string {
	const renew = view.update?.renew.live;
	return renew?.avgIntervalMs === null || renew?.avgIntervalMs === undefined ? 'renews —' : `renews every ${seconds(renew.avgIntervalMs)} (worst ${seconds(renew.maxIntervalMs ?? 0)})`;
}

/**
 * What the screen shows of a look that reads differently with no change emitted to redraw it
 * (the session emits none for a renew alone, nor as time passes): the verdict ("expired 2.5 s
 * ago"), the header's finding ("has 9.0 s left"), the renew cadence, a lease row of the table
 * that cannot be painted (jdbc-painted.ts), the doctor's findings while open. The DB − host
 * offset is a measurement: its last one stands.
 */
export function timedTexts(view: JdbcView, doctorOpen: boolean): string {
	const findings = view.doctor?.findings ?? [];
	const worst = worstFinding(findings);
	const header = worst?.level === 'warning' || worst?.level === 'critical' ? `${worst.level} ${worst.id} ${worst.title}` : '';
	const rows = rowLines(view).slice(1, 3).filter(line => !paintable(line));
	return [view.update?.assessment.summary ?? '', header, renewLine(view), ...rows, doctorOpen ? JSON.stringify(findings) : ''].join('\n');
}

/**
 * Painted, the screen is not redrawn every second: once a second, it is when those texts
 * read differently from the ones drawn (as often as the clock redrew them before). At the
 * second the painter paints (clock-painter.ts, 2 ms past it): else "expired 0.2 s ago" stood
 * beside a painted "EXPIRED 0.7 s ago" — up to a second apart, by when the screen opened.
 */
function useTimedRedraw(session: JdbcSession, painted: boolean, doctorOpen: boolean, drawn: string): void {
	const [, redraw] = useReducer((count: number) => count + 1, 0);
	useEffect(() => {
		if (!painted) return;
		let timer: NodeJS.Timeout;
		const check = () => {
			if (timedTexts(session.getView(), doctorOpen) !== drawn) redraw();
			timer = setTimeout(check, nextSecond(Date.now()) + 2);
		};

		timer = setTimeout(check, nextSecond(Date.now()) + 2);
		return () => clearTimeout(timer);
	}, [session, painted, doctorOpen, drawn]);
}

export function JdbcApp({session, onExit, stopper: given, size, timelineEnd, fromFleet = false, painter}: JdbcAppProps) {
	const view = useSessionView<JdbcView>(session);
	const {columns, rows} = useTerminalSize(size);
	const machine = useKeyMachine(session, onExit, given);
	const {ui, notice} = machine;
	const {update} = view;
	const probe = update?.probe;
	const leaseMs = barLeaseMs(view);
	// A frame when the clock's second or a lease's standing reads differently (use-now.ts), not
	// on a timer: the bars' tenths and the nodes' ages move with the clock's second (ages by
	// their own seconds would add a frame a second for each node, measured: 2.7 → 3.7 frames a second).
	// Painted (on a terminal), the clock and the bars cost no frame (their deadlines are painted
	// too, jdbc-painted.ts): the nodes' ages then tick by themselves.
	const ticked = useNow(painter ? view.nodes.map(node => node.since) : NO_AGES, !painter, painter ? NO_AGES : leaseDeadlines(probe, leaseMs));
	// Painted, `ticked` may be minutes old when a look redraws the screen: that look's time is
	// not, so a frame never shows an older countdown than the one painted before it.
	const now = painter && update ? Math.max(ticked, update.takenAt) : ticked;
	const colors = useContext(ColorContext);
	const selected = selectedNode(view.nodes, ui.selectedId);
	const doctorOpen = ui.screen === 'doctor' && !ui.dialog;
	useTimedRedraw(session, painter !== undefined, doctorOpen, timedTexts(view, doctorOpen));
	useEffect(() => {
		if (doctorOpen) session.setDoctorOpen(true);
	}, [doctorOpen, session]);

	const help = jdbcHelp(view);
	const code = update?.assessment.exitCode ?? 3;
	const verdictText = update ? ` ${verdictSymbol(code)} ${jdbcVerdictLabel[update.assessment.verdict as JdbcVerdict]} — ${sanitize(update.assessment.summary)}` : ' ? UNKNOWN — connecting…';
	const worst = view.doctor ? worstFinding(view.doctor.findings) : undefined;
	const finding = worst?.level === 'warning' || worst?.level === 'critical' ? worst : undefined;
	const alarm = update?.error ? `✖ ${sanitize(update.error)}` : undefined;
	const facts: LayoutFacts = {
		verdict: verdictText,
		alarm: alarm !== undefined,
		finding: finding !== undefined,
		banner: false,
		nodeCount: view.nodes.length,
		logLength: view.log.length,
		...(view.timeline ? {timelineRows: 3 + stripNodeRows(view)} : {}),
		words: {'the locks': 'the leases', 'lock rows': 'lease rows', 'the lock file': 'the table rows', 'the raw bytes': 'some table rows'},
	};
	const noticeText = notice ? `${levelSymbol[notice.level]} ${sanitize(notice.text)}` : undefined;
	const dialog = dialogText(ui.dialog, 'Start a primary?');
	const layout = layoutScreen({columns, rows, facts, screen: ui.screen, dialog, notice: noticeText, selectedIndex: selected ? view.nodes.indexOf(selected) : -1});
	const windowMs = WINDOWS_MS[ui.timelineWindow] ?? WINDOWS_MS[0];
	const timelineShown = layout.kind === 'screen' && (layout.body === 'timeline' || (layout.body === 'main' && layout.timeline > 0));
	const end = useTimelineEnd(timelineShown ? view.timeline : undefined, windowMs, columns, timelineEnd);
	const panelRows = layout.kind === 'screen' ? Math.max(1, layout.bodyRows) : 1;
	const width = layout.width;
	const doctorView = {doctor: view.doctor, snapshot: {probe, error: update?.error}};
	const doctorMax = doctorOpen && layout.kind === 'screen' ? maxDoctorOffset(doctorView, width, panelRows) : 0;
	const helpMax = maxHelpOffset(undefined, panelRows, width, help);

	useKeys(machine, {planner: jdbcPlanner, panelRows, doctorMax, helpMax, escapeGoesBack: fromFleet});

	if (layout.kind === 'too-small') {
		painter?.setCells([]);
		return <TooSmall width={layout.width} height={layout.height} message={layout.message}/>;
	}

	const {header} = layout;
	const offset = probe ? probe.dbNow - probe.hostNow : 0;
	const who = (holderId: string) => {
		const node = view.nodes.find(candidate => view.holderIds[candidate.id] === holderId);
		if (node) return `${node.label} ${node.role} (this TUI)`;
		const known = identifyHolder(holderId, update?.connections ?? [])?.who ?? 'unknown';
		return known === 'unknown' && view.backupHolders.includes(holderId) && probe?.locks.live.holderId === holderId ? 'unknown (held the backup lease before)' : known;
	};

	const narrow = width < 80;
	// The bar, the time left and who come first; the holder id gets what is left (Artemis' are 36).
	const barWidth = narrow ? 10 : width < 120 ? 16 : 20;
	const holderWidth = narrow ? 9 : width < 120 ? 13 : 36;
	const renewText = renewLine(view);
	const skew = probe ? `DB − host ${probe.clockSkewMs >= 0 ? '+' : '−'}${Math.abs(probe.clockSkewMs)} ms` : 'DB clock unknown';
	const identity = `${skew} · ${renewText} · lease ${seconds(view.timings.expirationMs)} / renew ${seconds(view.timings.renewPeriodMs)}${view.timings.fromBrokers ? ' (broker.xml)' : ' (defaults)'}`;
	const time = clock(now);
	const segments = new Set<string>(layout.locks.segments);
	const rowsShown = rowLines(view).slice(0, Math.max(0, layout.lockFile - 1));
	if (painter) {
		// The lines as drawn below: the header's, the verdict's, the leases' title and rows, the
		// state, the nodes panel (its title and rows), the timeline strip, the table's title.
		const above = 1 + (header.identity ? 1 : 0) + (header.alarm && alarm ? 1 : 0) + (header.finding && finding ? 1 : 0) + layout.verdict.length + (layout.locks.title ? 1 : 0);
		const leaseRows = probe ? (['live', 'backup'] as const).filter(segment => segments.has(segment)) : [];
		const tableTop = above + layout.locks.segments.length + (layout.nodes ? layout.nodes.rows + 1 : 0) + (layout.timeline > 0 && view.timeline ? 1 + Math.min(layout.timeline, 3 + stripNodeRows(view)) : 0) + 1;
		const main = layout.body === 'main';
		painter.setCells(paintedCells({
			countdowns: main ? leaseRows.map((segment, index) => ({segment, line: above + index})) : [],
			tableRows: main && layout.lockFile > 0 ? [1, 2].filter(index => index < rowsShown.length).map(index => ({index, line: tableTop + index})) : [],
			barWidth,
			width,
			colors,
		}, view, () => session.getView(), rowLines));
	}

	return (
		<Box flexDirection="column" width={width} height={layout.height}>
			<Box flexDirection="column" flexShrink={0}>
				<Box>
					<Box flexShrink={0}><Text bold>ha-tui </Text></Box>
					<Box flexGrow={1} flexShrink={1}><Text wrap="truncate-end">{truncateMiddle(`${sanitize(view.display)} table ${sanitize(view.table)}`, Math.max(10, width - 8 - time.length))}</Text></Box>
					<Box flexShrink={0}><Text> {time}</Text></Box>
				</Box>
				{header.identity ? <Tone tone="muted" wrap="truncate-end">{identity}</Tone> : null}
				{header.alarm && alarm ? <Tone bold inverse tone="error" wrap="truncate-end">{alarm}</Tone> : null}
				{header.finding && finding ? (
					<Text wrap="truncate-end">
						doctor: <Tone bold tone={levelTone[finding.level]}>{levelLabel[finding.level]} {finding.id}</Tone> — {sanitize(finding.title)}
					</Text>
				) : null}
			</Box>
			{layout.body === 'help' ? <HelpOverlay width={width} rows={panelRows} offset={ui.helpOffset} about={help}/> : layout.body === 'doctor' ? (
				<DoctorPanel view={doctorView} width={width} rows={panelRows} offset={ui.doctorOffset} scope={`the table's rows, the connections from this host; timings: ${sanitize(view.timings.source)}`} nothing="the table has not been read"/>
			) : layout.body === 'timeline' ? (view.timeline ? <SameTimelineView timeline={view.timeline} width={width} rows={panelRows} windowMs={windowMs} end={end} legend={LEASE_LEGEND}/> : null) : (
				<>
					{layout.verdict.map((line, index) => <Tone key={index} bold={index === 0} tone={verdictTone(code)} wrap="truncate-end">{line}</Tone>)}
					{layout.locks.title ? <SameSectionTitle title="Leases" width={width} hint={narrow ? undefined : 'by the database clock'}/> : null}
					{probe && segments.has('live') ? <SameLeaseBars live={probe.locks.live} backup={probe.locks.backup} dbNow={now + offset} leaseMs={leaseMs} who={who} width={barWidth} holderWidth={holderWidth} only={segments.has('backup') ? undefined : 'live'}/> : null}
					{probe && !segments.has('live') && segments.has('backup') ? <SameLeaseBars live={probe.locks.live} backup={probe.locks.backup} dbNow={now + offset} leaseMs={leaseMs} who={who} width={barWidth} holderWidth={holderWidth} only="backup"/> : null}
					{!probe && segments.has('live') ? <Tone tone="muted" wrap="truncate-end"> primary  ? {sanitize(update?.error ?? 'connecting…')}</Tone> : null}
					{segments.has('state') ? <Text wrap="truncate-end"> state    {probe ? `${sanitize(probe.stateRaw ?? 'NULL')} ${probe.stateName}   node id ${sanitize(probe.nodeId ?? 'none')}` : '?'}</Text> : null}
					{layout.nodes ? <SameNodesPanel nodes={view.nodes} selectedId={selected?.id} now={now} width={width} rows={layout.nodes.rows} offset={layout.nodes.offset} phaseWords={phaseWords}/> : null}
					{layout.timeline > 0 && view.timeline ? <SameTimelineStrip timeline={view.timeline} width={width} rows={layout.timeline} windowMs={windowMs} nodeIds={view.nodes.map(node => node.id)} end={end}/> : null}
					{layout.lockFile > 0 ? (
						<Box flexDirection="column" flexShrink={0}>
							<SameSectionTitle title="Table" width={width} hint={narrow ? undefined : 'rows as stored'}/>
							<TableRows lines={rowsShown}/>
						</Box>
					) : null}
					{layout.dialog && dialog
						? <ConfirmDialog title={dialog.title} message={dialog.message} choices={dialog.choices} layout={layout.dialog}/>
						: layout.events > 0 ? <SameEventLog log={view.log} lines={layout.events - 1} width={width} watchLabel="db  "/> : null}
				</>
			)}
			<Box flexGrow={1}/>
			{layout.hidden ? <Tone tone="muted" wrap="truncate-end">{layout.hidden}</Tone> : null}
			{notice ? layout.notice.map((line, index) => <Tone key={index} tone={notice.level} wrap="truncate-end">{line}</Tone>) : null}
			<SameHelpBar width={width} back={fromFleet}/>
		</Box>
	);
}
