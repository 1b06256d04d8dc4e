import assert from 'node:assert/strict';
import test from 'node:test';
import {FILE_SIZE, STATE, decodeLockFile, describeStateByte, encodeNewLockFile, formatRaw, isKnownState, nodeIdToUuid, stateName, uuidToNodeId} from '../../source/lock-file/format.js';

test('a new file is 0,0,0 then a 16-byte node id', () => {
	const bytes = encodeNewLockFile();
	assert.equal(bytes.length, FILE_SIZE);
	assert.deepEqual([...bytes.subarray(0, 3)], [0x30, 0x30, 0x30]);
	const decoded = decodeLockFile(bytes);
	assert.equal(decoded.stateName, 'first start');
	assert.match(decoded.nodeId!, /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
	assert.notEqual(decodeLockFile(encodeNewLockFile()).nodeId, decoded.nodeId);
});

test('node id round-trips between bytes and UUID text', () => {
	const uuid = '0123abcd-4567-89ef-0123-456789abcdef';
	const bytes = uuidToNodeId(uuid);
	assert.equal(bytes.length, 16);
	assert.equal(bytes[0], 0x01);
	assert.equal(nodeIdToUuid(bytes), uuid);
	const file = encodeNewLockFile(bytes);
	assert.equal(decodeLockFile(file).nodeId, uuid);
	assert.throws(() => uuidToNodeId('not-a-uuid'), RangeError);
	assert.throws(() => nodeIdToUuid(new Uint8Array(15)), RangeError);
});

test('every state value decodes; unknown values are kept and shown as hex', () => {
	const cases: Array<[number, string]> = [
		[STATE.firstStart, 'first start'],
		[STATE.notStarted, 'not started'],
		[STATE.live, 'live'],
		[STATE.paused, 'paused'],
		[STATE.failingBack, 'failing back'],
	];
	for (const [byte, name] of cases) {
		const file = encodeNewLockFile();
		file[0] = byte;
		const decoded = decodeLockFile(file);
		assert.equal(decoded.state, byte);
		assert.equal(decoded.stateName, name);
		assert.ok(isKnownState(byte));
	}

	const odd = encodeNewLockFile();
	odd[0] = 0x07;
	assert.equal(decodeLockFile(odd).stateName, 'unknown');
	assert.equal(decodeLockFile(odd).state, 0x07);
	assert.equal(describeStateByte(0x07), '0x07');
	assert.equal(describeStateByte(STATE.live), "'L' (0x4c)");
	assert.equal(describeStateByte(0x5a), "'Z' (0x5a)");
	assert.equal(isKnownState(0x5a), false);
});

test('an empty file reads as N (not started), as Artemis does; a short file has no node id', () => {
	assert.equal(stateName(undefined), 'not started');
	const empty = decodeLockFile(new Uint8Array(0));
	assert.equal(empty.state, undefined);
	assert.equal(empty.stateName, 'not started');
	assert.equal(empty.complete, false);
	const short = decodeLockFile(Uint8Array.of(0x4c, 0, 0, 1, 2));
	assert.equal(short.stateName, 'live');
	assert.equal(short.nodeId, undefined);
	assert.equal(short.size, 5);
});

test('raw bytes are split at the segment boundaries; bytes past 19 are ignored', () => {
	const bytes = new Uint8Array(25);
	bytes.set(encodeNewLockFile(uuidToNodeId('00112233-4455-6677-8899-aabbccddeeff')));
	bytes[0] = STATE.live;
	const decoded = decodeLockFile(bytes);
	assert.equal(decoded.raw.length, 38);
	assert.deepEqual(formatRaw(decoded.raw), {
		state: '4c',
		live: '30',
		backup: '30',
		nodeId: '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff',
	});
});
