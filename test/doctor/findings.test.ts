// Each finding from a hand-made situation, and not from its healthy neighbour.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import type {BrokerInfo} from '../../source/broker/config.js';
import {FAILBACK_STUCK_MS, exitCodeOf, parseMountinfo, runDoctor, worstFinding, type DoctorContext, type DoctorProbe, type Finding, type ProcessFacts} from '../../source/doctor/index.js';
import {fixture} from '../broker/fake-broker.js';

const NOW = 1_800_000_000_000;
const DIR = '/shared/journal';

const brokerA: BrokerInfo = {kind: 'artemis', name: 'broker-a', instance: '/opt/a', configuration: '/opt/a/etc/broker.xml', haPolicy: 'shared-store', role: 'primary', failoverOnShutdown: false, allowFailback: null, restartBackup: null, lockDirectory: DIR, clusterConnection: true};
const brokerB: BrokerInfo = {...brokerA, name: 'broker-b', instance: '/opt/b', configuration: '/opt/b/etc/broker.xml', role: 'backup', allowFailback: true, restartBackup: true};

type Holder = {pid: number | undefined; command?: string; kind?: string};
type Situation = {state?: string | undefined; live?: Holder[]; backup?: Holder[]; stateLock?: Holder[]; liveLocked?: boolean; backupLocked?: boolean; layout?: 'files' | 'ranges' | 'mixed'; mtimeMs?: number; files?: Array<{name: string; exists: boolean}>};

function probe(situation: Situation = {}): DoctorProbe {
	const holders = (list: Holder[] = []) => list.map(holder => ({pid: holder.pid, command: holder.command, kind: holder.kind ?? 'POSIX', sameProcess: false}));
	const state = 'state' in situation ? situation.state : 'L';
	return {
		path: `${DIR}/server.lock`,
		directory: DIR,
		size: 19,
		state: state === undefined ? undefined : state.charCodeAt(0),
		stateName: 'whatever',
		nodeId: '01234567-89ab-cdef-0123-456789abcdef',
		mtimeMs: situation.mtimeMs ?? NOW - 60_000,
		layout: situation.layout ?? 'files',
		files: (situation.files ?? [{name: 'server.lock', exists: true}, {name: 'serverlock.1', exists: true}, {name: 'serverlock.2', exists: true}]).map(file => ({...file, path: `${DIR}/${file.name}`})),
		locks: {
			state: {locked: (situation.stateLock ?? []).length > 0, file: `${DIR}/server.lock`, holders: holders(situation.stateLock)},
			live: {locked: situation.liveLocked ?? (situation.live ?? []).length > 0, file: `${DIR}/serverlock.1`, holders: holders(situation.live)},
			backup: {locked: situation.backupLocked ?? (situation.backup ?? []).length > 0, file: `${DIR}/serverlock.2`, holders: holders(situation.backup)},
		},
	};
}

const running = (pid: number, broker?: BrokerInfo, more: Partial<ProcessFacts> = {}): ProcessFacts => ({pid, state: 'S', broker, usesThisDirectory: broker ? broker.lockDirectory === DIR : undefined, credentials: {uid: 1000, gid: 1000, groups: []}, command: broker ? 'java … org.apache.activemq.artemis.boot.Artemis run' : 'python3', ...more});

function context(processes: ProcessFacts[], more: Partial<DoctorContext> = {}): DoctorContext {
	return {now: NOW, processes: new Map(processes.map(facts => [facts.pid, facts])), ...more};
}

const ids = (findings: readonly Finding[]) => findings.map(finding => finding.id);
const find = (findings: readonly Finding[], id: string) => findings.find(finding => finding.id === id);

// The healthy pair every neighbour starts from.
const pair = () => context([running(100, brokerA), running(200, brokerB)]);
const healthyProbe = () => probe({live: [{pid: 100}], backup: [{pid: 200}]});

