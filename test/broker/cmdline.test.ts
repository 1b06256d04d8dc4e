import assert from 'node:assert/strict';
import test from 'node:test';
import {ARTEMIS_MAIN, HORNETQ_MAIN, parseBrokerCommandLine} from '../../source/broker/cmdline.js';
import {parseProcStat, parseProcStatus, readProcStat} from '../../source/broker/proc.js';

// What bin/artemis of a 2.40 instance execs (artemis.profile's JAVA_ARGS, then the fixed part).
const artemisRun = [
	'/usr/lib/jvm/java-17-openjdk-amd64/bin/java',
	'-Dlog4j2.configurationFile=/var/lib/artemis/etc/log4j2.properties',
	'-XX:AutoBoxCacheMax=20000', '-XX:+UseG1GC', '-Xms512M', '-Xmx2G',
	'-Dhawtio.disableProxy=true', '-Dhawtio.realm=activemq',
	'--add-opens', 'java.base/jdk.internal.misc=ALL-UNNAMED',
	'-Dhawtio.roles=amq',
	'-Djava.security.auth.login.config=/var/lib/artemis/etc/login.config',
	'-classpath', '/opt/apache-artemis-2.40.0/lib/artemis-boot.jar',
	'-Dartemis.home=/opt/apache-artemis-2.40.0',
	'-Dartemis.instance=/var/lib/artemis',
	'-Djava.library.path=/opt/apache-artemis-2.40.0/bin/lib/linux-x86_64',
	'-Djava.io.tmpdir=/var/lib/artemis/tmp',
	'-Ddata.dir=/shared/artemis',
	'-Dartemis.instance.etc=/var/lib/artemis/etc',
	ARTEMIS_MAIN, 'run',
];

test('an Artemis `run` command line: -D properties before the main class, the class path', () => {
	const parsed = parseBrokerCommandLine(artemisRun);
	assert.ok(parsed);
	assert.equal(parsed.kind, 'artemis');
	assert.equal(parsed.properties.get('artemis.instance'), '/var/lib/artemis');
	assert.equal(parsed.properties.get('artemis.instance.etc'), '/var/lib/artemis/etc');
	assert.equal(parsed.properties.get('data.dir'), '/shared/artemis');
	assert.deepEqual(parsed.classPath, ['/opt/apache-artemis-2.40.0/lib/artemis-boot.jar']);
	assert.deepEqual(parsed.args, ['run']);
	assert.equal(parsed.bootstrapUri, undefined);
	assert.equal(parsed.brokerUri, undefined);
	// The value of --add-opens is not an option, and not a -D.
	assert.equal([...parsed.properties.keys()].some(key => key.includes('jdk.internal')), false);
});

test('later -D wins; -D without a value; properties after the main class are arguments, not JVM properties', () => {
	const parsed = parseBrokerCommandLine(['java', '-Da=1', '-Da=2', '-Dflag', ARTEMIS_MAIN, 'run', '-Db=3']);
	assert.equal(parsed?.properties.get('a'), '2');
	assert.equal(parsed?.properties.get('flag'), '');
	assert.equal(parsed?.properties.has('b'), false);
});

test('run with a bootstrap URI and --broker (both forms)', () => {
	assert.equal(parseBrokerCommandLine(['java', ARTEMIS_MAIN, 'run', 'xml:/etc/artemis/bootstrap.xml'])?.bootstrapUri, 'xml:/etc/artemis/bootstrap.xml');
	assert.equal(parseBrokerCommandLine(['java', ARTEMIS_MAIN, 'run', '--broker', 'file:/x/broker.xml'])?.brokerUri, 'file:/x/broker.xml');
	assert.equal(parseBrokerCommandLine(['java', ARTEMIS_MAIN, 'run', '--broker=file:/y/broker.xml'])?.brokerUri, 'file:/y/broker.xml');
});

test('Artemis tools are not brokers; neither is anything without the main class', () => {
	assert.equal(parseBrokerCommandLine(['java', ARTEMIS_MAIN, 'data', 'print']), undefined);
	assert.equal(parseBrokerCommandLine(['java', ARTEMIS_MAIN, 'producer', '--message-count', '10']), undefined);
	assert.equal(parseBrokerCommandLine(['java', ARTEMIS_MAIN]), undefined);
	assert.equal(parseBrokerCommandLine(['/bin/sh', '/var/lib/artemis/bin/artemis', 'run']), undefined);
	assert.equal(parseBrokerCommandLine(['java', '-jar', 'app.jar', 'org.apache.activemq.artemis.boot.ArtemisX', 'run']), undefined);
	assert.equal(parseBrokerCommandLine([]), undefined);
});

test('HornetQ: the bootstrap server with its class path (run.sh puts the config directory there)', () => {
	const parsed = parseBrokerCommandLine(['java', '-XX:+UseParallelGC', '-Xms512M', '-Dhornetq.config.dir=../config/stand-alone/clustered', '-Djava.util.logging.manager=org.jboss.logmanager.LogManager', '-classpath', '../config/stand-alone/clustered:../schemas/:/opt/hornetq/lib/hornetq-core.jar', HORNETQ_MAIN, 'hornetq-beans.xml']);
	assert.equal(parsed?.kind, 'hornetq');
	assert.deepEqual(parsed?.classPath, ['../config/stand-alone/clustered', '../schemas/', '/opt/hornetq/lib/hornetq-core.jar']);
	assert.deepEqual(parsed?.args, ['hornetq-beans.xml']);
});

test('/proc/PID/stat: a command with spaces and parentheses; state and start time', () => {
	const stat = parseProcStat('2795 (java (evil) x) T 1 2795 2795 0 -1 4194560 1 0 0 0 10 5 0 0 20 0 40 0 123456 0 0');
	assert.deepEqual(stat, {pid: 2795, state: 'T', ppid: 1, startTime: 123456, exiting: false});
	assert.equal(parseProcStat('garbage'), undefined);
});

test('/proc/PID/stat: PF_EXITING (flags, field 9) says a process is on its way out while it still reads R or D', () => {
	// A SIGKILLed holder: do_exit sets PF_EXITING before it closes the files (and drops the
	// locks); it is a zombie only later. Flags with bit 0x4 set, then without it.
	assert.equal(parseProcStat('4242 (python3) R 1 4242 4242 0 -1 4210756 1 0 0 0 10 5 0 0 20 0 1 0 99 0 0')?.exiting, true);
	assert.equal(parseProcStat('4242 (python3) D 1 4242 4242 0 -1 4194372 1 0 0 0 10 5 0 0 20 0 1 0 99 0 0')?.exiting, true);
	assert.equal(parseProcStat('4242 (python3) S 1 4242 4242 0 -1 4194368 1 0 0 0 10 5 0 0 20 0 1 0 99 0 0')?.exiting, false);
	// This process runs, and is not exiting.
	assert.equal(readProcStat(process.pid)?.exiting, false);
});

test('/proc/PID/status: effective uid and gid, supplementary groups', () => {
	assert.deepEqual(parseProcStatus('Name:\tjava\nUid:\t1000\t1001\t1001\t1001\nGid:\t100\t101\t101\t101\nGroups:\t4 27 101 \n'), {uid: 1001, gid: 101, groups: [4, 27, 101]});
	assert.deepEqual(parseProcStatus('Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n'), {uid: 0, gid: 0, groups: []});
	assert.equal(parseProcStatus('nothing'), undefined);
});
