// Reads a broker's XML configuration without trusting it: a size limit, regular files only
// (a FIFO would block us), no DOCTYPE at all (so no entity expansion, internal or external:
// Artemis' own files never have one), and any parser error becomes a note, never a crash.
import fs from 'node:fs';
import {XMLParser} from 'fast-xml-parser';
import {errorLine} from '../text/error-line.js';

export const MAX_XML_BYTES = 1024 * 1024;

/** A parsed element: child elements by local name (arrays when repeated), attributes as `@_name`, text as `#text`. */
export type XmlNode = {readonly [key: string]: unknown};

export type XmlRead = {ok: true; root: XmlNode} | {ok: false; error: string};

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@_',
	removeNSPrefix: true,
	parseTagValue: false,
	parseAttributeValue: false,
	processEntities: false,
	htmlEntities: false,
	trimValues: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	commentPropName: false,
});

export function parseXml(text: string): XmlRead {
	if (text.includes('\0')) return {ok: false, error: 'binary data, not XML'};
	if (/<!DOCTYPE/i.test(text)) return {ok: false, error: 'has a DOCTYPE (refused: entity declarations are not read)'};
	try {
		const root = parser.parse(text, true) as unknown;
		if (!root || typeof root !== 'object') return {ok: false, error: 'not XML'};
		return {ok: true, root: root as XmlNode};
	} catch (error) {
		return {ok: false, error: `not valid XML (${errorLine(error).slice(0, 200)})`};
	}
}

/** Reads and parses at most MAX_XML_BYTES of a regular file. */
export function readXmlFile(file: string, maxBytes = MAX_XML_BYTES): XmlRead {
	let fd: number;
	try {
		// O_NONBLOCK: opening a FIFO planted where a config should be must not hang us.
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
	} catch (error) {
		return {ok: false, error: describeOpenError(error)};
	}

	try {
		const stat = fs.fstatSync(fd);
		if (!stat.isFile()) return {ok: false, error: 'not a regular file'};
		if (stat.size > maxBytes) return {ok: false, error: `too large (${stat.size} bytes; the limit is ${maxBytes})`};
		const buffer = Buffer.alloc(maxBytes + 1);
		let length = 0;
		for (;;) {
			const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
			if (read === 0) break;
			length += read;
			if (length > maxBytes) return {ok: false, error: `too large (more than ${maxBytes} bytes)`};
		}

		return parseXml(buffer.toString('utf8', 0, length));
	} catch (error) {
		return {ok: false, error: describeOpenError(error)};
	} finally {
		fs.closeSync(fd);
	}
}

function describeOpenError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'no such file';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	return code ?? String(error);
}

// --- Navigation: the parser gives plain objects; these keep callers short and type-safe.

export function children(node: unknown, name: string): XmlNode[] {
	if (!node || typeof node !== 'object') return [];
	const value = (node as XmlNode)[name];
	if (value === undefined) return [];
	const list = Array.isArray(value) ? value : [value];
	// An empty element (<primary/>) parses as '' : still present.
	return list.map(item => (item && typeof item === 'object' ? item as XmlNode : {'#text': String(item)}));
}

export function child(node: unknown, name: string): XmlNode | undefined {
	return children(node, name)[0];
}

/** Whether an element of that name appears anywhere below node (as getElementsByTagName would find it). */
export function findDeep(node: unknown, name: string, depth = 0): XmlNode | undefined {
	if (!node || typeof node !== 'object' || depth > 64) return undefined;
	const direct = child(node, name);
	if (direct) return direct;
	for (const [key, value] of Object.entries(node)) {
		if (key.startsWith('@_') || key === '#text') continue;
		for (const item of Array.isArray(value) ? value : [value]) {
			const found = findDeep(item, name, depth + 1);
			if (found) return found;
		}
	}

	return undefined;
}

const predefined: Readonly<Record<string, string>> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"};

/** The five predefined entities and character references; nothing else is expanded. */
export function decodeEntities(text: string): string {
	return text.replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (whole, name: string) => {
		if (name.startsWith('#')) {
			const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
			return Number.isInteger(code) && code > 0 && code <= 0x10_ffff ? String.fromCodePoint(code) : whole;
		}

		return predefined[name] ?? whole;
	});
}

/** The text of an element (trimmed, entities decoded), or undefined when it is absent. */
export function text(node: XmlNode | undefined): string | undefined {
	if (!node) return undefined;
	const value = node['#text'];
	if (value === undefined) return '';
	return decodeEntities(String(value)).trim();
}

export function attribute(node: XmlNode | undefined, name: string): string | undefined {
	const value = node?.[`@_${name}`];
	return value === undefined ? undefined : decodeEntities(String(value));
}
