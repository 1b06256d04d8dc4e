import {LockFileInputError, assess, probeLockFile, resolveLockPath} from '../lock-file/index.js';
import {EXIT, type Io} from './output.js';
import {statusJson, statusText} from './status-report.js';

export function status(target: string, options: {json: boolean}, io: Io): number {
	const file = resolveLockPath(target);
	try {
		const probe = probeLockFile(file);
		const assessment = assess(probe);
		if (options.json) io.out(JSON.stringify(statusJson(probe, assessment)));
		else for (const line of statusText(probe, assessment)) io.out(line);
		return assessment.exitCode;
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		if (options.json) io.out(JSON.stringify({path: file, verdict: 'unknown', error: error.message, exitCode: EXIT.unknown}));
		io.err(`ha-tui: ${error.message}`);
		return EXIT.unknown;
	}
}
