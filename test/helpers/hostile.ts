// Text a hostile local user can put in front of ha-tui (a process name, a file name), and
// checks that none of its control characters reaches a terminal.

/** Sets the window title, clears the screen, paints red; then the 8-bit CSI, DEL, bidi, a lone surrogate. */
export const HOSTILE = '\u001B]0;PWNED\u0007\u001B[2J\u001B[31m\u009B31m\u007F\u202E\uD800\r\n\tEND';

/** What must never reach the terminal raw (Ink's own styling is off in these tests). */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where a control character is, for the assertion message. */
export function describeControl(text: string): string | undefined {
	const match = CONTROL.exec(text);
	if (!match) return undefined;
	const code = match[0].charCodeAt(0).toString(16).padStart(4, '0');
	return `U+${code} at ${match.index}: …${JSON.stringify(text.slice(Math.max(0, match.index - 30), match.index + 10))}…`;
}

/** Enum-like fields and node labels of our own making: not outside text, and the code looks them up. */
const own = new Set(['id', 'label', 'verdict', 'level', 'source', 'role', 'phase', 'status', 'kind', 'stateName', 'layout', 'segment', 'tone', 'exitCode']);

/** A copy with every string field (not our enums) replaced by HOSTILE wrapped around it. */
export function hostile<T>(value: T, key = ''): T {
	if (typeof value === 'string') return (own.has(key) ? value : `${HOSTILE}${value}${HOSTILE}`) as T;
	if (Array.isArray(value)) return value.map(item => hostile(item, key)) as T;
	if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, hostile(item, name)])) as T;
}

/** How many string fields hostile() replaced: the tests check each one shows up escaped. */
export function stringFields(value: unknown, key = ''): string[] {
	if (typeof value === 'string') return own.has(key) ? [] : [value];
	if (Array.isArray(value)) return value.flatMap(item => stringFields(item, key));
	if (value instanceof Uint8Array || value === null || typeof value !== 'object') return [];
	return Object.entries(value).flatMap(([name, item]) => stringFields(item, name));
}
