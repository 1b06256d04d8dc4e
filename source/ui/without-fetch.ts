// Node's fetch and its classes are globals that load Node's whole HTTP client (undici, ~30 ms)
// when first used, and two dependencies use them only to look around as they load:
// yoga-layout (Ink's layout engine) fetch()es its own inlined wasm data: URL where fetch exists
// (without fetch it decodes the same bytes itself), and pg builds a `new Response` to ask whether
// it runs on Cloudflare Workers. So those modules are imported with these globals hidden, and
// the globals are put back at once (ha-tui itself never calls them).
const FETCH_GLOBALS = ['fetch', 'Response', 'Request', 'Headers', 'FormData'] as const;

export async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
	// Reading a descriptor does not run Node's lazy getter: undici stays unloaded.
	const hidden = FETCH_GLOBALS.flatMap(name => {
		const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
		return descriptor?.configurable ? [{name, descriptor}] : [];
	});
	for (const {name} of hidden) delete (globalThis as Record<string, unknown>)[name];
	try {
		return await load();
	} finally {
		for (const {name, descriptor} of hidden) Object.defineProperty(globalThis, name, descriptor);
	}
}
