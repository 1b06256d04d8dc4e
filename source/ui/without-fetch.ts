// yoga-layout (Ink's layout engine) loads its WebAssembly from an inlined data: URL, and where
// a global fetch exists it fetch()es that URL, which first loads Node's whole HTTP client
// (undici): ~30 ms of the first frame for nothing. Without fetch it decodes the same bytes
// itself. So Ink is imported with fetch hidden, and fetch is put back at once (ha-tui itself
// never calls it).
export async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
	const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
	if (!descriptor?.configurable) return load();
	// Reading the descriptor does not run Node's lazy getter: undici stays unloaded.
	delete (globalThis as {fetch?: unknown}).fetch;
	try {
		return await load();
	} finally {
		Object.defineProperty(globalThis, 'fetch', descriptor);
	}
}
