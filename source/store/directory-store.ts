// The directory store: a journal directory (or node-manager-lock-directory) holding server.lock
// and the lock files of its layout (lock-file/layout.ts). Probing, the pulse, file events and
// node managers for it, behind the Store interface (store.ts).
import path from 'node:path';
import chokidar, {type ChokidarOptions} from 'chokidar';
import {HolderCache, LAYOUT_FILES, probeLockFile, type LayoutChoice, type Probe, type ProbeMemo} from '../lock-file/index.js';
import {FileLockNodeManager} from '../node-manager/file-lock-node-manager.js';
import type {NodeManager} from '../node-manager/node-manager.js';
import {errorLine} from '../text/error-line.js';
import {fileSystemKind, type FsKind} from '../lock-file/file-system.js';
import {DirectoryPulse} from './directory-pulse.js';
import type {NodeManagerOptions, Store, StoreChangeFeed, StoreChangeOptions} from './store.js';

/** The part of chokidar's FSWatcher the store uses. */
export type DirectoryWatcher = {
	on(event: 'all', listener: () => void): unknown;
	on(event: 'error', listener: (error: unknown) => void): unknown;
	close(): Promise<void>;
};

export type DirectoryStoreOptions = {
	/** The layout of the nodes this store makes (default auto: what the directory shows). */
	layout?: LayoutChoice;
	/** A seam for tests: what watches the directory (default chokidar.watch). */
	watchDirectory?: (directory: string, options: ChokidarOptions) => DirectoryWatcher;
	/** The holder cache to probe with (the fleet shares its scans: fleet/shared-holders.ts). */
	holderCache?: HolderCache;
};

export class DirectoryStore implements Store<Probe> {
	readonly kind = 'directory' as const;
	readonly fsKind: FsKind;
	private readonly cache: HolderCache;
	/** The last probe and its reading's key: the same reading gives back the same probe (probe.ts ProbeMemo). */
	private readonly memo: ProbeMemo = {};

	/** `file`: the resolved path of server.lock (lock-file.ts resolveLockPath). */
	constructor(readonly file: string, private readonly options: DirectoryStoreOptions = {}) {
		this.fsKind = fileSystemKind(file);
		this.cache = options.holderCache ?? new HolderCache();
	}

	get target(): string {
		return this.file;
	}

	get directory(): string {
		return path.dirname(this.file);
	}

	get network(): boolean {
		return this.fsKind.network;
	}

	get medium(): string {
		return this.fsKind.name;
	}

	/** The holder cache the probes share (the OFD owner scan is costly: one per store). */
	get holderCache(): HolderCache {
		return this.cache;
	}

	probeSync(): Probe {
		return probeLockFile(this.file, this.cache, this.memo);
	}

	async probe(): Promise<Probe> {
		return this.probeSync();
	}

	pulse(): DirectoryPulse {
		return new DirectoryPulse();
	}

	/**
	 * chokidar on the directory, filtered to the names any layout uses (layout.ts LAYOUT_FILES):
	 * that sees the files being created, deleted and replaced, which a watch on a file itself
	 * would lose; a lock file appearing changes the layout, and the pulse must follow it.
	 * Polling (stat every interval) on network file systems or when asked.
	 */
	watchChanges(options: StoreChangeOptions): StoreChangeFeed {
		const directory = this.directory;
		const names = new Set([path.basename(this.file), ...LAYOUT_FILES]);
		const polling = options.polling ?? this.network;
		const watch: (where: string, chokidarOptions: ChokidarOptions) => DirectoryWatcher = this.options.watchDirectory ?? ((where: string, chokidarOptions: ChokidarOptions) => chokidar.watch(where, chokidarOptions));
		const watcher = watch(directory, {
			depth: 0,
			ignoreInitial: true,
			usePolling: polling,
			interval: Math.max(options.intervalMs ?? 250, 250),
			ignored: (file: string) => file !== directory && !names.has(path.basename(file)),
		});
		let closed: Promise<void> | undefined;
		const close = async () => {
			closed ??= watcher.close();
			return closed;
		};

		watcher.on('all', () => options.onChange());
		// An exhausted inotify limit (ENOSPC) or a vanished directory: say so; the caller polls.
		watcher.on('error', (error: unknown) => {
			const code = (error as NodeJS.ErrnoException).code;
			options.onError(code === 'ENOSPC' ? 'ENOSPC: the inotify watch limit is reached (fs.inotify.max_user_watches)' : errorLine(error));
			void close().catch(() => {});
		});
		return {polling, close};
	}

	nodeManager(options: NodeManagerOptions = {}): NodeManager {
		return new FileLockNodeManager(this.file, {layout: this.options.layout ?? 'auto', createDirectory: options.createStore});
	}
}
