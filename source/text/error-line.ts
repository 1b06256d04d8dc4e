// One line from anything thrown, for a message to the user: an Error's first message line, or
// the value as text. Not sanitized: whatever reaches a terminal still goes through sanitize().
export function errorLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
