import {LockFileInputError, assess, probeLockFile} from '../lock-file/index.js';
import {holderName, holderRole, holdingPids, waitingBrokers} from '../broker/index.js';
import {resolveTarget, type ResolvedTarget} from '../target/resolve.js';
import {EXIT, type Io} from './output.js';
import {statusJson, statusText} from './status-report.js';

export function status(argument: string, options: {json: boolean; verbose?: boolean}, io: Io): number {
	let target: ResolvedTarget | undefined;
	try {
		// The real server.lock first (symlinks, instance and data directories): see target/resolve.ts.
		target = resolveTarget(argument, {missing: 'error'});
		const probe = probeLockFile(target.file);
		const assessment = assess(probe, holderName, holderRole);
		const waiting = waitingBrokers(probe.directory, holdingPids(probe));
		if (options.json) io.out(JSON.stringify({...statusJson(probe, assessment, target), waiting: waiting.map(({pid, label, state, broker}) => ({pid, name: label, role: broker.role, ...(state ? {state} : {})}))}));
		else for (const line of statusText(probe, assessment, {target, verbose: options.verbose, waiting: waiting.map(entry => entry.text)})) io.out(line);
		return assessment.exitCode;
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		if (options.json) io.out(JSON.stringify({path: target?.file ?? argument, verdict: 'unknown', error: error.message, exitCode: EXIT.unknown}));
		io.err(`ha-tui: ${error.message}`);
		return EXIT.unknown;
	}
}
