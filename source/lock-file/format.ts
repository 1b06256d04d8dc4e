// The 19-byte server.lock layout shared with Artemis' FileLockNodeManager.
// Pure functions only: no I/O happens here.
import {randomBytes} from 'node:crypto';

export const STATE_OFFSET = 0;
export const LIVE_LOCK_OFFSET = 1;
export const BACKUP_LOCK_OFFSET = 2;
export const NODE_ID_OFFSET = 3;
export const NODE_ID_LENGTH = 16;
export const FILE_SIZE = NODE_ID_OFFSET + NODE_ID_LENGTH;

export type Segment = 'state' | 'live' | 'backup';
export const SEGMENTS: readonly Segment[] = ['state', 'live', 'backup'];
export const SEGMENT_OFFSET: Readonly<Record<Segment, number>> = {
	state: STATE_OFFSET,
	live: LIVE_LOCK_OFFSET,
	backup: BACKUP_LOCK_OFFSET,
};

export const STATE = {
	firstStart: 0x30, // '0'
	notStarted: 0x4e, // 'N'
	live: 0x4c, // 'L'
	paused: 0x50, // 'P'
	failingBack: 0x46, // 'F'
} as const;

export type StateName = 'first start' | 'not started' | 'live' | 'paused' | 'failing back' | 'unknown';

const stateNames = new Map<number, StateName>([
	[STATE.firstStart, 'first start'],
	[STATE.notStarted, 'not started'],
	[STATE.live, 'live'],
	[STATE.paused, 'paused'],
	[STATE.failingBack, 'failing back'],
]);

export function stateName(state: number | undefined): StateName {
	// Artemis reads an empty file (no state byte yet) as 'N'.
	if (state === undefined) return 'not started';
	return stateNames.get(state) ?? 'unknown';
}

export function isKnownState(state: number): boolean {
	return stateNames.has(state);
}

/** `'L' (0x4c)` — the char when printable, always the hex, so unknown values stay visible. */
export function describeStateByte(state: number | undefined): string {
	if (state === undefined) return 'none';
	const hex = `0x${state.toString(16).padStart(2, '0')}`;
	const printable = state >= 0x20 && state < 0x7f;
	return printable ? `'${String.fromCharCode(state)}' (${hex})` : hex;
}

/**
 * The node id as Artemis reads it (`new UUID(TYPE_TIME_BASED, bytes)`): it forces the version
 * nibble to 1 and the RFC 4122 variant, so that is the id its logs and JMX print. Ids that
 * Artemis (or ha-tui) wrote are time-based already and read back unchanged; `raw` keeps the bytes.
 */
export function nodeIdToUuid(bytes: Uint8Array): string {
	if (bytes.length !== NODE_ID_LENGTH) throw new RangeError(`node id must be ${NODE_ID_LENGTH} bytes, got ${bytes.length}`);
	const seen = Buffer.from(bytes);
	seen[6] = (seen[6] & 0x0f) | 0x10;
	seen[8] = (seen[8] & 0x3f) | 0x80;
	const hex = seen.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uuidToNodeId(uuid: string): Uint8Array {
	const hex = uuid.replaceAll('-', '');
	if (!/^[\da-f]{32}$/i.test(hex)) throw new RangeError(`not a UUID: ${uuid}`);
	return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** 100 ns intervals between the UUID epoch (1582-10-15) and the Unix epoch. */
const UUID_EPOCH_OFFSET = 0x01_b2_1d_d2_13_81_40_00n;
let lastTimestamp = 0n;

/**
 * A new node id, time-based (version 1) as Artemis' UUIDGenerator makes them: a 60-bit
 * timestamp, a random clock sequence, and a random node with the multicast bit set (RFC 4122
 * §4.5: not a real MAC address). A random (version 4) id would read back with another version
 * nibble in Artemis (see nodeIdToUuid), so the broker would print another id than ha-tui.
 */
export function newNodeId(): Uint8Array {
	let timestamp = BigInt(Date.now()) * 10_000n + UUID_EPOCH_OFFSET;
	if (timestamp <= lastTimestamp) timestamp = lastTimestamp + 1n; // unique within a process
	lastTimestamp = timestamp;
	const bytes = Buffer.alloc(NODE_ID_LENGTH);
	bytes.writeUInt32BE(Number(timestamp & 0xff_ff_ff_ffn), 0); // time_low
	bytes.writeUInt16BE(Number((timestamp >> 32n) & 0xff_ffn), 4); // time_mid
	bytes.writeUInt16BE(Number((timestamp >> 48n) & 0x0f_ffn) | 0x10_00, 6); // version 1, time_hi
	randomBytes(8).copy(bytes, 8); // clock sequence and node
	bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
	bytes[10] |= 0x01; // multicast bit: a random node, not a MAC address
	return new Uint8Array(bytes);
}

export type DecodedLockFile = {
	readonly size: number;
	/** undefined when the file is empty. */
	readonly state: number | undefined;
	readonly stateName: StateName;
	/** undefined until all 16 bytes are there. */
	readonly nodeId: string | undefined;
	readonly raw: string;
	/** A file holding more than 19 bytes is still usable; Artemis ignores the rest. */
	readonly complete: boolean;
};

export function decodeLockFile(bytes: Uint8Array): DecodedLockFile {
	const state = bytes.length > STATE_OFFSET ? bytes[STATE_OFFSET] : undefined;
	const complete = bytes.length >= FILE_SIZE;
	return {
		size: bytes.length,
		state,
		stateName: stateName(state),
		nodeId: complete ? nodeIdToUuid(bytes.subarray(NODE_ID_OFFSET, FILE_SIZE)) : undefined,
		raw: Buffer.from(bytes.subarray(0, FILE_SIZE)).toString('hex'),
		complete,
	};
}

/** A new file: '0','0','0' then the node id. */
export function encodeNewLockFile(nodeId: Uint8Array = newNodeId()): Uint8Array {
	const bytes = new Uint8Array(FILE_SIZE);
	bytes.fill(STATE.firstStart, 0, NODE_ID_OFFSET);
	bytes.set(nodeId, NODE_ID_OFFSET);
	return bytes;
}

/** Hex of the 19 bytes split at the segment boundaries: `4c 00 00 | 0123…`. */
export function formatRaw(rawHex: string): {state: string; live: string; backup: string; nodeId: string} {
	const pair = (from: number, to: number) => (rawHex.slice(from * 2, to * 2).match(/../g) ?? []).join(' ');
	return {
		state: pair(0, 1),
		live: pair(1, 2),
		backup: pair(2, 3),
		nodeId: pair(3, FILE_SIZE),
	};
}
