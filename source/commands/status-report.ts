// The `status` report: the --json object and the human text, from one probe.
import {brokerOf, holderIdentity, holderText, lockHoldersText, type BrokerInfo} from '../broker/index.js';
import {describeStateByte, verdictText, type Assessment, type Holder, type Probe, type Segment} from '../lock-file/index.js';
import {describeTarget, type ResolvedTarget} from '../target/resolve.js';
import {sanitize} from '../text/sanitize.js';

/**
 * `broker`: present when the holder is an Artemis or HornetQ broker (issue 10). `name`: the
 * holder as text shows it ("broker-a (primary)", "ha-tui node /x (backup)"), when known.
 * `state`: /proc/PID/stat's letter (T stopped, t traced, Z zombie, …). `command` is always full.
 */
export type HolderJson = {pid: number | null; command: string | null; kind: string; sameProcess: boolean; name?: string; state?: string; broker?: BrokerInfo};

export type StatusJson = {
	path: string;
	/** The argument and how it led to path (present when the command resolved one). */
	target?: {argument: string; typed: string; via: ResolvedTarget['via']; note?: string};
	directory: string;
	device: number;
	inode: number;
	size: number;
	layout: Probe['layout'];
	generation: string;
	files: Array<{name: string; path: string; exists: boolean; inode: number | null; size: number | null}>;
	state: string | null;
	stateName: string;
	nodeId: string | null;
	raw: string;
	locks: Record<Segment, {locked: boolean; file: string; holders: HolderJson[]}>;
	verdict: string;
	summary: string;
	exitCode: number;
};

export function holderJson(holder: Holder & {readonly broker?: BrokerInfo | null}): HolderJson {
	// The broker read at the probe where the snapshot carries one (watch: it may be gone now).
	const broker = holder.broker === undefined ? brokerOf(holder.pid) : holder.broker ?? undefined;
	const name = holderIdentity(holder, broker ?? null);
	return {pid: holder.pid ?? null, command: holder.command ?? null, kind: holder.kind, sameProcess: holder.sameProcess, ...(name ? {name} : {}), ...(holder.state ? {state: holder.state} : {}), ...(broker ? {broker} : {})};
}

export function statusJson(probe: Probe, assessment: Assessment, target?: ResolvedTarget): StatusJson {
	const locks = {} as StatusJson['locks'];
	for (const segment of ['state', 'live', 'backup'] as const) {
		const lock = probe.locks[segment];
		locks[segment] = {locked: lock.locked, file: lock.file, holders: lock.holders.map(holder => holderJson(holder))};
	}

	return {
		path: probe.path,
		...(target ? {target: {argument: target.argument, typed: target.typed, via: target.via, ...(target.note ? {note: target.note} : {})}} : {}),
		directory: probe.directory,
		device: probe.device,
		inode: probe.inode,
		size: probe.size,
		layout: probe.layout,
		generation: probe.generation,
		files: probe.files.map(file => ({name: file.name, path: file.path, exists: file.exists, inode: file.inode ?? null, size: file.size ?? null})),
		state: probe.state === undefined ? null : String.fromCharCode(probe.state),
		stateName: probe.stateName,
		nodeId: probe.nodeId ?? null,
		raw: probe.raw,
		locks,
		verdict: assessment.verdict,
		summary: assessment.summary,
		exitCode: assessment.exitCode,
	};
}


/** "broker-a (primary) pid 2795 POSIX", the command shortened unless verbose (holder-text.ts). */
export function describeHolder(holder: Holder, options: {verbose?: boolean} = {}): string {
	return sanitize(holderText(holder, {kind: true, verbose: options.verbose}));
}

export function holderLine(probe: Probe, segment: Segment, options: {verbose?: boolean} = {}): string {
	return sanitize(lockHoldersText(probe.locks[segment], {kind: true, verbose: options.verbose}));
}

/** "serverlock.1" in the files layout, "byte 1" in the ranges layout: the layout's description says (layout.ts whereLabel). */
function whereLabel(probe: Probe, segment: Segment): string {
	return probe.locks[segment].where;
}

export type StatusTextOptions = {
	readonly target?: ResolvedTarget;
	/** Full command lines. */
	readonly verbose?: boolean;
	/** Brokers of this group on this host that hold no lock (waiting-brokers.ts). */
	readonly waiting?: readonly string[];
};

export function statusText(probe: Probe, assessment: Assessment, options: StatusTextOptions = {}): string[] {
	const {target, verbose} = options;
	const files = probe.layout === 'ranges'
		? []
		: probe.files.filter(file => file.name !== 'server.lock').map(file => `         ${file.name}: ${file.exists ? `inode ${file.inode ?? '?'}, ${file.size ?? '?'} bytes` : 'absent'}`);
	return [
		verdictText(assessment),
		`file     ${target && target.file === probe.path ? describeTarget(target) : probe.path} (device ${probe.device}, inode ${probe.inode}, ${probe.size} bytes)`,
		`layout   ${probe.layout} — ${probe.generation}`,
		...files,
		`state    ${describeStateByte(probe.state)} ${probe.stateName}`,
		`node id  ${probe.nodeId ?? 'none'}`,
		`raw      ${probe.raw}`,
		`primary  (live lock, ${whereLabel(probe, 'live')}) ${holderLine(probe, 'live', {verbose})}`,
		`backup   (${whereLabel(probe, 'backup')}) ${holderLine(probe, 'backup', {verbose})}`,
		`state lk (${whereLabel(probe, 'state')}) ${holderLine(probe, 'state', {verbose})}`,
		...(probe.links !== undefined && probe.links > 1 ? [`links    server.lock has ${probe.links} hard links: other names of this file may be in other directories`] : []),
		...(options.waiting ?? []).map(line => `waiting  ${sanitize(line)}`),
	];
}
