// Property-based tests (issue 9 §7) of what parses outside input: the lock file's bytes, a
// /proc/locks (or fdinfo `lock:`) line, and the terminal boundary for any text or bytes.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {FILE_SIZE, decodeLockFile} from '../../source/lock-file/index.js';
import {parseProcLockLine} from '../../source/lock-file/proc-locks.js';
import {decodeBytes, isSafe, sanitize, sanitizeBytes} from '../../source/text/sanitize.js';
import {describeControl} from '../helpers/hostile.js';

const stateNames = new Set(['first start', 'not started', 'live', 'paused', 'failing back', 'unknown']);
const uuid = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;

test('decodeLockFile: any 0–64 bytes decode, consistently, without throwing', () => {
	fc.assert(fc.property(fc.uint8Array({minLength: 0, maxLength: 64}), bytes => {
		const decoded = decodeLockFile(bytes);
		assert.equal(decoded.size, bytes.length);
		assert.equal(decoded.state, bytes[0]);
		assert.ok(stateNames.has(decoded.stateName), decoded.stateName);
		assert.equal(decoded.complete, bytes.length >= FILE_SIZE);
		assert.equal(decoded.raw, Buffer.from(bytes.subarray(0, FILE_SIZE)).toString('hex'));
		if (decoded.complete) assert.match(decoded.nodeId!, uuid);
		else assert.equal(decoded.nodeId, undefined);
	}), {numRuns: 2000});
});

// A line as the kernel writes it (lock_get_status in fs/locks.c), for the round trip.
const procLine = fc.record({
	id: fc.nat(99_999),
	blocked: fc.boolean(),
	kind: fc.constantFrom('POSIX', 'OFDLCK', 'FLOCK', 'LEASE', 'DELEG'),
	mode: fc.constantFrom('ADVISORY', 'MANDATORY'),
	type: fc.constantFrom('READ', 'WRITE'),
	pid: fc.integer({min: -1, max: 4_194_304}),
	major: fc.nat(0xFFF),
	minor: fc.nat(0xFFFFF),
	inode: fc.nat(),
	start: fc.nat(),
	length: fc.option(fc.nat(), {nil: undefined}),
});

test('parseProcLockLine: any line parses or is refused, never throws; a kernel line round-trips', () => {
	fc.assert(fc.property(fc.oneof(fc.string(), fc.string({unit: 'binary'}), fc.string({unit: fc.constantFrom(...' 0123456789:abcdefEOFPOSIXOFDLCKREADWRITE-\t->')})), line => {
		const lock = parseProcLockLine(line);
		if (!lock) return;
		assert.ok(['OFD', 'POSIX', 'FLOCK', 'unknown'].includes(lock.kind));
		assert.ok(Number.isSafeInteger(lock.inode) || lock.inode > 0, `inode ${lock.inode}`);
		assert.ok(lock.pid === undefined || lock.pid > 0);
		assert.ok(lock.end === undefined || Number.isFinite(lock.end));
		assert.equal(lock.line, line.trim());
	}), {numRuns: 5000});

	fc.assert(fc.property(procLine, ({id, blocked, kind, mode, type, pid, major, minor, inode, start, length}) => {
		const device = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
		const end = length === undefined ? 'EOF' : String(start + length);
		const line = `${id}: ${blocked ? '-> ' : ''}${kind}  ${mode}  ${type} ${pid} ${device}:${inode} ${start} ${end}`;
		const lock = parseProcLockLine(line);
		if (blocked) {
			// A waiter ("->") holds nothing: it must not be read as a holder.
			assert.equal(lock, undefined, line);
			return;
		}

		assert.ok(lock, line);
		assert.equal(lock.kind, kind === 'OFDLCK' ? 'OFD' : kind === 'POSIX' ? 'POSIX' : kind === 'FLOCK' ? 'FLOCK' : 'unknown');
		assert.equal(lock.type, type === 'WRITE' ? 'write' : 'read');
		assert.equal(lock.pid, pid > 0 ? pid : undefined);
		assert.equal(lock.device, device);
		assert.equal(lock.inode, inode);
		assert.equal(lock.start, start);
		assert.equal(lock.end, length === undefined ? undefined : start + length);
	}), {numRuns: 2000});
});

test('sanitize: any text comes out with no control character, unchanged when it had none, and stays JSON', () => {
	fc.assert(fc.property(fc.oneof(fc.string({unit: 'binary'}), fc.string({unit: fc.integer({min: 0, max: 0x2100}).map(code => String.fromCharCode(code))})), text => {
		const safe = sanitize(text);
		assert.equal(describeControl(safe), undefined);
		assert.equal(sanitize(safe), safe, 'idempotent');
		// Text with nothing to escape (by the tests' own definition) is left alone.
		if (describeControl(text) === undefined && !text.includes('\n')) assert.equal(safe, text);
		assert.equal(isSafe(text), safe === text);
		assert.equal(JSON.parse(sanitize(JSON.stringify(text))), text);
	}), {numRuns: 5000});
});

test('decodeBytes: valid UTF-8 decodes as Buffer does; any bytes give a safe line with sanitizeBytes', () => {
	fc.assert(fc.property(fc.string({unit: 'binary'}), text => {
		const wellFormed = Buffer.from(text, 'utf8').toString('utf8');
		assert.equal(decodeBytes(Buffer.from(wellFormed, 'utf8')), wellFormed);
	}), {numRuns: 2000});
	fc.assert(fc.property(fc.uint8Array({maxLength: 64}), bytes => {
		const line = sanitizeBytes(bytes);
		assert.equal(describeControl(line), undefined);
		// Nothing is lost: every invalid byte is named, so no U+FFFD appears that was not there.
		if (!Buffer.from(bytes).includes(Buffer.from('\uFFFD'))) assert.ok(!line.includes('\uFFFD'), line);
	}), {numRuns: 3000});
});
