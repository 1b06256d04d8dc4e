// `node`: one HA node with no screen, its progress as NDJSON on stdout.
import fs from 'node:fs';
import {checkNodeTarget, LockFileInputError, type LayoutChoice} from '../lock-file/index.js';
import {describeTarget, resolveTarget, targetDiffers, type ResolvedTarget} from '../target/resolve.js';
import {FileLockNodeManager, HaNode, type NodeRole} from '../node-manager/index.js';
import {EXIT, type Io} from './output.js';
import {printNodeEvents, runNodeUntilEnd} from './node-run.js';

export type NodeCommandOptions = {
	role: NodeRole;
	allowFailback: boolean;
	failoverOnShutdown: boolean;
	createDirectory: boolean;
	/** Aborts on SIGTERM/SIGINT or a closed stdout (cli.tsx owns the signals): stop cleanly. */
	signal: AbortSignal;
	/** auto (default): the layout the directory shows; a new directory gets files. */
	layout?: LayoutChoice;
	/** Also print each look that decided to wait (NodeLook). */
	trace?: boolean;
};

export async function node(argument: string, options: NodeCommandOptions, io: Io): Promise<number> {
	let target: ResolvedTarget;
	try {
		// The REAL directory, before anything else: a node beside a symlink to server.lock would
		// lock its own serverlock files and write into the group's state (issue 14).
		target = resolveTarget(argument, {missing: 'create', createDirectory: options.createDirectory});
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		io.err(`ha-tui: ${error.message}`);
		return EXIT.unknown;
	}

	const file = target.file;
	try {
		// Refused before anything is said or made: one line, naming the path typed and the file.
		checkNodeTarget(file);
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		io.err(`ha-tui: ${describeTarget(target)}: ${error.cause_}`);
		return EXIT.unknown;
	}

	if (targetDiffers(target)) io.err(`ha-tui: node on ${describeTarget(target)}`);
	// As a first broker does, a node makes a new group where there is none (README): kept, but
	// said, in case the path was mistyped (at night, one letter off the group's directory).
	if (!target.exists) {
		const made = fs.existsSync(target.directory) ? '' : ' (nor its directory: --create-dir makes it)';
		io.err(`ha-tui: ${target.file} does not exist${made}: starting a NEW group there (new node id) — if you meant an existing group, check the path`);
	}

	const haNode = new HaNode(new FileLockNodeManager(file, {createDirectory: options.createDirectory, layout: options.layout ?? 'auto'}), {
		role: options.role,
		allowFailback: options.allowFailback,
		failoverOnShutdown: options.failoverOnShutdown,
	});
	printNodeEvents(haNode, io, {trace: options.trace});
	// cli.tsx listens for signals before the node starts: a SIGTERM that arrives while it is
	// still setting up stops it cleanly too.
	try {
		return await runNodeUntilEnd(haNode, options.signal, () => haNode.start());
	} catch (error) {
		if (!(error instanceof LockFileInputError)) throw error;
		io.err(`ha-tui: ${error.message}`);
		return EXIT.unknown;
	}
}
