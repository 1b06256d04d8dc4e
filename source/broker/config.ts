// From a broker's command line to what its configuration says about shared-store HA:
// bootstrap.xml → broker.xml → name, lock directory, HA policy. Read-only, and tolerant:
// anything missing or unreadable becomes null plus a note in `unresolved`.
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL, fileURLToPath} from 'node:url';
import type {BrokerCommandLine, BrokerKind} from './cmdline.js';
import {parseShellAssignments, propertiesFromProfile, referencedNames, resolveReferences, type Lookup} from './properties.js';
import {attribute, child, children, findDeep, readXmlFile, text, type XmlNode} from './xml.js';

export type BrokerRole = 'primary' | 'backup';
export type HaPolicy = 'shared-store' | 'replication' | 'primary-only' | 'colocated';

export type BrokerInfo = {
	readonly kind: BrokerKind;
	/** `<name>` (Artemis' default is "localhost"); null when broker.xml could not be read. */
	readonly name: string | null;
	/** The instance directory (artemis.instance); for HornetQ, the configuration directory. */
	readonly instance: string | null;
	/** The broker.xml (hornetq-configuration.xml) that was read. */
	readonly configuration: string | null;
	readonly haPolicy: HaPolicy | null;
	readonly role: BrokerRole | null;
	readonly failoverOnShutdown: boolean | null;
	/** Backups only (a primary has no such setting): null for a primary. */
	readonly allowFailback: boolean | null;
	readonly restartBackup: boolean | null;
	/** Absolute: node-manager-lock-directory, else the journal directory. */
	readonly lockDirectory: string | null;
	/** Which setting lockDirectory comes from (absent when it could not be resolved). */
	readonly lockDirectorySetting?: 'node-manager-lock-directory' | 'journal-directory';
	readonly clusterConnection: boolean | null;
	readonly unresolved?: readonly string[];
};

/** What a configuration reader may know about the process besides its argv: where it was launched (not the doctor's ProcessFacts). */
export type LaunchContext = {
	/** The process's working directory (relative paths without artemis.instance). */
	readonly cwd?: string;
	/** Reads the named environment variables; undefined when the environment is unreadable. */
	readonly environment?: (names: ReadonlySet<string>) => ReadonlyMap<string, string> | undefined;
};

// Artemis' defaults (ActiveMQDefaultConfiguration, SharedStore*PolicyConfiguration).
const DEFAULT_NAME = 'localhost';
const DEFAULT_JOURNAL_DIRECTORY = 'data/journal';
const DEFAULT_FAILOVER_ON_SHUTDOWN = false;
const DEFAULT_ALLOW_FAILBACK = true;
const DEFAULT_RESTART_BACKUP = true;

class Reader {
	readonly notes: string[] = [];
	private readonly environmentCache = new Map<string, ReadonlyMap<string, string> | undefined>();

	constructor(readonly properties: Map<string, string>, private readonly facts: LaunchContext) {}

	lookup(textValue: string): Lookup {
		const names = new Set(referencedNames(textValue));
		const key = [...names].sort().join('\0');
		if (!this.environmentCache.has(key)) this.environmentCache.set(key, names.size === 0 ? new Map() : this.facts.environment?.(names));
		return {properties: this.properties, environment: this.environmentCache.get(key)};
	}

	/** Resolves `${…}`; null (with a note) when a reference cannot be resolved. */
	resolve(what: string, value: string | undefined): string | null | undefined {
		if (value === undefined) return undefined;
		const resolved = resolveReferences(value, this.lookup(value));
		for (const note of resolved.notes) this.notes.push(`${what}: ${note}`);
		return resolved.value;
	}

	boolean(what: string, node: XmlNode | undefined, fallback: boolean): boolean | null {
		const value = this.resolve(what, text(node));
		if (value === undefined) return fallback;
		if (value === null) return null;
		// Java's Boolean.parseBoolean: "true" in any case is true, anything else false.
		if (!/^(true|false)$/i.test(value)) this.notes.push(`${what}: "${value}" is not true/false; Artemis reads it as false`);
		return value.toLowerCase() === 'true';
	}

