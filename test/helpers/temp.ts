import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'ha-tui-test-'): {dir: string; file: string; cleanup: () => void} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	return {dir, file: path.join(dir, 'server.lock'), cleanup: () => fs.rmSync(dir, {recursive: true, force: true})};
}
