// The command line: which command, its target and flags, its help. `status` is a monitoring
// check (exit 0/1/2/3), so a typo must not look like CRITICAL: every usage error is exit 3
// with one line. Each command accepts only its own flags.
import fs from 'node:fs';
import {parseArgs} from 'node:util';

export type CommandName = 'status' | 'watch' | 'node' | 'doctor' | 'demo' | 'tui';
export type LayoutOption = 'files' | 'ranges' | 'auto';

export type Flags = {
	json: boolean;
	interval: number;
	role?: 'live' | 'backup';
	layout: LayoutOption;
	allowFailback: boolean;
	failoverOnShutdown: boolean;
	createDir: boolean;
};

export type Parsed =
	| {kind: 'run'; command: CommandName; target: string | undefined; flags: Flags}
	| {kind: 'help'; text: string}
	| {kind: 'version'}
	| {kind: 'error'; message: string; json: boolean};

type FlagName = 'json' | 'interval' | 'role' | 'layout' | 'allow-failback' | 'no-allow-failback' | 'failover-on-shutdown' | 'create-dir';

const valueFlags = new Set<FlagName>(['interval', 'role', 'layout']);

type CommandSpec = {usage: string; summary: string; flags: readonly FlagName[]; target: 'required' | 'optional'};

const flagHelp: Readonly<Record<FlagName, string>> = {
	json: '--json                     machine-readable output (one JSON object, NDJSON for watch)',
	interval: '--interval <ms>            full probe period, ≥ 10 (default 250)',
	role: '--role <primary|backup>    node role; live is a synonym of primary',
	layout: '--layout <files|ranges|auto>  lock layout: files (Artemis ≥ 2.10: serverlock.1/.2),\n                             ranges (HornetQ, Artemis ≤ 2.9: bytes of server.lock);\n                             auto (default) follows what the directory shows',
	'allow-failback': '--allow-failback           an activated backup steps down for a failing-back primary (default)',
	'no-allow-failback': '--no-allow-failback        an activated backup ignores a failing-back primary (F)',
	'failover-on-shutdown': '--failover-on-shutdown     SIGTERM/SIGINT leave L (a backup takes over) instead of P',
	'create-dir': '--create-dir               create the lock file\'s directory if missing',
};

export const commands: Readonly<Record<CommandName, CommandSpec>> = {
	status: {usage: 'ha-tui status <file|dir> [--json]', summary: 'one-shot report, exit 0 OK / 1 warning / 2 critical / 3 unknown', flags: ['json'], target: 'required'},
	watch: {usage: 'ha-tui watch <file|dir> [--json] [--interval ms]', summary: 'a line (NDJSON with --json) on every change', flags: ['json', 'interval'], target: 'required'},
	node: {
		usage: 'ha-tui node <file|dir> --role primary|backup [--layout files|ranges|auto] [--no-allow-failback] [--failover-on-shutdown] [--create-dir]',
		summary: 'one headless node, NDJSON events on stdout; primary (live) and backup',
		flags: ['role', 'layout', 'allow-failback', 'no-allow-failback', 'failover-on-shutdown', 'create-dir'],
		target: 'required',
	},
	doctor: {usage: 'ha-tui doctor <file|dir> [--json]', summary: 'checks the group and the brokers that hold its locks', flags: ['json'], target: 'required'},
	demo: {usage: 'ha-tui demo [dir] [--layout files|ranges|auto] [--interval ms]', summary: 'a temp lock file with a primary (live) and two backups, in the TUI', flags: ['interval', 'layout'], target: 'optional'},
	tui: {usage: 'ha-tui <file|dir> [--layout files|ranges|auto] [--interval ms]', summary: 'interactive TUI (watch + drive in-process nodes); without a terminal: watch output', flags: ['interval', 'layout', 'json'], target: 'required'},
};

const named = new Set<string>(Object.keys(commands).filter(name => name !== 'tui'));

