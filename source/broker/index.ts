// Who a lock holder is: the broker behind a pid, from its command line and configuration.
// Cached per process (pid + start time + argv), so the TUI can ask on every probe for two small /proc reads.
import {parseBrokerCommandLine} from './cmdline.js';
import {artemisBroker, hornetqBroker, type BrokerInfo, type LaunchContext} from './config.js';
import {readArgv, readCwd, readEnvironment, readProcStat} from './proc.js';

export {parseBrokerCommandLine, ARTEMIS_MAIN, HORNETQ_MAIN, type BrokerCommandLine, type BrokerKind} from './cmdline.js';
export {artemisBroker, hornetqBroker, type BrokerInfo, type BrokerRole, type HaPolicy, type LaunchContext} from './config.js';
export {parseProcStat, parseProcStatus, readProcStat, readCredentials, listPids, type ProcStat, type Credentials, type ProcessState} from './proc.js';
export {resolveReferences, parseShellAssignments} from './properties.js';
export {readXmlFile, parseXml, MAX_XML_BYTES} from './xml.js';
export {waitingBrokers, holdingPids, localBrokerPids, type WaitingBroker} from './waiting.js';
export {holderText, lockHoldersText, holderName, holderRole, holderIdentity, shortCommand, tidyCommand, haTuiProcess, frozenWords, isFrozenState, HIDDEN_HOLDER, type HolderLike, type HolderTextOptions} from './holder-text.js';

/** The broker an argv describes, or undefined when it is not a broker. */
export function brokerFromArgv(argv: readonly string[], facts: LaunchContext = {}): BrokerInfo | undefined {
	const commandLine = parseBrokerCommandLine(argv);
	if (!commandLine) return undefined;
	return commandLine.kind === 'artemis' ? artemisBroker(commandLine, facts) : hornetqBroker(commandLine, facts);
}

const maxCached = 256;
const cache = new Map<string, BrokerInfo | null>();

/**
 * The broker behind pid, or undefined when it is not one (or is gone, or we may not read its
 * command line). Read-only: /proc and the broker's own configuration files.
 */
export function brokerOf(pid: number | undefined): BrokerInfo | undefined {
	if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return undefined;
	const stat = readProcStat(pid);
	if (!stat) return undefined;
	const argv = readArgv(pid);
	// An unreadable argv may become readable: do not remember it. The argv is in the key
	// because exec keeps pid and start time (bin/artemis is a shell that execs java).
	if (!argv) return undefined;
	const key = `${pid}:${stat.startTime}:${argv.join('\0')}`;
	const cached = cache.get(key);
	if (cached !== undefined) return cached ?? undefined;
	let broker: BrokerInfo | undefined;
	try {
		broker = brokerFromArgv(argv, {cwd: readCwd(pid), environment: names => readEnvironment(pid, names)});
	} catch {
		// A bug in a reader must not take `status` down with it: this is extra information.
		broker = undefined;
	}

	if (cache.size >= maxCached) cache.delete(cache.keys().next().value!);
	cache.set(key, broker ?? null);
	return broker;
}

/** Forget cached brokers (tests; or after editing a broker.xml while watching). */
export function clearBrokerCache(): void {
	cache.clear();
}

/** "broker-a (primary)", "broker-b (backup)", "HornetQ (backup)"; the name is untrusted text: sanitize before printing. */
export function brokerLabel(broker: BrokerInfo): string {
	const name = broker.name ?? (broker.kind === 'hornetq' ? 'HornetQ' : 'Artemis');
	return broker.role ? `${name} (${broker.role})` : name;
}
