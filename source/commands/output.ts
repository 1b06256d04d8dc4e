// Where commands write, so tests can capture it and the CLI can exit with a code.
import process from 'node:process';

export type Io = {
	out: (line: string) => void;
	err: (line: string) => void;
};

let stdoutClosed = false;

/** The reader went away (EPIPE): later output is dropped instead of failing again. */
export function stdoutWasClosed(): void {
	stdoutClosed = true;
}

export const processIo: Io = {
	out(line) {
		if (!stdoutClosed) process.stdout.write(`${line}\n`);
	},
	err: line => process.stderr.write(`${line}\n`),
};

export const EXIT = {ok: 0, warning: 1, critical: 2, unknown: 3} as const;
