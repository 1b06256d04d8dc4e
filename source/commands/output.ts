// Where commands write, so tests can capture it and the CLI can exit with a code.
import process from 'node:process';
import {sanitize} from '../text/sanitize.js';
import {maskSecrets} from '../text/secrets.js';

export type Io = {
	out: (line: string) => void;
	err: (line: string) => void;
};

let stdoutClosed = false;

/** The reader went away (EPIPE): later output is dropped instead of failing again. */
export function stdoutWasClosed(): void {
	stdoutClosed = true;
}

/**
 * The terminal boundary: every line is one line of text, passed through sanitize() (lines
 * quote command lines and file names chosen by others). A JSON line stays JSON with the same
 * value: JSON.stringify leaves no C0 raw, and DEL/C1 become their own `\u` escapes.
 * A secret this process was given (a database password, text/secrets.ts) becomes ***.
 */
export function terminalIo(stdout: {write: (text: string) => unknown}, stderr: {write: (text: string) => unknown}): Io {
	return {
		out(line) {
			if (!stdoutClosed) stdout.write(`${sanitize(maskSecrets(line))}\n`);
		},
		err: line => stderr.write(`${sanitize(maskSecrets(line))}\n`),
	};
}

export const processIo: Io = terminalIo(process.stdout, process.stderr);

export const EXIT = {ok: 0, warning: 1, critical: 2, unknown: 3} as const;
