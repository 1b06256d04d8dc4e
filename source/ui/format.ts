// Small text helpers for the screen: clocks, ages, fitting a path into a width.
const two = (value: number) => String(value).padStart(2, '0');

/** 19:00:04, local time: the header's clock. */
export function clock(time: number): string {
	return clockSeconds(time);
}

/** 19:00:04, local time. */
export function clockSeconds(time: number): string {
	const date = new Date(time);
	return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** 19:00:04.306, local time: event log resolution. */
export function clockMs(time: number): string {
	return `${clockSeconds(time)}.${String(new Date(time).getMilliseconds()).padStart(3, '0')}`;
}

/**
 * 0s … 59s, 1m05s … 59m59s, 2h05m, 3d04h: floored, never rounded to a coarser step than it
 * shows (the clock ticks every second anyway, so an age can too).
 */
export function age(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m${two(seconds % 60)}s`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return `${hours}h${two(minutes % 60)}m`;
	return `${Math.floor(hours / 24)}d${two(hours % 24)}h`;
}

/** ms until age(ms) shows something else. */
export function nextAgeChange(ms: number): number {
	const elapsed = Math.max(0, ms);
	const step = elapsed < 3_600_000 ? 1000 : elapsed < 86_400_000 ? 60_000 : 3_600_000;
	return step - (elapsed % step);
}

/** ms until clock(time) shows another second. */
export function nextSecond(time: number): number {
	return 1000 - (time % 1000);
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