	/** An absolute path: relative ones resolve against the instance (Artemis' subFolder), else the working directory. */
	directory(what: string, value: string | null | undefined, base: string | undefined): string | null {
		if (value === null || value === undefined) return null;
		if (path.isAbsolute(value)) return path.normalize(value);
		if (!base) {
			this.notes.push(`${what}: "${value}" is relative and the directory it is relative to is unknown`);
			return null;
		}

		return path.resolve(base, value);
	}
}

function uriToPath(uri: string): string | undefined {
	try {
		if (uri.startsWith('file:')) return path.normalize(fileURLToPath(new URL(uri)));
	} catch {}

	return undefined;
}

function readProfile(etc: string | undefined): Map<string, string> {
	if (!etc) return new Map();
	try {
		const file = path.join(etc, 'artemis.profile');
		const stat = fs.statSync(file);
		if (!stat.isFile() || stat.size > 256 * 1024) return new Map();
		return propertiesFromProfile(parseShellAssignments(fs.readFileSync(file, 'utf8')));
	} catch {
		return new Map();
	}
}

type Policy = Pick<BrokerInfo, 'haPolicy' | 'role' | 'failoverOnShutdown' | 'allowFailback' | 'restartBackup'>;

const noPolicy: Policy = {haPolicy: null, role: null, failoverOnShutdown: null, allowFailback: null, restartBackup: null};

/** `<ha-policy>` as FileConfigurationParser reads it (first match wins, master/slave before primary/backup). */
function haPolicyOf(core: XmlNode, reader: Reader): Policy {
	const haPolicy = findDeep(core, 'ha-policy');
	if (!haPolicy) return {...noPolicy, haPolicy: 'primary-only'};
	if (findDeep(haPolicy, 'live-only') ?? findDeep(haPolicy, 'primary-only')) return {...noPolicy, haPolicy: 'primary-only'};
	const sharedStore = findDeep(haPolicy, 'shared-store');
	const replication = sharedStore ? undefined : findDeep(haPolicy, 'replication');
	if (!sharedStore) return {...noPolicy, haPolicy: replication ? 'replication' : null};
	if (findDeep(haPolicy, 'colocated')) {
		reader.notes.push('ha-policy: colocated shared-store (a primary and a backup in one JVM) is not analysed');
		return {...noPolicy, haPolicy: 'colocated'};
	}

	const primary = findDeep(haPolicy, 'master');
	const backup = primary ? undefined : findDeep(haPolicy, 'slave');
	const primaryNode = primary ?? (backup ? undefined : findDeep(haPolicy, 'primary'));
	const backupNode = backup ?? (primaryNode ? undefined : findDeep(haPolicy, 'backup'));
	if (primaryNode) {
		return {haPolicy: 'shared-store', role: 'primary', failoverOnShutdown: reader.boolean('failover-on-shutdown', child(primaryNode, 'failover-on-shutdown'), DEFAULT_FAILOVER_ON_SHUTDOWN), allowFailback: null, restartBackup: null};
	}

	if (backupNode) {
		return {
			haPolicy: 'shared-store',
			role: 'backup',
			failoverOnShutdown: reader.boolean('failover-on-shutdown', child(backupNode, 'failover-on-shutdown'), DEFAULT_FAILOVER_ON_SHUTDOWN),
			allowFailback: reader.boolean('allow-failback', child(backupNode, 'allow-failback'), DEFAULT_ALLOW_FAILBACK),
			restartBackup: reader.boolean('restart-backup', child(backupNode, 'restart-backup'), DEFAULT_RESTART_BACKUP),
		};
	}

	reader.notes.push('ha-policy: <shared-store> without <primary> or <backup>');
	return {...noPolicy, haPolicy: 'shared-store'};
}

