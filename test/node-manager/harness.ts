// The same scenarios run on the real file and on the in-memory store; a harness hides which.
import fs from 'node:fs';
import {STATE, decodeLockFile, encodeNewLockFile, probeLockFile} from '../../source/lock-file/index.js';
import {FileLockNodeManager, HaNode, InMemoryNodeManager, InMemoryStore, type HaNodeOptions, type NodeEvent} from '../../source/node-manager/index.js';
import {tempDir} from '../helpers/temp.js';

export type Harness = {
	readonly name: string;
	node(role: HaNodeOptions['role'], options?: Partial<HaNodeOptions>): HaNode;
	state(): number | undefined;
	nodeId(): string | undefined;
	liveLocked(): boolean;
	backupLocked(): boolean;
	/** rm + a new file at the path, with another node id. */
	replaceFile(): void;
	/** rm, and no new file. */
	removeFile(): void;
	cleanup(): Promise<void>;
};

export const fast = {lostLockCheckMs: 20, failbackCheckMs: 20, backoffMs: 20};

export type Recorded = {node: HaNode; events: NodeEvent[]};

/** Every node of a scenario; an 'error' event (an illegal transition among them) fails it. */
function track(nodes: HaNode[], node: HaNode): HaNode {
	nodes.push(node);
	node.on('event', event => {
		if (event.event === 'error') errors.push(`${node.role}: ${event.detail ?? ''}`);
	});
	return node;
}

const errors: string[] = [];

async function stopAll(nodes: HaNode[]): Promise<void> {
	await Promise.all(nodes.map(async node => node.stop({failover: true})));
	const seen = errors.splice(0);
	if (seen.length > 0) throw new Error(`nodes reported errors (an illegal phase transition?): ${seen.join('; ')}`);
}

export function fileHarness(layout: 'files' | 'ranges'): Harness {
	const temp = tempDir();
	const nodes: HaNode[] = [];
	return {
		name: `FileLockNodeManager (${layout} layout)`,
		node: (role, options) => track(nodes, new HaNode(new FileLockNodeManager(temp.file, {layout}), {role, ...fast, ...options})),
		state: () => decodeLockFile(fs.readFileSync(temp.file)).state,
		nodeId: () => decodeLockFile(fs.readFileSync(temp.file)).nodeId,
		liveLocked: () => probeOf(temp.file, layout).locks.live.locked,
		backupLocked: () => probeOf(temp.file, layout).locks.backup.locked,
		replaceFile() {
			const next = `${temp.file}.new`;
			const bytes = encodeNewLockFile();
			bytes[0] = STATE.paused;
			fs.writeFileSync(next, bytes);
			fs.renameSync(next, temp.file);
		},
		removeFile: () => fs.rmSync(temp.file),
		async cleanup() {
			await stopAll(nodes);
			temp.cleanup();
		},
	};
}

/** A probe that must see the layout the nodes use: a second layout would be a bug. */
function probeOf(file: string, layout: 'files' | 'ranges') {
	const probe = probeLockFile(file);
	if (probe.layout !== layout) throw new Error(`the probe sees the ${probe.layout} layout, the nodes use ${layout}`);
	return probe;
}

export const filesHarness = (): Harness => fileHarness('files');
export const rangesHarness = (): Harness => fileHarness('ranges');

export function memoryHarness(): Harness {
	const store = new InMemoryStore();
	const nodes: HaNode[] = [];
	return {
		name: 'InMemoryNodeManager',
		node: (role, options) => track(nodes, new HaNode(new InMemoryNodeManager(store), {role, ...fast, ...options})),
		state: () => store.state,
		nodeId: () => store.nodeId,
		liveLocked: () => store.owners.has('live'),
		backupLocked: () => store.owners.has('backup'),
		replaceFile() {
			store.replace();
			store.state = STATE.paused;
			store.nodeId = '11111111-2222-4333-8444-555555555555';
		},
		removeFile: () => store.remove(),
		async cleanup() {
			await stopAll(nodes);
		},
	};
}
