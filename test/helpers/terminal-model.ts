// What a terminal would show after a stream of output: a grid of cells, a cursor, the escapes
// Ink and the clock painter (source/ui/clock-painter.ts) write — text, \n (as a tty's onlcr:
// to the next line's start, scrolling at the bottom), \r, ESC[nA/B/C/D, ESC[nG, ESC[r;cH, ESC[K
// and ESC[2K, ESC[2J, DECSC/DECRC (ESC 7 / ESC 8, with the colour), SGR foreground colours;
// other escapes are read and ignored. Every character is one column (the screen's are).
// For tests that must read what is painted over Ink's frames, not the frames alone.

type Cell = {char: string; color: number | undefined};

const blank = (): Cell => ({char: ' ', color: undefined});

/* eslint-disable no-control-regex -- escapes are what this reads */
const CSI = /^\u001B\[([?\d;]*)([A-Za-z])/;
const SHORT = /^\u001B[78()=>]/;
const CUT = /^\u001B(\[[?\d;]*)?$/;
/* eslint-enable no-control-regex */

export class TerminalModel {
	private grid: Cell[][];
	private row = 0;
	private column = 0;
	private color: number | undefined;
	private saved = {row: 0, column: 0, color: undefined as number | undefined};
	private partial = '';

	constructor(readonly columns: number, readonly rows: number) {
		this.grid = Array.from({length: rows}, () => Array.from({length: columns}, blank));
	}

	/** Feeds output; an escape cut at the end of a chunk waits for the next one. */
	write(text: string): void {
		const input = this.partial + text;
		this.partial = '';
		for (let index = 0; index < input.length; index++) {
			const char = input[index];
			if (char === '\u001B') {
				const rest = input.slice(index);
				const csi = CSI.exec(rest);
				const short = SHORT.exec(rest);
				if (csi) {
					this.control(csi[1], csi[2]);
					index += csi[0].length - 1;
				} else if (short) {
					if (short[0] === '\u001B7') this.saved = {row: this.row, column: this.column, color: this.color};
					if (short[0] === '\u001B8') ({row: this.row, column: this.column, color: this.color} = this.saved);
					// ESC ( and ESC ) take one more character (a charset): skip it.
					index += short[0].length - 1 + (short[0] === '\u001B(' || short[0] === '\u001B)' ? 1 : 0);
				} else if (CUT.test(rest)) {
					this.partial = rest;
					return;
				}

				continue;
			}

			if (char === '\n') this.newline();
			else if (char === '\r') this.column = 0;
			else if (char >= ' ') this.put(char);
		}
	}

	/** The screen's lines, trailing blanks trimmed. */
	lines(): string[] {
		return this.grid.map(line => line.map(cell => cell.char).join('').trimEnd());
	}

	/** The SGR foreground colour (31 red, 32 green, 33 yellow, 90 gray…) of a cell, undefined: the default. */
	colorAt(row: number, column: number): number | undefined {
		return this.grid[row]?.[column]?.color;
	}

	private put(char: string): void {
		if (this.column >= this.columns) {
			this.newline();
		}

		this.grid[this.row][this.column] = {char, color: this.color};
		this.column++;
	}

	private newline(): void {
		this.column = 0;
		if (this.row < this.rows - 1) {
			this.row++;
			return;
		}

		this.grid.shift();
		this.grid.push(Array.from({length: this.columns}, blank));
	}

	private control(parameters: string, command: string): void {
		if (parameters.startsWith('?')) return;
		const numbers = parameters === '' ? [] : parameters.split(';').map(Number);
		const n = Math.max(1, numbers[0] || 1);
		const clampRow = (row: number) => Math.max(0, Math.min(this.rows - 1, row));
		const clampColumn = (column: number) => Math.max(0, Math.min(this.columns - 1, column));
		switch (command) {
			case 'A': {
				this.row = clampRow(this.row - n);
				break;
			}

			case 'B': {
				this.row = clampRow(this.row + n);
				break;
			}

			case 'C': {
				this.column = clampColumn(this.column + n);
				break;
			}

			case 'D': {
				this.column = clampColumn(this.column - n);
				break;
			}

			case 'G': {
				this.column = clampColumn(n - 1);
				break;
			}

			case 'H': {
				this.row = clampRow((numbers[0] || 1) - 1);
				this.column = clampColumn((numbers[1] || 1) - 1);
				break;
			}

			case 'K': {
				const line = this.grid[this.row];
				const [from, to] = numbers[0] === 2 ? [0, this.columns] : numbers[0] === 1 ? [0, this.column + 1] : [this.column, this.columns];
				for (let column = from; column < to; column++) line[column] = blank();
				break;
			}

			case 'J': {
				if (numbers[0] === 2 || numbers[0] === 3) this.grid = Array.from({length: this.rows}, () => Array.from({length: this.columns}, blank));
				break;
			}

			case 'm': {
				for (const code of numbers.length === 0 ? [0] : numbers) {
					if (code === 0 || code === 39) this.color = undefined;
					else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) this.color = code;
				}

				break;
			}

			default:
		}
	}
}
