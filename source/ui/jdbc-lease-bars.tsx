// The leases as pictures: a bar per lock row that drains towards expiry (by the database clock,
// through the measured DB − host offset) and refills on each renew, so a stalled renewer is
// visible at a glance. Pure: the caller passes the time.
import React from 'react';
import {Box, Text} from 'ink';
import type {Lease} from '../store/jdbc/probe.js';
import {seconds} from '../store/jdbc/verdict.js';
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

	const {tone, bar, label} = leaseCountdown(lease.expiresAt, dbNow, leaseMs, barWidth);
	return (
		<Text wrap='truncate-end'>
			{name.padEnd(8)} <Tone tone={tone}>{bar}</Tone> <Tone tone={tone}>{label}</Tone> {holder} <Tone tone='muted'>{sanitize(who(lease.holderId))}</Tone>
		</Text>
	);
}

/** Where a row's countdown (its bar, a space, its label) starts: after the row's name. */
export const COUNTDOWN_COLUMN = 9;

/** A countdown warns once less than this share of the lease is left. */
const WARN_SHARE = 0.5;

/**
 * The part of a held lease's row that moves with the time: the bar, the time left (or since
 * its expiry) padded to one width, and their tone (warn past half-way, error past the end).
 */
export function leaseCountdown(expiresAt: number, dbNow: number, leaseMs: number, width: number): {tone: 'ok' | 'warn' | 'error'; bar: string; label: string} {
	const left = expiresAt - dbNow;
	const tone = left < 0 ? 'error' : left < leaseMs * WARN_SHARE ? 'warn' : 'ok';
	const label = left >= 0 ? `${seconds(left)} left` : `EXPIRED ${seconds(left)} ago`;
	return {tone, bar: leaseBar(left, leaseMs, width), label: label.padEnd(18)};
}

/** When a countdown's tone turns (leaseCountdown): half-way, then the expiry — on the clock `expiry` is given in. */
export function countdownTurns(expiry: number, leaseMs: number): [number, number] {
	return [expiry - (leaseMs * WARN_SHARE), expiry];
}

export function LeaseBars(props: LeaseBarsProps) {
	return (
		<Box flexDirection='column'>
			{props.only === 'backup' ? null : <LeaseRow name='primary' lease={props.live} {...props}/>}
			{props.only === 'live' ? null : <LeaseRow name='backup' lease={props.backup} {...props}/>}
		</Box>
	);
}
