import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'ha-tui-test-'): {dir: string; file: string; cleanup: () => void} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	return {dir, file: path.join(dir, 'server.lock'), cleanup: () => fs.rmSync(dir, {recursive: true, force: true})};
}

export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000, everyMs = 5): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, everyMs));
	}
}
