// Wall-clock time for the clock and the "held for" ages, the only things on screen that
// change without an event. It ticks only when one of them will read differently (ages grow
// coarser with time, the clock shows minutes), and never more than once a second: an idle
// screen draws a frame a minute.
import {useEffect, useState} from 'react';
import {nextAgeChange, nextMinute} from './format.js';

export function useNow(startTimes: readonly number[]): number {
	const [now, setNow] = useState(Date.now);
	const key = startTimes.join(',');
	useEffect(() => {
		const current = Date.now();
		let wait = nextMinute(current);
		// From the key, not the array: a new array with the same times is not a change.
		for (const start of key ? key.split(',').map(Number) : []) wait = Math.min(wait, nextAgeChange(current - start));
		const timer = setTimeout(() => setNow(Date.now()), Math.max(1000, wait + 2));
		return () => clearTimeout(timer);
	}, [now, key]);
	return now;
}
