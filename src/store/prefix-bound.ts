// The range of the texts starting with a prefix, as both stores read `startsWith`: at or above the prefix
// and below its upper bound, in code-point order (SQLite's BINARY collation of UTF-8, MongoDB's simple
// binary comparison: the same order). A range has no length limit and an index serves it.

/**
 * The smallest string greater than every string starting with `prefix` (code-point order), or undefined.
 * The prefix is cut and its last code point replaced, never spread into String.fromCodePoint: a prefix of
 * 150,000 characters (a 1 MB body's `startsWith`) overflowed the call stack, an internal error.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  let end = prefix.length;
  while (end > 0) {
    const low = prefix.charCodeAt(end - 1);
    const pair = end > 1 && low >= 0xdc00 && low <= 0xdfff && prefix.charCodeAt(end - 2) >= 0xd800 && prefix.charCodeAt(end - 2) <= 0xdbff;
    const start = pair ? end - 2 : end - 1;
    const last = prefix.codePointAt(start)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return prefix.slice(0, start) + String.fromCodePoint(next);
    }
    end = start;
  }
  return undefined;
}
