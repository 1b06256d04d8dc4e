// The real JDBC TUI in a private tmux server on a real PostgreSQL, for the e2e tests: start it
// (the password through the environment, -e, never on the tmux command line), send keys, read
// the pane through capture-pane, wait for a text with a deadline (never a fixed sleep). Called at
// a test file's top level: registers the PostgreSQL server's start and the tmux server's end.
import {execFileSync, spawnSync} from 'node:child_process';
import process from 'node:process';
import {PG_DB, PG_PASSWORD, PG_USER, postgresFixture, type Postgres} from './postgres.js';
import {cliPath} from './spawned.js';
import {waitFor} from './wait.js';

export function jdbcTmux(name: string) {
	const hasTmux = spawnSync('tmux', ['-V']).status === 0;
	// A private tmux server: nobody else's sessions, and killing ours touches nothing else.
	const socket = `ha-tui-${name}-${process.pid}`;
	const session = `${name}-${process.pid}`;
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	const screen = () => tmux('capture-pane', '-p', '-t', session);
	const flat = () => screen().replaceAll(/[│╭╮╰╯]/g, ' ').replaceAll(/\s+/g, ' ');
	const state = postgresFixture({
		requires: () => hasTmux ? undefined : 'tmux not installed',
		cleanup() {
			if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
		},
	});

	return {
		state,
		tmux,
		screen,
		flat,
		session,
		keys: (...names: string[]) => tmux('send-keys', '-t', session, ...names),
		/** Waits until the flattened pane matches. */
		see: async (what: string, pattern: RegExp, timeoutMs = 15_000) => waitFor(`${what} (${pattern})`, () => pattern.test(flat()), {timeoutMs, everyMs: 20})
			.catch((error: Error) => {
				throw new Error(`${error.message}\n--- screen:\n${screen()}`);
			}),
		/** `ha-tui postgresql://… --table TABLE` in the pane, then its exit code (TUI-EXIT=N). */
		start(db: Postgres, table: string, columns: number, rows: number): void {
			const command = `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath())} postgresql://${PG_USER}@127.0.0.1:${db.port}/${PG_DB} --table ${table}; echo TUI-EXIT=$?; sleep 60`;
			tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), '-e', `PGPASSWORD=${PG_PASSWORD}`, command);
		},
	};
}
