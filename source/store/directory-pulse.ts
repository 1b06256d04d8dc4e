// The directory store's pulse: which of the layout's locks are held, by what kind, as one
// string, cheaply enough to ask every few tens of ms (three F_OFD_GETLK are ~8 µs). fcntl
// targets are asked through read-only descriptors (F_OFD_GETLK takes nothing); flock targets
// have no "get lock", and trying one would TAKE it, so they are read from /proc/locks (FLOCK
// lines on the files' inodes), which costs one small read per look.
import fs from 'node:fs';
import path from 'node:path';
import {describeTargets, getConflictingLock, mixedLayouts, type Layout, type LockRange, type Probe} from '../lock-file/index.js';
import {deviceToProc} from '../lock-file/device-number.js';
import {parseProcLockLine} from '../lock-file/proc-locks.js';
import type {StorePulse} from './store.js';

type FcntlLook = {readonly fd: number; readonly range: LockRange};
type Target = {readonly path: string; readonly inode: number; readonly device: number; readonly range: LockRange; readonly primitive: 'fcntl' | 'flock'};

/** The targets of the layout(s) the probe saw, on the files that exist (by inode). */
export function pulseTargets(probe: Probe): Target[] {
	const layouts: Layout[] = probe.layout === 'mixed' ? mixedLayouts(probe.layoutDecision) : [probe.layout];
	const targets: Target[] = [];
	const seen = new Set<string>();
	for (const layout of layouts) {
		for (const spec of describeTargets(layout)) {
			const entry = probe.files.find(file => file.name === spec.name);
			if (!entry?.exists || entry.inode === undefined || entry.device === undefined) continue;
			const key = `${entry.inode}@${spec.range.start}+${spec.range.length}/${spec.primitive}`;
			if (seen.has(key)) continue;
			seen.add(key);
			targets.push({path: entry.path ?? path.join(probe.directory, spec.name), inode: entry.inode, device: entry.device, range: spec.range, primitive: spec.primitive});
		}
	}

	return targets;
}

export class DirectoryPulse implements StorePulse<Probe> {
	private fcntl: FcntlLook[] = [];
	/** "maj:min:inode" of the flock targets. */
	private flock = new Set<string>();
	private key = '';

	follow(probe: Probe | undefined): boolean {
		const targets = probe ? pulseTargets(probe) : [];
		const key = targets.map(target => `${target.inode}@${target.range.start}+${target.range.length}/${target.primitive}`).join(',');
		if (key === this.key) return false;
		this.close();
		this.key = key;
		for (const target of targets) {
			if (target.primitive === 'flock') {
				this.flock.add(`${deviceToProc(target.device)}:${target.inode}`);
				continue;
			}

			let fd: number | undefined;
			try {
				fd = fs.openSync(target.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
				const stat = fs.fstatSync(fd);
				if (!stat.isFile() || stat.ino !== target.inode) {
					fs.closeSync(fd);
					continue;
				}

				this.fcntl.push({fd, range: target.range});
			} catch {
				if (fd !== undefined) {
					try {
						fs.closeSync(fd);
					} catch {}
				}
			}
		}

		return true;
	}

	signature(): string | undefined {
		try {
			const fcntl = this.fcntl.map(look => {
				const lock = getConflictingLock(look.fd, look.range);
				return lock ? `${lock.kind}:${lock.pid ?? ''}` : '-';
			}).join('|');
			return this.flock.size === 0 ? fcntl : `${fcntl}|${this.flockSignature()}`;
		} catch {
			return undefined;
		}
	}

	private flockSignature(): string {
		const text = fs.readFileSync('/proc/locks', 'utf8');
		const held: string[] = [];
		for (const line of text.split('\n')) {
			if (!line.includes('FLOCK')) continue;
			const lock = parseProcLockLine(line);
			if (lock?.kind === 'FLOCK' && this.flock.has(`${lock.device}:${lock.inode}`)) held.push(`${lock.inode}:${lock.pid ?? ''}`);
		}

		return held.sort().join(',') || '-';
	}

	close(): void {
		for (const look of this.fcntl) {
			try {
				fs.closeSync(look.fd);
			} catch {}
		}

		this.fcntl = [];
		this.flock = new Set();
		this.key = '';
	}
}

