// The one way the screen stops its nodes: bounded, idempotent, abandonable. Quitting by key,
// by SIGTERM/SIGHUP or by a closed stdout all end here, so nodes are stopped once (the first
// request's failover choice wins), never for more than `boundMs`, and a second Ctrl-C while a
// stop is stuck ends the wait at once, naming the nodes left behind.
import {isRunning, nodeName} from './labels.js';
import type {NodeView, SessionLike} from './types.js';

export type StopResult = {
	/** Nodes still running when the wait ended: their locks go with the process. */
	readonly abandoned: readonly NodeView[];
	readonly why?: 'timeout' | 'abandoned';
};

export const STOP_BOUND_MS = 1000;

/** What the Stopper needs of a session (the file one, or the JDBC one). */
export type StoppableSession = Pick<SessionLike, 'stopAll'> & {getView(): {readonly nodes: readonly NodeView[]}};

export class Stopper {
	private result: Promise<StopResult> | undefined;
	private finish: ((result: StopResult) => void) | undefined;
	private done: StopResult | undefined;

	constructor(private readonly session: StoppableSession, private readonly boundMs = STOP_BOUND_MS) {}

	get stopping(): boolean {
		return this.result !== undefined;
	}

	/** Stops every running node (once); resolves when they stopped, or after boundMs. */
	async stop(options: {failover: boolean}): Promise<StopResult> {
		this.result ??= new Promise<StopResult>(resolve => {
			let timer: NodeJS.Timeout | undefined;
			this.finish = result => {
				// Cleared: a pending timer would keep the process alive after the screen is gone.
				clearTimeout(timer);
				this.done ??= result;
				resolve(this.done);
			};

			timer = setTimeout(() => this.finish?.({abandoned: this.running(), why: 'timeout'}), this.boundMs);
			this.session.stopAll(options).then(
				() => this.finish?.({abandoned: []}),
				() => this.finish?.({abandoned: this.running()}),
			);
		});
		return this.result;
	}

	/** Ends the wait now (second Ctrl-C): whatever is still running is left behind. */
	abandon(): StopResult {
		const result: StopResult = {abandoned: this.running(), why: 'abandoned'};
		if (this.finish) this.finish(result);
		else this.result = Promise.resolve(this.done = result);
		return this.done ?? result;
	}

	private running(): NodeView[] {
		return this.session.getView().nodes.filter(node => isRunning(node));
	}
}

/** `#1 live (stepping-down) …`: the line printed when nodes were left behind. */
export function describeAbandoned(result: StopResult, boundMs = STOP_BOUND_MS): string | undefined {
	if (result.abandoned.length === 0) return undefined;
	const names = result.abandoned.map(node => `${nodeName(node)} (${node.phase})`).join(', ');
	const why = result.why === 'timeout' ? `did not stop within ${boundMs} ms` : 'still stopping at the second Ctrl-C';
	return `${names} ${why}: abandoned; the kernel releases its locks as the process exits (as in a crash)`;
}
