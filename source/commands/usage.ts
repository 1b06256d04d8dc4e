// The command line: which command, its target and flags, its help. `status` is a monitoring
// check (exit 0/1/2/3), so a typo must not look like CRITICAL: every usage error is exit 3
// with one line. Each command accepts only its own flags.
import fs from 'node:fs';
import process from 'node:process';
import meow from 'meow';
import type {LayoutChoice} from '../lock-file/layout.js';
import {isJdbcTarget} from '../store/jdbc/target.js';
import {errorLine} from '../text/error-line.js';

export type CommandName = 'status' | 'watch' | 'node' | 'doctor' | 'demo' | 'tui' | 'history' | 'serve';
/** Type only: the parser must not load the lock engine (koffi) to show a usage line. */
export type LayoutOption = LayoutChoice;

/**
 * One row per flag: its help line, how meow reads it, and how its value is checked and
 * converted. The help text, meow's flag list, the "needs a value" check, each value's check and
 * the Flags type are all derived from this table; a command names the flags it takes (commands).
 */
type FlagRow = {
	readonly type: 'boolean' | 'string';
	/** The help line: the flag as typed, its value, what it does (continuation lines indented). */
	readonly help: string;
	/**
	 * A typed value → the flag's value, or why it is refused (one line). Absent: the text itself.
	 * Run after the target is known for the flags that depend on it (`only`).
	 */
	readonly parse?: (text: string, name: string) => unknown;
	/** The value when the flag is absent. */
	readonly default?: unknown;
	/** A flag for one kind of target: refused with the other one. */
	readonly only?: 'jdbc' | 'file';
	/** Another flag it needs (a key of FLAGS). */
	readonly needs?: string;
};

/** A refused value: parse() returns one, never throws. */
class Refusal {
	constructor(readonly message: string) {}
}

const wholeMs = (least: number) => (text: string, name: string) => /^\d+$/.test(text) && Number(text) >= least ? Number(text) : new Refusal(`${name} must be a whole number of ms ≥ ${least}, got ${JSON.stringify(text)}`);
const oneOf = <T extends string>(words: readonly T[], say: string) => (text: string, name: string): T | Refusal => (words as readonly string[]).includes(text) ? text as T : new Refusal(`${name} must be ${say}, got ${JSON.stringify(text)}`);

/** The default address of `serve`: localhost only, a port no broker uses. */
export const DEFAULT_LISTEN = '127.0.0.1:9642';

