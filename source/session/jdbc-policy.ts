// When an action makes sense on a JDBC group, and what it will do, in the table's words: the
// state row, the primary lease (row 1), the backup lease (row 2). Pure functions of the view,
// as session/policy.ts is for a directory: the screen asks before it offers a confirmation,
// the session asks again before it acts. ui/keys.ts runs them through its Planner.
import {connectedBrokers, identifyHolder} from '../store/jdbc/holders.js';
import type {JdbcUpdate} from '../store/jdbc/watcher.js';
import {seconds} from '../store/jdbc/verdict.js';
import type {GroupTimings} from '../store/jdbc/timings.js';
import {isRunning, nodeName, phaseLabel} from './labels.js';
import {findNode, planQuit, type LiveKind, type Plan, type Planner} from './policy.js';
import type {Timeline} from './timeline.js';
import type {DoctorView, LogEntry, NodeView} from './types.js';

const STATE_L = 0x4c;
const STATE_F = 0x46;

export type JdbcView = {
	/** postgresql://app:***@db:5432/ha — the password masked. */
	readonly display: string;
	readonly table: string;
	/** The latest look (undefined before the first). */
	readonly update: JdbcUpdate | undefined;
	readonly nodes: readonly NodeView[];
	/** holder id of each of our nodes (node id → holder id). */
	readonly holderIds: Readonly<Record<string, string>>;
	/** Holder ids seen on the backup row while watching: one of them on the primary row is an activated backup. */
	readonly backupHolders: readonly string[];
	readonly log: readonly LogEntry[];
	readonly doctor: DoctorView | undefined;
	readonly timings: GroupTimings;
	/** Who held each lease and what each node did, over the last hour (jdbc-timeline.ts); a new object on every change. */
	readonly timeline?: Timeline;
};

const refuse = (message: string): Plan => ({ok: false, message});

export type LeaseHolder = {
	readonly text: string;
	readonly node?: NodeView;
	readonly kind: LiveKind;
	readonly because?: string;
};

/** Who holds a lease row (the lease not run out by the DB clock), as far as ha-tui can tell. */
export function leaseHolder(view: JdbcView, segment: 'live' | 'backup'): LeaseHolder | undefined {
	// Our own nodes know what they hold, sooner than the next look at the table.
	const own = segment === 'live' ? view.nodes.find(candidate => candidate.phase === 'live') : view.nodes.find(candidate => candidate.phase === 'backup' || candidate.phase === 'waiting-live-lock');
	if (own) return {text: `${nodeName(own)} (this TUI)`, node: own, kind: own.activated ? 'activated-backup' : own.role === 'live' ? 'primary' : 'activated-backup'};
	const lease = view.update?.probe?.locks[segment];
	if (!lease?.held || lease.holderId === null) return undefined;
	const id = lease.holderId;
	const node = view.nodes.find(candidate => view.holderIds[candidate.id] === id);
	if (node) return {text: `${nodeName(node)} (this TUI)`, node, kind: node.activated ? 'activated-backup' : node.role === 'live' ? 'primary' : 'activated-backup'};
	const connections = view.update?.connections ?? [];
	const identity = identifyHolder(id, connections);
	const short = id.length > 13 ? `${id.slice(0, 13)}…` : id;
	const haTui = connections.find(connection => connection.haTui?.holderId === id)?.haTui;
	if (haTui) {
		const text = `${identity?.who ?? 'an ha-tui node'} (holder ${short})`;
		return haTui.role === 'backup' ? {text, kind: 'activated-backup', because: 'it started as an ha-tui backup'} : {text, kind: 'primary', because: 'it started as an ha-tui primary'};
	}

	if (segment === 'live' && view.backupHolders.includes(id)) return {text: `holder ${short}`, kind: 'activated-backup', because: 'the same holder id held the backup lease before'};
	return {text: `holder ${short}`, kind: 'unknown'};
}

/** "An Artemis broker's holder id is random…": why an unknown holder stays unknown, and who is connected. */
function unknownWhy(view: JdbcView): string {
	const brokers = connectedBrokers(view.update?.connections ?? []);
	return `its holder id is random and it is not an ha-tui node${brokers.length > 0 ? ` (connected from this host: ${brokers.join(', ')})` : ''}`;
}

