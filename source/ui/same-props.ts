// memo() for the screen's panels: a panel is drawn again only when what it is given changed.
// Props are compared one level into arrays and plain objects, because the screen builds some
// of them fresh on every frame (the layout's lines, a node id list) with the same contents.
import {memo, type ComponentType} from 'react';

const plain = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

function sameValue(before: unknown, after: unknown): boolean {
	if (Object.is(before, after)) return true;
	if (Array.isArray(before) && Array.isArray(after)) return before.length === after.length && before.every((item, index) => Object.is(item, after[index]));
	if (plain(before) && plain(after)) {
		const keys = Object.keys(before);
		return keys.length === Object.keys(after).length && keys.every(key => Object.hasOwn(after, key) && Object.is(before[key], after[key]));
	}

	return false;
}

/** Same props: every prop the same value, arrays and plain objects by their items. */
export function sameProps<P extends object>(before: Readonly<P>, after: Readonly<P>): boolean {
	const keys = Object.keys(before) as Array<keyof P>;
	return keys.length === Object.keys(after).length && keys.every(key => Object.hasOwn(after, key) && sameValue(before[key], after[key]));
}

/** The panel, drawn again only when its props changed (sameProps). */
export function samePanel<P extends object>(panel: ComponentType<P>) {
	return memo(panel, sameProps);
}
