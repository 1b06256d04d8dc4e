// The screen's life from mount to quit, for every store: q (onExit), a crash and a signal all
// end through the one Stopper, so in-process nodes are stopped once and within its bound.
import type {Stopper, StopResult} from '../session/stopper.js';

export type Screen = {unmount: () => void; waitUntilExit: () => Promise<unknown>};
export type ScreenHandlers = {onExit: (exitCode: number, stopped?: StopResult) => void; onCrash: () => void};

export async function untilQuit(stopper: Stopper, signal: AbortSignal, mount: (handlers: ScreenHandlers) => Screen): Promise<{code: number; result?: StopResult}> {
	let code = 0;
	let result: StopResult | undefined;
	let screen: Screen | undefined;
	const finish = (exitCode: number, stopped?: StopResult) => {
		code = exitCode;
		result ??= stopped;
		screen?.unmount();
	};

	const stopThenFinish = (exitCode: number) => {
		void stopper.stop({failover: false}).then(stopped => finish(stopped.abandoned.length > 0 ? 3 : exitCode, stopped));
	};

	const onShutdown = () => stopThenFinish(0);
	signal.addEventListener('abort', onShutdown, {once: true});
	try {
		screen = mount({onExit: finish, onCrash: () => stopThenFinish(3)});
		if (signal.aborted) onShutdown();
		await screen.waitUntilExit();
	} finally {
		signal.removeEventListener('abort', onShutdown);
	}

	return {code, result};
}
