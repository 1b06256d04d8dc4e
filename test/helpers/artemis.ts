// The real Apache ActiveMQ Artemis code for the interop tests (test/interop/real-*.test.ts):
// the artemis-server jars (2.9.0: ranges layout, 2.40.0: files layout) driven by
// test/interop/RealNodeManagerDriver.java, and the apache-artemis 2.40.0 broker distribution.
// scripts/fetch-artemis.sh puts them in a cache outside the repository; the first test that needs
// them runs it when something is missing, so a fresh clone's `npm test` runs these tests.
import type {TestContext} from 'node:test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {realVersions, type RealVersion} from '../interop/versions.js';
import {ProcessGroup, repoRoot, run, which, type Spawned} from './spawned.js';

export type ServerVersion = '2.9.0' | '2.40.0';
export const distributionVersion = '2.40.0';

export type RealArtemis = {
	cache: string;
	java: string;
	/** Runtime classpath of artemis-server at that version (jars in ~/.m2). */
	classpath: Record<ServerVersion, string>;
	/** The compiled RealNodeManagerDriver (a class directory). */
	driverDir: string;
	/** The unpacked apache-artemis distribution (bin/artemis). */
	distributionHome: string;
	/** The version matrix (test/interop/versions.ts): minimal classpath per key. */
	matrixClasspath: Record<string, string>;
	/** The compiled java.nio.channels.FileLock patch for the AIO node managers (see jdk-patch/). */
	jdkPatchDir: string;
	/** Whether the OS has libaio (Debian: libaio1), which the AIO node managers' JNI layer links. */
	libaio: boolean;
};

export const installHint = 'install a JDK and Maven (mvn) to run the real-Artemis tests';

/** The same place scripts/fetch-artemis.sh uses. */
export function cacheDir(): string {
	return process.env.HA_TUI_INTEROP_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ha-tui-interop');
}

let loading: Promise<RealArtemis | {skip: string}> | undefined;

/** The fetched code, fetching (once per process) what is missing; or a one-line reason to skip. */
export async function realArtemis(): Promise<RealArtemis | {skip: string}> {
	loading ??= load();
	return loading;
}

async function load(): Promise<RealArtemis | {skip: string}> {
	if (process.platform !== 'linux') return {skip: `the real-Artemis interop tests run on Linux (platform ${process.platform})`};
	const java = which('java');
	const javac = which('javac');
	if (!java || !javac || !which('mvn')) return {skip: `${['java', 'javac', 'mvn'].filter(tool => !which(tool)).join(', ')} not found: ${installHint}`};

	const cache = cacheDir();
	const classpathFile = (version: ServerVersion) => path.join(cache, `classpath-${version}.txt`);
	const distributionHome = path.join(cache, `apache-artemis-${distributionVersion}`);
	const matrixFile = (key: string) => path.join(cache, `classpath-min-${key}.txt`);
	const ready = () => (['2.9.0', '2.40.0'] as const).every(version => fs.existsSync(classpathFile(version))) && fs.existsSync(path.join(distributionHome, 'bin', 'artemis'))
		&& realVersions.every(v => fs.existsSync(matrixFile(v.key)) && (!v.aio || fs.existsSync(nativeDir(cache, v.key))));
	if (!ready()) {
		// First run on this machine: Maven downloads ~100 MB (artemis-server ×2 with dependencies, the 2.40.0
		// distribution, ~30 MB of minimal classpaths for the version matrix).
		const fetched = await run('bash', [path.join(repoRoot(), 'scripts', 'fetch-artemis.sh')], {timeoutMs: 15 * 60_000});
		if (fetched.code !== 0 || !ready()) throw new Error(`scripts/fetch-artemis.sh failed (exit ${fetched.code}):\n${fetched.stdout}\n${fetched.stderr}`);
	}

	const classpath = {} as Record<ServerVersion, string>;
	for (const version of ['2.9.0', '2.40.0'] as const) classpath[version] = fs.readFileSync(classpathFile(version), 'utf8').trim();
	const matrixClasspath: Record<string, string> = {};
	for (const {key} of realVersions) matrixClasspath[key] = fs.readFileSync(matrixFile(key), 'utf8').trim();
	return {
		cache, java, classpath, driverDir: await compileDriver(javac, cache), distributionHome,
		matrixClasspath, jdkPatchDir: await compileJdkPatch(javac, cache), libaio: hasLibaio(),
	};
}

/** Where fetch-artemis.sh put a key's JNI library (its directory goes on java.library.path). */
function nativeDir(cache: string, key: string): string {
	return path.join(cache, `native-${key}`);
}

