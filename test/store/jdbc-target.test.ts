// Target parsing for the JDBC store: every URL form users type, table folding, masking.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {foldTableName, isJdbcTarget, maskArgv, maskUrl, parseJdbcTarget} from '../../source/store/jdbc/target.js';
import {maskSecrets} from '../../source/text/secrets.js';
import {parseCommandLine} from '../../source/commands/usage.js';

const env = {};

test('postgresql://, postgres:// and jdbc:postgresql:// (as in broker.xml) name the same database', () => {
	for (const url of ['postgresql://app:pw1@db.example:6543/ha', 'postgres://app:pw1@db.example:6543/ha', 'jdbc:postgresql://db.example:6543/ha?user=app&password=pw1']) {
		const target = parseJdbcTarget(url, {env});
		assert.equal(target.host, 'db.example', url);
		assert.equal(target.port, 6543, url);
		assert.equal(target.database, 'ha', url);
		assert.equal(target.user, 'app', url);
		assert.equal(target.password, 'pw1', url);
		assert.equal(target.table, 'node_manager_store', url);
		assert.equal(target.tableAsTyped, 'NODE_MANAGER_STORE');
	}
});

test('defaults and libpq environment: PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE', () => {
	const target = parseJdbcTarget('postgresql://', {env: {PGHOST: 'h', PGPORT: '7777', PGUSER: 'u', PGDATABASE: 'd', PGSSLMODE: 'require'}});
	assert.deepEqual([target.host, target.port, target.user, target.database, target.sslMode], ['h', 7777, 'u', 'd', 'require']);
	const plain = parseJdbcTarget('postgresql://localhost/ha', {env});
	assert.deepEqual([plain.port, plain.sslMode, plain.password], [5432, 'prefer', undefined]);
});

test('sslmode from the URL; pgjdbc ssl=true means verify-full; a bad mode is one line', () => {
	assert.equal(parseJdbcTarget('postgresql://h/d?sslmode=verify-ca', {env}).sslMode, 'verify-ca');
	assert.equal(parseJdbcTarget('jdbc:postgresql://h/d?ssl=true', {env}).sslMode, 'verify-full');
	assert.throws(() => parseJdbcTarget('postgresql://h/d?sslmode=bogus', {env}), /sslmode "bogus" is not one of/);
});

test('IPv6 hosts, host lists (each tried in order, as libpq), unix socket directories', () => {
	assert.equal(parseJdbcTarget('postgresql://[::1]:5433/d', {env}).host, '::1');
	const list = parseJdbcTarget('jdbc:postgresql://a:1,b:2/d', {env});
	assert.equal(list.host, 'a');
	assert.deepEqual(list.hosts, [{host: 'a', port: 1}, {host: 'b', port: 2}]);
	assert.equal(list.where, 'a:1,b:2');
	// A host without a port takes the default; [v6] entries keep theirs; ?host=&port= lists as libpq.
	assert.deepEqual(parseJdbcTarget('postgresql://a,[::1]:6000,c/d', {env: {PGPORT: '7000'}}).hosts, [{host: 'a', port: 7000}, {host: '::1', port: 6000}, {host: 'c', port: 7000}]);
	assert.deepEqual(parseJdbcTarget('postgresql:///d?host=x,y&port=5,6', {env}).hosts, [{host: 'x', port: 5}, {host: 'y', port: 6}]);
	assert.deepEqual(parseJdbcTarget('postgresql:///d?host=x,y&port=5', {env}).hosts, [{host: 'x', port: 5}, {host: 'y', port: 5}]);
	assert.throws(() => parseJdbcTarget('postgresql:///d?host=x,y,z&port=5,6', {env}), /3 hosts but 2 ports/);
	assert.throws(() => parseJdbcTarget(`postgresql://${Array.from({length: 17}, (_, index) => `h${index}`).join(',')}/d`, {env}), /more than 16 hosts/);
	// target_session_attrs (libpq) and targetServerType (pgjdbc).
	assert.equal(list.targetSessionAttrs, 'any');
	assert.equal(parseJdbcTarget('postgresql://a,b/d?target_session_attrs=read-write', {env}).targetSessionAttrs, 'read-write');
	assert.equal(parseJdbcTarget('jdbc:postgresql://a,b/d?targetServerType=primary', {env}).targetSessionAttrs, 'primary');
	assert.equal(parseJdbcTarget('jdbc:postgresql://a,b/d?targetServerType=preferSecondary', {env}).targetSessionAttrs, 'prefer-standby');
	assert.throws(() => parseJdbcTarget('postgresql://a/d?target_session_attrs=fastest', {env}), /target_session_attrs "fastest" is not one of/);
	const socket = parseJdbcTarget('postgresql:///d?host=/run/postgresql', {env});
	assert.equal(socket.host, '/run/postgresql');
	assert.match(socket.where, /socket/);
	assert.throws(() => parseJdbcTarget('postgresql://h:99999/d', {env}), /bad port/);
});