const FLAGS = {
	json: {type: 'boolean', default: false, help: '--json                     machine-readable output (one JSON object, NDJSON for watch)'},
	interval: {type: 'string', default: 250, parse: wholeMs(10), help: '--interval <ms>            full probe period, ≥ 10 (default 250)'},
	verbose: {type: 'boolean', default: false, help: '--verbose                  full command lines of lock holders (text output; JSON always has them)'},
	role: {
		type: 'string',
		parse: (text: string, name: string): 'live' | 'backup' | Refusal => text === 'backup' ? 'backup' : text === 'primary' || text === 'live' ? 'live' : new Refusal(`${name} must be primary (or live) or backup, got ${JSON.stringify(text)}`),
		help: '--role <primary|backup>    node role; live is a synonym of primary',
	},
	layout: {
		type: 'string',
		default: 'auto',
		only: 'file',
		parse: oneOf(['files', 'ranges', 'flock', 'auto'] as const, 'files, ranges, flock or auto'),
		help: '--layout <files|ranges|flock|auto>  lock layout: files (Artemis ≥ 2.10: serverlock.1/.2),\n                             ranges (HornetQ, Artemis ≤ 2.9 NIO: bytes of server.lock),\n                             flock (HornetQ, Artemis ≤ 2.0 AIO: flock on server.1.lock/.2);\n                             auto (default) follows what the directory shows',
	},
	// Typed as --no-allow-failback (meow's negation); --allow-failback is the default, accepted.
	allowFailback: {type: 'boolean', default: true, help: '--no-allow-failback        an activated backup ignores a failing-back primary (F)'},
	failoverOnShutdown: {type: 'boolean', default: false, help: '--failover-on-shutdown     SIGTERM/SIGINT leave L (a backup takes over) instead of P'},
	trace: {type: 'boolean', default: false, help: '--trace                    node: also a `look` line each time it looks and decides to wait\n                             (a backup on P, F, 0 or N; a deleted lock file not back yet)'},
	createDir: {type: 'boolean', default: false, only: 'file', help: '--create-dir               create the lock file\'s directory if missing'},
	table: {type: 'string', only: 'jdbc', help: '--table <name>             JDBC store: the node-manager table (default NODE_MANAGER_STORE)'},
	lockRenewPeriod: {type: 'string', only: 'jdbc', parse: wholeMs(100), help: '--lock-renew-period <ms>   JDBC node: renew the lease this often (default 4000)'},
	lockExpiration: {type: 'string', only: 'jdbc', parse: wholeMs(100), help: '--lock-expiration <ms>     JDBC node: lease length (default 20000)'},
	scan: {type: 'string', help: '--scan <root>              every group under root (directories with lock files, broker.xml)'},
	depth: {
		type: 'string',
		default: 6,
		needs: 'scan',
		parse: (text: string, name: string) => /^\d+$/.test(text) && Number(text) <= 64 ? Number(text) : new Refusal(`${name} must be a whole number from 0 to 64, got ${JSON.stringify(text)}`),
		help: '--depth <n>                how deep --scan looks, 0–64 (default 6)',
	},
	record: {type: 'string', help: '--record <file>            append NDJSON events to file, for `ha-tui history`'},
	since: {type: 'string', help: '--since <time|age>         only episodes after an ISO time or an age (30m, 2h, 1d)'},
	history: {type: 'string', only: 'file', help: '--history <record>         the TUI: the timeline opens on a `watch --record` file (its last hour)'},
	listen: {
		type: 'string',
		default: DEFAULT_LISTEN,
		parse: (text: string, name: string) => /^(\[[\da-f:.]+\]|[\w.-]+):\d{1,5}$/i.test(text) && Number(text.slice(text.lastIndexOf(':') + 1)) <= 65_535 ? text : new Refusal(`${name} must be host:port (e.g. ${DEFAULT_LISTEN}), got ${JSON.stringify(text)}`),
		help: `--listen <host:port>       where to serve /metrics and /healthz (default ${DEFAULT_LISTEN})`,
	},
	onChange: {type: 'string', help: '--on-change <cmd>          run cmd (no shell) when a group\'s verdict changes; HA_TUI_* variables'},
} as const satisfies Record<string, FlagRow>;

type FlagKey = keyof typeof FLAGS;
type Row<K extends FlagKey> = (typeof FLAGS)[K];
type ValueOf<K extends FlagKey> = Row<K> extends {parse: (...args: never[]) => infer T} ? Exclude<T, Refusal> : Row<K> extends {type: 'boolean'} ? boolean : string;

/** The parsed flags: every flag of the table, with its default where it has one. */
export type Flags = {-readonly [K in FlagKey as Row<K> extends {default: unknown} ? K : never]: ValueOf<K>} & {-readonly [K in FlagKey as Row<K> extends {default: unknown} ? never : K]?: ValueOf<K>};

export type Parsed =
	| {kind: 'run'; command: CommandName; target: string | undefined; targets: string[]; flags: Flags}
	| {kind: 'help'; text: string}
	| {kind: 'version'}
	| {kind: 'error'; message: string; json: boolean};

/** many: several targets (or --scan); none: the arguments are files of another kind (history). */
type CommandSpec = {usage: string; summary: string; flags: readonly FlagKey[]; target: 'required' | 'optional' | 'many'};

