// Small text helpers for the screen: clocks, ages, fitting a path into a width.
const two = (value: number) => String(value).padStart(2, '0');

/** 19:00, local time. */
export function clock(time: number): string {
	const date = new Date(time);
	return `${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** 19:00:04, local time. */
export function clockSeconds(time: number): string {
	const date = new Date(time);
	return `${clock(time)}:${two(date.getSeconds())}`;
}

/** 19:00:04.306, local time: event log resolution. */
export function clockMs(time: number): string {
	return `${clockSeconds(time)}.${String(new Date(time).getMilliseconds()).padStart(3, '0')}`;
}

/**
 * 0s … 9s, then 10s, 20s … (floored), 3m, 2h05m, 3d04h. Coarser as it grows, so an idle
 * screen needs a new frame every minute, not every second (see nextAgeChange).
 */
export function age(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 10) return `${seconds}s`;
	if (seconds < 60) return `${Math.floor(seconds / 10) * 10}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return `${hours}h${two(minutes % 60)}m`;
	return `${Math.floor(hours / 24)}d${two(hours % 24)}h`;
}

/** ms until age(ms) shows something else. */
export function nextAgeChange(ms: number): number {
	const elapsed = Math.max(0, ms);
	const step = elapsed < 10_000 ? 1000 : elapsed < 60_000 ? 10_000 : elapsed < 86_400_000 ? 60_000 : 3_600_000;
	return step - (elapsed % step);
}

/** ms until clock(time) shows another minute. */
export function nextMinute(time: number): number {
	return 60_000 - (time % 60_000);
}

/** Keeps both ends of a long path: `/var/lib/…/journal/server.lock`. */
export function truncateMiddle(text: string, width: number): string {
	if (text.length <= width) return text;
	if (width <= 1) return text.slice(0, Math.max(0, width));
	const tail = Math.ceil((width - 1) / 2);
	return `${text.slice(0, width - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** Lines a text takes when wrapped at width (approximate: by characters). */
export function lineCount(text: string, width: number): number {
	return Math.max(1, Math.ceil(text.length / Math.max(1, width)));
}
