// The fleet screen's columns at a width, in one pure function (the rule of ui/layout.ts: by
// priority, each column shrinks to its least width, then hides, lowest priority first; what is
// hidden is said on screen). Priority, highest first: the verdict, the group's name, the live
// holder, the worst doctor finding, the backup, the time since the last change, the state, the
// note. At 60 columns the first six fit.

export type FleetColumn = 'verdict' | 'name' | 'live' | 'finding' | 'backup' | 'since' | 'state' | 'note';

type Spec = {readonly column: FleetColumn; readonly title: string; readonly min: number; readonly max: number; readonly weight: number};

const SPECS: readonly Spec[] = [
	{column: 'verdict', title: 'verdict', min: 13, max: 17, weight: 0},
	{column: 'name', title: 'group', min: 11, max: Number.POSITIVE_INFINITY, weight: 4},
	{column: 'live', title: 'live', min: 8, max: 26, weight: 2},
	{column: 'finding', title: 'doctor', min: 10, max: Number.POSITIVE_INFINITY, weight: 4},
	{column: 'backup', title: 'backup', min: 8, max: 26, weight: 2},
	{column: 'since', title: 'since', min: 5, max: 5, weight: 0},
	{column: 'state', title: 'state', min: 7, max: 12, weight: 1},
	{column: 'note', title: 'note', min: 10, max: 40, weight: 1},
];

export type FleetColumns = {
	/** The shown columns, in order, with their widths (one space between two). */
	readonly shown: ReadonlyArray<{readonly column: FleetColumn; readonly title: string; readonly width: number}>;
	/** What this width does not show. */
	readonly hidden: readonly FleetColumn[];
};

export function fleetColumns(width: number): FleetColumns {
	let shown = [...SPECS];
	const need = (specs: readonly Spec[]) => specs.reduce((sum, spec) => sum + spec.min, 0) + specs.length - 1;
	while (shown.length > 1 && need(shown) > width) shown = shown.slice(0, -1);
	const widths = new Map(shown.map(spec => [spec.column, spec.min]));
	// The fixed ones to their most first (the verdict names, "59m"), then the rest by weight.
	let spare = width - need(shown);
	for (const spec of shown) {
		if (spec.weight !== 0 || spare <= 0) continue;
		const more = Math.min(spare, spec.max - spec.min);
		widths.set(spec.column, spec.min + more);
		spare -= more;
	}

	while (spare > 0) {
		const growing = shown.filter(spec => spec.weight > 0 && widths.get(spec.column)! < spec.max);
		if (growing.length === 0) break;
		const total = growing.reduce((sum, spec) => sum + spec.weight, 0);
		let given = 0;
		for (const spec of growing) {
			const share = Math.min(Math.max(1, Math.floor(spare * spec.weight / total)), spec.max - widths.get(spec.column)!, spare - given);
			if (share <= 0) continue;
			widths.set(spec.column, widths.get(spec.column)! + share);
			given += share;
		}

		if (given === 0) break;
		spare -= given;
	}

	return {
		shown: shown.map(spec => ({column: spec.column, title: spec.title, width: widths.get(spec.column)!})),
		hidden: SPECS.slice(shown.length).map(spec => spec.column),
	};
}
