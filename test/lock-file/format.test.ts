import assert from 'node:assert/strict';
import test from 'node:test';
import {FILE_SIZE, STATE, decodeLockFile, describeStateByte, encodeNewLockFile, formatRaw, isKnownState, newNodeId, nodeIdToUuid, stateName, uuidToNodeId} from '../../source/lock-file/format.js';

test('a new file is 0,0,0 then a 16-byte node id', () => {
	const bytes = encodeNewLockFile();
	assert.equal(bytes.length, FILE_SIZE);
	assert.deepEqual([...bytes.subarray(0, 3)], [0x30, 0x30, 0x30]);
	const decoded = decodeLockFile(bytes);
	assert.equal(decoded.stateName, 'first start');
	assert.match(decoded.nodeId!, /^[\da-f]{8}-[\da-f]{4}-1[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
	assert.notEqual(decodeLockFile(encodeNewLockFile()).nodeId, decoded.nodeId);
});

test('node id round-trips between bytes and UUID text (a time-based id, as Artemis writes them)', () => {
	const uuid = '0123abcd-4567-19ef-8123-456789abcdef';
	const bytes = uuidToNodeId(uuid);
	assert.equal(bytes.length, 16);
	assert.equal(bytes[0], 0x01);
	assert.equal(nodeIdToUuid(bytes), uuid);
	const file = encodeNewLockFile(bytes);
	assert.equal(decodeLockFile(file).nodeId, uuid);
	assert.throws(() => uuidToNodeId('not-a-uuid'), RangeError);
	assert.throws(() => nodeIdToUuid(new Uint8Array(15)), RangeError);
});

test('node id text is what Artemis reads: version nibble 1 and the RFC variant forced, as new UUID(TYPE_TIME_BASED, bytes) does', () => {
	// Found against the real artemis-server: a random (v4) id written by an older ha-tui read back as …-1f8c-… in the broker.
	assert.equal(nodeIdToUuid(uuidToNodeId('58b07301-fa3f-4f8c-0123-456789abcdef')), '58b07301-fa3f-1f8c-8123-456789abcdef');
});

test('new node ids are time-based (version 1, RFC variant, multicast node), unique and read back unchanged', () => {
	const ids = Array.from({length: 1000}, () => newNodeId());
	assert.equal(new Set(ids.map(id => Buffer.from(id).toString('hex'))).size, ids.length);
	for (const id of ids) {
		assert.equal(id[6] >> 4, 1, 'version 1');
		assert.equal(id[8] >> 6, 2, 'variant 10');
		assert.equal(id[10] & 1, 1, 'multicast bit');
		assert.equal(nodeIdToUuid(id), nodeIdToUuid(uuidToNodeId(nodeIdToUuid(id))));
		assert.equal(Buffer.from(uuidToNodeId(nodeIdToUuid(id))).toString('hex'), Buffer.from(id).toString('hex'));
	}

	// The timestamp is now: 100 ns since 1582-10-15.
	const id = Buffer.from(newNodeId());
	const timestamp = (BigInt(id.readUInt16BE(6) & 0x0f_ff) << 48n) | (BigInt(id.readUInt16BE(4)) << 32n) | BigInt(id.readUInt32BE(0));
	const ms = Number((timestamp - 0x01_b2_1d_d2_13_81_40_00n) / 10_000n);
	assert.ok(Math.abs(ms - Date.now()) < 60_000, `timestamp ${new Date(ms).toISOString()}`);
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
