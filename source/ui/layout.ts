// The screen's geometry, in one pure function: which panel gets how many lines at this size.
// Priority, highest first: the header's first line and the key bar (always), a dialog (always
// whole: message and choices), the notice, the header's alarm and doctor lines, the verdict,
// the locks, the in-process nodes, the header's identity and banner, the lock-file bytes,
// the events. Each shrinks or hides before anything overlaps, and a "…" line says what is not
// shown. The components draw exactly the lines given here.
import {SEGMENTS, type Segment} from '../lock-file/format.js';
import {verdictLabel, type Verdict} from '../lock-file/verdict.js';
import {eventLines} from '../session/event-log.js';
import type {SessionView} from '../session/types.js';
import {sanitize} from '../text/sanitize.js';
import {alarmFor, doctorHeadline} from './header.js';
import {levelSymbol} from './theme.js';
import {wrap, wrapBalanced, wrapIndented} from './text-wrap.js';

/** Below MIN_COLUMNS × MIN_ROWS the screen is one centred line saying so (keys still work). */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

export type Choice = {readonly key: string; readonly label: string};

export type DialogText = {readonly title: string; readonly message: string; readonly choices: readonly Choice[]};

export type DialogLayout = {
	readonly border: boolean;
	readonly title: string;
	readonly message: readonly string[];
	/** The choices, packed into lines that fit. */
	readonly choices: ReadonlyArray<readonly Choice[]>;
	readonly lines: number;
};

/**
 * What the layout needs to know of a view. A directory's session gives it through
 * layoutFacts(view); another store (the JDBC screen) gives its own: the same grants, its own
 * panels (locks → lease rows, lock file → table rows).
 */
export type LayoutFacts = {
	/** The verdict as one text (" ✔ OK: healthy — …"), wrapped here to the width. */
	readonly verdict: string;
	readonly alarm: boolean;
	readonly finding: boolean;
	readonly banner: boolean;
	readonly nodeCount: number;
	/** Brokers of the group that hold no lock: a row each in the locks panel. */
	readonly waitingCount?: number;
	readonly logLength: number;
	/** Rows of the timeline strip (3 lock rows and the listed nodes'); absent: no timeline on this screen. */
	readonly timelineRows?: number;
	/** The hidden line's names for the panels (default a directory's: "the locks", "the lock file"…). */
	readonly words?: Partial<Record<HiddenWord, string>>;
};

export type HiddenWord = 'the locks' | 'lock rows' | 'the lock file' | 'the raw bytes';

/** unfolded: the events panel shows each state-lock flap (e), a line each. */
export function layoutFacts(view: SessionView, unfolded = false): LayoutFacts {
	const {verdict, summary} = view.snapshot.assessment;
	return {
		verdict: ` ${verdictHead(verdict)} — ${sanitize(summary)}`,
		alarm: alarmFor(view) !== undefined,
		finding: doctorHeadline(view) !== undefined,
		banner: Boolean(view.banner),
		nodeCount: view.nodes.length,
		waitingCount: view.waiting?.length ?? 0,
		logLength: eventLines(view.log, unfolded).length,
		...(view.timeline ? {timelineRows: 3 + stripNodeRows(view)} : {}),
	};
}

export type ScreenInput = {
	readonly columns: number;
	readonly rows: number;
	/** The view of a directory's session, or (facts) what another store's screen says of its own. */
	readonly view?: SessionView;
	readonly facts?: LayoutFacts;
	readonly screen: 'main' | 'help' | 'doctor' | 'timeline';
	readonly dialog?: DialogText;
	/** The events panel shows each state-lock flap (e). */
	readonly unfolded?: boolean;
	/** The notice as shown: symbol and text. */
	readonly notice?: string;
	/** Index of the selected node in view.nodes (-1: none). */
	readonly selectedIndex: number;
};

export type NodesLayout = {readonly rows: number; readonly offset: number};

