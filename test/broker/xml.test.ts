import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {fileURLToPath} from 'node:url';
import {MAX_XML_BYTES, child, parseXml, readXmlFile, text} from '../../source/broker/xml.js';
import {tempDir} from '../helpers/temp.js';
import {hasSetpriv, isRoot} from './fake-broker.js';

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<configuration><core><name>&lol9;</name></core></configuration>`;

test('billion laughs: a DOCTYPE is refused, nothing is expanded', () => {
	const read = parseXml(billionLaughs);
	assert.equal(read.ok, false);
	assert.match((read as {error: string}).error, /DOCTYPE/);
});

test('external entities (XXE) are refused', () => {
	const read = parseXml('<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><configuration><core><name>&xxe;</name></core></configuration>');
	assert.equal(read.ok, false);
});

test('an undeclared entity reference stays literal; the five predefined ones and character references decode', () => {
	const read = parseXml('<configuration><core><name>a &amp; b &lt;c&gt; &#65;&#x42; &lol9;</name></core></configuration>');
	assert.ok(read.ok);
	assert.equal(text(child(child(child(read.root, 'configuration'), 'core'), 'name')), 'a & b <c> AB &lol9;');
});

test('invalid XML, binary junk, deep nesting and empty input: an error, never a throw', () => {
	for (const input of ['<a><b></a>', '\u0000\u0001\u00ff\u00fe garbage <<<', '<'.repeat(10_000), `${'<a>'.repeat(200_000)}${'</a>'.repeat(200_000)}`, '', '<?xml version="1.0"?>']) {
		const read = parseXml(input);
		if (read.ok) assert.equal(typeof read.root, 'object');
		else assert.equal(typeof read.error, 'string');
	}

	assert.equal(parseXml('\u0000<a/>').ok, false);
});

test('files: 10 MB is refused by size without being read; missing, a directory and a FIFO are errors, not hangs', () => {
	const temp = tempDir('ha-tui-xml-');
	try {
		const big = path.join(temp.dir, 'big.xml');
		fs.writeFileSync(big, `<configuration>${'<x>y</x>'.repeat((10 * 1024 * 1024) / 8)}</configuration>`);
		const read = readXmlFile(big);
		assert.equal(read.ok, false);
		assert.match((read as {error: string}).error, /too large/);
		assert.match((readXmlFile(path.join(temp.dir, 'none.xml')) as {error: string}).error, /no such file/);
		assert.match((readXmlFile(temp.dir) as {error: string}).error, /not a regular file/);
		const fifo = path.join(temp.dir, 'fifo.xml');
		if (spawnSync('mkfifo', [fifo]).status === 0) assert.match((readXmlFile(fifo) as {error: string}).error, /not a regular file/);
		const junk = path.join(temp.dir, 'junk.xml');
		fs.writeFileSync(junk, Buffer.from([0, 1, 2, 0xff, 0xfe, 0x3c, 0x3c]));
		assert.equal(readXmlFile(junk).ok, false);
		const exact = path.join(temp.dir, 'exact.xml');
		fs.writeFileSync(exact, `<a>${' '.repeat(MAX_XML_BYTES - 7)}</a>`);
		assert.equal(readXmlFile(exact).ok, true);
	} finally {
		temp.cleanup();
	}
});

test('an unreadable file (permission denied) is an error', {skip: isRoot && !hasSetpriv ? 'root reads everything and setpriv is missing' : false}, () => {
	const temp = tempDir('ha-tui-xml-');
	try {
		const secret = path.join(temp.dir, 'broker.xml');
		fs.writeFileSync(secret, '<configuration/>');
		fs.chmodSync(secret, 0o000);
		fs.chmodSync(temp.dir, 0o755);
		if (!isRoot) {
			assert.match((readXmlFile(secret) as {error: string}).error, /permission denied|no such file/);
			return;
		}

		// As root without the capabilities that bypass file permissions (still root, so the
		// checkout is readable even in a 0700 directory, which nobody could not traverse).
		const module = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../source/broker/xml.js');
		const result = spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, '--input-type=module', '-e', `import {readXmlFile} from ${JSON.stringify(module)}; console.log(JSON.stringify(readXmlFile(process.argv[1])));`, secret], {encoding: 'utf8'});
		assert.equal(result.status, 0, result.stderr);
		assert.deepEqual(JSON.parse(result.stdout), {ok: false, error: 'permission denied'});
	} finally {
		temp.cleanup();
	}
});
