// Wall-clock time for the clock and the ages, the only things on screen that change without
// an event. It ticks when an age on screen would read differently (every second for ages under
// an hour, then every minute), and every second for the clock unless the clock is painted
// (clock-painter.ts: on a real terminal the seconds cost no frame): an idle screen with no
// age on it draws no frame at all.
import {useEffect, useState} from 'react';
import {nextAgeChange, nextSecond} from './format.js';

/**
 * `deadlines`: wall-clock times at which something else on screen reads differently (a lease
 * that runs out): a frame a couple of ms after each one still ahead.
 */
export function useNow(startTimes: readonly number[], clockRendered = true, deadlines: readonly number[] = []): number {
	const [now, setNow] = useState(Date.now);
	const key = startTimes.join(',');
	const deadlineKey = deadlines.join(',');
	useEffect(() => {
		const current = Date.now();
		let wait = clockRendered ? nextSecond(current) : Number.POSITIVE_INFINITY;
		// From the key, not the array: a new array with the same times is not a change.
		for (const start of key ? key.split(',').map(Number) : []) wait = Math.min(wait, nextAgeChange(current - start));
		// One the frame on screen has not passed yet: at once if it passed since.
		for (const deadline of deadlineKey ? deadlineKey.split(',').map(Number) : []) if (deadline >= now) wait = Math.min(wait, Math.max(0, deadline - current));
		if (wait === Number.POSITIVE_INFINITY) return;
		// A couple of ms past the change, so the new value shows.
		const timer = setTimeout(() => setNow(Date.now()), wait + 2);
		return () => clearTimeout(timer);
	}, [now, key, deadlineKey, clockRendered]);
	return now;
}