/** libaio.so.1 where Debian's libaio1 (or t64) puts it, or anywhere ldconfig knows. */
function hasLibaio(): boolean {
	for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib']) {
		if (fs.existsSync(path.join(dir, 'libaio.so.1')) || fs.existsSync(path.join(dir, 'libaio.so.1t64'))) return true;
	}

	return false;
}

/**
 * javac test/interop/jdk-patch/java/nio/channels/FileLock.java as a patch of java.base (the why is
 * in that file), once per source and JDK, into the cache: renamed into place like the driver.
 */
async function compileJdkPatch(javac: string, cache: string): Promise<string> {
	const root = path.join(repoRoot(), 'test', 'interop', 'jdk-patch');
	const source = path.join(root, 'java', 'nio', 'channels', 'FileLock.java');
	const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).update(fs.realpathSync(javac)).digest('hex').slice(0, 12);
	const target = path.join(cache, `jdk-patch-${hash}`);
	if (fs.existsSync(path.join(target, 'java', 'nio', 'channels', 'FileLock.class'))) return target;
	const temporary = fs.mkdtempSync(path.join(cache, 'jdk-patch-tmp-'));
	const compiled = await run(javac, ['--patch-module', `java.base=${root}`, '-d', temporary, source], {timeoutMs: 120_000});
	if (compiled.code !== 0) throw new Error(`javac jdk-patch FileLock.java failed (exit ${compiled.code}):\n${compiled.stdout}\n${compiled.stderr}`);
	try {
		fs.renameSync(temporary, target);
	} catch {
		fs.rmSync(temporary, {recursive: true, force: true});
	}

	return target;
}

/** javac the driver into the cache, once per version of its source (renamed into place: concurrent runs are safe). */
async function compileDriver(javac: string, cache: string): Promise<string> {
	const source = path.join(repoRoot(), 'test', 'interop', 'RealNodeManagerDriver.java');
	const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 12);
	const target = path.join(cache, `driver-${hash}`);
	if (fs.existsSync(path.join(target, 'RealNodeManagerDriver.class'))) return target;
	const temporary = fs.mkdtempSync(path.join(cache, 'driver-tmp-'));
	const compiled = await run(javac, ['-d', temporary, source], {timeoutMs: 120_000});
	if (compiled.code !== 0) throw new Error(`javac RealNodeManagerDriver.java failed (exit ${compiled.code}):\n${compiled.stdout}\n${compiled.stderr}`);
	try {
		fs.renameSync(temporary, target);
	} catch {
		fs.rmSync(temporary, {recursive: true, force: true}); // another run got there first
	}

	return target;
}

// Every JVM started here is SIGKILLed when this test process exits, whatever happened:
// a broker left running would hold the locks of the next run's directory.
const leaders = new Set<number>();
process.once('exit', () => {
	for (const pid of leaders) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {}
	}
});

function track(spawned: Spawned): Spawned {
	const {pid} = spawned.child;
	if (pid !== undefined) {
		leaders.add(pid);
		void spawned.exited.then(() => leaders.delete(pid));
	}

	return spawned;
}

// Fast JVM start for a few seconds of work: C1 only, a small serial heap, no perf-data file.
const quickJvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData'];

export type DriverRole = 'primary' | 'backup';

/**
 * `java RealNodeManagerDriver <role> <dir>` on the real artemis-server of that version, in its own
 * process group. Its stdin is a pipe (see driverCommand); it dies with us (--die-with-stdin).
 */
export function startDriver(group: ProcessGroup, artemis: RealArtemis, version: ServerVersion | RealVersion, role: DriverRole, directory: string, name = `jvm-${typeof version === 'string' ? version : version.key}-${role}`, extra: readonly string[] = []): Spawned {
	const {jvmArgs, driverArgs, classpath} = typeof version === 'string' ? {jvmArgs: [], driverArgs: [], classpath: artemis.classpath[version]} : driverSetup(artemis, version);
	const fullClasspath = `${artemis.driverDir}${path.delimiter}${classpath}`;
	return track(group.spawn(name, artemis.java, [...quickJvm, '-Xmx64m', ...jvmArgs, '-cp', fullClasspath, 'RealNodeManagerDriver', role, directory, '--die-with-stdin', ...driverArgs, ...extra], {stdio: ['pipe', 'pipe', 'pipe'], detached: true}));
}

/** HornetQ's failback-delay for the tests (its default is 5 s; shorter keeps the matrix quick). */
export const hornetqFailbackDelayMs = 2000;

/**
 * What a matrix version needs on the java command line. AIO: the JNI library's directory on
 * java.library.path, and the FileLock patch (jdk-patch/java/nio/channels/FileLock.java says why).
 */
