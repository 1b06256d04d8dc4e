// The group's real lease timings: jdbc-lock-renew-period, jdbc-lock-expiration and
// jdbc-allowed-time-diff from the broker.xml of the brokers of THIS group found on this host
// (their <database-store> names the same database and table), else Artemis' defaults. The
// renew-late and clock-skew findings judge by these and say where they came from.
// Read-only: broker.xml through broker/xml.ts (size and depth limits); ${…} values and
// anything that is not a plain number of milliseconds are reported, not guessed.
import {brokerLabel, brokerOf, type BrokerInfo} from '../../broker/index.js';
import {localBrokerPids} from '../../broker/waiting.js';
import {child, findDeep, readXmlFile, text, type XmlNode} from '../../broker/xml.js';
import {DEFAULT_TABLE, foldTableName, JdbcInputError, parseJdbcTarget, type JdbcTarget} from './target.js';

/** Artemis' defaults (JDBC.md, "Timing"; ActiveMQDefaultConfiguration). */
export const DEFAULT_RENEW_MS = 4000;
export const DEFAULT_EXPIRATION_MS = 20_000;
/** jdbc-allowed-time-diff (2.27+). */
export const DEFAULT_ALLOWED_TIME_DIFF_MS = 250;

export type GroupTimings = {
	readonly renewPeriodMs: number;
	readonly expirationMs: number;
	readonly allowedTimeDiffMs: number;
	/** Where they come from, for the findings: "broker.xml of broker-a (primary) pid 42" or "Artemis' defaults: …". */
	readonly source: string;
	/** True when at least one value was read from a broker.xml of this group. */
	readonly fromBrokers: boolean;
	/** What was read but not used (a property reference, a bad number, brokers that disagree). */
	readonly notes: readonly string[];
};

export const DEFAULT_TIMINGS: GroupTimings = {
	renewPeriodMs: DEFAULT_RENEW_MS,
	expirationMs: DEFAULT_EXPIRATION_MS,
	allowedTimeDiffMs: DEFAULT_ALLOWED_TIME_DIFF_MS,
	source: 'Artemis\' defaults',
	fromBrokers: false,
	notes: [],
};

type Read = {renewPeriodMs?: number; expirationMs?: number; allowedTimeDiffMs?: number; notes: string[]};

const KEYS = [['jdbc-lock-renew-period', 'renewPeriodMs'], ['jdbc-lock-expiration', 'expirationMs'], ['jdbc-allowed-time-diff', 'allowedTimeDiffMs']] as const;