export type ScreenLayout =
	| {readonly kind: 'too-small'; readonly width: number; readonly height: number; readonly message: string}
	| {
		readonly kind: 'screen';
		readonly width: number;
		/** Lines the frame has (one less than the terminal: Ink clears the screen on a full one). */
		readonly height: number;
		readonly body: 'main' | 'help' | 'doctor' | 'timeline';
		/** Lines for the help, the doctor panel or the full timeline (title included). */
		readonly bodyRows: number;
		readonly header: {readonly identity: boolean; readonly alarm: boolean; readonly finding: boolean; readonly banner: boolean};
		readonly notice: readonly string[];
		readonly verdict: readonly string[];
		/** waiting: how many waiting-broker rows fit (SessionView.waiting). */
		readonly locks: {readonly title: boolean; readonly segments: readonly Segment[]; readonly waiting?: number};
		/** Undefined: the nodes panel is hidden. */
		readonly nodes: NodesLayout | undefined;
		/** Chart rows of the timeline strip (its title comes with them); 0: hidden. */
		readonly timeline: number;
		/** Lines of the lock-file panel, 0 (hidden) to LOCK_FILE_LINES. */
		readonly lockFile: number;
		/** Lines of the events panel, its title included; 0: hidden. */
		readonly events: number;
		readonly dialog: DialogLayout | undefined;
		/** The "…" line: what this size does not show. */
		readonly hidden: string | undefined;
	};

/** The lock-file panel at full size: title, state and node id, layout, bytes, byte labels. */
export const LOCK_FILE_LINES = 5;

const verdictSymbol: Readonly<Record<Verdict, string>> = {
	healthy: levelSymbol.ok,
	'no-backup': levelSymbol.warn,
	'no-usable-backup': levelSymbol.warn,
	'failing-back': levelSymbol.warn,
	transition: levelSymbol.warn,
	'live-frozen': levelSymbol.error,
	'no-live': levelSymbol.error,
	'mixed-layout': levelSymbol.error,
	'bad-state': levelSymbol.error,
	unknown: '?',
};

export function verdictHead(verdict: Verdict): string {
	return `${verdictSymbol[verdict]} ${verdictLabel[verdict]}`;
}

/** The verdict, wrapped, continuation lines indented under the label. */
export function verdictLines(view: SessionView, width: number): string[] {
	const {verdict, summary} = view.snapshot.assessment;
	return wrapIndented(` ${verdictHead(verdict)} — ${sanitize(summary)}`, width, 3);
}

const choiceText = (choice: Choice) => `${choice.key} ${choice.label}`;

/** Choices in as few lines as fit, three spaces apart. */
export function packChoices(choices: readonly Choice[], width: number): Choice[][] {
	const lines: Choice[][] = [];
	let line: Choice[] = [];
	let used = 0;
	for (const choice of choices) {
		const length = choiceText(choice).length;
		if (line.length > 0 && used + 3 + length > width) {
			lines.push(line);
			line = [];
			used = 0;
		}

		used += (line.length > 0 ? 3 : 0) + length;
		line.push(choice);
	}

	if (line.length > 0) lines.push(line);
	return lines;
}

/** The dialog in room lines at most: with its border when it fits, else without; the message cut only as a last resort. */
export function layoutDialog(dialog: DialogText, width: number, room: number): DialogLayout {
	const build = (border: boolean): DialogLayout => {
		const inner = Math.max(10, width - (border ? 4 : 2));
		const message = wrapBalanced(sanitize(dialog.message), inner);
		const choices = packChoices(dialog.choices, inner);
		return {border, title: sanitize(dialog.title), message, choices, lines: (border ? 2 : 0) + 1 + message.length + choices.length};
	};

	const framed = build(true);
	if (framed.lines <= room) return framed;
	const bare = build(false);
	if (bare.lines <= room) return bare;
	// Nothing else is left to give: the message ends with an ellipsis, the choices stay.
	const keep = Math.max(1, room - 1 - bare.choices.length);
	const message = bare.message.slice(0, keep);
	message[keep - 1] = `${message[keep - 1].slice(0, Math.max(0, width - 3))}…`;
	return {...bare, message, lines: 1 + message.length + bare.choices.length};
}

/** Where the node list starts so the selected node is on screen (centred when it can be). */
export function nodesOffset(count: number, rows: number, selectedIndex: number): number {
	if (count <= rows) return 0;
	const selected = Math.max(0, selectedIndex);
	return Math.max(0, Math.min(count - rows, selected - Math.floor((rows - 1) / 2)));
}

