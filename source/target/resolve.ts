// What an argument names, before anything else runs: the REAL server.lock and its REAL
// directory. A group's lock directory is the directory of the real file: a symlink to
// server.lock elsewhere, or a symlink among the directories above it, must never make ha-tui
// look for (or create) serverlock.1/.2 beside the link. Every command and the TUI resolve their
// target here, once; later symlink changes in the typed path do not move them.
//
// Also the paths an operator types that are not the lock directory itself: an Artemis instance
// directory (etc/broker.xml), a broker.xml, a HornetQ configuration, a data directory
// (journal/server.lock below). Read-only: stat, realpath, readlink and the configuration files.
import fs from 'node:fs';
import path from 'node:path';
import {artemisBroker, hornetqBroker} from '../broker/config.js';
import type {BrokerInfo} from '../broker/config.js';
import {describeFsError} from '../lock-file/errors.js';
import {LockFileInputError} from '../lock-file/lock-file.js';
import {LAYOUTS} from '../lock-file/layout.js';

const SERVER_LOCK = 'server.lock';
/** A layout's own lock files (layout.ts): one of them there says "this is a lock directory". */
const SERVERLOCK_NAMES = [...LAYOUTS.files.files, ...LAYOUTS.flock.files];
/** As the kernel's MAXSYMLINKS: more is a loop. */
const MAX_SYMLINKS = 40;

export type TargetVia =
	/** A lock file (or where one will be). */
	| 'file'
	/** A directory: DIR/server.lock. */
	| 'directory'
	/** An Artemis data directory: DIR/journal/server.lock. */
	| 'data-directory'
	/** An Artemis instance directory: the lock directory its etc/broker.xml names. */
	| 'instance'
	/** A broker.xml (or hornetq-configuration.xml): the lock directory it names. */
	| 'configuration';

export type ResolvedTarget = {
	/** As typed. */
	readonly argument: string;
	/** The argument made absolute, symlinks NOT followed: what the user sees as "their" path. */
	readonly typed: string;
	/** The real path of server.lock (every component resolved), existing or not. */
	readonly file: string;
	/** The real lock directory: dirname(file). */
	readonly directory: string;
	/** Whether server.lock exists now. */
	readonly exists: boolean;
	readonly via: TargetVia;
	/** How a configuration led here, in words ("etc/broker.xml: journal-directory"), when it did. */
	readonly note?: string;
};

export type MissingPolicy =
	/** status, doctor: a missing lock file is an error that says what was looked for. */
	| 'error'
	/** watch, the TUI: wait for the lock file, as long as its directory exists. */
	| 'wait'
	/** node: a missing lock file is created; with createDirectory its directories too. */
	| 'create';

export type ResolveOptions = {
	readonly missing: MissingPolicy;
	/** node --create-dir: missing directories are fine (resolved through the deepest existing one). */
	readonly createDirectory?: boolean;
};

type Stat = {readonly dev: number; readonly ino: number};
const sameObject = (a: Stat, b: Stat) => a.dev === b.dev && a.ino === b.ino;

function fail(file: string, cause: string): never {
	throw new LockFileInputError(file, cause);
}

/**
 * realpath(3), and a check that the result names the same object as the path: a /proc magic
 * link (/proc/PID/root, /proc/PID/cwd, /proc/PID/fd/N of another mount namespace) reads as a
 * path that, resolved here, may name a different file. Then the argument cannot be trusted.
 */
function realExisting(absolute: string): string {
	const real = fs.realpathSync.native(absolute);
	const before = fs.statSync(absolute);
	const after = fs.statSync(real);
	if (!sameObject(before, after)) {
		fail(absolute, `resolves to ${real}, which is another file (a /proc link into another mount namespace?): give the path as this host sees it`);
	}

	return real;
}

/**
 * The real path of `absolute`, which may not exist: the real path of its deepest existing
 * ancestor plus the rest; a dangling symlink is followed to where its target would be.
 */
