// What the lock directory's mount options mean for shared-store HA (pure analysis). Parsing
// mountinfo and classifying file systems is lock-file/file-system.ts's, shared with the watcher.
import {fsFamily, type FsFamily, type MountEntry} from '../lock-file/file-system.js';

export {fsFamily, mountFor, parseMountinfo, parseMountinfoLine, readMountinfo, type FsFamily, type MountEntry} from '../lock-file/file-system.js';
export {deviceNumbers} from '../lock-file/device-number.js';

export type OptionCheck = {
	readonly option: string;
	readonly ok: boolean;
	/** What the mount has (or "absent"). */
	readonly actual: string;
	readonly why: string;
};

export type NfsAnalysis = {
	readonly version: string | null;
	readonly protocol: string | null;
	readonly soft: boolean;
	/** deciseconds */
	readonly timeo: number;
	readonly retrans: number;
	/** Worst case for one NFS request to fail with an error on a soft mount (ms); null on a hard mount (never). */
	readonly requestTimeoutMs: number | null;
	/** How that number was computed, in words. */
	readonly computation: string;
	/** Locks that are only local to this client (local_lock=, nolock): no mutual exclusion across hosts. */
	readonly localLocks: boolean;
	readonly checks: readonly OptionCheck[];
};

export type MountAnalysis = {
	readonly entry: MountEntry;
	readonly family: FsFamily;
	readonly nfs?: NfsAnalysis;
	/** Options that break locking across hosts (warning level). */
	readonly problems: readonly string[];
	/** Facts worth knowing (info level). */
	readonly notes: readonly string[];
};

function optionMap(entry: MountEntry): Map<string, string> {
	const map = new Map<string, string>();
	for (const option of [...entry.mountOptions, ...entry.superOptions]) {
		const equals = option.indexOf('=');
		map.set(equals < 0 ? option : option.slice(0, equals), equals < 0 ? '' : option.slice(equals + 1));
	}

	return map;
}

/** The kernel's cap on one TCP retransmit timeout (NFS_MAX_TCP_TIMEOUT, nfs(5)): 600 s. */
const maxTcpTimeoutDs = 6000;
/** UDP timeouts double up to 60 s (NFS_MAX_UDP_TIMEOUT). */
const maxUdpTimeoutDs = 600;

/**
 * Worst-case time until a soft-mounted NFS request fails, per nfs(5) and the kernel's
 * nfs_init_timeout_values(): the first transmission waits timeo, then `retrans` retransmissions
 * follow; over TCP each waits timeo longer than the last (linear backoff: timeo, 2·timeo, …,
 * capped at 600 s), over UDP each waits twice as long (capped at 60 s). After the last one
 * the request fails (soft) or starts over (hard: never fails).
 */
export function nfsRequestTimeout(timeo: number, retrans: number, protocol: 'tcp' | 'udp'): {ms: number; computation: string} {
	const waits: number[] = [];
	for (let attempt = 0; attempt <= retrans; attempt++) {
		waits.push(protocol === 'udp' ? Math.min(timeo * 2 ** attempt, maxUdpTimeoutDs) : Math.min(timeo * (attempt + 1), maxTcpTimeoutDs));
	}

	const totalDs = waits.reduce((sum, wait) => sum + wait, 0);
	const seconds = (ds: number) => `${ds / 10} s`;
	const rule = protocol === 'udp' ? 'doubling (UDP)' : 'growing by timeo each time (TCP linear backoff)';
	return {ms: totalDs * 100, computation: `timeo=${timeo} (${seconds(timeo)}) and retrans=${retrans}: ${retrans + 1} waits ${rule}, ${waits.map(wait => seconds(wait)).join(' + ')} = ${seconds(totalDs)}`};
}

/** Artemis' lock monitor looks every 2 s (a primary learns of a dead server at its next look). */
export const LOCK_MONITOR_PERIOD_MS = 2000;

