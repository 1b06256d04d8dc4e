// Wrapping for the screen: words to lines of at most `width` characters, without leaving a
// lone word on the last line when the line above can give it company.

/** Words to lines of at most width characters; a word longer than a line is cut. */
export function wrap(text: string, width: number): string[] {
	const room = Math.max(1, width);
	const lines: string[] = [];
	let line = '';
	for (let word of text.split(' ')) {
		while (word.length > room) {
			const free = line ? room - line.length - 1 : room;
			if (free <= 0) {
				lines.push(line);
				line = '';
				continue;
			}

			lines.push(line ? `${line} ${word.slice(0, free)}` : word.slice(0, free));
			line = '';
			word = word.slice(free);
		}

		if (!line) line = word;
		else if (line.length + 1 + word.length <= room) line += ` ${word}`;
		else {
			lines.push(line);
			line = word;
		}
	}

	lines.push(line);
	return lines;
}

/**
 * As wrap, but a last line of one short word ("│  place.") takes the previous line's last
 * word with it when both still fit: reads as a sentence, not as a leftover.
 */
export function wrapBalanced(text: string, width: number): string[] {
	const lines = wrap(text, width);
	if (lines.length < 2) return lines;
	const last = lines.at(-1)!;
	const previous = lines.at(-2)!;
	if (last.includes(' ')) return lines;
	const cut = previous.lastIndexOf(' ');
	if (cut <= 0) return lines;
	const moved = `${previous.slice(cut + 1)} ${last}`;
	if (moved.length > width) return lines;
	return [...lines.slice(0, -2), previous.slice(0, cut), moved];
}

/** wrap with every line after the first indented by `indent` spaces (a wrapped verdict, a fact). */
export function wrapIndented(text: string, width: number, indent: number): string[] {
	const [first, ...rest] = wrap(text, width);
	const tail = rest.length > 0 ? wrap(rest.join(' '), width - indent) : [];
	return [first, ...tail.map(line => `${' '.repeat(indent)}${line}`)];
}
