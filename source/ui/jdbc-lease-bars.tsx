// The leases as pictures: a bar per lock row that drains towards expiry (by the database clock,
// through the measured DB − host offset) and refills on each renew, so a stalled renewer is
// visible at a glance. Pure: the caller passes the time.
import React from 'react';
import {Box, Text} from 'ink';
import type {Lease} from '../store/jdbc/probe.js';
import {sanitize} from '../text/sanitize.js';
import {Tone} from './theme.js';

export type LeaseBarsProps = {
	readonly live: Lease;
	readonly backup: Lease;
	/** The DB clock now, estimated (host now + offset). */
	readonly dbNow: number;
	/** The lease length a bar is full at (jdbc-lock-expiration, default 20000). */
	readonly leaseMs: number;
	/** Holder id → who ("ha-tui node (backup) pid 12", "unknown"). */
	readonly who: (holderId: string) => string;
	/** The bar's width in characters (default 20). */
	readonly width?: number;
	/** The most of a holder id shown (default 36, Artemis' length). */
	readonly holderWidth?: number;
	/** Only this row (the layout had room for one). */
	readonly only?: 'live' | 'backup';
};

const seconds = (ms: number) => `${(Math.round(Math.abs(ms) / 100) / 10).toFixed(1)} s`;

export function leaseBar(leftMs: number, leaseMs: number, width: number): string {
	const fraction = Math.max(0, Math.min(1, leftMs / leaseMs));
	const full = Math.round(fraction * width);
	return '█'.repeat(full) + '░'.repeat(width - full);
}

function LeaseRow({name, lease, dbNow, leaseMs, who, width, holderWidth = 36}: {name: string; lease: Lease} & Omit<LeaseBarsProps, 'live' | 'backup'>) {
	const barWidth = width ?? 20;
	if (lease.holderId === null) {
		return <Text wrap='truncate-end'>{name.padEnd(8)} <Tone tone='muted'>{'░'.repeat(barWidth)} free</Tone></Text>;
	}

	const holder = sanitize(lease.holderId.length > holderWidth ? `${lease.holderId.slice(0, holderWidth - 1)}…` : lease.holderId);
	if (lease.expiresAt === null) {
		return <Text wrap='truncate-end'>{name.padEnd(8)} <Tone tone='warn'>{'?'.repeat(barWidth)}</Tone> {holder} expiry {sanitize(lease.rawExpiration ?? 'NULL')} (not a lease ha-tui can read)</Text>;
	}

	const left = lease.expiresAt - dbNow;
	const tone = left < 0 ? 'error' : left < leaseMs * 0.5 ? 'warn' : 'ok';
	const label = left >= 0 ? `${seconds(left)} left` : `EXPIRED ${seconds(left)} ago`;
	return (
		<Text wrap='truncate-end'>
			{name.padEnd(8)} <Tone tone={tone}>{leaseBar(left, leaseMs, barWidth)}</Tone> <Tone tone={tone}>{label.padEnd(18)}</Tone> {holder} <Tone tone='muted'>{sanitize(who(lease.holderId))}</Tone>
		</Text>
	);
}

export function LeaseBars(props: LeaseBarsProps) {
	return (
		<Box flexDirection='column'>
			{props.only === 'backup' ? null : <LeaseRow name='primary' lease={props.live} {...props}/>}
			{props.only === 'live' ? null : <LeaseRow name='backup' lease={props.backup} {...props}/>}
		</Box>
	);
}
