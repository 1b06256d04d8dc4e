import assert from 'node:assert/strict';
import {test} from 'node:test';
import {errorLine} from '../../source/text/error-line.js';

test('errorLine: the first line of an Error\'s message, or the value as text', () => {
	assert.equal(errorLine(new Error('EACCES: permission denied\n    at open (node:fs)')), 'EACCES: permission denied');
	assert.equal(errorLine(new TypeError('')), '');
	assert.equal(errorLine('two\nlines'), 'two');
	assert.equal(errorLine(42), '42');
	assert.equal(errorLine(undefined), 'undefined');
});
