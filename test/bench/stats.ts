import fs from 'node:fs';

export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index];
}

export function table(rows: string[][]): string {
	const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
	const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [line(rows[0]), `|${widths.map(width => '-'.repeat(width + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** utime + stime of a process in ms, from /proc/PID/stat (10 ms resolution). */
export function cpuMs(pid: number | 'self'): number {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ = 100
}

/** Resident set size in MB, from /proc/PID/status. */
export function rssMb(pid: number | 'self'): number {
	const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) / 1024 : Number.NaN;
}

export {monotonicMs} from '../../source/time.js';
export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