const leaseSeconds = (view: JdbcView) => seconds(view.timings.expirationMs);

function waitingLiveConsequences(view: JdbcView, holder: string): string {
	const putBack = view.update?.probe?.state === STATE_L ? 'p on the waiting node puts the L back.' : 'the F stays until a primary writes L.';
	return `While it waits the state row stays F, so the backups will NOT take over if ${holder} dies (failover is blocked); if ${holder} dies or stops, the new node takes the primary lease when it runs out (≤ ${leaseSeconds(view)}) and becomes live instead of the backup. ${putBack}`;
}

export function planJdbcStartLive(view: JdbcView): Plan {
	const holder = leaseHolder(view, 'live');
	const lease = view.update?.probe?.locks.live;
	if (!holder) {
		const expired = lease?.holderId !== null && lease?.leftMs !== null && lease?.leftMs !== undefined && lease.leftMs < 0
			? ` (the last holder's lease ran out ${seconds(lease.leftMs)} ago)`
			: '';
		return {ok: true, confirm: false, message: `start a primary: it writes F in the state row, takes the free primary lease (row 1)${expired}, renews it every ${seconds(view.timings.renewPeriodMs)} and writes L`};
	}

	const because = holder.because ? ` (${holder.because})` : '';
	if (holder.kind === 'primary') {
		return {ok: true, confirm: true, message: `start a second primary? The primary lease is held by ${holder.text}, a primary${because}: a primary never steps down. Artemis allows a second one, but the new node writes F over the L and waits for the primary lease. ${waitingLiveConsequences(view, holder.text)}`};
	}

	if (holder.kind === 'activated-backup') {
		return {ok: true, confirm: true, message: `failback: a new primary writes F in the state row and waits for the primary lease. The current live, ${holder.text}, is an activated backup${because}: it sees the F, releases the primary lease (row 1), and the new node becomes live.`};
	}

	return {ok: true, confirm: true, message: `a new primary writes F in the state row and waits for the primary lease. ha-tui cannot tell what the live, ${holder.text}, is (${unknownWhy(view)}): if it is an activated backup this is a failback — it steps down and the new node becomes live; if it is a primary it never steps down, and the new node waits. ${waitingLiveConsequences(view, holder.text)}`};
}

export function planJdbcFailback(view: JdbcView): Plan {
	const probe = view.update?.probe;
	if (!probe) return refuse(`no failback: ${view.update?.error ?? 'the table has not been read yet'}`);
	const waiting = view.nodes.find(node => node.role === 'live' && (node.phase === 'failing-back' || node.phase === 'idle'));
	if (waiting) return refuse(`no failback: ${nodeName(waiting)} is already failing back (waiting for the primary lease)`);
	const holder = leaseHolder(view, 'live');
	const state = `${probe.stateRaw ?? 'NULL'} ${probe.stateName}`;
	if (!holder) return refuse(`no failback: no backup is live — nobody holds the primary lease (state ${state}). Press l to start a primary.`);
	if (probe.state === STATE_F) return refuse('no failback: one is already in progress (state F: a primary is waiting for the primary lease)');
	if (probe.state !== STATE_L) return refuse(`no failback: the state is ${state}, not L, so no backup is live`);
	if (holder.node && holder.kind === 'primary') return refuse(`no failback: the live is ${holder.text}, which started as a primary, not an activated backup`);
	if (holder.kind === 'primary') return refuse(`no failback: the live, ${holder.text}, is a primary (${holder.because ?? 'its role'}), not an activated backup: it never steps down. l starts a second primary anyway and says what that does.`);
	if (holder.kind === 'unknown') {
		return {ok: true, confirm: true, message: `failback: a new primary writes F and waits for the primary lease. ha-tui cannot tell what the live, ${holder.text}, is (${unknownWhy(view)}): if it is an activated backup it steps down and the new node becomes live; if it is a primary it never does. ${waitingLiveConsequences(view, holder.text)}`};
	}

	return {ok: true, confirm: true, message: `failback: a new primary writes F and waits; the live backup (${holder.text}${holder.because ? `: ${holder.because}` : ''}) sees the F, releases the primary lease and restarts as a backup, then the new node becomes live.`};
}

