// `ha-tui doctor`: why a group is stuck, and what to do. runDoctor() is pure (the TUI's `d`
// panel calls it with its own probe and context); gatherContext() does the reading.
import {failbackStuck, holderStopped, mixedLayout, networkFs, neverStarted, notShared, paused, permissions, remoteHolder, touchedWhileLive, verdict, waiting} from './findings.js';
import type {DoctorContext, DoctorProbe, Finding, Level} from './types.js';

export * from './types.js';
export {FAILBACK_STUCK_MS, describePid, assessGroup} from './findings.js';
export {gatherContext, DoctorObserver, type GatherOptions} from './context.js';
export {analyseMount, mountFor, parseMountinfo, parseMountinfoLine, readMountinfo, nfsRequestTimeout, type MountEntry, type MountAnalysis} from './mountinfo.js';

const severity: Record<Level, number> = {ok: 0, info: 1, warning: 2, critical: 3};

const rules = [mixedLayout, holderStopped, paused, neverStarted, notShared, failbackStuck, touchedWhileLive, permissions, remoteHolder, networkFs, waiting, verdict];

/** Every finding for this probe, worst first (ties keep the order above: the specific before the verdict). */
export function runDoctor(probe: DoctorProbe, context: DoctorContext): Finding[] {
	let findings = rules.flatMap(rule => rule(probe, context));
	// "healthy" only when nothing is wrong: the locks may look fine while their holder is frozen.
	if (findings.some(finding => severity[finding.level] >= severity.warning)) findings = findings.filter(finding => finding.id !== 'healthy');
	return findings
		.map((finding, index) => ({finding, index}))
		.sort((a, b) => severity[b.finding.level] - severity[a.finding.level] || a.index - b.index)
		.map(({finding}) => finding);
}

/** The finding to show in a header: the worst, the first of equals. */
export function worstFinding(findings: readonly Finding[]): Finding | undefined {
	let worst: Finding | undefined;
	for (const finding of findings) if (!worst || severity[finding.level] > severity[worst.level]) worst = finding;
	return worst;
}

/**
 * The worst finding's level as an exit code. Not doctor's exit code: that is the assessment's
 * (assessGroup), as status', so the two never disagree; findings add evidence and fixes.
 */
export function exitCodeOf(findings: readonly Finding[]): 0 | 1 | 2 {
	const worst = worstFinding(findings);
	if (!worst) return 0;
	return worst.level === 'critical' ? 2 : worst.level === 'warning' ? 1 : 0;
}

export const levelLabel: Readonly<Record<Level, string>> = {ok: 'OK', info: 'INFO', warning: 'WARNING', critical: 'CRITICAL'};
