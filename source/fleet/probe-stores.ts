// Database groups beside the directories (issue 19 §1): each a Store (store/store.ts) probed
// once through the seam — JdbcStore for postgresql://… — all at once, each with its own
// connection and the JDBC store's 3 s timeouts, so one unreachable database costs ~3 s, not
// the sum. Loaded only when a database target is given (it brings pg).
import {JdbcStore, type JdbcStoreProbe} from '../store/jdbc/jdbc-store.js';
import {JdbcInputError, parseJdbcTarget} from '../store/jdbc/target.js';

export type StoreGroupProbe = {
	/** What lines start with: the URL without its password, and the table. */
	readonly label: string;
	readonly target: string;
	readonly probe?: JdbcStoreProbe;
	readonly assessment: {readonly verdict: string; readonly exitCode: number; readonly summary: string};
	readonly error?: string;
};

/** One look at each database target (never a write: the store's read-only transactions). */
export async function probeStoreGroups(targets: readonly string[], options: {table?: string} = {}): Promise<StoreGroupProbe[]> {
	return Promise.all(targets.map(async (input): Promise<StoreGroupProbe> => {
		let store: JdbcStore | undefined;
		try {
			const target = parseJdbcTarget(input, {table: options.table});
			const label = `${target.display} table ${target.table}`;
			store = new JdbcStore(target);
			try {
				const probe = await store.probe();
				return {label, target: target.display, probe, assessment: probe.assessment};
			} catch (error) {
				if (!(error instanceof JdbcInputError)) throw error;
				return {label, target: target.display, assessment: {verdict: 'unknown', exitCode: 3, summary: error.message}, error: error.message};
			}
		} catch (error) {
			if (!(error instanceof JdbcInputError)) throw error;
			// A URL that does not parse: named by what parsing could show (never its password).
			return {label: error.message.split(':')[0] ?? 'database target', target: '', assessment: {verdict: 'unknown', exitCode: 3, summary: error.message}, error: error.message};
		} finally {
			await store?.close();
		}
	}));
}
