// `${name}` and `${name:default}` in broker.xml, resolved as Artemis' XMLUtil does: a Java
// system property (-D on the command line) first, then an environment variable, then the
// default. Artemis substitutes "" for a name it cannot resolve at all; we cannot see every
// property a JVM has, so we say "unresolved" instead of guessing. Pure: no I/O here.

export type Lookup = {
	readonly properties: ReadonlyMap<string, string>;
	/** undefined: the environment could not be read (another user's process). */
	readonly environment: ReadonlyMap<string, string> | undefined;
};

export type Resolved = {
	/** null when a reference could not be resolved. */
	readonly value: string | null;
	/** Human notes on what could not be resolved or was assumed. */
	readonly notes: readonly string[];
};

/** More than any real broker.xml has; past it the text stays as it is (bounded work on hostile input). */
const maxReferences = 1024;

/** The `${…}` names a text refers to (for reading just those from the environment). */
export function referencedNames(text: string): string[] {
	const names: string[] = [];
	for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
		const name = match[1].split(':', 1)[0].trim();
		if (name) names.push(name);
	}

	return names;
}

export function resolveReferences(text: string, lookup: Lookup): Resolved {
	const notes: string[] = [];
	const note = (line: string) => {
		if (!notes.includes(line)) notes.push(line);
	};

	let unresolved = false;
	let result = '';
	let position = 0;
	for (let count = 0; count < maxReferences; count++) {
		const start = text.indexOf('${', position);
		const end = start < 0 ? -1 : text.indexOf('}', start);
		if (start < 0 || end < 0) break;
		const inner = text.slice(start + 2, end);
		const colon = inner.indexOf(':');
		const name = (colon < 0 ? inner : inner.slice(0, colon)).trim();
		const fallback = colon < 0 ? undefined : inner.slice(colon + 1).trim();
		let value = lookup.properties.get(name) ?? lookup.environment?.get(name);
		if (value === undefined && lookup.environment === undefined && fallback !== undefined) {
			note(`\${${name}}: took the default "${fallback}" (no -D${name}; the process environment is not readable, so an environment variable ${name} cannot be ruled out)`);
		}

		if (value === undefined) value = fallback;
		if (value === undefined) {
			unresolved = true;
			note(`\${${name}}: not set on the command line${lookup.environment ? ' or in the process environment' : ' (the process environment is not readable)'}`);
			value = '';
		}

		result += text.slice(position, start) + value;
		position = end + 1;
	}

	result += text.slice(position);
	return {value: unresolved ? null : result, notes};
}

/** What bin/artemis passes as -D from the variables artemis.profile sets. */
const profileToProperty: Readonly<Record<string, string>> = {
	ARTEMIS_HOME: 'artemis.home',
	ARTEMIS_INSTANCE: 'artemis.instance',
	ARTEMIS_DATA_DIR: 'data.dir',
	ARTEMIS_ETC_DIR: 'artemis.instance.etc',
};

/**
 * Simple `KEY='value'` / `KEY="value"` / `KEY=value` lines of a shell file such as
 * artemis.profile. Never executed: a value that needs the shell (`$`, backquotes, escapes)
 * is skipped, as are lines inside functions or with several commands.
 */
export function parseShellAssignments(text: string): Map<string, string> {
	const values = new Map<string, string>();
	for (const line of text.split('\n')) {
		const match = /^\s*(?:export\s+)?([A-Za-z_]\w*)=(.*?)\s*$/.exec(line);
		if (!match) continue;
		const [, key, raw] = match;
		let value: string | undefined;
		if (/^'[^']*'$/.test(raw)) value = raw.slice(1, -1);
		else if (/^"[^"$`\\]*"$/.test(raw)) value = raw.slice(1, -1);
		else if (/^[\w./:@%+,-]*$/.test(raw)) value = raw;
		if (value !== undefined) values.set(key, value);
	}

	return values;
}

/** The system properties artemis.profile implies, for the ones the command line lacks. */
export function propertiesFromProfile(assignments: ReadonlyMap<string, string>): Map<string, string> {
	const properties = new Map<string, string>();
	for (const [variable, property] of Object.entries(profileToProperty)) {
		const value = assignments.get(variable);
		if (value) properties.set(property, value);
	}

	return properties;
}
