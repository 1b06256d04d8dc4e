// Issue 9 §3: exit codes a monitoring system can trust. Every usage error exits 3 with one
// line on stderr (and, with --json, a JSON object with exitCode 3); help and version exit 0.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {after, before, test} from 'node:test';
import {encodeNewLockFile} from '../../source/lock-file/index.js';
import {ProcessGroup, runCli} from '../helpers/spawned.js';
import {tempDir} from '../helpers/temp.js';

let temp: ReturnType<typeof tempDir>;
let file: string;
before(() => {
	temp = tempDir();
	file = temp.file;
	fs.writeFileSync(file, encodeNewLockFile());
});
after(() => temp.cleanup());

async function expectUsageError(args: string[], message: RegExp) {
	const before = fs.readFileSync(file);
	const result = await runCli(args);
	const what = `ha-tui ${args.join(' ')}`;
	assert.equal(result.code, 3, `${what}: exit ${result.code}\n${result.stdout}\n${result.stderr}`);
	const lines = result.stderr.trim().split('\n');
	assert.equal(lines.length, 1, `${what}: one line, got ${result.stderr}`);
	assert.match(lines[0], /^ha-tui: /);
	assert.match(lines[0], message, what);
	assert.doesNotMatch(result.stderr, /\n\s+at /, `${what}: no stack trace`);
	if (args.includes('--json')) {
		const report = JSON.parse(result.stdout) as {exitCode: number; error: string};
		assert.equal(report.exitCode, 3, what);
		assert.match(report.error, message);
	} else {
		assert.equal(result.stdout, '', `${what}: nothing on stdout`);
	}

	assert.ok(fs.readFileSync(file).equals(before), `${what}: the lock file is untouched`);
}

const cases: Array<[string, () => string[], RegExp]> = [
	['unknown flag', () => ['status', file, '--jsn'], /unknown option --jsn \(see ha-tui status --help\)/],
	['unknown flag with --json', () => ['status', file, '--json', '--jsn'], /unknown option --jsn/],
	['unknown short flag', () => ['watch', file, '-x'], /unknown option -x/],
	['a flag of another command', () => ['status', file, '--role', 'live'], /--role is not an option of status/],
	['bad --role', () => ['node', file, '--role', 'foo'], /--role must be primary \(or live\) or backup, got "foo"/],
	['bad --layout', () => ['node', file, '--role', 'backup', '--layout', 'foo'], /--layout must be files, ranges, flock or auto/],
	['bad --layout for the TUI', () => [file, '--layout', 'nope'], /--layout must be files, ranges, flock or auto/],
	['bad --layout for the demo', () => ['demo', '--layout', 'nope'], /--layout must be files, ranges, flock or auto/],
	['bad --interval', () => ['watch', file, '--interval', 'x'], /--interval must be a whole number of ms ≥ 10, got "x"/],
	['too small --interval', () => ['watch', file, '--interval=5'], /--interval must be/],
	['missing value', () => ['node', file, '--role'], /--role needs a value/],
	['a flag as the value', () => ['node', file, '--role', '--create-dir'], /--role needs a value/],
	['a value to a switch', () => ['status', file, '--json=yes'], /--json takes no value/],
	['missing --role', () => ['node', file], /node needs --role primary or --role backup/],
	['missing file', () => ['status'], /status needs a lock file or directory/],
	['missing file with --json', () => ['status', '--json'], /status needs a lock file or directory/],
	['nothing at all', () => [], /needs a lock file or directory, or a command/],
	['unknown command', () => ['stauts', file], /unknown command: stauts; did you mean status\?/],
	['mistyped command (issue 14 §5)', () => ['statsu', file], /unknown command: statsu; did you mean status\?/],
	['help about an unknown command', () => ['help', 'doctr'], /help: unknown command doctr; did you mean doctor\?/],
	['unknown command alone', () => ['stauts'], /unknown command: stauts/],
	['extra argument', () => ['doctor', file, 'extra'], /unexpected argument: extra/],
	['bad --depth', () => ['status', '--scan', '/tmp', '--depth', 'x'], /--depth must be a whole number from 0 to 64, got "x"/],
	['--depth without --scan', () => ['status', file, '--depth', '2'], /--depth needs --scan/],
	['bad --listen', () => ['serve', file, '--listen', 'localhost'], /--listen must be host:port/],
	['--record is not an option of status', () => ['status', file, '--record', '/tmp/x'], /--record is not an option of status/],
	['history without a file', () => ['history'], /history needs a file written by `watch --record`/],
	['doctor without a file', () => ['doctor', '--json'], /doctor needs a lock file or directory/],
	['doctor with a flag of node', () => ['doctor', file, '--role', 'backup'], /--role is not an option of doctor/],
];

test('usage errors: exit 3, one line, nothing else', async () => {
	await Promise.all(cases.map(async ([, args, message]) => expectUsageError(args(), message)));
});

test('`ha-tui help` and `ha-tui help status` print the help, exit 0', async () => {
	const main = await runCli(['help']);
	assert.equal(main.code, 0, main.stderr);
	assert.match(main.stdout, /Usage/);
	const status = await runCli(['help', 'status']);
	assert.equal(status.code, 0);
	assert.match(status.stdout, /ha-tui status <file\|dir>/);
});

test('help and version exit 0; a command\'s --help shows that command', async () => {
	const main = await runCli(['--help']);
	assert.equal(main.code, 0);
	for (const line of ['ha-tui status <file|dir>', 'ha-tui node <file|dir> --role primary|backup', 'ha-tui doctor', 'ha-tui demo', '--layout <files|ranges|flock|auto>']) assert.ok(main.stdout.includes(line), line);
	assert.equal((await runCli(['-h'])).code, 0);
	const status = await runCli(['status', '--help']);
	assert.equal(status.code, 0, status.stderr);
	assert.match(status.stdout, /\$ ha-tui status <file\|dir> \[--json\]/);
	assert.doesNotMatch(status.stdout, /--role/);
	const node = await runCli(['node', file, '--help']);
	assert.equal(node.code, 0);
	assert.match(node.stdout, /--role <primary\|backup> +node role; live is a synonym of primary/);
	assert.match(node.stdout, /primary \(live\)/);
	const watch = await runCli(['watch', '--help', '--jsn']);
	assert.equal(watch.code, 0, 'help wins over a bad flag');
	assert.match(watch.stdout, /--interval <ms>/);
	const doctor = await runCli(['doctor', '--help']);
	assert.equal(doctor.code, 0);
	assert.match(doctor.stdout, /\$ ha-tui doctor <file\|dir> \[--json\]/);
	const version = await runCli(['--version']);
	assert.equal(version.code, 0);
	assert.equal(version.stdout.trim(), (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string}).version);
});

test('--role primary is --role live', async () => {
	const group = new ProcessGroup();
	const dir = tempDir();
	try {
		const node = group.cli('primary', ['node', dir.dir, '--role', 'primary']);
		const index = await node.waitEvent('live');
		assert.equal((node.events()[index] as {role: string}).role, 'live');
		node.kill('SIGTERM');
		assert.equal((await node.exited).code, 0, node.describe());
	} finally {
		await group.killAll();
		dir.cleanup();
	}
});