function realPath(absolute: string, depth = 0): {real: string; exists: boolean} {
	if (depth > MAX_SYMLINKS) fail(absolute, describeFsError({code: 'ELOOP'}));
	try {
		return {real: realExisting(absolute), exists: true};
	} catch (error) {
		if (error instanceof LockFileInputError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'ENOENT') fail(absolute, describeFsError(error));
	}

	const parent = path.dirname(absolute);
	if (parent === absolute) return {real: absolute, exists: false};
	let link: string | undefined;
	try {
		if (fs.lstatSync(absolute).isSymbolicLink()) link = fs.readlinkSync(absolute);
	} catch {}

	const base = realPath(parent, depth + 1);
	if (link !== undefined) return realPath(path.resolve(base.real, link), depth + 1);
	return {real: path.join(base.real, path.basename(absolute)), exists: false};
}

function isDirectory(file: string): boolean {
	try {
		return fs.statSync(file).isDirectory();
	} catch {
		return false;
	}
}

/**
 * Whether a name is there. Only "no such entry" is a no: a directory ha-tui may not look into
 * (EACCES) must be said as such, not as "no lock file here" — status then said that of a group
 * watch called "permission denied".
 */
function existsHere(file: string): boolean {
	try {
		fs.lstatSync(file);
		return true;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return false;
		fail(file, describeFsError(error));
	}
}

/** The lock directory a broker configuration names, or a one-line reason it names none. */
function lockDirectoryOf(broker: BrokerInfo, configuration: string): {directory: string; setting: string} {
	const problems = (broker.unresolved ?? []).filter(note => /journal-directory|node-manager-lock-directory|bootstrap|configuration|not a file|no <|DOCTYPE|XML|too large|permission|no such/i.test(note));
	if (!broker.lockDirectory) {
		fail(configuration, `names no lock directory ha-tui can resolve${problems.length > 0 ? `: ${problems[0]}` : ''}`);
	}

	if (broker.haPolicy !== null && broker.haPolicy !== 'shared-store' && broker.haPolicy !== 'colocated') {
		fail(configuration, `is not a shared-store broker (ha-policy: ${broker.haPolicy}): it keeps no lock files to watch`);
	}

	return {directory: broker.lockDirectory, setting: broker.lockDirectorySetting ?? 'journal-directory'};
}

/** An Artemis instance directory (etc/bootstrap.xml or etc/broker.xml) → its broker. */
function instanceBroker(instance: string): {broker: BrokerInfo; configuration: string} {
	const etc = path.join(instance, 'etc');
	const hasBootstrap = existsHere(path.join(etc, 'bootstrap.xml'));
	const brokerXml = path.join(etc, 'broker.xml');
	const broker = artemisBroker({
		kind: 'artemis',
		properties: new Map([['artemis.instance', instance], ['artemis.instance.etc', etc]]),
		classPath: [],
		args: ['run'],
		...(hasBootstrap ? {} : {brokerUri: brokerXml}),
	});
	return {broker, configuration: broker.configuration ?? brokerXml};
}

/** A broker.xml (instance = the directory above etc/, as Artemis resolves relative paths). */
function configurationBroker(file: string): BrokerInfo {
	if (path.basename(file) === 'hornetq-configuration.xml') return hornetqBroker({kind: 'hornetq', properties: new Map(), classPath: [path.dirname(file)], args: []}, {cwd: path.dirname(path.dirname(file))});
	const etc = path.dirname(file);
	const instance = path.basename(etc) === 'etc' ? path.dirname(etc) : undefined;
	return artemisBroker({
		kind: 'artemis',
		properties: new Map(instance ? [['artemis.instance', instance], ['artemis.instance.etc', etc]] : []),
		classPath: [],
		args: ['run'],
		brokerUri: file,
	});
}

function looksLikeConfiguration(file: string): boolean {
	return /\.xml$/i.test(file);
}

function isDataDirectory(directory: string): boolean {
	const journal = path.join(directory, 'journal');
	if (!isDirectory(journal)) return false;
	return existsHere(path.join(journal, SERVER_LOCK))
		|| SERVERLOCK_NAMES.some(name => existsHere(path.join(journal, name)))
		|| ['bindings', 'paging', 'large-messages'].some(name => isDirectory(path.join(directory, name)));
}

type Found = {file: string; via: TargetVia; note?: string};

