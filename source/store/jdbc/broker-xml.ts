// An Artemis instance directory (or its broker.xml) whose <store><database-store> names a
// JDBC store leads to that table: the <jdbc-connection-url> and <node-manager-store-table-name>
// (default NODE_MANAGER_STORE). Read-only, size-limited (broker/xml.ts); ${…} property
// references are not expanded here — such a URL is reported, not guessed.
import fs from 'node:fs';
import path from 'node:path';
import {findDeep, readXmlFile, text} from '../../broker/xml.js';
import {isJdbcTarget} from './target.js';

export type DatabaseStore = {url: string; table: string | undefined; configuration: string};

/** The database store a directory or broker.xml names, if it names one. */
export function databaseStoreOf(argument: string): DatabaseStore | {error: string} | undefined {
	let configuration: string;
	try {
		const stat = fs.statSync(argument);
		configuration = stat.isDirectory() ? path.join(argument, 'etc', 'broker.xml') : argument;
		if (!configuration.endsWith('.xml') || !fs.statSync(configuration).isFile()) return undefined;
	} catch {
		return undefined;
	}

	const read = readXmlFile(configuration);
	if (!read.ok) return undefined;
	const store = findDeep(read.root, 'database-store');
	if (!store) return undefined;
	const url = text(findDeep(store, 'jdbc-connection-url'));
	if (!url) return {error: `${configuration}: <database-store> without a <jdbc-connection-url>`};
	if (url.includes('${')) return {error: `${configuration}: <jdbc-connection-url> uses a property (${url.replaceAll(/password=[^&;]*/gi, 'password=***')}): give the URL itself`};
	if (!isJdbcTarget(url)) return {error: `${configuration}: the database store is not PostgreSQL (${url.split('?')[0]}): only PostgreSQL is supported`};
	return {url, table: text(findDeep(store, 'node-manager-store-table-name')) || undefined, configuration};
}
