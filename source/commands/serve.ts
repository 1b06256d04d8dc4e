// `ha-tui serve [TARGETS…] --listen 127.0.0.1:9642`: a Prometheus exporter for many groups.
// GET /metrics (text format 0.0.4, by prom-client), GET /healthz; everything else 404/405.
// The HTTP server is bounded: small headers, short timeouts, few connections, so a bad or
// slow client cannot stall the watching. Read-only: it never opens a lock file for writing.
import http from 'node:http';
import {FleetExporter} from '../fleet/exporter.js';
import {FleetWatcher, fleetIntervalMs} from '../fleet/fleet-watcher.js';
import {ChangeHooks, HookCommandError} from '../fleet/hooks.js';
import {errorLine} from '../text/error-line.js';
import {monotonicMs} from '../time.js';
import type {JdbcGroup} from '../fleet/jdbc-group.js';
import {isJdbcTarget} from '../store/jdbc/target.js';
import {resolveFleet, type FleetTargets} from './fleet-targets.js';
import {EXIT, type Io} from './output.js';

export type ServeOptions = FleetTargets & {table?: string; listen: string; intervalMs: number; onChange?: string; signal: AbortSignal; onListening?: (address: {host: string; port: number}) => void};

export function parseListen(listen: string): {host: string; port: number} {
	const colon = listen.lastIndexOf(':');
	const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
	return {host, port: Number(listen.slice(colon + 1))};
}

export async function serve(options: ServeOptions, io: Io): Promise<number> {
	// Tables (postgresql://…) beside the directories: each its own JdbcWatcher (jdbc-group.ts).
	const databases = options.targets.filter(target => isJdbcTarget(target));
	const fleet = await resolveFleet({...options, targets: options.targets.filter(target => !isJdbcTarget(target))}, io, 'wait');
	if ('error' in fleet) {
		io.err(`ha-tui: ${fleet.error}`);
		return EXIT.unknown;
	}

	if (fleet.groups.length === 0 && databases.length === 0) {
		io.err('ha-tui: serve needs a lock file or directory, or --scan (see ha-tui serve --help)');
		return EXIT.unknown;
	}

	let hooks: ChangeHooks | undefined;
	try {
		if (options.onChange !== undefined) hooks = new ChangeHooks(options.onChange, {log: line => io.err(`ha-tui: ${line}`)});
	} catch (error) {
		if (!(error instanceof HookCommandError)) throw error;
		io.err(`ha-tui: ${error.message}`);
		return EXIT.unknown;
	}

	const {groups} = fleet;
	let tables: JdbcGroup[] = [];
	if (databases.length > 0) {
		const {openJdbcGroups} = await import('../fleet/jdbc-group.js');
		const opened = await openJdbcGroups(databases, options);
		if ('error' in opened) {
			io.err(`ha-tui: ${opened.error}`);
			return EXIT.unknown;
		}

		tables = opened.groups;
		for (const table of tables) {
			const latest = table.latest;
			if (latest?.status === 'error') io.err(`ha-tui: ${table.label}: ${latest.error ?? latest.summary}: reported UNKNOWN, trying again every ${options.intervalMs} ms`);
		}
	}

	const {JDBC_VERDICTS} = tables.length > 0 ? await import('../fleet/jdbc-group.js') : {JDBC_VERDICTS: undefined};
	const exporter = new FleetExporter([...groups, ...tables.map(table => ({label: table.label, foundBy: table.foundBy, verdicts: JDBC_VERDICTS}))]);
	const total = groups.length + tables.length;
	const intervalMs = fleetIntervalMs(options.intervalMs, groups.length);
	const watcher = new FleetWatcher(groups, {intervalMs: options.intervalMs});
	const lastProbeMono = () => Math.max(groups.length > 0 ? watcher.lastProbeMono : Number.NEGATIVE_INFINITY, ...tables.map(table => table.lastLookMono));
	for (const table of tables) {
		const latest = table.latest;
		if (latest) exporter.onEvent(latest, true);
		let previous = latest;
		table.on('update', ({event, first}) => {
			exporter.onEvent(event, first);
			hooks?.onEvent(previous, event, 'jdbc');
			previous = event;
		});
	}

	const closeAll = async () => {
		await watcher.close();
		await Promise.all(tables.map(async table => table.close()));
	};

	watcher.on('update', update => {
		exporter.onUpdate(update);
		hooks?.onUpdate(update.group, update.previous, update.snapshot);
	});
	watcher.on('file-events-failed', (group, message) => io.err(`ha-tui: ${group.label}: ${message}`));
	watcher.start();
	const server = http.createServer({maxHeaderSize: 8192, requestTimeout: 10_000, headersTimeout: 5000, keepAliveTimeout: 5000}, (request, response) => {
		void handle(request, response);
	});
	server.maxConnections = 64;
	// A client that connects and sends nothing is dropped after this long.
	server.setTimeout(15_000, socket => socket.destroy());
	server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
		const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
		if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
		else socket.destroy();
	});

	async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
		const url = (request.url ?? '/').split('?')[0];
		const known = url === '/metrics' || url === '/healthz' || url === '/';
		if (!known) {
			response.writeHead(404, {'Content-Type': 'text/plain; charset=utf-8'}).end('not found: try /metrics or /healthz\n');
			return;
		}

		if (request.method !== 'GET' && request.method !== 'HEAD') {
			response.writeHead(405, {Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8'}).end('method not allowed\n');
			return;
		}

		try {
			if (url === '/metrics') {
				const body = await exporter.registry.metrics();
				response.writeHead(200, {'Content-Type': exporter.registry.contentType});
				response.end(request.method === 'HEAD' ? undefined : body);
			} else if (url === '/healthz') {
				// The timed probes are the heartbeat: none for 10 periods means the watching is stuck.
				const stale = monotonicMs() - lastProbeMono() > Math.max(10 * Math.max(intervalMs, options.intervalMs), 10_000);
				response.writeHead(stale ? 503 : 200, {'Content-Type': 'text/plain; charset=utf-8'});
				response.end(request.method === 'HEAD' ? undefined : `${stale ? 'stalled' : 'ok'}: ${total} group${total === 1 ? '' : 's'} watched\n`);
			} else {
				response.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
				response.end(request.method === 'HEAD' ? undefined : '<html><body><h1>ha-tui exporter</h1><p><a href="/metrics">/metrics</a> <a href="/healthz">/healthz</a></p></body></html>\n');
			}
		} catch (error) {
			if (!response.headersSent) response.writeHead(500, {'Content-Type': 'text/plain; charset=utf-8'});
			response.end(`error: ${errorLine(error)}\n`);
		}
	}

	const {host, port} = parseListen(options.listen);
	const listening = await new Promise<string | undefined>(resolve => {
		server.once('error', error => resolve(errorLine(error)));
		server.listen(port, host, () => resolve(undefined));
	});
	if (listening !== undefined) {
		await closeAll();
		io.err(`ha-tui: --listen ${options.listen}: ${listening}`);
		return EXIT.unknown;
	}

	const address = server.address() as {address: string; port: number};
	io.err(`ha-tui: serving ${total} group${total === 1 ? '' : 's'} on http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}/metrics`);
	options.onListening?.({host: address.address, port: address.port});
	if (!options.signal.aborted) await new Promise(resolve => options.signal.addEventListener('abort', resolve, {once: true}));
	server.closeAllConnections();
	await new Promise(resolve => server.close(resolve));
	await closeAll();
	await hooks?.close();
	return EXIT.ok;
}

