// Wall-clock time for the clock and the ages, the only things on screen that change without
// an event. It ticks when an age on screen would read differently (every second for ages under
// an hour, then every minute), and every second for the clock unless the clock is painted
// (clock-painter.ts: on a real terminal the seconds cost no frame): an idle screen with no
// age on it draws no frame at all.
import {useEffect, useState} from 'react';
import {nextAgeChange, nextSecond} from './format.js';

export function useNow(startTimes: readonly number[], clockRendered = true): number {
	const [now, setNow] = useState(Date.now);
	const key = startTimes.join(',');
	useEffect(() => {
		const current = Date.now();
		let wait = clockRendered ? nextSecond(current) : Number.POSITIVE_INFINITY;
		// From the key, not the array: a new array with the same times is not a change.
		for (const start of key ? key.split(',').map(Number) : []) wait = Math.min(wait, nextAgeChange(current - start));
		if (wait === Number.POSITIVE_INFINITY) return;
		// A couple of ms past the change, so the new value shows.
		const timer = setTimeout(() => setNow(Date.now()), wait + 2);
		return () => clearTimeout(timer);
	}, [now, key, clockRendered]);
	return now;
}
