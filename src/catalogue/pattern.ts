// Department patterns of a share scope, as validation uses them: the same globs as the access decision
// (src/access/glob.ts), compiled once per pattern while kept. Kept at most DEPARTMENT_PATTERNS_KEPT, the
// least recently used dropped first: validation runs on the gateway's checks thread for every draft
// submitted, a refused one's too, and a pattern kept for good per distinct glob grew that thread's
// memory with each draft naming new ones (found by the soak walk).
import { LRUCache } from 'lru-cache';
import { compileGlob } from '../access/glob.ts';

export const DEPARTMENT_PATTERNS_KEPT = 1000;
const cache = new LRUCache<string, RegExp>({ max: DEPARTMENT_PATTERNS_KEPT });

export function departmentPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) cache.set(pattern, (re = compileGlob(pattern)));
  return re;
}

/** How many compiled department patterns are kept (tests). */
export const keptDepartmentPatterns = (): number => cache.size;

export function matchesDepartmentPattern(pattern: string, code: string): boolean {
  return departmentPattern(pattern).test(code);
}

/** Codes matching at least one pattern. */
export function matchesAnyDepartmentPattern(patterns: readonly string[], code: string): boolean {
  return patterns.some((p) => matchesDepartmentPattern(p, code));
}
