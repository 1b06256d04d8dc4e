// The version matrix: every generation of real HornetQ / Artemis node-manager code that ha-tui is
// run beside (test/interop/real-matrix.test.ts). scripts/fetch-artemis.sh fetches the jars of each
// `key` (its "matrix" list: minimal classpaths) into the interop cache.
//
// `tier` decides where a version runs, to keep .ci/run inside its 15 minutes on 2 cores:
//   'test'   — `npm test`: one representative per generation;
//   'matrix' — `npm run test:matrix` (HA_TUI_MATRIX=matrix): the others.
// Artemis 2.9.0 (ranges) and 2.40.0 (files) have their own files with their full runtime
// classpaths (real-ranges.test.ts, real-files.test.ts), run by `npm test`.

import process from 'node:process';

export type Layout = 'ranges' | 'files' | 'flock';
export type Tier = 'test' | 'matrix';

export type RealVersion = {
	/** The interop cache's name for the jars: classpath-min-<key>.txt (native-<key>/ for AIO). */
	key: string;
	product: 'HornetQ' | 'Artemis';
	version: string;
	/** The Maven artifact the node manager comes from (for the README and test names). */
	artifact: string;
	/** The layout this node manager writes with this journal type. */
	layout: Layout;
	/** AIOFileLockNodeManager (journal-type ASYNCIO with libaio loaded) instead of FileLockNodeManager. */
	aio: boolean;
	tier: Tier;
};

const hornetq = (version: string, artifact: string, layout: Layout, aio: boolean, tier: Tier): RealVersion =>
	({key: `hornetq-${version}`, product: 'HornetQ', version, artifact: `org.hornetq:${artifact}:${version}.Final`, layout, aio, tier});
// From 2.50.0 Artemis' groupId is org.apache.artemis.
const artemisGroup = (version: string) => Number(version.split('.')[1]) >= 50 ? 'org.apache.artemis' : 'org.apache.activemq';
const artemis = (version: string, layout: Layout, aio: boolean, tier: Tier): RealVersion =>
	({key: `artemis-${version}`, product: 'Artemis', version, artifact: `${artemisGroup(version)}:artemis-server:${version}`, layout, aio, tier});

export const realVersions: readonly RealVersion[] = [
	hornetq('2.2.14', 'hornetq-core', 'ranges', false, 'matrix'),
	hornetq('2.3.25', 'hornetq-server', 'ranges', false, 'matrix'),
	hornetq('2.3.25', 'hornetq-server', 'flock', true, 'matrix'),
	hornetq('2.4.7', 'hornetq-server', 'ranges', false, 'test'),
	hornetq('2.4.7', 'hornetq-server', 'flock', true, 'test'),
	artemis('2.0.0', 'ranges', false, 'matrix'),
	artemis('2.0.0', 'flock', true, 'matrix'),
	artemis('2.10.0', 'files', false, 'matrix'),
	artemis('2.20.0', 'files', false, 'matrix'),
	artemis('2.28.0', 'files', false, 'matrix'),
	artemis('2.30.0', 'files', false, 'matrix'),
	artemis('2.44.0', 'files', false, 'matrix'),
	artemis('2.56.0', 'files', false, 'test'),
];

/** HA_TUI_MATRIX: unset → the 'test' tier; 'matrix' → the rest; 'all' → every version. */
export function selectedTiers(value = process.env.HA_TUI_MATRIX): readonly Tier[] {
	if (value === 'all') return ['test', 'matrix'];
	if (value === 'matrix') return ['matrix'];
	return ['test'];
}

export const label = (v: RealVersion) => `${v.product} ${v.version} ${v.aio ? 'AIO' : 'NIO'}`;

/** Real broker pairs (apache-artemis bin distributions, `artemis create --shared-store`): real-broker.test.ts. */
export type BrokerDistribution = {version: string; groupId: string; layout: Layout; backupFlag: '--backup' | '--slave'; tier: Tier};
export const brokerDistributions: readonly BrokerDistribution[] = [
	{version: '2.40.0', groupId: 'org.apache.activemq', layout: 'files', backupFlag: '--backup', tier: 'test'},
	{version: '2.56.0', groupId: 'org.apache.artemis', layout: 'files', backupFlag: '--backup', tier: 'matrix'},
	// 2.11–2.28 (no mtime touch on takeover); `create` still says --slave.
	{version: '2.21.0', groupId: 'org.apache.activemq', layout: 'files', backupFlag: '--slave', tier: 'matrix'},
];