test('--table folds as PostgreSQL folds unquoted names; a quoted one keeps its case; junk is refused', () => {
	assert.equal(foldTableName('NODE_MANAGER_STORE'), 'node_manager_store');
	assert.equal(foldTableName('My_Table'), 'my_table');
	assert.equal(foldTableName('"MixedCase"'), 'MixedCase');
	for (const bad of ['a;drop table x', 'x y', '', '1abc', 'a'.repeat(64)]) assert.throws(() => foldTableName(bad), /not a table name/, bad);
});

test('the password never shows: display, argv for the process title, and every output line', () => {
	const target = parseJdbcTarget('postgresql://app:S3cr%40t@h/d', {env});
	assert.equal(target.password, 'S3cr@t');
	assert.equal(target.display, 'postgresql://app:***@h/d');
	assert.equal(maskUrl('jdbc:postgresql://h/d?user=a&password=xyz&ssl=true'), 'jdbc:postgresql://h/d?user=a&password=***&ssl=true');
	assert.deepEqual(maskArgv(['status', 'postgres://u:pw@h/d']), ['status', 'postgres://u:***@h/d']);
	// Registered by parsing: any line that quotes it (an error, JSON) is masked at the output.
	assert.equal(maskSecrets('error near "S3cr@t"'), 'error near "***"');
	assert.equal(maskSecrets(JSON.stringify({url: 'x:S3cr%40t@'})), '{"url":"x:***@"}');
});

test('the command line: a database target takes --table, node takes the lease timings; file options are refused', () => {
	const status = parseCommandLine(['status', 'postgresql://h/d', '--table', 'NMS']);
	assert.equal(status.kind, 'run');
	assert.equal(status.kind === 'run' && status.flags.table, 'NMS');
	const node = parseCommandLine(['node', 'jdbc:postgresql://h/d', '--role', 'backup', '--lock-renew-period', '1000', '--lock-expiration', '5000']);
	assert.ok(node.kind === 'run' && node.flags.lockRenewPeriod === 1000 && node.flags.lockExpiration === 5000);
	const onFile = parseCommandLine(['status', '/tmp/x', '--table', 'NMS'], () => true);
	assert.ok(onFile.kind === 'error' && /--table is for a database target/.test(onFile.message));
	const layout = parseCommandLine(['node', 'postgresql://h/d', '--role', 'backup', '--layout', 'files']);
	assert.ok(layout.kind === 'error' && /--layout is for a lock file/.test(layout.message));
	const bad = parseCommandLine(['node', 'postgresql://h/d', '--role', 'backup', '--lock-expiration', 'soon']);
	assert.ok(bad.kind === 'error' && /--lock-expiration must be a whole number/.test(bad.message));
	assert.ok(isJdbcTarget('JDBC:PostgreSQL://h/d'));
	assert.ok(!isJdbcTarget('/var/lib/artemis/data/journal'));
});