test('healthy: one ok finding that names both brokers, exit 0', () => {
	const findings = runDoctor(healthyProbe(), pair());
	assert.deepEqual(ids(findings), ['healthy']);
	assert.equal(findings[0].level, 'ok');
	assert.match(findings[0].title, /broker-a \(primary\) pid 100 is live, broker-b \(backup\) pid 200 waits as backup/);
	assert.equal(exitCodeOf(findings), 0);
	assert.equal(worstFinding(findings)?.id, 'healthy');
});

test('no-backup restates the verdict with the live broker\'s name', () => {
	const findings = runDoctor(probe({live: [{pid: 100}]}), context([running(100, brokerA)]));
	assert.deepEqual(ids(findings), ['no-backup']);
	assert.match(findings[0].title, /broker-a \(primary\) pid 100 is live/);
	assert.equal(exitCodeOf(findings), 1);
});

test('paused: P, no primary lock, a backup waiting; names failover-on-shutdown. Not on L with a live', () => {
	const findings = runDoctor(probe({state: 'P', backup: [{pid: 200}]}), context([running(200, brokerB)]));
	assert.deepEqual(ids(findings), ['paused', 'no-live']);
	const finding = find(findings, 'paused')!;
	assert.equal(finding.level, 'critical');
	assert.match(finding.fix, /failover-on-shutdown>true/);
	assert.ok(finding.evidence.some(line => /broker-b \(backup\) pid 200/.test(line)));
	assert.equal(exitCodeOf(findings), 2);
	assert.equal(find(runDoctor(healthyProbe(), pair()), 'paused'), undefined);
	// P while a primary holds the lock is a transition (a primary starting), not paused.
	assert.equal(find(runDoctor(probe({state: 'P', live: [{pid: 100}], backup: [{pid: 200}]}), pair()), 'paused'), undefined);
});

test('never-started: 0 or N with a backup waiting; names a local primary that uses another directory. Not without a waiting backup', () => {
	for (const state of ['0', 'N', undefined]) {
		const findings = runDoctor(probe({state, backup: [{pid: 200}]}), context([running(200, brokerB)]));
		assert.equal(findings[0].id, 'never-started', String(state));
		assert.match(findings[0].title, /has never started on this directory/);
	}

	const elsewhere = {...brokerA, lockDirectory: '/opt/a/data/journal'};
	const findings = runDoctor(probe({state: '0', backup: [{pid: 200}]}), context([running(200, brokerB), running(100, elsewhere, {usesThisDirectory: false})]));
	assert.deepEqual(ids(findings), ['never-started', 'not-shared', 'no-live']);
	assert.match(find(findings, 'never-started')!.title, /runs, but on another directory/);
	assert.ok(find(findings, 'never-started')!.evidence.some(line => line.includes('/opt/a/data/journal')));
	assert.ok(find(findings, 'not-shared')!.evidence.some(line => /inside an instance directory/.test(line)));
	// Neighbours: nobody waiting (just no-live), and the healthy pair.
	assert.deepEqual(ids(runDoctor(probe({state: '0'}), context([]))), ['no-live']);
	assert.equal(find(runDoctor(healthyProbe(), pair()), 'never-started'), undefined);
});

test('not-shared: a holder whose broker.xml puts its lock files elsewhere. Not when it resolves here', () => {
	const moved = {...brokerB, lockDirectory: '/other/journal'};
	const findings = runDoctor(healthyProbe(), context([running(100, brokerA), running(200, moved, {usesThisDirectory: false})]));
	const finding = find(findings, 'not-shared')!;
	assert.equal(finding.level, 'critical');
	assert.match(finding.evidence[0], /broker-b \(backup\) pid 200 holds the backup lock here, but its broker.xml puts the lock files in \/other\/journal/);
	assert.equal(find(runDoctor(healthyProbe(), pair()), 'not-shared'), undefined);
	// Unknown (null) is not evidence.
	assert.equal(find(runDoctor(healthyProbe(), context([running(100, brokerA), running(200, brokerB, {usesThisDirectory: null})])), 'not-shared'), undefined);
});