function hasClusterConnection(core: XmlNode): boolean {
	return findDeep(core, 'cluster-connection') !== undefined || findDeep(core, 'cluster-connection-uri') !== undefined;
}

function unknownBroker(kind: BrokerKind, instance: string | null, configuration: string | null, notes: string[]): BrokerInfo {
	return {kind, name: null, instance, configuration, ...noPolicy, lockDirectory: null, clusterConnection: null, unresolved: notes};
}

function finish(info: BrokerInfo, notes: readonly string[]): BrokerInfo {
	return notes.length > 0 ? {...info, unresolved: [...notes]} : info;
}

/** Where bootstrap.xml says broker.xml is, or `--broker` on the command line. */
function brokerXmlPath(commandLine: BrokerCommandLine, reader: Reader, etc: string | undefined, instance: string | undefined): string | null {
	if (commandLine.brokerUri) {
		const file = uriToPath(commandLine.brokerUri) ?? (path.isAbsolute(commandLine.brokerUri) ? commandLine.brokerUri : undefined);
		if (file) return file;
		reader.notes.push(`--broker ${commandLine.brokerUri}: not a file: URI`);
		return null;
	}

	const bootstrap = commandLine.bootstrapUri ? commandLine.bootstrapUri.slice('xml:'.length) : etc ? path.join(etc, 'bootstrap.xml') : undefined;
	if (!bootstrap) {
		reader.notes.push('bootstrap.xml: neither -Dartemis.instance.etc nor -Dartemis.instance on the command line');
		return null;
	}

	const read = readXmlFile(bootstrap);
	if (!read.ok) {
		reader.notes.push(`${bootstrap}: ${read.error}`);
		return null;
	}

	const server = child(child(read.root, 'broker'), 'server');
	const configuration = attribute(server, 'configuration');
	if (!configuration) {
		reader.notes.push(`${bootstrap}: no <server configuration="…"/>`);
		return null;
	}

	// bootstrap.xml may say ${artemis.URI.instance}/etc/broker.xml (older instances).
	if (instance && !reader.properties.has('artemis.URI.instance')) reader.properties.set('artemis.URI.instance', pathToFileURL(instance).href);
	const uri = reader.resolve('bootstrap.xml server configuration', configuration);
	if (!uri) return null;
	const file = uriToPath(uri);
	if (!file) reader.notes.push(`${bootstrap}: server configuration "${uri}" is not a file: URI`);
	return file ?? null;
}

export function artemisBroker(commandLine: BrokerCommandLine, facts: LaunchContext = {}): BrokerInfo {
	const properties = new Map(commandLine.properties);
	const instanceArgument = properties.get('artemis.instance');
	const etc = properties.get('artemis.instance.etc') ?? (instanceArgument ? path.join(instanceArgument, 'etc') : undefined);
	// artemis.profile fills in only what the command line lacks.
	for (const [key, value] of readProfile(etc)) if (!properties.has(key)) properties.set(key, value);
	const reader = new Reader(properties, facts);
	const instance = properties.get('artemis.instance');
	const configuration = brokerXmlPath(commandLine, reader, etc, instance);
	if (!configuration) return unknownBroker('artemis', instance ?? null, null, reader.notes);
	const read = readXmlFile(configuration);
	if (!read.ok) return unknownBroker('artemis', instance ?? null, configuration, [...reader.notes, `${configuration}: ${read.error}`]);
	const root = child(read.root, 'configuration');
	if (!root) return unknownBroker('artemis', instance ?? null, configuration, [...reader.notes, `${configuration}: no <configuration> root element`]);
	const core = child(root, 'core') ?? root;
	if (children(root, 'include').length > 0 || findDeep(core, 'include')) reader.notes.push(`${configuration}: has xi:include elements, which are not followed`);
	const base = instance ?? facts.cwd;
	const name = reader.resolve('name', text(child(core, 'name')));
	const journal = reader.resolve('journal-directory', text(child(core, 'journal-directory')) ?? DEFAULT_JOURNAL_DIRECTORY);
	const lockSetting = reader.resolve('node-manager-lock-directory', text(child(core, 'node-manager-lock-directory')));
	const setting = lockSetting === undefined || lockSetting === '' ? 'journal-directory' : 'node-manager-lock-directory';
	const lockDirectory = setting === 'journal-directory' ? reader.directory('journal-directory', journal, base) : reader.directory('node-manager-lock-directory', lockSetting, base);
	const info: BrokerInfo = {
		kind: 'artemis',
		name: name === undefined ? DEFAULT_NAME : name,
		instance: instance ?? null,
		configuration,
		...haPolicyOf(core, reader),
		lockDirectory,
		...(lockDirectory ? {lockDirectorySetting: setting} : {}),
		clusterConnection: hasClusterConnection(core),
	};
	return finish(info, reader.notes);
}

