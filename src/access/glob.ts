// Department-code glob patterns of a share's scope (SPEC §4): `*` matches any run of characters
// (possibly empty), `?` exactly one; every other character matches itself. A pattern matches the whole
// code. Patterns are compiled once, when a schema is built, and then only tested.

export interface GlobSet {
  /** The patterns as written in the catalogue, for messages. */
  readonly patterns: readonly string[];
  /** True when `code` matches at least one of the patterns. */
  test(code: string): boolean;
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c;
}

/** One pattern as an anchored regular expression. */
export function compileGlob(pattern: string): RegExp {
  let source = '';
  for (const c of pattern) {
    source += c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : escapeRegExp(c);
  }
  return new RegExp('^' + source + '$', 'u');
}

/** A list of patterns, any of which may match. An empty list matches nothing. */
export function compileGlobSet(patterns: readonly string[]): GlobSet {
  const alternatives = patterns.map((p) => compileGlob(p).source.slice(1, -1));
  const re = alternatives.length ? new RegExp('^(?:' + alternatives.join('|') + ')$', 'u') : null;
  return { patterns: [...patterns], test: (code) => (re ? re.test(code) : false) };
}
