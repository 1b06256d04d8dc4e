// The ONE way a lock holder is written for a person: status, watch, doctor and the TUI (Locks
// rows, dialogs, event log) all call holderText(), so a holder reads the same everywhere:
//   broker-a (primary) pid 18319
//   ha-tui node /shared/journal (backup) pid 4242
//   pid 77 python3 hold.py /shared/journal/serverlock.1        (shortened, full with verbose)
//   broker-b (backup) pid 18400, STOPPED (T)
//   holder not visible (hidepid / other user / other host) (OFD)
// Two forms: 'line' (status, watch, doctor: the whole story, a command where the identity is
// unknown) and 'name' (the TUI's rows, dialogs and event sentences: who, in a few words — a
// broker by name, anything else by pid and lock kind, its command line shown beside it).
// The pieces come from outside (broker.xml names, command lines): sanitize at the terminal.
import {brokerLabel, brokerOf} from './index.js';
import {roleByCommand, type HolderNamer, type HolderRole} from '../lock-file/verdict.js';
import type {BrokerInfo} from './config.js';
import {HIDDEN_HOLDER} from '../lock-file/probe.js';

/** What holderText needs of a holder: the lock-file probe's Holder, or the doctor's. */
export type HolderLike = {
	readonly pid: number | undefined;
	readonly command?: string | undefined;
	readonly kind?: string;
	readonly sameProcess?: boolean;
	/** /proc/PID/stat state letter. */
	readonly state?: string;
	/** The broker behind it, where a caller attached it already (the TUI's session; null: none). */
	readonly broker?: BrokerInfo | null;
};

export type HolderTextOptions = {
	/** Append the full command line (text output's --verbose; JSON always has it). */
	readonly verbose?: boolean;
	/** Append the lock kind (POSIX / OFD), as status' detail lines do. */
	readonly kind?: boolean;
	/** The broker, when the caller already knows it (else the holder's own, else looked up by pid, cached; null: none). */
	readonly broker?: BrokerInfo | null;
	/**
	 * 'line' (default): identity and pid, a frozen state, the command where the identity is
	 * unknown. 'name': who only — "this process" for our own, the kind only after a bare pid.
	 */
	readonly form?: 'line' | 'name';
};

export {HIDDEN_HOLDER} from '../lock-file/probe.js';

const stoppedWords: Readonly<Record<string, string>> = {T: 'STOPPED (T)', t: 'STOPPED by a tracer (t)', Z: 'ZOMBIE (Z)'};

export {isFrozenState} from '../lock-file/verdict.js';

/** "STOPPED (T)" / "ZOMBIE (Z)", or undefined for a process that runs. */
export function frozenWords(state: string | undefined): string | undefined {
	return state === undefined ? undefined : stoppedWords[state];
}

/** Node sets process.title over argv: the tail is padding blanks. One line, single spaces. */
export function tidyCommand(command: string): string {
	return command.replaceAll(/\s+/g, ' ').trim();
}

/** ha-tui's own process from its title: `ha-tui node DIR --role live …`, the TUI `ha-tui DIR`. */
export function haTuiProcess(command: string | undefined): {kind: 'node'; target: string; role: 'primary' | 'backup'} | {kind: 'tui' | 'demo'; target?: string} | undefined {
	if (!command) return undefined;
	const words = tidyCommand(command).split(' ');
	if (words[0] !== 'ha-tui') return undefined;
	if (words[1] === 'node') {
		const index = words.findIndex(word => word === '--role' || word.startsWith('--role='));
		const value = index < 0 ? undefined : words[index].startsWith('--role=') ? words[index].slice(7) : words[index + 1];
		const target = words.slice(2).find(word => !word.startsWith('-') && word !== value);
		return {kind: 'node', target: target ?? '?', role: value === 'backup' ? 'backup' : 'primary'};
	}

	if (words[1] === 'demo') return {kind: 'demo', target: words[2]};
	return {kind: 'tui', target: words.slice(1).find(word => !word.startsWith('-'))};
}

const MAX_SHORT = 72;

/**
 * A command line, shortened for a line of text: a java command as its main class and what
 * follows (not the hundreds of -D and -XX options and the class path), anything else cut
 * at MAX_SHORT characters with an ellipsis.
 */