/**
 * HornetQ 2.2–2.4 keeps hornetq-configuration.xml on the class path (run.sh puts the
 * configuration directory there) with flat settings: <shared-store>, <backup>,
 * <failover-on-shutdown>, <allow-failback>, <journal-directory> (relative to the working directory).
 */
export function hornetqBroker(commandLine: BrokerCommandLine, facts: LaunchContext = {}): BrokerInfo {
	const reader = new Reader(new Map(commandLine.properties), facts);
	let configuration: string | undefined;
	for (const entry of commandLine.classPath) {
		const directory = path.isAbsolute(entry) ? entry : facts.cwd ? path.resolve(facts.cwd, entry) : undefined;
		if (!directory) continue;
		const candidate = path.join(directory, 'hornetq-configuration.xml');
		if (fs.existsSync(candidate)) {
			configuration = candidate;
			break;
		}
	}

	if (!configuration) return unknownBroker('hornetq', null, null, ['hornetq-configuration.xml: not found in the class path directories']);
	const instance = path.dirname(configuration);
	const read = readXmlFile(configuration);
	if (!read.ok) return unknownBroker('hornetq', instance, configuration, [`${configuration}: ${read.error}`]);
	const root = child(read.root, 'configuration');
	if (!root) return unknownBroker('hornetq', instance, configuration, [`${configuration}: no <configuration> root element`]);
	let policy: Policy;
	if (findDeep(root, 'ha-policy')) {
		policy = haPolicyOf(root, reader);
	} else {
		const sharedStore = reader.boolean('shared-store', child(root, 'shared-store'), false);
		const backup = reader.boolean('backup', child(root, 'backup'), false);
		policy = sharedStore
			? {
				haPolicy: 'shared-store',
				role: backup === null ? null : backup ? 'backup' : 'primary',
				failoverOnShutdown: reader.boolean('failover-on-shutdown', child(root, 'failover-on-shutdown'), DEFAULT_FAILOVER_ON_SHUTDOWN),
				allowFailback: backup ? reader.boolean('allow-failback', child(root, 'allow-failback'), DEFAULT_ALLOW_FAILBACK) : null,
				restartBackup: null,
			}
			// shared-store false: replication when the file configures a backup or a live check, else no HA.
			: {...noPolicy, haPolicy: sharedStore === null ? null : child(root, 'backup') || child(root, 'check-for-live-server') ? 'replication' : 'primary-only'};
	}

	const name = reader.resolve('name', text(child(root, 'name')));
	const journal = reader.resolve('journal-directory', text(child(root, 'journal-directory')) ?? DEFAULT_JOURNAL_DIRECTORY);
	const info: BrokerInfo = {
		kind: 'hornetq',
		name: name ?? null,
		instance,
		configuration,
		...policy,
		lockDirectory: reader.directory('journal-directory', journal, facts.cwd),
		clusterConnection: hasClusterConnection(root),
	};
	if (info.lockDirectory) return finish({...info, lockDirectorySetting: 'journal-directory'}, reader.notes);
	return finish(info, reader.notes);
}
