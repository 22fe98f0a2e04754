// Department patterns of a share scope, as validation uses them: the same globs as the access decision
// (src/access/glob.ts), compiled once per pattern.
import { compileGlob } from '../access/glob.ts';

const cache = new Map<string, RegExp>();

export function departmentPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) cache.set(pattern, (re = compileGlob(pattern)));
  return re;
}

export function matchesDepartmentPattern(pattern: string, code: string): boolean {
  return departmentPattern(pattern).test(code);
}

/** Codes matching at least one pattern. */
export function matchesAnyDepartmentPattern(patterns: readonly string[], code: string): boolean {
  return patterns.some((p) => matchesDepartmentPattern(p, code));
}
