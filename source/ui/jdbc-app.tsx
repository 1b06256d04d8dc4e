// The TUI on a JDBC shared store: the verdict, the store, the state and node id, a draining
// bar per lease row (jdbc-lease-bars.tsx), what changed, and in-process ha-tui nodes started
// from the keys: l primary, b backup, p pause our primary (or stop our newest backup),
// k force failover (release leaving L), q quit (our nodes stop as a clean stop does).
import React, {useEffect, useState} from 'react';
import {Box, Text, useApp, useInput} from 'ink';
import {HaNode, type NodeEvent} from '../node-manager/index.js';
import {JdbcNodeManager} from '../store/jdbc/jdbc-node-manager.js';
import type {JdbcTarget} from '../store/jdbc/target.js';
import {jdbcVerdictLabel} from '../store/jdbc/verdict.js';
import type {JdbcUpdate, JdbcWatcher} from '../store/jdbc/watcher.js';
import {sanitize} from '../text/sanitize.js';
import {LeaseBars} from './jdbc-lease-bars.js';
import {Tone} from './theme.js';

export type JdbcNodes = {
	readonly nodes: HaNode[];
	start(role: 'live' | 'backup'): void;
};

export function createNodes(target: JdbcTarget, onEvent: (node: HaNode, event: NodeEvent) => void): JdbcNodes {
	const nodes: HaNode[] = [];
	return {
		nodes,
		start(role) {
			const manager = new JdbcNodeManager(target, {role: role === 'live' ? 'primary' : 'backup'});
			const node = new HaNode(manager, {role, failbackCheckMs: 250, backoffMs: 250});
			node.on('event', event => onEvent(node, event));
			nodes.push(node);
			node.start();
		},
	};
}

const LEASE_MS = 20_000;

export function JdbcApp({watcher, nodes, onQuit}: {readonly watcher: JdbcWatcher; readonly nodes: JdbcNodes; readonly onQuit: () => void}) {
	const app = useApp();
	const [update, setUpdate] = useState<JdbcUpdate | undefined>(watcher.latest);
	const [log, setLog] = useState<string[]>([]);
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		const onUpdate = (next: JdbcUpdate) => {
			setUpdate(next);
			setLog(lines => [...lines, ...next.changes.map(change => `${new Date(next.takenAt).toISOString().slice(11, 23)} ${change.message}`)].slice(-8));
		};

		watcher.on('update', onUpdate);
		// The bars drain between probes: redraw twice a second.
		const timer = setInterval(() => setNow(Date.now()), 500);
		return () => {
			watcher.off('update', onUpdate);
			clearInterval(timer);
		};
	}, [watcher]);

	useInput(input => {
		const ours = nodes.nodes.filter(node => !['stopped', 'paused', 'lost-lock'].includes(node.phase));
		if (input === 'q') {
			onQuit();
			app.exit();
		} else if (input === 'l') {
			nodes.start('live');
		} else if (input === 'b') {
			nodes.start('backup');
		} else if (input === 'p') {
			const target = ours.find(node => node.isLive) ?? ours.at(-1);
			void target?.pause();
		} else if (input === 'k') {
			void ours.find(node => node.isLive)?.forceFailover();
		}
	});

	const probe = update?.probe;
	const offset = probe ? probe.dbNow - probe.hostNow : 0;
	const who = (holderId: string) => {
		const node = nodes.nodes.find(candidate => (candidate.manager as JdbcNodeManager).holderId === holderId);
		if (node) return `ha-tui node (${node.role === 'live' ? 'primary' : 'backup'}) in this TUI`;
		const connection = update?.connections.find(candidate => candidate.haTui?.holderId === holderId);
		return connection ? `ha-tui node (${connection.haTui!.role})${connection.pid === undefined ? '' : ` pid ${connection.pid}`}` : 'unknown';
	};

	const verdict = update ? `${jdbcVerdictLabel[update.assessment.verdict]} — ${update.assessment.summary}` : 'connecting…';
	const tone = !update ? 'muted' : update.assessment.exitCode === 0 ? 'ok' : update.assessment.exitCode === 1 ? 'warn' : 'error';
	return (
		<Box flexDirection='column'>
			<Tone tone={tone}>{sanitize(verdict)}</Tone>
			<Text>store    {sanitize(watcher.target.display)} table {sanitize(watcher.target.table)}</Text>
			{probe ? (
				<>
					<Text>state    {sanitize(probe.stateRaw ?? 'NULL')} {probe.stateName}   node id {sanitize(probe.nodeId ?? 'none')}   clock DB − host {probe.clockSkewMs} ms</Text>
					<Text> </Text>
					<Text bold>Leases</Text>
					<LeaseBars live={probe.locks.live} backup={probe.locks.backup} dbNow={now + offset} leaseMs={update.renew.live.leaseMs ?? LEASE_MS} who={who}/>
					<Text>
						<Tone tone='muted'>renews   primary {update.renew.live.avgIntervalMs === null ? '—' : `every ${(update.renew.live.avgIntervalMs / 1000).toFixed(1)} s (worst ${((update.renew.live.maxIntervalMs ?? 0) / 1000).toFixed(1)} s)`}</Tone>
					</Text>
				</>
			) : null}
			<Text> </Text>
			<Text bold>Nodes in this TUI</Text>
			{nodes.nodes.length === 0 ? <Tone tone='muted'>none — press l to start a primary, b a backup</Tone> : nodes.nodes.map((node, index) => (
				<Text key={index}>{`#${index + 1} ${node.role === 'live' ? 'primary' : 'backup'} ${node.phase}`}</Text>
			))}
			<Text> </Text>
			<Text bold>Changes</Text>
			{log.map((line, index) => (
				<Text key={index}>{sanitize(line)}</Text>
			))}
			<Text> </Text>
			<Tone tone='muted'>l primary  b backup  p pause/stop  k force failover  q quit</Tone>
		</Box>
	);
}