test('not-shared: a lone local backup elsewhere while this group has none; not when it has a partner there', () => {
	const lonely = {...brokerB, lockDirectory: '/opt/b/data/journal'};
	const findings = runDoctor(probe({live: [{pid: 100}]}), context([running(100, brokerA), running(200, lonely, {usesThisDirectory: false})]));
	assert.ok(find(findings, 'not-shared'), JSON.stringify(ids(findings)));
	const partner = {...brokerA, name: 'broker-z', lockDirectory: '/opt/b/data/journal'};
	assert.equal(find(runDoctor(probe({live: [{pid: 100}]}), context([running(100, brokerA), running(200, lonely, {usesThisDirectory: false}), running(300, partner, {usesThisDirectory: false})])), 'not-shared'), undefined);
});

test('failback-stuck: F for longer than the threshold while a backup keeps the primary lock; names allow-failback=false', () => {
	const stubborn = {...brokerB, allowFailback: false, clusterConnection: false};
	const since = NOW - FAILBACK_STUCK_MS - 1;
	const findings = runDoctor(probe({state: 'F', live: [{pid: 200}]}), context([running(200, stubborn)], {observation: {stateSince: since}}));
	const finding = find(findings, 'failback-stuck')!;
	assert.equal(finding.level, 'warning');
	assert.ok(finding.evidence.some(line => /allow-failback>false/.test(line)));
	assert.ok(finding.evidence.some(line => /no <cluster-connections>/.test(line)));
	assert.match(finding.fix, /pid 200/);
	// Neighbours: a fresh F (a failback in progress), and F without a holder.
	assert.equal(find(runDoctor(probe({state: 'F', live: [{pid: 200}]}), context([running(200, stubborn)], {observation: {stateSince: NOW - 1000}})), 'failback-stuck'), undefined);
	assert.equal(find(runDoctor(probe({state: 'F', live: [{pid: 200}]}), context([running(200, stubborn)])), 'failback-stuck'), undefined);
	const orphan = runDoctor(probe({state: 'F'}), context([], {observation: {stateSince: since}}));
	assert.deepEqual(ids(orphan), ['failing-back']);
	assert.equal(orphan[0].level, 'critical');
	assert.ok(orphan[0].evidence.some(line => /backups back off on F/.test(line)));
});

test('failback-stuck names an ha-tui node run with --no-allow-failback, and generic causes when nothing is known', () => {
	const since = NOW - 60_000;
	const node = runDoctor(probe({state: 'F', live: [{pid: 300, command: 'ha-tui node /shared/journal --role backup --no-allow-failback'}]}), context([running(300, undefined, {command: 'ha-tui node /shared/journal --role backup --no-allow-failback'})], {observation: {stateSince: since}}));
	assert.ok(find(node, 'failback-stuck')!.evidence.some(line => /ha-tui node \S+ \(backup\) pid 300 runs with --no-allow-failback/.test(line)));
	const unknown = runDoctor(probe({state: 'F', live: [{pid: 400}]}), context([running(400)], {observation: {stateSince: since}}));
	assert.ok(find(unknown, 'failback-stuck')!.evidence.some(line => /likely causes/.test(line)));
});

test('holder-stopped: T, t or Z on a live, backup or state lock holder. Not for S, R or D', () => {
	for (const state of ['T', 't', 'Z']) {
		const findings = runDoctor(healthyProbe(), context([running(100, brokerA, {state}), running(200, brokerB)]));
		assert.equal(findings[0].id, 'holder-stopped', state);
		assert.equal(findings[0].level, 'critical');
		assert.match(findings[0].evidence[0], /broker-a \(primary\) pid 100 holds the primary \(live\) lock/);
		assert.match(findings[0].fix, /kill -CONT 100/);
	}

	const onState = runDoctor(probe({live: [{pid: 100}], backup: [{pid: 200}], stateLock: [{pid: 200}]}), context([running(100, brokerA), running(200, brokerB, {state: 'T'})]));
	assert.equal(onState[0].id, 'holder-stopped');
	assert.equal(onState[0].evidence.length, 3); // backup lock, state lock, and the explanation
	for (const state of ['S', 'R', 'D']) assert.equal(find(runDoctor(healthyProbe(), context([running(100, brokerA, {state}), running(200, brokerB)])), 'holder-stopped'), undefined, state);
});

