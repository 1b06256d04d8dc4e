// The header's clock shows seconds, but a frame a second costs 10-30 ms of this thread (Ink
// lays out and styles every cell of the screen, see the bench's idle CPU): at rest the
// screen's budget is ≤ 1 % of a core. So on a real terminal the seconds are painted, not
// rendered: after every frame Ink writes (which leaves the clock as it was rendered) and on
// every second, eight characters go to the clock's cells, the cursor saved and restored
// around them (DECSC/DECRC), positioned relative to where Ink's frame left the cursor. Ink
// never knows: its next frame erases and rewrites those lines as usual.
// A screen can have more cells painted with the clock (the JDBC screen's lease countdowns):
// it gives them with each render, and they count from the next frame Ink writes — the frame
// made from that render — unless they sit where the ones on screen sit (a renew that moved
// no line: painted at once, no frame needed).
import type {WriteStream} from 'node:tty';
import {clock, nextSecond} from './format.js';

/** Below this the screen is one centred line (see layout.ts): no clock to paint. */
export type PaintArea = {readonly minColumns: number; readonly minRows: number};

/**
 * A cell painted every second: its line in the frame (0: the top), its column (0: the left),
 * its text at a time (SGR allowed), and when that text next changes other than with the clock's
 * second (painted then too).
 */
export type PaintedCell = {
	readonly line: number;
	readonly column: number;
	readonly text: (now: number) => string;
	readonly nextChange?: (now: number) => number | undefined;
	/** The frame's line starts with this: painted only there (a place computed wrong paints nothing). */
	readonly expect?: string;
};

// eslint-disable-next-line no-control-regex
const escapes = /\u001B\[[\d;?]*[A-Za-z]|\u001B[()][\dA-Za-z]|\u001B[=>78]/g;

/** What a screen gives its cells to (a ClockPainter). */
export type CellSink = {setCells(cells: readonly PaintedCell[]): void};

const samePlaces = (a: readonly PaintedCell[], b: readonly PaintedCell[]) => a.length === b.length && a.every((cell, index) => cell.line === b[index].line && cell.column === b[index].column);

export class ClockPainter implements CellSink {
	/** Lines of the last frame Ink wrote: the cursor sits on the line below it. */
	private frameLines = 0;
	/** The cells of the frame on screen, and those of the last render (its frame may not be written yet). */
	private cells: readonly PaintedCell[] = [];
	private pending: readonly PaintedCell[] = [];
	/** The last frame's lines as read (escapes removed), for the cells' `expect`. */
	private frameText: readonly string[] = [];
	private timer: NodeJS.Timeout | undefined;
	private started = false;
	private stopped = false;
	/** What Ink writes to: the terminal, with the clock painted after each frame. */
	readonly stream: WriteStream;

	constructor(private readonly terminal: WriteStream, private readonly area: PaintArea) {
		const write = (chunk: unknown, ...rest: unknown[]): boolean => {
			const written = (terminal.write as (...args: unknown[]) => boolean)(chunk, ...rest);
			if (typeof chunk === 'string' && chunk.includes('\n')) {
				// Lines above the cursor to the frame's top: the frame's newlines (Ink's erasing and
				// cursor moves have none).
				this.frameLines = chunk.split('\n').length - 1;
				this.frameText = chunk.replaceAll(escapes, '').split('\n');
				this.cells = this.pending;
				this.paint();
				this.schedule();
			}

			return written;
		};

		this.stream = new Proxy(terminal, {
			get(target, property) {
				if (property === 'write') return write;
				const value: unknown = Reflect.get(target, property, target);
				return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
			},
		});
	}

	start(): this {
		this.started = true;
		this.paint();
		this.schedule();
		return this;
	}

	/** The cells of the render being made (called while rendering, before its frame is written). */
	setCells(cells: readonly PaintedCell[]): void {
		this.pending = cells;
		if (!samePlaces(cells, this.cells)) return;
		this.cells = cells;
		this.paint();
		this.schedule();
	}

	/** Before the screen goes: nothing may be painted over what comes after it. */
	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
	}

	/** The next paint: the clock's next second, or a cell's next change if sooner (a couple of ms past it, so the new text shows). */
	private schedule(): void {
		if (!this.started || this.stopped) return;
		clearTimeout(this.timer);
		const now = Date.now();
		let wait = nextSecond(now);
		for (const cell of this.cells) {
			const at = cell.nextChange?.(now);
			if (at !== undefined) wait = Math.max(0, Math.min(wait, at - now));
		}

		this.timer = setTimeout(() => {
			this.paint();
			this.schedule();
		}, wait + 2);
		this.timer.unref();
	}

	private paint(): void {
		const columns = this.terminal.columns ?? 0;
		const rows = this.terminal.rows ?? 0;
		if (this.stopped || this.frameLines === 0 || columns < this.area.minColumns || rows < this.area.minRows) return;
		const now = Date.now();
		const time = clock(now);
		const up = (line: number) => (this.frameLines > line ? `\u001B[${this.frameLines - line}A` : '');
		const cells = this.cells.filter(cell => cell.line < this.frameLines && (cell.expect === undefined || this.frameText[cell.line]?.startsWith(cell.expect))).map(cell => `${up(cell.line)}\u001B[${cell.column + 1}G${cell.text(now)}\u001B8`).join('');
		this.terminal.write(`\u001B7${up(0)}\u001B[${columns - time.length + 1}G${time}\u001B8${cells}`);
	}
}

type Instance = {unmount(): void; waitUntilExit(): Promise<unknown>};

/** Ink's instance with the painter: it starts now and stops before the screen goes (unmount or exit), once. */
export function paintedScreen(painter: ClockPainter, instance: Instance): Instance {
	painter.start();
	return {
		unmount() {
			painter.stop();
			instance.unmount();
		},
		async waitUntilExit() {
			try {
				return await instance.waitUntilExit();
			} finally {
				painter.stop();
			}
		},
	};
}
