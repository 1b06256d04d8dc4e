// The session's view as React state: re-renders on session changes, never on a timer.
import {useCallback, useSyncExternalStore} from 'react';
import type {SessionLike, SessionView} from '../session/types.js';

/**
 * Renders a few ms after a change rather than inside it: nodes run on this thread, and a
 * render inside a node event would delay the next node's lock hand-over (measured: 0.5 ms
 * without the screen, 44 ms with a synchronous render). A burst of changes makes one frame.
 */
/** Any session's view: the file one (SessionLike), or the JDBC one. */
export function useSessionView<V = SessionView>(session: Pick<SessionLike, 'subscribe'> & {getView(): V}, delayMs = 8): V {
	const subscribe = useCallback((listener: () => void) => {
		let timer: NodeJS.Timeout | undefined;
		const unsubscribe = session.subscribe(() => {
			timer ??= setTimeout(() => {
				timer = undefined;
				listener();
			}, delayMs);
		});
		return () => {
			clearTimeout(timer);
			unsubscribe();
		};
	}, [session, delayMs]);
	const getView = useCallback(() => session.getView(), [session]);
	return useSyncExternalStore(subscribe, getView);
}
