// A Linux dev_t as the kernel prints it: one decoding (glibc's major/minor split), two spellings —
// decimal "254:0" in /proc/self/mountinfo, zero-padded hex "fe:00" in /proc/locks.

/** st_dev → major and minor (glibc's gnu_dev_major / gnu_dev_minor). */
export function splitDevice(device: number): {major: bigint; minor: bigint} {
	const dev = BigInt(device);
	return {
		major: ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn),
		minor: (dev & 0xffn) | ((dev >> 12n) & ~0xffn),
	};
}

/** st_dev → "major:minor" in decimal, as /proc/self/mountinfo prints it. */
export function deviceNumbers(device: number): string {
	const {major, minor} = splitDevice(device);
	return `${major}:${minor}`;
}

/** st_dev → the "maj:min" hex pair /proc/locks prints. */
export function deviceToProc(device: number): string {
	const {major, minor} = splitDevice(device);
	return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}
