// Text that came from outside the program (a lock holder's command line, file and directory
// names, error messages that quote them) must not drive the terminal it is printed on: a
// process named `ESC ] 0 ; PWNED BEL` would set the window title, `ESC [ 2 J` clear the
// screen. Every such character becomes a visible escape instead.
//
// What is escaped, and how:
// - C0 controls U+0000–U+001F (tab and newline too: a field is one line, and a newline in a
//   command line could forge a line of the report): `\x1b`, `\x09`, `\x0a`.
// - DEL U+007F and the C1 controls U+0080–U+009F (U+009B is the 8-bit CSI, which some
//   terminals obey in its UTF-8 form C2 9B): `\u007f`, `\u009b`.
// - Lone UTF-16 surrogates (no character; terminals show garbage): `\ud800`.
// - Characters that reorder or break a line without being visible: the bidi embeddings,
//   overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the line and paragraph
//   separators U+2028/U+2029: `\u202e`.
// The escapes are also JSON escapes of the same characters, except `\xNN` for C0, which
// JSON.stringify never leaves raw. So sanitize(JSON.stringify(value)) is still JSON and parses
// to exactly `value`: the output layer can pass every line through it, --json included.
// A backslash is left as it is: ordinary text stays ordinary (the escapes are for people).
//
// Bytes that are not valid UTF-8 (a command line is bytes, not text) are decoded by
// decodeBytes() to `\xff` per invalid byte rather than the anonymous U+FFFD.

// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, '0');

function escape(character: string): string {
	const code = character.charCodeAt(0);
	return code < 0x20 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/** One line of outside text, safe to print: every control character becomes a visible escape. */
export function sanitize(text: string): string {
	return text.replace(unsafe, escape);
}

/** Like sanitize, keeping line breaks (\n): for text that is several lines on purpose. */
export function sanitizeLines(text: string): string {
	return text.split('\n').map(line => sanitize(line)).join('\n');
}

/** Whether sanitize would change the text. */
export function isSafe(text: string): boolean {
	return sanitize(text) === text;
}

/** Length of the valid UTF-8 sequence at `index`, or 0 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF). */
function sequenceLength(bytes: Uint8Array, index: number): number {
	const first = bytes[index];
	if (first < 0x80) return 1;
	let length: number;
	let low = 0x80;
	let high = 0xBF;
	if (first >= 0xC2 && first <= 0xDF) {
		length = 2;
	} else if (first >= 0xE0 && first <= 0xEF) {
		length = 3;
		if (first === 0xE0) low = 0xA0;
		if (first === 0xED) high = 0x9F;
	} else if (first >= 0xF0 && first <= 0xF4) {
		length = 4;
		if (first === 0xF0) low = 0x90;
		if (first === 0xF4) high = 0x8F;
	} else {
		return 0;
	}

	if (index + length > bytes.length) return 0;
	for (let i = 1; i < length; i++) {
		const byte = bytes[index + i];
		if (byte < (i === 1 ? low : 0x80) || byte > (i === 1 ? high : 0xBF)) return 0;
	}

	return length;
}

/**
 * UTF-8 bytes to text, each byte that is not part of a valid sequence written as `\xff`.
 * Control characters are kept (JSON output shows them exactly): pass the result through
 * sanitize() before it reaches a terminal, or use sanitizeBytes.
 */
export function decodeBytes(bytes: Uint8Array): string {
	const decoder = new TextDecoder('utf-8');
	let text = '';
	let start = 0;
	let index = 0;
	while (index < bytes.length) {
		const length = sequenceLength(bytes, index);
		if (length > 0) {
			index += length;
			continue;
		}

		text += decoder.decode(bytes.subarray(start, index)) + `\\x${hex(bytes[index], 2)}`;
		index++;
		start = index;
	}

	return text + decoder.decode(bytes.subarray(start));
}

/** Outside bytes (e.g. /proc/PID/cmdline) as one safe line. */
export function sanitizeBytes(bytes: Uint8Array): string {
	return sanitize(decodeBytes(bytes));
}
