// `watch`: one line (or one NDJSON object) per change, until `signal` aborts (cli.tsx: SIGINT,
// SIGTERM, stdout gone).
import {tidyCommand} from '../broker/index.js';
import {LockFileInputError, verdictText} from '../lock-file/index.js';
import {describeTarget, resolveTarget, type ResolvedTarget} from '../target/resolve.js';
import {LockFileWatcher, diffSnapshots, type WatchUpdate} from '../watch/index.js';
import {statusJson} from './status-report.js';
import {EXIT, type Io} from './output.js';

export async function watch(argument: string, options: {json: boolean; intervalMs: number; signal: AbortSignal; verbose?: boolean}, io: Io): Promise<number> {
	let target: ResolvedTarget;
	try {
		// The real server.lock (target/resolve.ts); a directory without one yet is waited on.
		target = resolveTarget(argument, {missing: 'wait'});
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		if (options.json) io.out(JSON.stringify({verdict: 'unknown', error: error.message, exitCode: EXIT.unknown}));
		io.err(`ha-tui: ${error.message}`);
		return EXIT.unknown;
	}

	const file = target.file;
	const shown = describeTarget(target);
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
			for (const change of changes) {
				// A verdict line reads as status' first line: the level first, for a person or a grep.
				io.out(`${time} ${change.kind === 'verdict' ? verdictText(snapshot.assessment) : change.message}`);
				// --verbose: the full command line of each new holder (text lines keep them short).
				if (!options.verbose || change.kind !== 'locks' || !change.segment) continue;
				for (const holder of snapshot.probe?.locks[change.segment].holders ?? []) {
					if (holder.pid !== undefined && holder.command) io.out(`${time}   pid ${holder.pid}: ${tidyCommand(holder.command)}`);
				}
			}
		}
	};

	const first = watcher.start();
	if (first.status === 'error') {
		// Bad input at start is an error (exit 3); a file that goes away later is reported.
		await watcher.close();
		io.err(`ha-tui: ${first.error ?? first.assessment.summary}`);
		return EXIT.unknown;
	}

	// The first lines: where we watch and how, then the state as it is now.
	const how = `on ${watcher.fsKind.name}${watcher.polling ? ' (polling: inotify cannot see other hosts)' : ''}`;
	const opening = diffSnapshots(undefined, first).map(change => change.kind === 'appeared'
		? {...change, message: `watching ${shown} ${how}`}
		: change.kind === 'missing'
			? {...change, message: `waiting for ${shown}: no lock file yet (the first broker creates it) — watching ${how}`}
			: change);
	print({snapshot: first, changes: opening});
	watcher.on('update', print);
	watcher.on('file-events-failed', message => print({snapshot: watcher.latest ?? first, changes: [{kind: 'file-events', message}]}));
	if (!options.signal.aborted) await new Promise(resolve => options.signal.addEventListener('abort', resolve, {once: true}));
	await watcher.close();
	return EXIT.ok;
}
