// The version matrix (test/interop/versions.ts): the same scenarios against the real node manager
// of every HornetQ / Artemis generation. NIO versions run the shared suite of real-node-manager.ts
// (failover, P and failback both ways, status naming the JVM pids, an ha-tui backup joining a
// healthy JVM pair); AIO versions (flock layout) run it too, with ha-tui's flock locks, after the
// JVM-only checks of real-aio.ts.
// `npm test` runs the 'test' tier (one version per generation); `npm run test:matrix` the rest
// (HA_TUI_MATRIX=matrix; =all for both). The README's "Tested against real Artemis" says which.
import {aioInterop} from './real-aio.js';
import {nodeManagerInterop} from './real-node-manager.js';
import {realVersions, selectedTiers} from './versions.js';

const tiers = selectedTiers();
for (const version of realVersions) {
	if (!tiers.includes(version.tier)) continue;
	if (version.aio) aioInterop(version);
	nodeManagerInterop(version, version.layout);
}
