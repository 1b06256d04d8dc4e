// Ink's Output.get() (ink/build/output.js), with each line of the screen kept from the frame
// before. Ink builds every frame from scratch: an object per cell of the screen, each written
// text split into styled characters, then every cell of every line diffed back into ANSI codes.
// That is most of a frame's CPU and garbage, and it is the same work for the lines that did not
// change — nearly all of them when the timeline moves a step or an age ticks, and in the first
// minute of a fresh screen it is those functions that V8 compiles again and again (TurboFan:
// 20–45 ms of CPU each). A line's text depends only on the screen's width and the texts written
// on it, in order, at their columns: that is the key; a line whose key was drawn in the frame
// before is not built again. scripts/bundle.js puts this in place of Ink's get(); a test checks
// it against Ink's own on random screens.

export type StyledChar = {readonly type: 'char'; readonly value: string; readonly fullWidth: boolean; readonly styles: readonly unknown[]};

type Clip = {readonly x1?: number; readonly x2?: number; readonly y1?: number; readonly y2?: number};

export type OutputOperation =
	| {readonly type: 'write'; readonly x: number; readonly y: number; readonly text: string; readonly transformers: ReadonlyArray<(line: string, index: number) => string>}
	| {readonly type: 'clip'; readonly clip: Clip}
	| {readonly type: 'unclip'};

/** The parts of Ink's Output this reads (its fields and per-frame caches). */
export type InkOutput = {
	readonly width: number;
	readonly height: number;
	readonly operations: readonly OutputOperation[];
	readonly caches: {
		getStyledChars(line: string): readonly StyledChar[];
		getStringWidth(text: string): number;
		getWidestLine(text: string): number;
	};
};

/** What output.js imports, passed in so that the bin's copy is the one used. */
export type InkText = {
	sliceAnsi(text: string, from: number, to?: number): string;
	styledCharsToString(chars: StyledChar[]): string;
};

/** A text written on one line at column x, its transformers applied. */
type Placed = {readonly x: number; readonly line: string};

/** Lines of the last two frames drawn, by key (two: Ink draws <Static> output in a frame of its own). */
let kept = new Map<string, string>();
let older = new Map<string, string>();

/** The texts each line receives, in order: Ink's clipping and transformers, as get() does them. */
function placeWrites(output: InkOutput, ink: InkText): Placed[][] {
	const rows: Placed[][] = Array.from({length: output.height}, () => []);
	const clips: Clip[] = [];
	for (const operation of output.operations) {
		if (operation.type === 'clip') clips.push(operation.clip);
		if (operation.type === 'unclip') clips.pop();
		if (operation.type !== 'write') continue;
		const {text, transformers} = operation;
		let {x, y} = operation;
		let lines = text.split('\n');
		const clip = clips.at(-1);
		if (clip) {
			const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
			const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
			if (clipHorizontally) {
				const width = output.caches.getWidestLine(text);
				if (x + width < clip.x1! || x > clip.x2!) continue;
			}

			if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) continue;
			if (clipHorizontally) {
				lines = lines.map(line => {
					const from = x < clip.x1! ? clip.x1! - x : 0;
					const width = output.caches.getStringWidth(line);
					const to = x + width > clip.x2! ? clip.x2! - x : width;
					return ink.sliceAnsi(line, from, to);
				});
				if (x < clip.x1!) x = clip.x1!;
			}

			if (clipVertically) {
				const from = y < clip.y1! ? clip.y1! - y : 0;
				const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
				lines = lines.slice(from, to);
				if (y < clip.y1!) y = clip.y1!;
			}
		}

		// As Ink: a line outside the screen is skipped without moving to the next row.
		let offsetY = 0;
		for (const [index, original] of lines.entries()) {
			const row = rows[y + offsetY];
			if (!row) continue;
			let line = original;
			for (const transformer of transformers) line = transformer(line, index);
			row.push({x, line});
			offsetY++;
		}
	}

	return rows;
}

/** One line built as Ink builds it: a blank cell per column, the texts' characters over them. */
function buildLine(output: InkOutput, writes: readonly Placed[], ink: InkText): string {
	const cells: Array<StyledChar | undefined> = [];
	for (let x = 0; x < output.width; x++) cells.push({type: 'char', value: ' ', fullWidth: false, styles: []});
	for (const {x, line} of writes) {
		let offsetX = x;
		for (const character of output.caches.getStyledChars(line)) {
			cells[offsetX] = character;
			const characterWidth = Math.max(1, output.caches.getStringWidth(character.value));
			for (let index = 1; index < characterWidth; index++) cells[offsetX + index] = {type: 'char', value: '', fullWidth: false, styles: character.styles};
			offsetX += characterWidth;
		}
	}

	return ink.styledCharsToString(cells.filter(cell => cell !== undefined)).trimEnd();
}

/** Ink's Output.get(): the frame's text and height. */
export function outputRows(output: InkOutput, ink: InkText): {output: string; height: number} {
	const drawn = new Map<string, string>();
	const lines: string[] = [];
	for (const writes of placeWrites(output, ink)) {
		// Length-prefixed: no two different line contents share a key.
		let key = String(output.width);
		for (const {x, line} of writes) key += `|${x}:${line.length}:${line}`;
		let line = drawn.get(key) ?? kept.get(key) ?? older.get(key);
		line ??= buildLine(output, writes, ink);
		drawn.set(key, line);
		lines.push(line);
	}

	older = kept;
	kept = drawn;
	return {output: lines.join('\n'), height: output.height};
}