export function mainHelp(): string {
	const order: CommandName[] = ['tui', 'status', 'watch', 'node', 'doctor', 'demo'];
	const lines = ['', '  Usage'];
	for (const name of order) lines.push(`    $ ${commands[name].usage}`, `        ${commands[name].summary}`);
	lines.push(
		'',
		'  A directory means the Artemis journal directory: DIR/server.lock (and DIR/serverlock.1,',
		'  DIR/serverlock.2 in the files layout of Artemis ≥ 2.10).',
		'  `ha-tui <command> --help` shows one command\'s options.',
		'',
		'  Options',
		...(['json', 'interval', 'role', 'layout', 'no-allow-failback', 'failover-on-shutdown', 'create-dir'] as const).map(flag => `    ${flagHelp[flag]}`),
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
	const flags = spec.flags.filter(flag => flag !== 'allow-failback');
	return [
		'',
		'  Usage',
		`    $ ${spec.usage}`,
		'',
		`  ${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`,
		...(flags.length > 0 ? ['', '  Options', ...flags.map(flag => `    ${flagHelp[flag]}`)] : []),
		'',
	].join('\n');
}

const options = Object.fromEntries([...Object.keys(flagHelp), 'help', 'version'].map(name => [name, {type: valueFlags.has(name as FlagName) ? 'string' as const : 'boolean' as const}]));

/** ha-tui's arguments (without `node cli.js`) to what to do. Never throws. */
export function parseCommandLine(argv: readonly string[], exists: (path: string) => boolean = fs.existsSync): Parsed {
	const json = argv.includes('--json');
	const fail = (message: string, command?: CommandName): Parsed => ({
		kind: 'error',
		message: `${message} (see ha-tui ${command && command !== 'tui' ? `${command} ` : ''}--help)`,
		json,
	});

	const {tokens} = parseArgs({args: [...argv], options: {...options, h: {type: 'boolean'}}, strict: false, allowPositionals: true, tokens: true});
	const positionals = tokens.filter(token => token.kind === 'positional').map(token => token.value);
	const first = positionals[0];
	let command: CommandName = 'tui';
	if (first !== undefined && named.has(first)) command = first as CommandName;
	const args = command === 'tui' ? positionals : positionals.slice(1);
	const spec = commands[command];
	const wantsHelp = tokens.some(token => token.kind === 'option' && (token.name === 'help' || token.name === 'h'));
	if (wantsHelp) return {kind: 'help', text: command === 'tui' ? mainHelp() : commandHelp(command)};
	if (tokens.some(token => token.kind === 'option' && token.name === 'version')) return {kind: 'version'};

	const flags: Flags = {json: false, interval: 250, layout: 'auto', allowFailback: true, failoverOnShutdown: false, createDir: false};
	for (const token of tokens) {
		if (token.kind !== 'option') continue;
		const name = token.name as FlagName;
		if (!(name in flagHelp)) return fail(`unknown option ${token.rawName}`, command);
		if (!spec.flags.includes(name)) return fail(`${token.rawName} is not an option of ${command === 'tui' ? 'the TUI' : command}`, command);
		if (!valueFlags.has(name)) {
			if (token.value !== undefined) return fail(`${token.rawName} takes no value`, command);
		} else if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
			return fail(`${token.rawName} needs a value`, command);
		}

		const value = token.value ?? '';
		switch (name) {
			case 'json': {
				flags.json = true;
				break;
			}

			case 'interval': {
				const ms = Number(value);
				if (!/^\d+$/.test(value) || ms < 10) return fail(`--interval must be a whole number of ms ≥ 10, got ${JSON.stringify(value)}`, command);
				flags.interval = ms;
				break;
			}

			case 'role': {
				if (value !== 'primary' && value !== 'live' && value !== 'backup') return fail(`--role must be primary (or live) or backup, got ${JSON.stringify(value)}`, command);
				flags.role = value === 'backup' ? 'backup' : 'live';
				break;
			}

			case 'layout': {
				if (value !== 'files' && value !== 'ranges' && value !== 'auto') return fail(`--layout must be files, ranges or auto, got ${JSON.stringify(value)}`, command);
				flags.layout = value;
				break;
			}

			case 'allow-failback': {
				flags.allowFailback = true;
				break;
			}

			case 'no-allow-failback': {
				flags.allowFailback = false;
				break;
			}

			case 'failover-on-shutdown': {
				flags.failoverOnShutdown = true;
				break;
			}

			case 'create-dir': {
				flags.createDir = true;
				break;
			}
		}
	}

	// `ha-tui stauts FILE`, or `ha-tui stauts`: a word that is no path here is a mistyped command,
	// not a lock file to wait for.
	const looksLikeWord = (word: string) => !word.includes('/') && !word.includes('.') && !exists(word);
	if (command === 'tui' && first !== undefined && (positionals.length > 1 ? !first.includes('/') : looksLikeWord(first))) return fail(`unknown command: ${first}`);
	if (args.length > 1) return fail(`unexpected argument: ${args[1]}`, command);
	const target = args[0];
	if (spec.target === 'required' && target === undefined) {
		return fail(command === 'tui' ? 'needs a lock file or directory, or a command' : `${command} needs a lock file or directory`, command);
	}

	if (command === 'node' && !flags.role) return fail('node needs --role primary or --role backup', command);
	return {kind: 'run', command, target, flags};
}
