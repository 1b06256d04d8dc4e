// `ha-tui node` processes for end-to-end tests, on the one child-process wrapper (spawned.ts).
import {cliPath as binPath, ProcessGroup, type Spawned} from './spawned.js';
import {tempDir} from './temp.js';

/** The shipped bin (the bundle of dist/cli.js, see scripts/bundle.js): what users run. */
export const cliPath = binPath();

export {runCli, type RunResult as Result} from './spawned.js';

/** `ha-tui node FILE --role ROLE …extra` in group, its NDJSON events parsed as they come. */
export function startNode(group: ProcessGroup, file: string, role: 'live' | 'backup', extra: string[] = []): Spawned {
	return group.cli(`${role} node`, ['node', file, '--role', role, ...extra]);
}

/**
 * `ha-tui node` processes on one fresh temp lock file, all SIGKILLed by cleanup():
 * call `group = nodeGroup()` in beforeEach and `await group.cleanup()` in afterEach.
 */
export function nodeGroup() {
	const temp = tempDir();
	const group = new ProcessGroup();
	return {
		file: temp.file,
		dir: temp.dir,
		processes: group,
		start: (role: 'live' | 'backup', extra: string[] = []): Spawned => startNode(group, temp.file, role, extra),
		async cleanup(): Promise<void> {
			await group.killAll();
			temp.cleanup();
		},
	};
}