function tooSmall(columns: number, rows: number, dialog?: DialogText): ScreenLayout {
	// A question asked by a key is still said, so its answer is not typed blind.
	const question = dialog ? `${sanitize(dialog.title)} ${dialog.choices.map(choice => choice.key).join('/')} · ` : '';
	const long = `${question}ha-tui needs a terminal of at least ${MIN_COLUMNS}×${MIN_ROWS} (this one is ${columns}×${rows})`;
	const short = `${question}at least ${MIN_COLUMNS}×${MIN_ROWS} (now ${columns}×${rows})`;
	const width = Math.max(1, columns);
	const message = long.length <= width ? long : short.length <= width ? short : short.slice(0, width);
	return {kind: 'too-small', width, height: Math.max(1, rows - 1), message};
}

type Grant = {readonly id: string; readonly lines: number};

/** Gives lines to the grants in order while they fit; a grant that does not fit ends its group. */
function allot(grants: readonly Grant[], room: number): Map<string, number> {
	const given = new Map<string, number>();
	const stopped = new Set<string>();
	let left = room;
	for (const {id, lines} of grants) {
		const group = id.split('.')[0];
		if (stopped.has(group)) continue;
		if (lines > left) {
			stopped.add(group);
			continue;
		}

		left -= lines;
		given.set(id, (given.get(id) ?? 0) + lines);
	}

	return given;
}

