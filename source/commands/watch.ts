// `watch`: one line (or one NDJSON object) per change, until `signal` aborts (cli.tsx: SIGINT,
// SIGTERM, stdout gone).
import {resolveLockPath} from '../lock-file/index.js';
import {LockFileWatcher, diffSnapshots, type WatchUpdate} from '../watch/index.js';
import {statusJson} from './status-report.js';
import {EXIT, type Io} from './output.js';

export async function watch(target: string, options: {json: boolean; intervalMs: number; signal: AbortSignal}, io: Io): Promise<number> {
	const file = resolveLockPath(target);
	const watcher = new LockFileWatcher(file, {intervalMs: options.intervalMs});
	const print = ({snapshot, changes}: WatchUpdate) => {
		const time = new Date(snapshot.takenAt).toISOString();
		if (options.json) {
			io.out(JSON.stringify({
				time,
				changes: changes.map(change => ({kind: change.kind, ...(change.segment ? {segment: change.segment} : {}), message: change.message})),
				status: snapshot.status,
				...(snapshot.error ? {error: snapshot.error} : {}),
				replaced: snapshot.replaced,
				polling: watcher.polling,
				...(snapshot.probe ? statusJson(snapshot.probe, snapshot.assessment) : {verdict: snapshot.assessment.verdict, exitCode: snapshot.assessment.exitCode}),
			}));
		} else {
			for (const change of changes) io.out(`${time} ${change.message}`);
		}
	};

	const first = watcher.start();
	if (first.status !== 'ok') {
		// Bad input at start is an error (exit 3); a file that goes away later is reported.
		await watcher.stop();
		io.err(`ha-tui: ${first.error ?? first.assessment.summary}`);
		return EXIT.unknown;
	}

	// The first lines: where we watch and how, then the state as it is now.
	const opening = diffSnapshots(undefined, first).map(change => change.kind === 'appeared'
		? {...change, message: `watching ${file} on ${watcher.fsKind.name}${watcher.polling ? ' (polling: inotify cannot see other hosts)' : ''}`}
		: change);
	print({snapshot: first, changes: opening});
	watcher.on('update', print);
	watcher.on('file-events-failed', message => print({snapshot: watcher.current ?? first, changes: [{kind: 'file-events', message}]}));
	if (!options.signal.aborted) await new Promise(resolve => options.signal.addEventListener('abort', resolve, {once: true}));
	await watcher.stop();
	return EXIT.ok;
}