export function driverSetup(artemis: RealArtemis, version: RealVersion, options: {patch?: boolean} = {}): {jvmArgs: string[]; driverArgs: string[]; classpath: string} {
	const jvmArgs: string[] = [];
	const driverArgs: string[] = [];
	if (version.aio) {
		if (options.patch ?? true) jvmArgs.push('--patch-module', `java.base=${artemis.jdkPatchDir}`);
		jvmArgs.push(`-Djava.library.path=${nativeDir(artemis.cache, version.key)}`);
		driverArgs.push('--aio');
	}

	if (version.product === 'HornetQ') driverArgs.push('--failback-delay-ms', String(hornetqFailbackDelayMs));
	return {jvmArgs, driverArgs, classpath: artemis.matrixClasspath[version.key]};
}

/**
 * The unpacked apache-artemis distribution of that version: 2.40.0 always (realArtemis fetches it);
 * the others of the matrix (brokerDistributions) fetched here the first time, by fetch-artemis.sh --matrix.
 */
export async function distributionHome(artemis: RealArtemis, version: string): Promise<string> {
	const home = path.join(artemis.cache, `apache-artemis-${version}`);
	if (fs.existsSync(path.join(home, 'bin', 'artemis'))) return home;
	const fetched = await run('bash', [path.join(repoRoot(), 'scripts', 'fetch-artemis.sh'), '--matrix'], {timeoutMs: 15 * 60_000});
	if (fetched.code !== 0 || !fs.existsSync(path.join(home, 'bin', 'artemis'))) throw new Error(`scripts/fetch-artemis.sh --matrix failed (exit ${fetched.code}):\n${fetched.stdout}\n${fetched.stderr}`);
	return home;
}

/** pause | crash | stop, on the driver's stdin. */
export function driverCommand(driver: Spawned, command: 'pause' | 'crash' | 'stop'): void {
	driver.child.stdin?.write(`${command}\n`);
}

/** Waits for a driver's JSON event; returns the parsed event. */
export async function driverEvent(driver: Spawned, event: string, timeoutMs = 20_000, from = 0): Promise<{index: number; event: Record<string, unknown>}> {
	const index = await driver.waitEvent(event, timeoutMs, from);
	return {index, event: JSON.parse(driver.lines[index]) as Record<string, unknown>};
}

/** Two free TCP ports on localhost (closed again before returning; good enough for a test). */
export async function freePorts(count: number): Promise<number[]> {
	const servers = await Promise.all(Array.from({length: count}, async () => new Promise<net.Server>((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(server));
	})));
	const ports = servers.map(server => (server.address() as net.AddressInfo).port);
	await Promise.all(servers.map(async server => new Promise(resolve => server.close(resolve))));
	return ports;
}

export type BrokerRole = 'primary' | 'backup';

/**
 * A shared-store pair of real brokers made by the distribution's `artemis create --shared-store`
 * (one with --backup) on one data directory: the lock files are in `journal`.
 * Statically clustered with each other (no multicast), so the backup announces itself and a
 * restarted primary can fail back. Only the core acceptor, no web console, small heaps.
 */
export class BrokerPair {
	readonly data: string;
	readonly journal: string;

	private constructor(readonly artemis: RealArtemis, readonly root: string, readonly ports: Record<BrokerRole, number>) {
		this.data = path.join(root, 'data');
		this.journal = path.join(this.data, 'journal');
	}

	/**
	 * `home`: an unpacked apache-artemis distribution (default: the 2.40.0 one); `backupFlag`: how its
	 * `create` says backup (`--slave` before 2.31).
	 */
	static async create(artemis: RealArtemis, root: string, home = artemis.distributionHome, backupFlag = '--backup'): Promise<BrokerPair> {
		const [primary, backup] = await freePorts(2);
		const pair = new BrokerPair(artemis, root, {primary, backup});
		await Promise.all((['primary', 'backup'] as const).map(async role => {
			const other = role === 'primary' ? 'backup' : 'primary';
			const created = await run(path.join(home, 'bin', 'artemis'), [
				'create', pair.instance(role), '--shared-store', ...(role === 'backup' ? [backupFlag] : []),
				'--data', pair.data, '--name', role, '--user', 'a', '--password', 'a', '--require-login',
				'--no-autotune', '--silent', '--no-web', '--nio', '--host', 'localhost',
				'--no-amqp-acceptor', '--no-mqtt-acceptor', '--no-stomp-acceptor', '--no-hornetq-acceptor',
				'--default-port', String(pair.ports[role]), '--staticCluster', `tcp://localhost:${pair.ports[other]}`,
				'--cluster-user', 'a', '--cluster-password', 'a',
			], {timeoutMs: 120_000, env: {...process.env, JAVA_ARGS: undefined, JAVA_OPTS: undefined}});
			if (created.code !== 0) throw new Error(`artemis create ${role} failed (exit ${created.code}):\n${created.stdout}\n${created.stderr}`);
		}));
		return pair;
	}

