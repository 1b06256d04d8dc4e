// The terminal width of the text the screen draws, without Unicode segmentation. Ink measures
// every text with string-width, whose first non-ASCII string builds an Intl.Segmenter and
// compiles \p{RGI_Emoji}: 40–80 ms of the first frame here, for `●`, `─` and `…`. Strings made
// only of the characters below are one column per UTF-16 unit, each its own grapheme (no
// combining mark, joiner, variation selector or emoji among them), so their width is their
// length. scripts/bundle.js puts this in front of string-width in the bin; a test checks every
// character of the set against string-width itself.

/**
 * Printable ASCII; Latin-1 and Latin Extended (no soft hyphen, no combining marks); general
 * punctuation without the invisible ones (U+2028–U+202F, U+205F–); arrows, mathematical
 * operators, box drawing, blocks and geometric shapes without the emoji that draw wide; ✓ ✔ ✕ ✖ ✗ ✘.
 */
export const NARROW_ONLY = /^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u02FF\u2010-\u2027\u2030-\u205E\u2190-\u21FF\u2200-\u22FF\u2500-\u25FC\u25FF\u2713-\u2718]*$/;

/** The width string-width would give with its default options, when NARROW_ONLY tells it cheaply. */
export function narrowWidth(text: string): number | undefined {
	return NARROW_ONLY.test(text) ? text.length : undefined;
}
