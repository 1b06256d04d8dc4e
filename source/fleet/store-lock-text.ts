// A lock of any store (store/store.ts' common probe part) in a few words, for one-line reports.
import type {StoreProbeCommon} from '../store/store.js';

/** "free", "ha-tui node (primary) pid 12", "held (holder not visible)". */
export function storeLockText(probe: StoreProbeCommon, segment: 'live' | 'backup'): string {
	const lock = probe.locks[segment];
	if (!lock.locked) return 'free';
	return lock.holders.length === 0 ? 'held (holder not visible)' : lock.holders.map(holder => holder.identity).join(', ');
}