/** The three values of one <database-store>, each when it is a plain number of ms. */
export function timingsOf(store: XmlNode, where: string): Read {
	const read: Read = {notes: []};
	for (const [element, key] of KEYS) {
		const value = text(child(store, element))?.trim();
		if (value === undefined || value === '') continue;
		// Artemis reads a long; a ${…} would need the broker's own properties, so it is not guessed.
		if (!/^\d{1,9}$/.test(value)) {
			read.notes.push(`${where}: <${element}> ${JSON.stringify(value.slice(0, 40))} is not a number of ms (not used)`);
			continue;
		}

		read[key] = Number(value);
	}

	return read;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const sameHost = (a: string, b: string) => a.toLowerCase() === b.toLowerCase() || (LOOPBACK.has(a.toLowerCase()) && LOOPBACK.has(b.toLowerCase()));

/** Does a broker.xml's URL and table name this target's group (any host of a list in common, same port, database, table)? */
export function sameStore(target: JdbcTarget, url: string, table: string | undefined): boolean {
	let other: JdbcTarget;
	try {
		// No environment: the broker's JVM does not read libpq's variables.
		other = parseJdbcTarget(url, {table: table ?? DEFAULT_TABLE, env: {}});
	} catch (error) {
		if (error instanceof JdbcInputError) return false;
		throw error;
	}

	if (other.table !== target.table || (other.database ?? '') !== (target.database ?? '')) return false;
	return target.hosts.some(mine => other.hosts.some(theirs => theirs.port === mine.port && sameHost(theirs.host, mine.host)));
}

export type GroupBroker = {readonly pid: number; readonly broker: BrokerInfo; readonly read: Read};

/** A broker.xml's <database-store>: its URL and node-manager table (undefined: none, unreadable, a bad table name). */
function databaseStoreOf(configuration: string): {store: XmlNode; url: string; table: string | undefined} | undefined {
	const xml = readXmlFile(configuration);
	if (!xml.ok) return undefined;
	const store = findDeep(xml.root, 'database-store');
	const url = store ? text(findDeep(store, 'jdbc-connection-url'))?.trim() : undefined;
	if (!store || !url) return undefined;
	const table = text(findDeep(store, 'node-manager-store-table-name'))?.trim() || undefined;
	try {
		if (table !== undefined) foldTableName(table);
	} catch {
		return undefined;
	}

	return {store, url, table};
}

/** The brokers on this host whose broker.xml names this group's table, with their timings. */
export function groupBrokers(target: JdbcTarget, pids: readonly number[] = localBrokerPids()): GroupBroker[] {
	const found: GroupBroker[] = [];
	for (const pid of pids) {
		const broker = brokerOf(pid);
		if (!broker?.configuration) continue;
		const database = databaseStoreOf(broker.configuration);
		if (!database || !sameStore(target, database.url, database.table)) continue;
		found.push({pid, broker, read: timingsOf(database.store, `${brokerLabel(broker)} pid ${pid}`)});
	}

	return found;
}

/** broker.xml files remembered per test (a fleet's brokers: a handful; a bound all the same). */
const MAX_REMEMBERED = 256;

/**
 * "Is this broker one of this group's?" as sameStore decides it (its broker.xml names the same
 * database AND table: a broker of another table in the same database is not), each broker.xml
 * read once. A broker without a readable broker.xml is nobody's: no name is better than a wrong one.
 */
export function groupBrokerTest(target: JdbcTarget): (broker: BrokerInfo) => boolean {
	const known = new Map<string, boolean>();
	return broker => {
		if (!broker.configuration) return false;
		let answer = known.get(broker.configuration);
		if (answer === undefined) {
			const database = databaseStoreOf(broker.configuration);
			answer = database !== undefined && sameStore(target, database.url, database.table);
			if (known.size >= MAX_REMEMBERED) known.clear();
			known.set(broker.configuration, answer);
		}

		return answer;
	};
}

/**
 * The timings to judge this group by. Brokers that disagree: the values that leave the least
 * lease after a renew (expiration − renew period) — the tightest, so a renew late for any of
 * them is called late — and a note naming each.
 */
export function groupTimings(target: JdbcTarget, brokers: readonly GroupBroker[] = groupBrokers(target)): GroupTimings {
	const notes = brokers.flatMap(found => found.read.notes);
	if (brokers.length === 0) return {...DEFAULT_TIMINGS, source: 'Artemis\' defaults: no broker of this group found on this host', notes};
	const values = brokers.map(found => ({
		found,
		renewPeriodMs: found.read.renewPeriodMs ?? DEFAULT_RENEW_MS,
		expirationMs: found.read.expirationMs ?? DEFAULT_EXPIRATION_MS,
		allowedTimeDiffMs: found.read.allowedTimeDiffMs ?? DEFAULT_ALLOWED_TIME_DIFF_MS,
	}));
	const tightest = values.reduce((best, value) => (value.expirationMs - value.renewPeriodMs < best.expirationMs - best.renewPeriodMs ? value : best));
	const key = (value: typeof values[number]) => `${value.renewPeriodMs}/${value.expirationMs}/${value.allowedTimeDiffMs}`;
	if (values.some(value => key(value) !== key(tightest))) {
		notes.push(`the brokers disagree: ${values.map(value => `${brokerLabel(value.found.broker)} pid ${value.found.pid} renew ${value.renewPeriodMs} ms, lease ${value.expirationMs} ms, allowed time diff ${value.allowedTimeDiffMs} ms`).join('; ')}`);
	}

	const {found} = tightest;
	const given = KEYS.filter(([, name]) => found.read[name] !== undefined).map(([element]) => element);
	const defaulted = KEYS.filter(([, name]) => found.read[name] === undefined).map(([element]) => element);
	const from = `broker.xml of ${brokerLabel(found.broker)} pid ${found.pid} (${found.broker.configuration})`;
	const source = given.length === 0
		? `Artemis' defaults (${from} sets none of them)`
		: defaulted.length === 0 ? from : `${from}; ${defaulted.join(', ')}: Artemis' default`;
	return {renewPeriodMs: tightest.renewPeriodMs, expirationMs: tightest.expirationMs, allowedTimeDiffMs: tightest.allowedTimeDiffMs, source, fromBrokers: given.length > 0, notes};
}
