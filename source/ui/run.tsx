// Placeholder until the TUI lands: keeps the CLI compiling.
export async function runTui(_path: string, _options: {intervalMs: number}): Promise<number> {
	process.stderr.write('ha-tui: the interactive UI is not built yet; use `ha-tui watch`\n');
	return 3;
}

export async function runDemo(_dir: string | undefined, _options: {intervalMs: number}): Promise<number> {
	process.stderr.write('ha-tui: the demo is not built yet\n');
	return 3;
}