export function layoutScreen(input: ScreenInput): ScreenLayout {
	const {columns, rows} = input;
	if (columns < MIN_COLUMNS || rows < MIN_ROWS) return tooSmall(columns, rows, input.dialog);
	const facts = input.facts ?? layoutFacts(input.view!, input.unfolded);
	const width = columns;
	const height = rows - 1;
	// The header's first line and the key bar are always there.
	let room = height - 2;
	const {alarm, finding} = facts;
	const body = input.dialog ? 'main' : input.screen;
	const dialog = input.dialog ? layoutDialog(input.dialog, width, room) : undefined;
	room -= dialog?.lines ?? 0;
	const noticeLines = input.notice ? wrap(sanitize(input.notice), width) : [];
	const notice = noticeLines.slice(0, Math.max(0, Math.min(noticeLines.length, room - (body === 'main' ? 1 : 2))));
	room -= notice.length;
	if (body !== 'main') {
		const header = {identity: room - 2 >= 8, alarm: alarm && room > 4, finding: finding && room > 5, banner: false};
		const used = Number(header.identity) + Number(header.alarm) + Number(header.finding);
		return {kind: 'screen', width, height, body, bodyRows: room - used, header, notice, verdict: [], locks: {title: false, segments: []}, nodes: undefined, timeline: 0, lockFile: 0, events: 0, dialog, hidden: undefined};
	}

	const verdict = wrapIndented(facts.verdict, width, 3);
	const {nodeCount} = facts;
	// The strip: the three lock rows, then a row for each node on the list (the full view, t, has every row).
	const stripRows = facts.timelineRows ?? 0;
	const grants = (): Grant[] => [
		{id: 'alarm', lines: alarm ? 1 : 0},
		{id: 'finding', lines: finding ? 1 : 0},
		{id: 'verdict.first', lines: 1},
		...verdict.slice(1).map(() => ({id: 'verdict.more', lines: 1})),
		{id: 'locks.live', lines: 1},
		{id: 'locks.backup', lines: 1},
		{id: 'locks.state', lines: 1},
		{id: 'locks.title', lines: 1},
		...Array.from({length: facts.waitingCount ?? 0}, () => ({id: 'locks.waiting', lines: 1})),
		// The title and the first row come together; the rest one by one.
		{id: 'nodes.first', lines: 2},
		...Array.from({length: Math.max(0, nodeCount - 1)}, () => ({id: 'nodes.more', lines: 1})),
		{id: 'identity', lines: 1},
		{id: 'banner', lines: facts.banner ? 1 : 0},
		// Its title and the primary row come together, then the backup and state rows; the
		// nodes' rows (the nodes panel has their phases) after the lock file.
		...(stripRows > 0 ? [{id: 'timeline.first', lines: 2}, {id: 'timeline.more', lines: 1}, {id: 'timeline.more', lines: 1}] : []),
		{id: 'lockFile.first', lines: 2},
		{id: 'lockFile.more', lines: 1},
		{id: 'lockFile.more', lines: 1},
		{id: 'lockFile.more', lines: 1},
		...Array.from({length: Math.max(0, stripRows - 3)}, () => ({id: 'timelineNodes.more', lines: 1})),
		...(dialog ? [] : [{id: 'events.first', lines: 2}, ...Array.from({length: Math.max(0, Math.min(facts.logLength, height) - 1)}, () => ({id: 'events.more', lines: 1}))]),
	];

	const fit = (space: number) => {
		const given = allot(grants().filter(grant => grant.lines > 0), space);
		const get = (id: string) => given.get(id) ?? 0;
		const lockRows = (['live', 'backup', 'state'] as const).filter(segment => get(`locks.${segment}`) > 0);
		const waitingRows = get('locks.waiting');
		const nodeRows = get('nodes.first') > 0 ? 1 + get('nodes.more') : 0;
		const timeline = get('timeline.first') > 0 ? 1 + get('timeline.more') + (get('timeline.more') === 2 ? get('timelineNodes.more') : 0) : 0;
		const lockFile = get('lockFile.first') + get('lockFile.more');
		const events = get('events.first') + get('events.more');
		const shownVerdict = verdict.slice(0, get('verdict.first') + get('verdict.more'));
		const hidden: string[] = [];
		const word = (name: HiddenWord) => facts.words?.[name] ?? name;
		if (shownVerdict.length < verdict.length) hidden.push('the rest of the verdict');
		if (lockRows.length < 3) hidden.push(word(lockRows.length === 0 ? 'the locks' : 'lock rows'));
		const waitingHidden = (facts.waitingCount ?? 0) - waitingRows;
		if (waitingHidden > 0) hidden.push(`${waitingHidden} waiting broker${waitingHidden === 1 ? '' : 's'}`);
		if (nodeCount > 0 && nodeRows === 0) hidden.push(`${nodeCount} in-process node${nodeCount === 1 ? '' : 's'}`);
		if (timeline === 0 && stripRows > 0) hidden.push('the timeline (t shows it)');
		else if (timeline < stripRows) hidden.push('timeline rows (t)');
		if (lockFile === 0) hidden.push(word('the lock file'));
		else if (lockFile < LOCK_FILE_LINES) hidden.push(word('the raw bytes'));
		if (!dialog && events === 0) hidden.push('the events');
		return {given, get, lockRows, waitingRows, nodeRows, timeline, lockFile, events, shownVerdict, hidden};
	};

	let result = fit(room);
	if (result.hidden.length > 0) result = fit(room - 1);
	const {get, lockRows, waitingRows, nodeRows, timeline, lockFile, events, shownVerdict, hidden} = result;
	const order: readonly Segment[] = SEGMENTS.filter(segment => lockRows.includes(segment as 'live'));
	const shownCount = Math.min(nodeCount, nodeRows);
	return {
		kind: 'screen',
		width,
		height,
		body,
		bodyRows: 0,
		header: {identity: get('identity') > 0, alarm: get('alarm') > 0, finding: get('finding') > 0, banner: get('banner') > 0},
		notice,
		verdict: shownVerdict,
		locks: {title: get('locks.title') > 0, segments: order, waiting: waitingRows},
		nodes: nodeRows > 0 ? {rows: Math.max(1, shownCount), offset: nodesOffset(nodeCount, Math.max(1, shownCount), input.selectedIndex)} : undefined,
		timeline,
		lockFile,
		events,
		dialog,
		hidden: hidden.length > 0 ? hiddenLine(hidden, width) : undefined,
	};
}

/** Node rows of the strip: the nodes still on the list (cleared ones stay in the full view). */
export function stripNodeRows(view: Pick<SessionView, 'nodes' | 'timeline'>): number {
	const ids = new Set(view.nodes.map(node => `node:${node.id}`));
	return view.timeline?.rows.filter(row => ids.has(row.id)).length ?? 0;
}

/** "… not shown at this size: the lock file, the events" within the width. */
function hiddenLine(hidden: readonly string[], width: number): string {
	const text = `… not shown at this size: ${hidden.join(', ')} (a bigger terminal shows them)`;
	if (text.length <= width) return text;
	const shorter = `… not shown at this size: ${hidden.join(', ')}`;
	return shorter.length <= width ? shorter : `${shorter.slice(0, width - 1)}…`;
}