test('remote-holder: locked, but no visible local process holds it. Not when the holder is local', () => {
	const nfs = parseMountinfo(fs.readFileSync(fixture('mountinfo', 'nfs4-recommended.txt'), 'utf8'))[0];
	// /proc/locks has nothing (another NFS client): the probe reports the lock with no holders.
	const findings = runDoctor(probe({liveLocked: true, backup: [{pid: 200}]}), context([running(200, brokerB)], {mount: nfs}));
	const finding = find(findings, 'remote-holder')!;
	assert.equal(finding.level, 'info');
	assert.match(finding.title, /another host/);
	assert.ok(finding.evidence.some(line => /which host cannot be known/.test(line)));
	// The kernel named a pid that is no process here (F_GETLK over NFS).
	assert.ok(find(runDoctor(probe({live: [{pid: 4242}], backup: [{pid: 200}]}), context([running(200, brokerB)])), 'remote-holder'));
	// Local file system: a process in another PID namespace.
	assert.match(find(runDoctor(probe({liveLocked: true}), context([])), 'remote-holder')!.evidence.at(-1)!, /PID namespace/);
	assert.equal(find(runDoctor(healthyProbe(), pair()), 'remote-holder'), undefined);
	// An OFD lock whose owner was not found is still local (it is in /proc/locks).
	assert.equal(find(runDoctor(probe({live: [{pid: undefined, kind: 'OFD'}]}), context([])), 'remote-holder'), undefined);
});

test('mixed-layout: critical, lists the files. Not for files or ranges', () => {
	const findings = runDoctor(probe({layout: 'mixed', live: [{pid: 100}], backup: [{pid: 200}]}), pair());
	assert.equal(findings[0].id, 'mixed-layout');
	assert.equal(findings[0].level, 'critical');
	for (const layout of ['files', 'ranges'] as const) assert.equal(find(runDoctor(probe({layout, live: [{pid: 100}], backup: [{pid: 200}]}), pair()), 'mixed-layout'), undefined);
});

test('network-fs: info for a well-mounted NFS, warning for defaults, nothing on ext4', () => {
	const mount = (name: string) => parseMountinfo(fs.readFileSync(fixture('mountinfo', `${name}.txt`), 'utf8'))[0];
	const good = find(runDoctor(healthyProbe(), context([...pair().processes.values()], {mount: mount('nfs4-recommended')})), 'network-fs')!;
	assert.equal(good.level, 'info');
	assert.ok(good.evidence.some(line => /worst-case outage detection: 17 s/.test(line)), good.evidence.join('\n'));
	const defaults = find(runDoctor(healthyProbe(), context([...pair().processes.values()], {mount: mount('nfs4')})), 'network-fs')!;
	assert.equal(defaults.level, 'warning');
	assert.ok(defaults.evidence.some(line => /worst-case outage detection: never/.test(line)));
	assert.ok(defaults.evidence.some(line => /^not +noac/.test(line)));
	assert.equal(find(runDoctor(healthyProbe(), context([...pair().processes.values()], {mount: mount('sshfs')})), 'network-fs')?.level, 'warning');
	assert.equal(find(runDoctor(healthyProbe(), context([...pair().processes.values()], {mount: mount('cephfs')})), 'network-fs')?.level, 'info');
	for (const name of ['ext4', 'xfs', 'tmpfs', 'overlay']) assert.equal(find(runDoctor(healthyProbe(), context([...pair().processes.values()], {mount: mount(name)})), 'network-fs'), undefined, name);
});