export const commands: Readonly<Record<CommandName, CommandSpec>> = {
	status: {usage: 'ha-tui status <file|dir> [--json]\n    $ ha-tui status <dir> <dir>… | --scan <root> [--depth n] [--json]', summary: 'one-shot report, exit 0 OK / 1 warning / 2 critical / 3 unknown (several groups: one line each, the worst exit)', flags: ['json', 'table', 'scan', 'depth', 'verbose'], target: 'many'},
	watch: {usage: 'ha-tui watch <file|dir>… [--scan root] [--json] [--interval ms] [--record file] [--on-change cmd]', summary: 'a line (NDJSON with --json) on every change, naming its group', flags: ['json', 'interval', 'table', 'scan', 'depth', 'record', 'onChange', 'verbose'], target: 'many'},
	history: {usage: 'ha-tui history <record>… [--json] [--since time|age]', summary: 'the episodes in `watch --record` files: failovers, failbacks, pauses, frozen holders, lost locks, availability', flags: ['json', 'since'], target: 'required'},
	serve: {usage: `ha-tui serve <file|dir|postgresql://…>… [--table name] [--scan root] [--listen ${DEFAULT_LISTEN}] [--on-change cmd]`, summary: 'a Prometheus exporter: /metrics per group, /healthz', flags: ['scan', 'depth', 'listen', 'interval', 'onChange', 'table'], target: 'many'},
	node: {
		usage: 'ha-tui node <file|dir> --role primary|backup [--layout files|ranges|flock|auto] [--no-allow-failback] [--failover-on-shutdown] [--create-dir] [--trace]',
		summary: 'one headless node, NDJSON events on stdout; primary (live) and backup',
		flags: ['role', 'layout', 'allowFailback', 'failoverOnShutdown', 'createDir', 'trace', 'table', 'lockRenewPeriod', 'lockExpiration'],
		target: 'required',
	},
	doctor: {usage: 'ha-tui doctor <file|dir> [--json] [--verbose]', summary: 'checks the group and the brokers that hold its locks', flags: ['json', 'table', 'verbose'], target: 'required'},
	demo: {usage: 'ha-tui demo [dir] [--layout files|ranges|flock|auto] [--interval ms]', summary: 'a temp lock file with a primary (live) and two backups, in the TUI', flags: ['interval', 'layout'], target: 'optional'},
	tui: {usage: 'ha-tui <file|dir> [--layout files|ranges|flock|auto] [--interval ms] [--history record]', summary: 'interactive TUI (watch + drive in-process nodes); without a terminal: watch output', flags: ['interval', 'layout', 'json', 'table', 'scan', 'depth', 'history'], target: 'many'},
};

const named = new Set<string>(Object.keys(commands).filter(name => name !== 'tui'));

export function mainHelp(): string {
	const order: CommandName[] = ['tui', 'status', 'watch', 'node', 'doctor', 'demo', 'history', 'serve'];
	const lines = ['', '  Usage'];
	for (const name of order) lines.push(`    $ ${commands[name].usage}`, `        ${commands[name].summary}`);
	lines.push(
		'',
		'  A directory means the Artemis journal directory: DIR/server.lock (and DIR/serverlock.1,',
		'  DIR/serverlock.2 in the files layout of Artemis ≥ 2.10).',
		'  A postgresql://, postgres:// or jdbc:postgresql:// URL means an Artemis JDBC shared store',
		'  (table --table, default NODE_MANAGER_STORE); credentials from the URL, PGPASSWORD or ~/.pgpass.',
		'  `ha-tui <command> --help` shows one command\'s options.',
		'',
		'  Options',
		...Object.values(FLAGS).map(row => `    ${row.help}`),
		'    --help, -h                 this help (or a command\'s)',
		'    --version                  the version',
		'',
		'  Examples',
		'    $ ha-tui /var/lib/artemis/data/journal',
		'    $ ha-tui status /shared/journal --json',
		'    $ ha-tui node /tmp/ha --role backup',
		'',
	);
	return lines.join('\n');
}

export function commandHelp(name: CommandName): string {
	const spec = commands[name];
	const {flags} = spec;
	return [
		'',
		'  Usage',
		`    $ ${spec.usage}`,
		'',
		`  ${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`,
		...(flags.length > 0 ? ['', '  Options', ...flags.map(flag => `    ${FLAGS[flag].help}`)] : []),
		'',
	].join('\n');
}

