// One wait for both node managers: the first of a change event, a timeout (the fallback for
// changes no event reports, e.g. other NFS hosts' writes), or the abort of the signal.

/** `listen` subscribes the wake-up and returns how to unsubscribe it. */
export async function waitForChangeOrTimeout(listen: (wake: () => void) => () => void, timeoutMs: number, signal: AbortSignal): Promise<void> {
	signal.throwIfAborted();
	await new Promise<void>((resolve, reject) => {
		const finish = () => {
			clearTimeout(timer);
			unlisten();
			signal.removeEventListener('abort', aborted);
		};

		const done = () => {
			finish();
			resolve();
		};

		const aborted = () => {
			finish();
			reject(signal.reason);
		};

		const timer = setTimeout(done, timeoutMs);
		const unlisten = listen(done);
		signal.addEventListener('abort', aborted, {once: true});
	});
}
