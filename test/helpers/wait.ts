// The one deadline-poll for tests: look every few ms until a condition holds, fail with what
// was awaited (and any context) when the deadline passes. A deadline, not a timing assertion:
// how fast things happen is measured in `npm run bench`. A child process's output is awaited
// by Spawned (helpers/spawned.ts) on its own events, without polling.
import {monotonicMs} from '../../source/time.js';

export type WaitOptions = {
	/** Default 5000. */
	timeoutMs?: number;
	/** Default 5. */
	everyMs?: number;
	/** More to say on a timeout (a process's output, the state seen). */
	context?: () => string;
};

/** Resolves with the first truthy value of check (which may be async); rejects after the deadline. */
export async function waitFor<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: number | WaitOptions = {}): Promise<T> {
	const {timeoutMs = 5000, everyMs = 5, context} = typeof options === 'number' ? {timeoutMs: options} : options;
	const deadline = monotonicMs() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (monotonicMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${context ? `\n${context()}` : ''}`);
		await new Promise(resolve => setTimeout(resolve, everyMs));
	}
}
