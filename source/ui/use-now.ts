// Wall-clock time for the header's clock (with seconds) and the ages, the only things on
// screen that change without an event: one frame a second, on the second, and nothing else.
import {useEffect, useState} from 'react';
import {nextSecond} from './format.js';

export function useNow(): number {
	const [now, setNow] = useState(Date.now);
	useEffect(() => {
		// A couple of ms past the second, so the clock shows the second that just began.
		const timer = setTimeout(() => setNow(Date.now()), nextSecond(Date.now()) + 2);
		return () => clearTimeout(timer);
	}, [now]);
	return now;
}