// Every flag of every command, parsed once by meow; which command takes which is checked below.
// No `choices`, `isRequired` or automatic help/version: meow would print its own message and
// exit 2 (CRITICAL to a monitoring system), so values and unknown flags are checked here.
const meowFlags = {
	...Object.fromEntries(Object.entries(FLAGS).map(([key, row]) => [key, {type: row.type}])) as {[K in FlagKey]: {type: Row<K>['type']}},
	help: {type: 'boolean', shortFlag: 'h'},
	version: {type: 'boolean'},
} as const;
const flagKeys = Object.keys(FLAGS) as FlagKey[];

const kebab = (key: string) => key.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
const camel = (name: string) => name.replaceAll(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Edit distance (insert, delete, substitute, swap two neighbours): `statsu` → status is 1. */
function distance(a: string, b: string): number {
	const d = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
		}
	}

	return d[a.length][b.length];
}

/** "; did you mean status?" for a word close to one command (at most 2 edits), else nothing. */
function suggestion(word: string): string {
	const lower = word.toLowerCase();
	const close = [...named, 'help'].map(name => ({name, d: distance(lower, name)})).filter(entry => entry.d <= Math.min(2, Math.max(1, entry.name.length - 3))).sort((a, b) => a.d - b.d);
	return close.length > 0 && (close.length === 1 || close[0].d < close[1].d) ? `; did you mean ${close[0].name}?` : '';
}