test('touched-while-live: mtime newer than when L was first seen, same live holder. Not without a touch, not after a takeover', () => {
	const seen = {stateSince: NOW - 30_000, stateMtimeMs: NOW - 30_000, livePid: 100};
	const touched = runDoctor(probe({live: [{pid: 100}], backup: [{pid: 200}], mtimeMs: NOW - 1000}), {...pair(), observation: seen});
	const finding = find(touched, 'touched-while-live')!;
	assert.equal(finding.level, 'warning');
	assert.ok(finding.evidence.some(line => /2\.29\+ primary/.test(line)));
	assert.equal(find(runDoctor(probe({live: [{pid: 100}], backup: [{pid: 200}], mtimeMs: NOW - 30_000}), {...pair(), observation: seen}), 'touched-while-live'), undefined);
	// A backup took over (Artemis 2.29+ sets the mtime then, on purpose).
	assert.equal(find(runDoctor(probe({live: [{pid: 200}], mtimeMs: NOW - 1000}), {...pair(), observation: seen}), 'touched-while-live'), undefined);
	// Without an observation there is nothing to compare with.
	assert.equal(find(runDoctor(probe({live: [{pid: 100}], backup: [{pid: 200}], mtimeMs: NOW}), pair()), 'touched-while-live'), undefined);
});

test('permissions: a holder that cannot write a lock file, files not owned by the broker user. Not when owned and writable', () => {
	const owned = (uid: number, mode: number) => ['server.lock', 'serverlock.1', 'serverlock.2'].map(name => ({name, path: `${DIR}/${name}`, uid, gid: uid, mode}));
	const findings = runDoctor(healthyProbe(), context([...pair().processes.values()], {files: owned(0, 0o644)}));
	const finding = find(findings, 'permissions')!;
	assert.equal(finding.level, 'warning');
	assert.ok(finding.evidence.some(line => /broker-a \(primary\) pid 100 \(uid 1000\) cannot open serverlock\.1 for writing \(owner 0:0, mode 0644\)/.test(line)), finding.evidence.join('\n'));
	const groupWritable = runDoctor(healthyProbe(), context([...pair().processes.values()], {files: owned(0, 0o664).map(file => ({...file, gid: 1000}))}));
	assert.ok(find(groupWritable, 'permissions')!.evidence.every(line => /not by the broker user/.test(line)));
	assert.equal(find(runDoctor(healthyProbe(), context([...pair().processes.values()], {files: owned(1000, 0o644)})), 'permissions'), undefined);
	// Root may write anything, and is nobody's "wrong owner".
	assert.equal(find(runDoctor(healthyProbe(), context([running(100, brokerA, {credentials: {uid: 0, gid: 0, groups: []}})], {files: owned(1000, 0o600)})), 'permissions'), undefined);
	// A missing serverlock file the broker cannot create.
	const missing = probe({live: [{pid: 100}], backup: [{pid: 200}], files: [{name: 'server.lock', exists: true}, {name: 'serverlock.1', exists: true}, {name: 'serverlock.2', exists: false}]});
	const directory = {name: 'journal', path: DIR, uid: 0, gid: 0, mode: 0o755};
	assert.ok(find(runDoctor(missing, context([...pair().processes.values()], {files: owned(1000, 0o644).slice(0, 2), directory})), 'permissions')!.evidence.some(line => /cannot create serverlock\.2/.test(line)));
});

test('findings come worst first; worstFinding and exitCodeOf agree', () => {
	const findings = runDoctor(healthyProbe(), context([running(100, brokerA, {state: 'T'}), running(200, brokerB)], {files: ['server.lock'].map(name => ({name, path: `${DIR}/${name}`, uid: 0, gid: 0, mode: 0o644}))}));
	// No "healthy" beside a warning or worse: the locks look fine, the group is not.
	assert.deepEqual(ids(findings), ['holder-stopped', 'permissions']);
	assert.deepEqual(ids(runDoctor(healthyProbe(), context([...pair().processes.values()], {mount: parseMountinfo(fs.readFileSync(fixture('mountinfo', 'cephfs.txt'), 'utf8'))[0]}))), ['network-fs', 'healthy']);
	assert.equal(worstFinding(findings)?.id, 'holder-stopped');
	assert.equal(exitCodeOf(findings), 2);
	assert.equal(worstFinding([]), undefined);
	assert.equal(exitCodeOf([]), 0);
});