/** From a real, existing directory to the lock file it means. */
function fromDirectory(directory: string, typed: string, options: ResolveOptions): Found {
	const direct = path.join(directory, SERVER_LOCK);
	if (existsHere(direct) || SERVERLOCK_NAMES.some(name => existsHere(path.join(directory, name)))) return {file: direct, via: 'directory'};
	if (existsHere(path.join(directory, 'etc', 'broker.xml')) || existsHere(path.join(directory, 'etc', 'bootstrap.xml'))) {
		const {broker, configuration} = instanceBroker(directory);
		const {directory: lockDirectory, setting} = lockDirectoryOf(broker, configuration);
		return {file: path.join(lockDirectory, SERVER_LOCK), via: 'instance', note: `the Artemis instance's ${path.relative(directory, configuration) || configuration} (${setting})`};
	}

	if (existsHere(path.join(directory, 'hornetq-configuration.xml'))) {
		const file = path.join(directory, 'hornetq-configuration.xml');
		const {directory: lockDirectory, setting} = lockDirectoryOf(configurationBroker(file), file);
		return {file: path.join(lockDirectory, SERVER_LOCK), via: 'configuration', note: `hornetq-configuration.xml (${setting})`};
	}

	if (isDataDirectory(directory)) return {file: path.join(directory, 'journal', SERVER_LOCK), via: 'data-directory', note: 'the data directory\'s journal/'};
	if (options.missing === 'error') {
		fail(typed, `no lock file here: looked for ${direct}, ${path.join(directory, 'journal', SERVER_LOCK)} (a data directory) and ${path.join(directory, 'etc', 'broker.xml')} (an Artemis instance)`);
	}

	return {file: direct, via: 'directory'};
}

/**
 * Resolves an argument to the real server.lock. Throws LockFileInputError (one line naming the
 * argument and the cause) for what cannot be a target under `options.missing`.
 */
export function resolveTarget(argument: string, options: ResolveOptions): ResolvedTarget {
	const typed = path.resolve(argument);
	const slash = /[/\\]$/.test(argument);
	const {real, exists} = realPath(typed);
	let found: Found;
	if (exists && isDirectory(real)) {
		found = fromDirectory(real, typed, options);
	} else if (exists) {
		if (slash) fail(typed, 'is not a directory');
		if (looksLikeConfiguration(real)) {
			const {directory, setting} = lockDirectoryOf(configurationBroker(real), real);
			found = {file: path.join(directory, SERVER_LOCK), via: 'configuration', note: `${path.basename(real)} (${setting})`};
		} else {
			found = {file: real, via: 'file'};
		}
	} else {
		found = {file: slash ? path.join(real, SERVER_LOCK) : real, via: slash ? 'directory' : 'file'};
	}

	// A configuration's directory may itself be a symlink, or missing; server.lock may be a symlink.
	const resolved = found.file === real ? {real, exists} : realPath(found.file);
	const file = resolved.real;
	const directory = path.dirname(file);
	if (!resolved.exists) {
		const directoryThere = isDirectory(directory);
		if (options.missing === 'error') {
			const cause = found.note ? `${found.note} names ${directory}` : undefined;
			if (!directoryThere) fail(typed, cause ? `${cause}, which does not exist (has the broker ever started?)` : `no such file or directory (${directory} does not exist)`);
			fail(typed, cause ? `${cause}, which has no ${SERVER_LOCK} yet (has the broker ever started?)` : 'no such file or directory');
		}

		if (!directoryThere && !(options.missing === 'create' && options.createDirectory)) {
			fail(typed, `${found.note ? `${found.note} names ${directory}, which` : `its directory ${directory}`} does not exist${options.missing === 'create' ? ' (--create-dir creates it)' : ''}`);
		}
	}

	return {argument, typed, file, directory, exists: resolved.exists, via: found.via, ...(found.note ? {note: found.note} : {})};
}

/** "/srv/edge/link → /shared/journal/server.lock", or just the file when the typed path is the real one. */
export function describeTarget(target: ResolvedTarget): string {
	const typed = target.typed;
	if (typed === target.file || (target.via === 'directory' && path.join(typed, SERVER_LOCK) === target.file)) return target.file;
	return `${typed} → ${target.file}${target.note ? ` (from ${target.note})` : ''}`;
}

/** Whether the target shows a different path than the one typed (then say both). */
export function targetDiffers(target: ResolvedTarget): boolean {
	return describeTarget(target) !== target.file;
}