/** ha-tui's arguments (without `node cli.js`) to what to do. Never throws. */
export function parseCommandLine(argv: readonly string[], exists: (path: string) => boolean = fs.existsSync): Parsed {
	const json = argv.includes('--json');
	const fail = (message: string, command?: CommandName): Parsed => ({
		kind: 'error',
		message: `${message} (see ha-tui ${command && command !== 'tui' ? `${command} ` : ''}--help)`,
		json,
	});

	// The flags as typed (before `--`), to name them in messages as the user wrote them.
	const separator = argv.indexOf('--');
	const typed = argv.slice(0, separator === -1 ? argv.length : separator).filter(arg => arg.length > 1 && arg.startsWith('-') && !/^-\.?\d/.test(arg));
	const nameOf = (key: string): string => {
		for (const arg of typed) {
			if (arg.startsWith('--')) {
				const name = arg.slice(2).split('=')[0];
				if (camel(name.split('.')[0]) === key || camel(name.replace(/^no-/, '')) === key) return `--${name}`;
			} else if (key.length === 1 && arg.slice(1).includes(key)) {
				return `-${key}`;
			}
		}

		return key.length === 1 ? `-${key}` : `--${kebab(key)}`;
	};

	let cli: ReturnType<typeof meow<typeof meowFlags>>;
	// Meow sets process.title to the package name; `status` shows holders' command lines, keep ours.
	const title = process.title;
	try {
		cli = meow({
			importMeta: import.meta,
			argv: [...argv],
			flags: meowFlags,
			allowUnknownFlags: true,
			autoHelp: false,
			autoVersion: false,
			// Absent switches stay absent: every key in cli.flags was typed.
			booleanDefault: undefined,
			pkg: {},
			description: false,
			help: false,
		});
	} catch (error) {
		// Meow throws (rather than exits) only for a value flag given twice.
		const message = errorLine(error);
		const twice = /^The flag (--\S+) can only be set once/.exec(message);
		return fail(twice ? `${twice[1]} given more than once` : message, argv.find(arg => named.has(arg)) as CommandName | undefined);
	} finally {
		process.title = title;
	}

	const positionals = cli.input;
	const first = positionals[0];
	let command: CommandName = 'tui';
	if (first !== undefined && named.has(first)) command = first as CommandName;
	const args = command === 'tui' ? positionals : positionals.slice(1);
	const spec = commands[command];
	if (cli.flags.help) return {kind: 'help', text: command === 'tui' ? mainHelp() : commandHelp(command)};
	// `ha-tui help` and `ha-tui help status`, as git and npm have it.
	if (command === 'tui' && first === 'help' && !exists('help')) {
		const about = positionals[1];
		if (about === undefined) return {kind: 'help', text: mainHelp()};
		if (named.has(about)) return {kind: 'help', text: commandHelp(about as CommandName)};
		return fail(`help: unknown command ${about}${suggestion(about)}`);
	}
	if (cli.flags.version) return {kind: 'version'};

	const given = Object.keys(cli.flags).filter(key => cli.flags[key] !== undefined && key !== 'help' && key !== 'version');
	for (const key of given) {
		if (!(key in meowFlags)) return fail(`unknown option ${nameOf(key)}`, command);
		if (!spec.flags.includes(key as FlagKey)) return fail(`${nameOf(key)} is not an option of ${command === 'tui' ? 'the TUI' : command}`, command);
	}

	const withValue = typed.find(arg => arg.startsWith('--') && arg.includes('=') && meowFlags[camel(arg.slice(2, arg.indexOf('=')).replace(/^no-/, '')) as keyof typeof meowFlags]?.type === 'boolean');
	if (withValue) return fail(`${withValue.slice(0, withValue.indexOf('='))} takes no value`, command);
	const typedValue = (key: FlagKey) => cli.flags[key] as unknown;
	for (const key of flagKeys) {
		const value = typedValue(key);
		// `--role` last or before another flag gives '', `--no-role` gives false.
		if (FLAGS[key].type === 'string' && value !== undefined && (typeof value !== 'string' || value === '')) return fail(`${nameOf(key)} needs a value`, command);
	}

	const values: Record<string, unknown> = {};
	for (const key of flagKeys) {
		const row: FlagRow = FLAGS[key];
		if ('default' in row) values[key] = row.default;
	}

	/** A typed flag's value through its row's parse; a Refusal ends the parse. */
	const take = (key: FlagKey): Refusal | undefined => {
		const row: FlagRow = FLAGS[key];
		const text = typedValue(key);
		if (text === undefined) return undefined;
		const value = row.parse && typeof text === 'string' ? row.parse(text, `--${kebab(key)}`) : text;
		if (value instanceof Refusal) return value;
		if (row.needs && typedValue(row.needs as FlagKey) === undefined) return new Refusal(`--${kebab(key)} needs --${kebab(row.needs)}`);
		values[key] = value;
		return undefined;
	};

	for (const key of flagKeys) {
		if ((FLAGS[key] as FlagRow).only === 'jdbc') continue;
		const refused = take(key);
		if (refused) return fail(refused.message, command);
	}

	const flags = values as Flags;
	// `ha-tui stauts FILE`, or `ha-tui stauts`: a word that is no path here is a mistyped command,
	// not a lock file to wait for.
	const looksLikeWord = (word: string) => !word.includes('/') && !word.includes('.') && !exists(word);
	if (command === 'tui' && first !== undefined && (positionals.length > 1 ? !first.includes('/') && looksLikeWord(first) : looksLikeWord(first))) return fail(`unknown command: ${first}${suggestion(first)}`);
	const many = spec.target === 'many' || command === 'history';
	if (args.length > 1 && !many) return fail(`unexpected argument: ${args[1]}`, command);
	const target = args[0];
	if (spec.target === 'many' && target === undefined && flags.scan !== undefined) return {kind: 'run', command, target, targets: [], flags};
	if (command === 'history' && target === undefined) return fail('history needs a file written by `watch --record`', command);
	if (spec.target !== 'optional' && target === undefined) {
		return fail(command === 'tui' ? 'needs a lock file or directory, or a command' : `${command} needs a lock file or directory`, command);
	}

	if (command === 'node' && !flags.role) return fail('node needs --role primary or --role backup', command);
	const jdbc = target !== undefined && isJdbcTarget(target);
	// status over several groups: --table is for its database targets, wherever they are in the list.
	const someJdbc = args.some(arg => isJdbcTarget(arg));
	for (const key of flagKeys) {
		const row: FlagRow = FLAGS[key];
		if (row.only === undefined || typedValue(key) === undefined) continue;
		if (row.only === 'jdbc' && !someJdbc) return fail(`${nameOf(key)} is for a database target (postgresql://…)`, command);
		if (row.only === 'file' && jdbc) return fail(`--${kebab(key)} is for a lock file, not a database target`, command);
		const refused = take(key);
		if (refused) return fail(`${nameOf(key)}${refused.message.slice(refused.message.indexOf(' '))}`, command);
	}

	return {kind: 'run', command, target, targets: [...args], flags};
}
