// Who holds each segment, for how long, and the verdict in `status`' own words.
import React from 'react';
import {Box, Text} from 'ink';
import {SEGMENTS, type Segment} from '../lock-file/format.js';
import type {Verdict} from '../lock-file/verdict.js';
import {nodeName} from '../session/labels.js';
import {HIDDEN_HOLDER, holderIdentity, holderText, tidyCommand} from '../broker/holder-text.js';
import type {NodeView, SessionView} from '../session/types.js';
import {age} from './format.js';
import {verdictHead, verdictLines} from './layout.js';
import {sanitize} from '../text/sanitize.js';
import {SectionTitle} from './section.js';
import {Tone, type ToneName} from './theme.js';

export const verdictTone: Readonly<Record<Verdict, ToneName>> = {
	healthy: 'ok',
	'no-backup': 'warn',
	'no-usable-backup': 'warn',
	'failing-back': 'warn',
	transition: 'warn',
	'live-frozen': 'error',
	'no-live': 'error',
	'mixed-layout': 'error',
	'bad-state': 'error',
	unknown: 'muted',
};


/** Row labels in Artemis ≥ 2.32's words: the live lock is the primary's. */
const rowLabel: Readonly<Record<Segment, string>> = {state: 'state', live: 'primary (live)', backup: 'backup'};

/** Which of our nodes a "this process" lock belongs to, judging by their phases. */
function ourNode(segment: Segment, nodes: readonly NodeView[]): NodeView | undefined {
	if (segment === 'live') return nodes.find(node => node.phase === 'live');
	if (segment === 'backup') return nodes.find(node => node.phase === 'backup' || node.phase === 'waiting-live-lock');
	return undefined;
}

/** A lock's row: each holder's name (holderText), then our node or the command line. */
export function lockRowText(view: SessionView, segment: Segment): string {
	const lock = view.snapshot.probe?.locks[segment];
	if (!lock?.locked) return 'free';
	if (lock.holders.length === 0) return HIDDEN_HOLDER;
	return lock.holders.map(holder => {
		const name = holderText(holder, {form: 'name', kind: true});
		if (holder.sameProcess) {
			const node = ourNode(segment, view.nodes);
			return `${name}${node ? ` — ${nodeName(node)}` : ''}`;
		}

		// With a broker name the command line adds nothing but length (java -XX:… for every broker).
		if (holder.pid === undefined || holderIdentity(holder, undefined, true)) return name;
		return `${name}${holder.command ? ` — ${tidyCommand(holder.command)}` : ''}`;
	}).join('; ');
}

/** What a lock row takes before the holder text: ` primary (live)  ` and `● held `. */
const ROW_HEAD = 1 + 15 + 7;

/**
 * A holder text cut to `max` columns keeping its pid: at 60 columns "primary (primary) pid 7156"
 * read "primary (primary) pid 71…" — the one part that tells holders apart, cut. The name before
 * the first pid gives way (with `…`); what follows the pid (a command, more holders) is cut at
 * the end as before.
 */
export function fitHolderText(text: string, max: number): string {
	if (text.length <= max) return text;
	const pid = /(?:^|\s)(pid \d+)/.exec(text);
	if (!pid) return text;
	const start = pid.index + pid[0].length - pid[1].length;
	const end = start + pid[1].length;
	if (end <= max) return text;
	const keep = max - pid[1].length - 2; // "…" and a space
	if (keep < 3) return text.slice(start);
	return `${text.slice(0, keep).trimEnd()}… ${text.slice(start)}`;
}

/**
 * Since when the holder has held it. All our nodes share one pid, so the watcher cannot see
 * the lock pass between them: then the node's own phase start is the better answer.
 */
function heldSince(view: SessionView, segment: Segment): number | undefined {
	const seen = view.snapshot.heldSince[segment];
	const holder = view.snapshot.probe?.locks[segment].holders[0];
	const node = holder?.sameProcess ? ourNode(segment, view.nodes) : undefined;
	if (seen === undefined || !node) return seen;
	return Math.max(seen, node.since);
}