function analyseNfs(entry: MountEntry): NfsAnalysis {
	const options = optionMap(entry);
	const version = options.get('vers') ?? options.get('nfsvers') ?? (entry.fsType === 'nfs4' ? '4' : null);
	const protocol = options.get('proto') ?? null;
	const udp = protocol?.startsWith('udp') ?? false;
	const soft = options.has('soft') || options.has('softerr');
	const timeo = Number(options.get('timeo') ?? (udp ? 11 : 600));
	const retrans = Number(options.get('retrans') ?? (udp ? 3 : 2));
	const timeout = nfsRequestTimeout(timeo, retrans, udp ? 'udp' : 'tcp');
	const localLock = options.get('local_lock');
	const localLocks = options.has('nolock') || localLock === 'all' || localLock === 'posix';
	const noac = options.has('noac') || (['acregmin', 'acregmax', 'acdirmin', 'acdirmax'].every(name => options.get(name) === '0'));
	const lookupcache = options.get('lookupcache');
	const checks: OptionCheck[] = [
		// noac makes every write synchronous too (nfs(5)), so it satisfies `sync`.
		{option: 'sync', ok: options.has('sync') || options.has('noac'), actual: options.has('sync') ? 'sync' : options.has('noac') ? 'noac (implies synchronous writes)' : 'absent (async)', why: 'changes reach the server before the call returns'},
		{option: 'noac', ok: noac, actual: noac ? 'noac' : 'attribute caching on', why: 'without it another host\'s state write or mtime touch can be seen seconds late'},
		{option: 'soft', ok: soft, actual: soft ? (options.has('softerr') ? 'softerr' : 'soft') : 'hard', why: 'a hard mount blocks a broker forever when the server is gone, instead of failing so it can shut down'},
		{option: 'lookupcache=none', ok: lookupcache === 'none', actual: lookupcache ? `lookupcache=${lookupcache}` : 'lookupcache=all (default)', why: 'a cached lookup can hide a replaced or deleted server.lock'},
		{option: 'timeo/retrans', ok: soft && timeout.ms <= 30_000, actual: `timeo=${timeo},retrans=${retrans}`, why: 'together they bound how long a broker waits on a dead server (Artemis suggests small values)'},
	];
	return {
		version,
		protocol,
		soft,
		timeo,
		retrans,
		requestTimeoutMs: soft ? timeout.ms : null,
		computation: soft ? timeout.computation : `hard mount: a request is retried forever (${timeout.computation} per retry cycle, then again)`,
		localLocks,
		checks,
	};
}

export function analyseMount(entry: MountEntry): MountAnalysis {
	const family = fsFamily(entry.fsType);
	const options = optionMap(entry);
	const problems: string[] = [];
	const notes: string[] = [];
	if (family === 'local') return {entry, family, problems, notes};
	notes.push('inotify does not see changes made by other hosts here: ha-tui polls');
	if (family === 'nfs') {
		const nfs = analyseNfs(entry);
		if (nfs.localLocks) problems.push(`${options.has('nolock') ? 'nolock' : `local_lock=${options.get('local_lock')}`}: locks are local to this client, so brokers on two hosts both get the "exclusive" lock (split brain)`);
		if (nfs.version?.startsWith('3') || nfs.version === '2') notes.push(`NFSv${nfs.version} locks go through NLM/statd: a lock held by a host that crashes is released only when that host comes back (or an admin clears it), so a backup elsewhere may wait until then`);
		else notes.push('NFSv4 locks are leases: a host that dies loses its locks when the lease expires (90 s by default on Linux servers), then a backup can take over');
		return {entry, family, nfs, problems, notes};
	}

	if (family === 'cifs') {
		if (options.has('nobrl')) problems.push('nobrl: byte-range locks are not sent to the server, so brokers on two hosts both get the lock (split brain)');
		if (!options.has('soft') && options.has('hard')) notes.push('hard: a broker blocks while the server is unreachable');
		notes.push('SMB byte-range locks are mandatory on the server side; Artemis shared store over SMB is not a tested configuration');
	} else if (family === 'fuse') {
		problems.push(`${entry.fsType}: FUSE file systems usually keep POSIX locks local to this host (sshfs does), so they do not exclude a broker on another host`);
	} else if (family === 'ceph') {
		notes.push('CephFS supports fcntl locks across clients; a client that is evicted loses them after the session timeout');
	}

	return {entry, family, problems, notes};
}
