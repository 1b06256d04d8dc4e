// `npm run bench`: the timing goals of the project, measured on this machine, as one table.
// Never a timed test: shared machines are noisy, so the figures are printed, not asserted.
import process from 'node:process';
import {measureEngine, summarize} from './engine.js';
import {ms, table} from './stats.js';
import {measureTui} from './tui.js';

const argument = (name: string, fallback: number) => {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
};

const failovers = argument('failovers', 60);
const rows: string[][] = [['measure', 'result', 'goal', 'ok']];
const check = (value: boolean) => (value ? 'yes' : 'NO');

process.stderr.write(`bench: ${failovers} SIGKILL failovers each: ha-tui backup, python waiter on an ha-tui live, python on python…\n`);
const engine = await measureEngine({failovers, cpuSeconds: argument('cpu-seconds', 10), failbacks: argument('failbacks', 5)});
const ours = summarize(engine.haTui);
rows.push([`failover p50 (SIGKILL → backup live, n=${engine.haTui.length})`, ms(ours.p50), '', '']);
rows.push(['failover p99', ms(ours.p99), '≤ 5 ms', check(ours.p99 <= 5)]);
if (engine.kernel.length > 0) {
	const floor = summarize(engine.kernel);
	const pure = summarize(engine.pythonOnly);
	rows.push([`kernel floor: python F_SETLKW waiter, same ha-tui live killed, p50 / p99 (n=${engine.kernel.length})`, `${ms(floor.p50)} / ${ms(floor.p99)}`, 'the floor', '']);
	rows.push(['ratio ha-tui / kernel floor, p50 / p99', `${(ours.p50 / floor.p50).toFixed(2)} / ${(ours.p99 / floor.p99).toFixed(2)}`, '', '']);
	rows.push([`python holder → python waiter, p50 / p99 (n=${engine.pythonOnly.length})`, `${ms(pure.p50)} / ${ms(pure.p99)}`, 'small holder', '']);
}

rows.push(['CPU of a waiting backup', `${engine.waitingBackupCpuPercent.toFixed(2)} % of a core`, '≤ 1 %', check(engine.waitingBackupCpuPercent <= 1)]);
rows.push(['CPU of a live (lost-lock monitor)', `${engine.liveCpuPercent.toFixed(2)} % of a core`, '', '']);
const failback = summarize(engine.failback);
rows.push([`failback (F written → ex-live holds lock), p50 / max, n=${engine.failback.length}`, `${ms(failback.p50)} / ${ms(failback.max)}`, '≤ 1.5 s', check(failback.max <= 1500)]);

process.stderr.write('bench: the TUI on a pseudo-terminal…\n');
rows.push(...await measureTui({trials: argument('tui-trials', 20), idleSeconds: argument('idle-seconds', 10)}));

process.stdout.write(`${table(rows)}\n`);