/**
 * "for 12s" when the lock was taken while watching (a true lower bound: held at least since it
 * was seen); "seen for 12s" when it was already held at the first look (it may be days).
 */
export function heldForText(view: SessionView, since: number, now: number, ours = false): string {
	// One of our nodes: its phase start is exact, whenever watching began.
	const before = !ours && view.watchingSince !== undefined && since <= view.watchingSince;
	return `${before ? 'seen for' : 'for'} ${age(now - since)}`;
}

/**
 * The verdict (pre-wrapped by layout.ts, its cause must not be cut), then a row per lock, then
 * a row per broker of the group that holds no lock (`waiting`: how many fit; default all).
 * Without `verdict` and `segments`: everything, wrapped at width.
 */
export function LocksPanel({view, now, width, verdict: given, title = true, segments = SEGMENTS, waiting}: {readonly view: SessionView; readonly now: number; readonly width: number; readonly verdict?: readonly string[]; readonly title?: boolean; readonly segments?: readonly Segment[]; readonly waiting?: number}) {
	const {snapshot} = view;
	const {verdict} = snapshot.assessment;
	const lines = given ?? verdictLines(view, width);
	const head = ` ${verdictHead(verdict)}`;
	return (
		<Box flexDirection="column" flexShrink={0}>
			{title ? <SectionTitle title="Locks" width={width}/> : null}
			{lines.map((line, index) => index === 0 && line.startsWith(head) ? (
				// Pre-wrapped to the width (layout.ts): plain wrap keeps the leading space that truncation trims.
				<Text key={index}>
					<Tone bold tone={verdictTone[verdict]}>{head}</Tone>
					<Text>{line.slice(head.length)}</Text>
				</Text>
			) : <Text key={index}>{line}</Text>)}
			{segments.map(segment => {
				const lock = snapshot.probe?.locks[segment];
				const held = lock?.locked ?? false;
				const since = heldSince(view, segment);
				const sinceText = held && since !== undefined ? ` ${heldForText(view, since, now, lock?.holders[0]?.sameProcess === true && ourNode(segment, view.nodes) !== undefined)}` : undefined;
				return (
					<Box key={segment}>
						<Box flexShrink={0}>
							<Text>{` ${rowLabel[segment].padEnd(15)}`}</Text>
							<Tone bold={held} tone={held ? (segment === 'live' ? 'ok' : 'accent') : 'muted'}>{held ? '● held ' : lock ? '○ free ' : '? '}</Tone>
						</Box>
						<Box flexGrow={1} flexShrink={1}>
							<Text wrap="truncate-end">{held ? fitHolderText(sanitize(lockRowText(view, segment)), width - ROW_HEAD - (sinceText?.length ?? 0)) : lock ? '' : snapshot.status === 'error' ? 'not probed (not a lock file)' : 'no file'}</Text>
						</Box>
						{sinceText === undefined ? null : <Box flexShrink={0}><Tone tone="muted">{sinceText}</Tone></Box>}
					</Box>
				);
			})}
			{(view.waiting ?? []).slice(0, waiting ?? Number.POSITIVE_INFINITY).map(broker => (
				// A broker of this group that holds no lock (broker/waiting.ts), as status says it.
				<Box key={`waiting-${broker.pid}`}>
					<Box flexShrink={0}>
						<Text>{` ${'waiting'.padEnd(15)}`}</Text>
						<Tone tone={broker.state === 'T' || broker.state === 't' || broker.state === 'Z' ? 'error' : 'muted'}>{'◌ '}</Tone>
					</Box>
					<Box flexGrow={1} flexShrink={1}>
						<Text wrap="truncate-end">{sanitize(broker.text)}</Text>
					</Box>
				</Box>
			))}
		</Box>
	);
}
