// The read-only connection of status, watch, doctor and the TUI: the session itself refuses
// writes (default_transaction_read_only), on top of every look running in BEGIN … READ ONLY.
import type pg from 'pg';
import {connect} from './client.js';
import type {JdbcTarget} from './target.js';

export async function connectReadOnly(target: JdbcTarget): Promise<pg.Client> {
	const client = await connect(target, {applicationName: 'ha-tui (read-only)'});
	await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
	return client;
}
