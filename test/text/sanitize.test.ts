// The terminal boundary: outside text shows as visible escapes, never as control characters.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {tidyCommand} from '../../source/broker/holder-text.js';
import {assess} from '../../source/lock-file/index.js';
import {terminalIo} from '../../source/commands/output.js';
import {statusJson, statusText} from '../../source/commands/status-report.js';
import {decodeBytes, isSafe, sanitize, sanitizeBytes, sanitizeLines} from '../../source/text/sanitize.js';
import {HOSTILE, describeControl, hostile, stringFields} from '../helpers/hostile.js';
import {makeSnapshot, outside, ours} from '../ui/fixtures.js';

test('sanitize: C0, DEL, C1 (8-bit CSI), bidi, line separators and lone surrogates become escapes', () => {
	assert.equal(sanitize('\u001B]0;PWNED\u0007'), String.raw`\x1b]0;PWNED\x07`);
	assert.equal(sanitize('a\tb\nc\rd\u0000'), String.raw`a\x09b\x0ac\x0dd\x00`);
	assert.equal(sanitize('\u007F\u0080\u009B31m\u009F'), String.raw`\u007f\u0080\u009b31m\u009f`);
	assert.equal(sanitize('x\u202Ey\u2066\u2028\u2029'), String.raw`x\u202ey\u2066\u2028\u2029`);
	assert.equal(sanitize('\uD800 \uDC00 \uDBFF'), String.raw`\ud800 \udc00 \udbff`);
	assert.equal(describeControl(sanitize(HOSTILE)), undefined);
});

test('sanitize: ordinary text, including non-ASCII and astral characters, is unchanged', () => {
	for (const text of ['java -cp artemis.jar org.apache.activemq.artemis.boot.Artemis run', '/srv/données/journal/server.lock', '日本語 😀 ✔ ‼ …', String.raw`C:\path \x1b`, '']) {
		assert.equal(sanitize(text), text);
		assert.ok(isSafe(text));
	}

	assert.equal(isSafe('\u009B'), false);
});

test('sanitizeLines keeps line breaks only', () => {
	assert.equal(sanitizeLines('one\u001B[2J\ntwo\tthree'), String.raw`one\x1b[2J` + '\n' + String.raw`two\x09three`);
});

test('decodeBytes: valid UTF-8 as text, each invalid byte as \\xNN (not an anonymous U+FFFD)', () => {
	const bytes = (...values: number[]) => Uint8Array.from(values);
	assert.equal(decodeBytes(Buffer.from('java é 😀')), 'java é 😀');
	assert.equal(decodeBytes(bytes(0x61, 0xFF, 0x62)), String.raw`a\xffb`);
	assert.equal(decodeBytes(bytes(0xC0, 0x80)), String.raw`\xc0\x80`, 'overlong NUL');
	assert.equal(decodeBytes(bytes(0xED, 0xA0, 0x80)), String.raw`\xed\xa0\x80`, 'encoded surrogate');
	assert.equal(decodeBytes(bytes(0xF4, 0x90, 0x80, 0x80)), String.raw`\xf4\x90\x80\x80`, 'beyond U+10FFFF');
	assert.equal(decodeBytes(bytes(0xE2, 0x82)), String.raw`\xe2\x82`, 'truncated');
	assert.equal(decodeBytes(bytes(0xC2, 0x9B)), '\u009B', 'the UTF-8 form of CSI decodes');
	assert.equal(sanitizeBytes(bytes(0xC2, 0x9B, 0x1B, 0xFF)), String.raw`\u009b\x1b\xff`);
});

test('JSON lines through the boundary stay JSON with the same value', () => {
	const value = {command: HOSTILE, nested: [HOSTILE, {x: '\u0085\u2028'}]};
	const line = sanitize(JSON.stringify(value));
	assert.equal(describeControl(line), undefined);
	assert.deepEqual(JSON.parse(line), value);
});

/** What status prints, through the same boundary as the CLI (terminalIo). */
function printed(lines: string[]): {stdout: string; stderr: string} {
	let stdout = '';
	let stderr = '';
	const io = terminalIo({write: text => stdout += text}, {write: text => stderr += text});
	for (const line of lines) io.out(line);
	io.err(`ha-tui: ${HOSTILE}`);
	return {stdout, stderr};
}

test('status: every string field of the report, made hostile, reaches the terminal escaped', () => {
	const {probe: clean} = makeSnapshot({live: outside(4264, 'java'), backup: ours});
	const probe = hostile(clean!);
	const fields = stringFields(probe);
	assert.ok(fields.length >= 5, `walked ${fields.length} string fields`);
	const assessment = hostile(assess(clean!));
	const text = printed(statusText(probe, assessment));
	assert.equal(describeControl(text.stdout.replaceAll('\n', '')), undefined, text.stdout);
	assert.equal(describeControl(text.stderr.replaceAll('\n', '')), undefined);
	assert.ok(text.stdout.includes(String.raw`\x1b]0;PWNED\x07\x1b[2J\x1b[31m\u009b31m`), 'shown as visible escapes');
	// The fields a person reads in the report (path, command lines) are in it, escaped; the text
	// shortens command lines, --verbose prints them whole (both through the same boundary).
	const verbose = printed(statusText(probe, assessment, {verbose: true}));
	assert.equal(describeControl(verbose.stdout.replaceAll('\n', '')), undefined, verbose.stdout);
	// A command line is one line there (whitespace runs, the hostile newline and tab too, are one space).
	for (const field of [probe.path, tidyCommand(probe.locks.live.holders[0].command!)]) assert.ok(verbose.stdout.includes(sanitize(field)), field);
	assert.ok(text.stdout.includes(sanitize(probe.path)), probe.path);

	const json = JSON.stringify(statusJson(probe, assessment));
	const line = printed([json]).stdout.trim();
	assert.equal(describeControl(line), undefined);
	assert.deepEqual(JSON.parse(line), JSON.parse(json), 'JSON keeps the exact value');
});