export function planJdbcPause(view: JdbcView, nodeId: string | undefined): Plan {
	const node = findNode(view, nodeId);
	if ('ok' in node) return node;
	const name = nodeName(node);
	if (node.phase === 'live') {
		return {ok: true, confirm: true, message: `pause ${name} (live): it writes P in the state row and releases the primary lease. Backups will NOT take over (they act only on L): the group has NO LIVE until a primary starts.`};
	}

	if (node.role === 'live' && node.phase === 'failing-back' && node.stateBeforeFailingBack === STATE_L) {
		return {ok: true, confirm: true, message: `stop ${name} (${phaseLabel[node.phase]}): it gives up waiting and puts back the L it replaced with F (unless someone wrote the state row since), so the backups can take over again if the live dies.`};
	}

	if (node.role === 'live') return {ok: true, confirm: true, message: `stop ${name} (${phaseLabel[node.phase]}): it gives up waiting; the state row stays F, so backups keep waiting until a primary writes L.`};
	return {ok: true, confirm: true, message: `stop ${name} (${phaseLabel[node.phase]}): it releases its leases (the backup row); another backup may take its place.`};
}

export function planJdbcForceFailover(view: JdbcView, nodeId: string | undefined): Plan {
	const node = findNode(view, nodeId);
	if ('ok' in node) return node;
	if (node.phase !== 'live') return refuse(`force failover needs a live node: ${nodeName(node)} is ${phaseLabel[node.phase]}`);
	const backup = leaseHolder(view, 'backup');
	const next = backup
		? backup.node
			? `the queued backup, ${backup.text}, takes the primary lease at once and becomes live.`
			: `the queued backup, ${backup.text}, takes over at its next try (an ha-tui backup at once, an Artemis backup within its 2 s retry).`
		: 'NO backup holds the backup lease: the group has NO LIVE until one starts (the L stays, so the next backup takes over at once).';
	return {ok: true, confirm: true, message: `force failover on ${nodeName(node)}: it releases the primary lease (row 1) leaving L, as a crash would — at once, not after the ${leaseSeconds(view)} lease runs out; ${next}`};
}

export function planJdbcClear(view: JdbcView): Plan {
	const finished = view.nodes.filter(node => !isRunning(node));
	if (finished.length === 0) return refuse('nothing to clear: no stopped or paused node in the list');
	const one = finished.length === 1;
	const names = finished.map(node => `${nodeName(node)} ${phaseLabel[node.phase]}`).join(', ');
	return {ok: true, confirm: true, message: `clear ${finished.length} finished node${one ? '' : 's'} (${names}) from the list? ${one ? 'It holds' : 'They hold'} no lease; nothing in the table changes.`};
}

export function planJdbcRestart(view: JdbcView, nodeId: string | undefined): Plan {
	if (view.nodes.length === 0) return refuse('no in-process node: start one with l (primary) or b (backup)');
	const node = view.nodes.find(candidate => candidate.id === nodeId);
	if (!node) return refuse('no node selected: use ↑/↓ or tab');
	if (isRunning(node)) return refuse(`${nodeName(node)} is ${phaseLabel[node.phase]}, not stopped: p stops it first`);
	if (node.role === 'backup') return {ok: true, confirm: true, message: `restart ${nodeName(node)} (${phaseLabel[node.phase]}): a new backup takes its place in the list and queues on the backup lease, as b does.`};
	const start = planJdbcStartLive(view);
	return start.ok ? {ok: true, confirm: true, message: `restart ${nodeName(node)} (${phaseLabel[node.phase]}): a new primary takes its place in the list. ${start.message}`} : start;
}

export const jdbcPlanner: Planner<JdbcView> = {
	startLive: planJdbcStartLive,
	failback: planJdbcFailback,
	pause: planJdbcPause,
	forceFailover: planJdbcForceFailover,
	clear: planJdbcClear,
	restart: planJdbcRestart,
	quit: planQuit,
};
