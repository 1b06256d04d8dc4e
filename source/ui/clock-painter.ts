// The header's clock shows seconds, but a frame a second costs 10-30 ms of this thread (Ink
// lays out and styles every cell of the screen, see the bench's idle CPU): at rest the
// screen's budget is ≤ 1 % of a core. So on a real terminal the seconds are painted, not
// rendered: after every frame Ink writes (which leaves the clock as it was rendered) and on
// every second, eight characters go to the clock's cells, the cursor saved and restored
// around them (DECSC/DECRC), positioned relative to where Ink's frame left the cursor. Ink
// never knows: its next frame erases and rewrites those lines as usual.
import type {WriteStream} from 'node:tty';
import {clock, nextSecond} from './format.js';

/** Below this the screen is one centred line (see layout.ts): no clock to paint. */
export type PaintArea = {readonly minColumns: number; readonly minRows: number};

export class ClockPainter {
	/** Lines of the last frame Ink wrote: the cursor sits on the line below it. */
	private frameLines = 0;
	private timer: NodeJS.Timeout | undefined;
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
				this.paint();
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
		const tick = () => {
			this.paint();
			this.timer = setTimeout(tick, nextSecond(Date.now()) + 2);
			this.timer.unref();
		};

		tick();
		return this;
	}

	/** Before the screen goes: nothing may be painted over what comes after it. */
	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
	}

	private paint(): void {
		const columns = this.terminal.columns ?? 0;
		const rows = this.terminal.rows ?? 0;
		if (this.stopped || this.frameLines === 0 || columns < this.area.minColumns || rows < this.area.minRows) return;
		const time = clock(Date.now());
		this.terminal.write(`\u001B7\u001B[${this.frameLines}A\u001B[${columns - time.length + 1}G${time}\u001B8`);
	}
}
