// The `status` report: the --json object and the human text, from one probe.
import {describeStateByte, verdictLabel, type Assessment, type Probe, type Segment} from '../lock-file/index.js';

export type StatusJson = {
	path: string;
	device: number;
	inode: number;
	size: number;
	state: string | null;
	stateName: string;
	nodeId: string | null;
	raw: string;
	locks: Record<Segment, {locked: boolean; holders: Array<{pid: number | null; command: string | null; kind: string; sameProcess: boolean}>}>;
	verdict: string;
	summary: string;
	exitCode: number;
};

export function statusJson(probe: Probe, assessment: Assessment): StatusJson {
	const locks = {} as StatusJson['locks'];
	for (const segment of ['state', 'live', 'backup'] as const) {
		const lock = probe.locks[segment];
		locks[segment] = {
			locked: lock.locked,
			holders: lock.holders.map(holder => ({pid: holder.pid ?? null, command: holder.command ?? null, kind: holder.kind, sameProcess: holder.sameProcess})),
		};
	}

	return {
		path: probe.path,
		device: probe.device,
		inode: probe.inode,
		size: probe.size,
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

export function holderLine(probe: Probe, segment: Segment): string {
	const lock = probe.locks[segment];
	if (!lock.locked) return 'free';
	if (lock.holders.length === 0) return 'locked (holder not visible from this host)';
	return lock.holders
		.map(holder => `pid ${holder.pid ?? '?'} ${holder.kind}${holder.sameProcess ? ' (this process)' : ''}${holder.command ? ` — ${holder.command}` : ''}`)
		.join('; ');
}

export function statusText(probe: Probe, assessment: Assessment): string[] {
	return [
		`${verdictLabel[assessment.verdict]} — ${assessment.summary}`,
		`file     ${probe.path} (device ${probe.device}, inode ${probe.inode}, ${probe.size} bytes)`,
		`state    ${describeStateByte(probe.state)} ${probe.stateName}`,
		`node id  ${probe.nodeId ?? 'none'}`,
		`raw      ${probe.raw}`,
		`live     ${holderLine(probe, 'live')}`,
		`backup   ${holderLine(probe, 'backup')}`,
		`state lk ${holderLine(probe, 'state')}`,
	];
}
