// Department patterns of a share scope: globs over department codes (`*` any run of characters,
// `?` one character), e.g. "430000-*" or "4301*".

const cache = new Map<string, RegExp>();

export function departmentPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = [...pattern]
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`);
    cache.set(pattern, re);
  }
  return re;
}

export function matchesDepartmentPattern(pattern: string, code: string): boolean {
  return departmentPattern(pattern).test(code);
}

/** Codes matching at least one pattern. */
export function matchesAnyDepartmentPattern(patterns: readonly string[], code: string): boolean {
  return patterns.some((p) => matchesDepartmentPattern(p, code));
}
