import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import {parseShellAssignments, propertiesFromProfile, referencedNames, resolveReferences} from '../../source/broker/properties.js';
import {fixture} from './fake-broker.js';

const lookup = (properties: Record<string, string>, environment?: Record<string, string>) => ({
	properties: new Map(Object.entries(properties)),
	environment: environment ? new Map(Object.entries(environment)) : undefined,
});

test('${name}: a -D property first, then the environment, then the default', () => {
	assert.deepEqual(resolveReferences('${data.dir}/journal', lookup({'data.dir': '/shared'}, {})), {value: '/shared/journal', notes: []});
	assert.deepEqual(resolveReferences('${DATA}/journal', lookup({}, {DATA: '/env'})), {value: '/env/journal', notes: []});
	assert.deepEqual(resolveReferences('${a:fallback}', lookup({a: 'set'}, {a: 'env'})), {value: 'set', notes: []});
	assert.deepEqual(resolveReferences('${a:fallback}', lookup({}, {})), {value: 'fallback', notes: []});
	// Artemis trims around the name and the default.
	assert.deepEqual(resolveReferences('${ a : b }', lookup({}, {})), {value: 'b', notes: []});
	// The default may hold a colon (only the first one splits).
	assert.equal(resolveReferences('${url:file:/x}', lookup({}, {})).value, 'file:/x');
	assert.equal(resolveReferences('plain text', lookup({}, {})).value, 'plain text');
	assert.equal(resolveReferences('${a}${b}', lookup({a: '1', b: '2'}, {})).value, '12');
	assert.equal(resolveReferences('${unterminated', lookup({}, {})).value, '${unterminated');
});

test('unresolvable references give null and say why; an unreadable environment is said', () => {
	const missing = resolveReferences('${journal.root}/journal', lookup({}, {}));
	assert.equal(missing.value, null);
	assert.match(missing.notes[0], /journal\.root.*not set on the command line or in the process environment/);
	const unreadable = resolveReferences('${x:/d}', lookup({}));
	assert.equal(unreadable.value, '/d');
	assert.match(unreadable.notes[0], /not readable/);
	assert.match(resolveReferences('${x}', lookup({})).notes[0], /environment is not readable/);
});

test('a value that refers to itself is not expanded again (no loop)', () => {
	assert.equal(resolveReferences('${a}', lookup({a: '${a}${a}'}, {})).value, '${a}${a}');
	assert.equal(resolveReferences('${a}'.repeat(1000), lookup({a: 'x'}, {})).value, 'x'.repeat(1000));
	// Hostile: work is bounded; past the limit the text stays literal.
	const resolved = resolveReferences('${a}'.repeat(100_000), lookup({a: 'x'}, {})).value!;
	assert.ok(resolved.startsWith('x'.repeat(1024)) && resolved.endsWith('${a}'));
});

test('referencedNames lists the names only', () => {
	assert.deepEqual(referencedNames('${a}/x/${b:c}${}'), ['a', 'b']);
});

test('artemis.profile: simple assignments only, never a shell expansion', () => {
	const values = parseShellAssignments([
		"ARTEMIS_HOME='/opt/apache-artemis-2.40.0'",
		'ARTEMIS_INSTANCE="/var/lib/artemis"',
		'ARTEMIS_DATA_DIR=/shared/artemis',
		'#ARTEMIS_CLUSTER_PROPS="-Dx=1"',
		'ARTEMIS_ETC_DIR="$ARTEMIS_INSTANCE/etc"',
		'EVIL=`touch /tmp/pwned`',
		'EVIL2=$(id)',
		'    JAVA_ARGS="-Xmx2G ${ARTEMIS_INSTANCE_ETC_URI}x"',
		'if [ -z "$JAVA_ARGS" ]; then',
	].join('\n'));
	assert.equal(values.get('ARTEMIS_HOME'), '/opt/apache-artemis-2.40.0');
	assert.equal(values.get('ARTEMIS_INSTANCE'), '/var/lib/artemis');
	assert.equal(values.get('ARTEMIS_DATA_DIR'), '/shared/artemis');
	for (const key of ['ARTEMIS_CLUSTER_PROPS', 'ARTEMIS_ETC_DIR', 'EVIL', 'EVIL2', 'JAVA_ARGS']) assert.equal(values.has(key), false, key);
	assert.deepEqual(Object.fromEntries(propertiesFromProfile(values)), {'artemis.home': '/opt/apache-artemis-2.40.0', 'artemis.instance': '/var/lib/artemis', 'data.dir': '/shared/artemis'});
});

test('the 2.40 artemis.profile fixture yields the instance, home, data and etc directories', () => {
	const properties = propertiesFromProfile(parseShellAssignments(fs.readFileSync(fixture('artemis', 'primary', 'etc', 'artemis.profile'), 'utf8')));
	assert.deepEqual(Object.fromEntries(properties), {
		'artemis.home': '/opt/apache-artemis-2.40.0',
		'artemis.instance': '/var/lib/primary',
		'data.dir': '/shared/artemis',
		'artemis.instance.etc': '/var/lib/primary/etc',
	});
});