export function shortCommand(command: string): string {
	const tidy = tidyCommand(command);
	const words = tidy.split(' ');
	if (/(^|\/)java$/.test(words[0] ?? '')) {
		const rest: string[] = [];
		for (let index = 1; index < words.length; index++) {
			const word = words[index];
			if (['-cp', '-classpath', '--class-path', '-p', '--module-path', '--add-opens', '--add-exports', '--add-modules'].includes(word)) {
				index++;
				continue;
			}

			if (word.startsWith('-')) continue;
			rest.push(...words.slice(index));
			break;
		}

		const short = `java … ${rest.join(' ')}`.trim();
		return short.length > MAX_SHORT ? `${short.slice(0, MAX_SHORT - 1)}…` : short;
	}

	return tidy.length > MAX_SHORT ? `${tidy.slice(0, MAX_SHORT - 1)}…` : tidy;
}

/**
 * Who the holder is, without the pid: "broker-a (primary)", "ha-tui node /x (backup)", or
 * undefined. brokersOnly: not ha-tui's own processes by their title (the TUI shows that
 * command line beside the pid, which names them already).
 */
export function holderIdentity(holder: HolderLike, broker?: BrokerInfo | null, brokersOnly = false): string | undefined {
	if (holder.pid === undefined) return undefined;
	const given = broker === undefined ? holder.broker : broker;
	const known = given === undefined ? brokerOf(holder.pid) : given ?? undefined;
	if (known) return brokerLabel(known);
	if (brokersOnly) return undefined;
	const own = haTuiProcess(holder.command);
	if (own?.kind === 'node') return `${haTuiTitle(own)} (${own.role})`;
	return own ? haTuiTitle(own) : undefined;
}

/** ha-tui's own process by its title, without a node's role: "ha-tui node /x", "ha-tui demo", "ha-tui TUI /x". */
export function haTuiTitle(own: NonNullable<ReturnType<typeof haTuiProcess>>): string {
	if (own.kind === 'node') return `ha-tui node ${own.target}`;
	return `ha-tui ${own.kind === 'demo' ? 'demo' : 'TUI'}${own.target ? ` ${own.target}` : ''}`;
}

/** The one holder text: identity and pid, kind on request, a frozen state always, the command shortened (full with verbose). */
export function holderText(holder: HolderLike, options: HolderTextOptions = {}): string {
	if (holder.pid === undefined) return options.kind && holder.kind ? `${HIDDEN_HOLDER} (${holder.kind})` : HIDDEN_HOLDER;
	if (options.form === 'name') {
		if (holder.sameProcess) return options.kind && holder.kind ? `this process (${holder.kind})` : 'this process';
		const broker = holderIdentity(holder, options.broker, true);
		if (broker) return `${broker} pid ${holder.pid}`;
		return options.kind && holder.kind ? `pid ${holder.pid} ${holder.kind}` : `pid ${holder.pid}`;
	}

	const identity = holderIdentity(holder, options.broker);

	const parts = [identity ? `${identity} pid ${holder.pid}` : `pid ${holder.pid}`];
	if (options.kind && holder.kind) parts[0] += ` ${holder.kind}`;
	if (holder.sameProcess) parts[0] += ' (this process)';
	const frozen = frozenWords(holder.state);
	if (frozen) parts[0] += `, ${frozen}`;
	const command = holder.command;
	if (options.verbose) parts.push(command ? tidyCommand(command) : 'command not visible (hidepid / other user)');
	else if (!identity) parts.push(command ? shortCommand(command) : 'command not visible (hidepid / other user)');
	return parts.join(' — ');
}

/** A holder in a summary line: "broker-b (backup) pid 18400", "pid 77" (the assessment's namer). */
export const holderName: HolderNamer = holder => {
	if (holder.pid === undefined) return 'a holder this host cannot see';
	const identity = holderIdentity(holder);
	return identity ? `${identity} pid ${holder.pid}` : `pid ${holder.pid}`;
};

/** A holder's configured role: its broker.xml's ha-policy, else `ha-tui node --role` (the assessment's role). */
export const holderRole: HolderRole = holder => {
	const broker = holder.pid === undefined ? undefined : brokerOf(holder.pid);
	return broker?.role ?? roleByCommand(holder);
};

/** A lock's holders in a line: "free", "locked (holder not visible …)", or each holder's text. */
export function lockHoldersText(lock: {readonly locked: boolean; readonly holders: readonly HolderLike[]}, options: HolderTextOptions & {readonly separator?: string} = {}): string {
	if (!lock.locked) return 'free';
	if (lock.holders.length === 0) return `locked (${HIDDEN_HOLDER})`;
	return lock.holders.map(holder => holderText(holder, options)).join(options.separator ?? '; ');
}
