// status, watch, doctor and node on a JDBC shared store (postgresql://…, jdbc:postgresql://…).
// status/watch/doctor are read-only (store/jdbc/probe.ts); node is a JdbcNodeManager under the
// same HaNode as the file nodes.
import {HaNode, type NodeRole} from '../node-manager/index.js';
import {connectReadOnly} from '../store/jdbc/read-only.js';
import {connectionError} from '../store/jdbc/client.js';
import {jdbcDoctor} from '../store/jdbc/doctor.js';
import {readConnections, type DbConnection} from '../store/jdbc/holders.js';
import {JdbcNodeManager} from '../store/jdbc/jdbc-node-manager.js';
import {probeWith, type JdbcProbe} from '../store/jdbc/probe.js';
import {jdbcStatusJson, jdbcStatusText} from '../store/jdbc/report.js';
import {JdbcInputError, parseJdbcTarget, type JdbcTarget} from '../store/jdbc/target.js';
import {assessJdbc} from '../store/jdbc/verdict.js';
import {JdbcWatcher} from '../store/jdbc/watcher.js';
import {EXIT, type Io} from './output.js';
import {printNodeEvents, runNodeUntilEnd} from './node-run.js';

export type JdbcFlags = {table?: string};

function fail(io: Io, json: boolean, target: string, message: string, extra: Record<string, unknown> = {}): number {
	if (json) io.out(JSON.stringify({kind: 'jdbc', target, verdict: 'unknown', error: message, exitCode: EXIT.unknown, ...extra}));
	io.err(`ha-tui: ${message}`);
	return EXIT.unknown;
}

/** The target parsed, or the one-line error already printed (undefined). */
function targetOf(input: string, flags: JdbcFlags, io: Io, json: boolean): JdbcTarget | undefined {
	try {
		return parseJdbcTarget(input, {table: flags.table});
	} catch (error) {
		if (!(error instanceof JdbcInputError)) throw error;
		fail(io, json, input, error.message);
		return undefined;
	}
}

/** One read-only look: the probe and who is connected. */
export async function lookOnce(target: JdbcTarget): Promise<{probe: JdbcProbe; connections: DbConnection[]}> {
	const client = await connectReadOnly(target);
	try {
		const probe = await probeWith(client, target);
		const connections = await readConnections(client, target.table);
		return {probe, connections};
	} catch (error) {
		if (error instanceof JdbcInputError) throw error;
		throw connectionError(target, error);
	} finally {
		await client.end().catch(() => {});
	}
}

export async function jdbcStatus(input: string, options: {json: boolean} & JdbcFlags, io: Io): Promise<number> {
	const target = targetOf(input, options, io, options.json);
	if (!target) return EXIT.unknown;
	try {
		const {probe, connections} = await lookOnce(target);
		const assessment = assessJdbc(probe);
		if (options.json) io.out(JSON.stringify(jdbcStatusJson(probe, assessment, connections)));
		else for (const line of jdbcStatusText(probe, assessment, connections)) io.out(line);
		return assessment.exitCode;
	} catch (error) {
		if (!(error instanceof JdbcInputError)) throw error;
		return fail(io, options.json, target.display, error.message);
	}
}

export async function jdbcDoctorCommand(input: string, options: {json: boolean; watchMs?: number} & JdbcFlags, io: Io): Promise<number> {
	const target = targetOf(input, options, io, options.json);
	if (!target) return EXIT.unknown;
	try {
		const report = await jdbcDoctor(target, {watchMs: options.watchMs});
		if (options.json) io.out(JSON.stringify({kind: 'jdbc', target: target.display, table: target.table, findings: report.findings, exitCode: report.exitCode}));
		else for (const line of report.lines) io.out(line);
		return report.exitCode;
	} catch (error) {
		if (!(error instanceof JdbcInputError)) throw error;
		return fail(io, options.json, target.display, error.message, {findings: []});
	}
}

export async function jdbcWatch(input: string, options: {json: boolean; intervalMs: number; signal: AbortSignal} & JdbcFlags, io: Io): Promise<number> {
	const target = targetOf(input, options, io, options.json);
	if (!target) return EXIT.unknown;
	const watcher = new JdbcWatcher(target, {intervalMs: options.intervalMs});
	try {
		// A database not up yet is watched until it is (an UNKNOWN line first), as a lock file not there yet is.
		await watcher.start({retryUnreachable: true});
	} catch (error) {
		await watcher.close();
		if (!(error instanceof JdbcInputError)) throw error;
		return fail(io, options.json, target.display, error.message);
	}

	const print = (update: ReturnType<JdbcWatcher['opening']>) => {
		const time = new Date(update.takenAt).toISOString();
		if (options.json) {
			io.out(JSON.stringify({
				time,
				changes: update.changes,
				...(update.error ? {error: update.error} : {}),
				...(update.probe ? jdbcStatusJson(update.probe, update.assessment, update.connections) : {kind: 'jdbc', target: target.display, verdict: update.assessment.verdict, summary: update.assessment.summary, exitCode: update.assessment.exitCode}),
				renew: update.renew,
			}));
		} else {
			for (const change of update.changes) io.out(`${time} ${change.message}`);
		}
	};

	print(watcher.opening());
	watcher.on('update', print);
	if (!options.signal.aborted) await new Promise(resolve => options.signal.addEventListener('abort', resolve, {once: true}));
	await watcher.close();
	return EXIT.ok;
}

export type JdbcNodeOptions = JdbcFlags & {
	role: NodeRole;
	allowFailback: boolean;
	failoverOnShutdown: boolean;
	renewPeriodMs?: number;
	expirationMs?: number;
	/** Also print each look that decided to wait (NodeLook). */
	trace?: boolean;
	signal: AbortSignal;
};

export async function jdbcNode(input: string, options: JdbcNodeOptions, io: Io): Promise<number> {
	const target = targetOf(input, options, io, false);
	if (!target) return EXIT.unknown;
	let manager: JdbcNodeManager;
	try {
		manager = new JdbcNodeManager(target, {renewPeriodMs: options.renewPeriodMs, expirationMs: options.expirationMs, role: options.role === 'live' ? 'primary' : 'backup'});
		// Opened here, so bad input is one line and exit 3 before any event.
		await manager.open();
	} catch (error) {
		if (!(error instanceof JdbcInputError)) throw error;
		io.err(`ha-tui: ${error.message}`);
		return EXIT.unknown;
	}

	const haNode = new HaNode(manager, {
		role: options.role,
		allowFailback: options.allowFailback,
		failoverOnShutdown: options.failoverOnShutdown,
		// Database round trips, not file events: look for F / a change of state every 250 ms.
		failbackCheckMs: 250,
		backoffMs: 250,
	});
	printNodeEvents(haNode, io, {trace: options.trace, extra: {holderId: manager.holderId}});
	return runNodeUntilEnd(haNode, options.signal, () => haNode.start());
}
