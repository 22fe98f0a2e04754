// How deep a document nests, found by one linear scan of its text before any parser recurses into it.

/** How deep mappings and sequences may nest (a catalogue needs about six levels). */
export const MAX_NESTING = 64;

/**
 * Where brackets (flow collections, JSON) first nest deeper than MAX_NESTING, or a line is indented deeper
 * than a block nesting of MAX_NESTING levels could need: one linear scan, so that no parser recurses into
 * a hostile depth. Brackets inside quotes and comments do not count.
 */
export function tooDeep(text: string, yaml: boolean): { line: number; col: number } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote = '';
  /** Columns of indentation at `at`, counting block markers (`- `, `? `, `: `) as indentation. */
  const indentAt = (at: number): number => {
    let n = 0;
    for (;;) {
      const c = text[at + n];
      if (c === ' ') n++;
      else if ((c === '-' || c === '?' || c === ':') && text[at + n + 1] === ' ') n += 2;
      else return n;
    }
  };
  if (yaml && indentAt(0) > MAX_NESTING * 4) return { line, col: 1 };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      if (yaml) {
        if (quote === '#') quote = '';
        if (indentAt(lineStart) > MAX_NESTING * 4) return { line, col: 1 };
      }
      continue;
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || (yaml && c === "'")) quote = c;
    else if (yaml && c === '#' && (i === lineStart || /\s/.test(text[i - 1]))) quote = '#';
    else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return { line, col: i - lineStart + 1 };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}