	instance(role: BrokerRole): string {
		return path.join(this.root, role);
	}

	/**
	 * `<instance>/bin/artemis run` (the script execs java: the pid is the broker's), its own process group.
	 * JAVA_ARGS replaces the profile's (2 GB G1 heap) with a small quick-starting JVM.
	 */
	start(group: ProcessGroup, role: BrokerRole, name = `broker-${role}`): Spawned {
		const javaArgs = [...quickJvm, '-Xms32m', '-Xmx256m', '-Dlog4j2.disableJmx=true', '--add-opens', 'java.base/jdk.internal.misc=ALL-UNNAMED'].join(' ');
		return track(group.spawn(name, path.join(this.instance(role), 'bin', 'artemis'), ['run'], {detached: true, env: {...process.env, JAVA_ARGS: javaArgs}}));
	}

	/** Starts the primary, waits until it is active, then the backup, until it waits. */
	async startBoth(group: ProcessGroup): Promise<{primary: Spawned; backup: Spawned}> {
		const primary = this.start(group, 'primary');
		await brokerLine(primary, brokerLog.primaryActive, 60_000);
		const backup = this.start(group, 'backup');
		await brokerLine(backup, brokerLog.backupWaiting, 60_000);
		return {primary, backup};
	}
}

// Log lines of a 2.40 broker (message ids are stable across versions).
export const brokerLog = {
	/** A primary, or a restarted one, waiting for serverlock.1. */
	waitingForPrimaryLock: 'AMQ221034',
	primaryActive: 'AMQ221007', // "Server is now active"
	/** "Backup Server version … started; waiting for primary to fail before activating" (it holds serverlock.2). */
	backupWaiting: 'AMQ221109',
	backupActive: 'AMQ221010', // "Backup Server is now active"
	stopped: 'AMQ221002',
} as const;

/** Waits for a broker log line containing `id` (at index ≥ from); returns its index. */
export async function brokerLine(broker: Spawned, id: string, timeoutMs = 30_000, from = 0): Promise<number> {
	return broker.waitLine(id, line => line.includes(id), timeoutMs, from);
}

/** The inode of a file, or undefined. */
export function inodeOf(file: string): number | undefined {
	try {
		return fs.statSync(file).ino;
	} catch {
		return undefined;
	}
}

/** /proc/locks lines on an inode: [{kind: 'POSIX'|'OFDLCK'|…, pid}] (OFD locks show pid -1). */
export function kernelLocksOn(inode: number): Array<{kind: string; pid: number; range: string}> {
	const text = fs.readFileSync('/proc/locks', 'utf8');
	const locks: Array<{kind: string; pid: number; range: string}> = [];
	for (const line of text.split('\n')) {
		// "1: POSIX  ADVISORY  WRITE 5761 fe:00:2154636 0 EOF" (blocked waiters are "1: -> POSIX …")
		const match = /^\d+:\s+(->\s+)?(\S+)\s+\S+\s+\S+\s+(-?\d+)\s+[\da-f]+:[\da-f]+:(\d+)\s+(\S+\s+\S+)/.exec(line);
		if (match && !match[1] && Number(match[4]) === inode) locks.push({kind: match[2], pid: Number(match[3]), range: match[5]});
	}

	return locks;
}

/** Who the machine says a pid is (for assertions on status' holder commands). */
export function commandOf(pid: number): string {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
	} catch {
		return '';
	}
}

/**
 * Steps of one real-broker scenario depend on the ones before: after a failure (or without
 * java/mvn) the rest skip and name why, instead of failing confusingly.
 */
export function sequentialSteps(group: ProcessGroup): {step: (t: TestContext, body: () => Promise<void>) => Promise<void>; skip: (reason: string) => void} {
	let skipReason: string | undefined;
	let failedStep: string | undefined;
	return {
		skip(reason) {
			skipReason = reason;
		},
		async step(t, body) {
			if (skipReason ?? failedStep) {
				t.skip(skipReason ?? `an earlier step failed: ${failedStep}`);
				return;
			}

			try {
				await body();
			} catch (error) {
				failedStep = t.name;
				if (error instanceof Error) error.message += `\n${group.describe()}`;
				throw error;
			}
		},
	};
}
