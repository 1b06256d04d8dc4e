// The REAL JdbcNodeManager for the JDBC interop tests: artemis-server + artemis-jdbc-store 2.40.0
// and the PostgreSQL JDBC driver (classpath-jdbc-2.40.0.txt, fetched by scripts/fetch-artemis.sh),
// driven by test/interop/JdbcNodeManagerDriver.java (compiled here against that classpath).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {cacheDir, installHint} from './artemis.js';
import {ProcessGroup, repoRoot, run, which, type Spawned} from './spawned.js';

export type RealJdbc = {java: string; classpath: string; driverDir: string};

let loading: Promise<RealJdbc | {skip: string}> | undefined;

export async function realJdbcArtemis(): Promise<RealJdbc | {skip: string}> {
	loading ??= load();
	return loading;
}

async function load(): Promise<RealJdbc | {skip: string}> {
	if (process.platform !== 'linux') return {skip: `the real-Artemis interop tests run on Linux (platform ${process.platform})`};
	const java = which('java');
	const javac = which('javac');
	if (!java || !javac || !which('mvn')) return {skip: `java, javac or mvn not found: ${installHint}`};
	const file = path.join(cacheDir(), 'classpath-jdbc-2.40.0.txt');
	if (!fs.existsSync(file)) {
		const fetched = await run('bash', [path.join(repoRoot(), 'scripts', 'fetch-artemis.sh')], {timeoutMs: 15 * 60_000});
		if (fetched.code !== 0 || !fs.existsSync(file)) throw new Error(`scripts/fetch-artemis.sh failed (exit ${fetched.code}):\n${fetched.stdout}\n${fetched.stderr}`);
	}

	const classpath = fs.readFileSync(file, 'utf8').trim();
	const source = path.join(repoRoot(), 'test', 'interop', 'JdbcNodeManagerDriver.java');
	const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).update(classpath).digest('hex').slice(0, 12);
	const driverDir = path.join(cacheDir(), `jdbc-driver-${hash}`);
	if (!fs.existsSync(path.join(driverDir, 'JdbcNodeManagerDriver.class'))) {
		const temporary = fs.mkdtempSync(path.join(cacheDir(), 'jdbc-driver-tmp-'));
		const compiled = await run(javac, ['-d', temporary, '-cp', classpath, source], {timeoutMs: 120_000});
		if (compiled.code !== 0) throw new Error(`javac JdbcNodeManagerDriver.java failed:\n${compiled.stdout}\n${compiled.stderr}`);
		try {
			fs.renameSync(temporary, driverDir);
		} catch {
			fs.rmSync(temporary, {recursive: true, force: true});
		}
	}

	return {java, classpath, driverDir};
}

const quickJvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData', '-Xmx96m'];

/** `java JdbcNodeManagerDriver <role> <jdbc url> <table> …`, its own process group, dies with us. */
export function startJdbcDriver(group: ProcessGroup, real: RealJdbc, role: 'primary' | 'backup', jdbcUrl: string, table: string, name = `jvm-${role}`, extra: readonly string[] = []): Spawned {
	const classpath = `${real.driverDir}${path.delimiter}${real.classpath}`;
	const spawned = group.spawn(name, real.java, [...quickJvm, '-cp', classpath, 'JdbcNodeManagerDriver', role, jdbcUrl, table, '--die-with-stdin', ...extra], {stdio: ['pipe', 'pipe', 'pipe'], detached: true});
	const {pid} = spawned.child;
	if (pid !== undefined) {
		process.once('exit', () => {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {}
		});
	}

	return spawned;
}

export function jdbcDriverCommand(driver: Spawned, command: 'pause' | 'crash' | 'stop'): void {
	driver.child.stdin?.write(`${command}\n`);
}
