// The clock painter's cells (clock-painter.ts) on a model terminal: painted where the frame
// on screen has them, a new render's cells only once its frame is written (else they would
// land on the old frame's lines), and at once when they sit where the ones on screen sit.
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import type {WriteStream} from 'node:tty';
import {test} from 'node:test';
import {ClockPainter, type PaintedCell} from '../../source/ui/clock-painter.js';
import {clock} from '../../source/ui/format.js';
import {TerminalModel} from '../helpers/terminal-model.js';

/** A terminal of 40×8 that keeps what is written, in a model. */
function terminal() {
	const model = new TerminalModel(40, 8);
	const writes: string[] = [];
	const stream = Object.assign(new EventEmitter(), {
		columns: 40,
		rows: 8,
		isTTY: true,
		write(chunk: string) {
			writes.push(chunk);
			model.write(chunk);
			return true;
		},
	});
	return {model, writes, stream: stream as unknown as WriteStream};
}

/** A frame of `lines` as Ink writes it: each line erased and written, then a newline (the cursor below them). */
const frame = (lines: string[]) => `${lines.map(line => `\u001B[2K${line}`).join('\n')}\n`;
const cell = (line: number, column: number, text: string): PaintedCell => ({line, column, text: () => text});

test('cells are painted on the frame that was made with them, the clock at the top right', () => {
	const {model, stream} = terminal();
	const painter = new ClockPainter(stream, {minColumns: 20, minRows: 4});
	painter.setCells([cell(2, 4, 'AAAA')]);
	painter.stream.write(frame(['top', 'one', 'two ....', 'three']));
	const lines = model.lines();
	assert.equal(lines[2], 'two AAAA');
	assert.equal(lines[0].slice(-8), clock(Date.now()));
	assert.equal(lines[0].slice(0, 3), 'top');
	assert.equal(lines[3], 'three', 'other lines untouched');
	painter.stop();
});

test('a render whose cells moved: not painted on the old frame; painted on its own', () => {
	const {model, stream, writes} = terminal();
	const painter = new ClockPainter(stream, {minColumns: 20, minRows: 4});
	painter.setCells([cell(1, 0, 'XX')]);
	painter.stream.write(frame(['top', '..one', 'two']));
	assert.equal(model.lines()[1], 'XXone');
	const before = writes.length;
	// The next render has the cell a line lower: nothing is painted until its frame is written.
	painter.setCells([cell(2, 0, 'YY')]);
	assert.equal(writes.length, before, 'nothing painted over the frame still on screen');
	assert.equal(model.lines()[2], 'two');
	painter.stream.write(`\u001B[3A\u001B[G${frame(['top', 'one', '..two'])}`);
	assert.equal(model.lines()[2], 'YYtwo');
	assert.equal(model.lines()[1], 'one', 'the old place is the new frame\'s text');
	painter.stop();
});

test('cells where the ones on screen are: painted at once, with no frame (a renew that moved no line)', () => {
	const {model, stream} = terminal();
	const painter = new ClockPainter(stream, {minColumns: 20, minRows: 4});
	painter.setCells([cell(1, 2, '11')]);
	painter.stream.write(frame(['top', '..##one', 'two']));
	assert.equal(model.lines()[1], '..11one');
	painter.setCells([cell(1, 2, '22')]);
	assert.equal(model.lines()[1], '..22one');
	painter.stop();
	painter.setCells([cell(1, 2, '33')]);
	assert.equal(model.lines()[1], '..22one', 'nothing after stop');
});

test('below the screen\'s minimum size nothing is painted', () => {
	const {model, stream} = terminal();
	const painter = new ClockPainter(stream, {minColumns: 60, minRows: 16});
	painter.setCells([cell(0, 0, 'ZZ')]);
	painter.stream.write(frame(['small']));
	assert.deepEqual(model.lines().slice(0, 1), ['small']);
	painter.stop();
});
