// What a line of the TUI may be: every screen at every size is made of these and blanks only,
// so a line that is none of them is two texts overlapping or a leftover of an earlier frame.
import assert from 'node:assert/strict';

/** What a line of the screen may be (its start, after the frame's own left edge). */
export const LINE_KINDS: readonly RegExp[] = [
	/^ha-tui \S/, // header path + clock
	/^dev:inode \d+:\d+ · \d+ bytes · /, // identity
	/^(no file|not a usable lock file) · /,
	/^(‼|…|✖) /, // alarm, the hidden line
	/^doctor: (WARNING|CRITICAL) /,
	/^DEMO · /,
	/^(Locks|In-process nodes|Lock file|Events|Help|Doctor|Timeline) ─*/, // titles
	/^(primary|backup|state) {3,}\S/, // timeline lock rows
	/^#\d+ (live|backu)/, // timeline node rows
	/^ {10}├-\d+ (s|min|h)─/, // timeline axis
	/^█ ▓ ▒ # a holder each/, // timeline legend
	/^ ?[✔▲✖?] (OK|WARNING|CRITICAL|UNKNOWN)/, // verdict
	/^ {3}\S/, // its wrapped lines, indented
	/^ (state|primary \(live\)|backup) +(● held|○ free|\?)/, // lock rows
	/^[▶ ] #\d+ +(live|backup) /, // node rows
	/^ none: read-only/,
	/^ state '.'|^ state unknown|^ bytes [\da-f]{2} |^ {7}state {2}|^ layout (files|ranges|mixed|flock)/, // lock file
	/^\d\d:\d\d:\d\d\.\d{3} (file|node|you) /, // events
	/^[╭│╰]/, // a dialog's border
	/^ ?▲ /, // a dialog's title without border
	/^[✔▲✖·] /, // a notice
	/^ {1,2}\S.*$/, // dialog lines without border, help and doctor lines (indented text)
	/^ {10,}\S/, // doctor evidence
	/^ (OK|INFO|WARNING|CRITICAL) /, // doctor finding head
	/(^|\s)\? help\s+q quit$/, // the key bar
];

/** What a line of the JDBC screen may be (ui/jdbc-app.tsx). */
export const JDBC_LINES: readonly RegExp[] = [
	/^ha-tui postgresql:\/\/hatui(:\*\*|@)/, // header: the URL, password masked (its middle may be cut), and the clock
	/^DB − host [+−]\d+ ms · /, // identity
	/^doctor: (WARNING|CRITICAL) /,
	/^(✖|…) /, // alarm, the hidden line
	/^ [✔▲✖?] (OK|WARNING|CRITICAL|UNKNOWN)/, // verdict
	/^ {3}\S/, // its wrapped lines
	/^(Leases|In-process nodes|Table|Events|Help|Doctor|Timeline) ─*/, // titles
	/^(primary|backup) {2,3}[█░?]+ /, // lease bars
	/^ state {4}/,
	/^(primary|backup|state) {3,}\S/, // timeline lease and state rows
	/^#\d+ (live|backu)/, // timeline node rows
	/^ {10}├-\d+ (s|min|h)─/, // timeline axis
	/^█ ▓ ▒ # a holder each/, // timeline legend
	/^[▶ ] #\d+ +(live|backup) /, // node rows
	/^ none: read-only/,
	/^ row [0-3] (state|primary|backup|node_id) /, // the rows as stored
	/^\d\d:\d\d:\d\d\.\d{3} (db {2}|node|you ) /, // events
	/^[╭│╰]/, // a dialog's border
	/^ ?▲ /, // a dialog's title without border
	/^[✔▲✖·] /, // a notice
	/^ {1,2}\S.*$/, // dialog lines without border, help and doctor lines
	/^ {10,}\S/, // doctor evidence
	/^ (OK|INFO|WARNING|CRITICAL) /, // doctor finding head
	/(^|\s)\? help\s+q quit$/, // the key bar
];

/** kinds: another screen's own (the JDBC screen's, test/ui/jdbc-app.test.tsx). */
export function checkScreen(frame: string, columns: number, what: string, kinds: readonly RegExp[] = LINE_KINDS): string[] {
	const lines = frame.split('\n');
	assert.ok(lines.length <= columns * 100, 'sanity');
	for (const line of lines) {
		assert.ok(line.length <= columns, `${what}: a line of ${line.length} > ${columns}: ${JSON.stringify(line)}\n${frame}`);
		if (line.trim() === '') continue;
		assert.ok(kinds.some(kind => kind.test(line)), `${what}: a line that is none of the screen's texts: ${JSON.stringify(line)}\n${frame}`);
	}

	assert.match(lines.at(-1) ?? '', /\? help +q quit$/, `${what}: the key bar with ? and q is the last line\n${frame}`);
	return lines;
}

