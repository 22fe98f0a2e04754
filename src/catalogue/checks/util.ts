// Helpers shared by the check families.
import type { Problem } from '../problems.ts';

/** For each entry whose key an earlier entry already has: the index of both. */
export function* repeats<T>(list: readonly T[], key: (t: T) => string): Generator<[index: number, first: number, key: string]> {
  const firstAt = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const k = key(list[i]);
    const first = firstAt.get(k);
    if (first === undefined) firstAt.set(k, i);
    else yield [i, first, k];
  }
}

/** `a, b, c` or `a, b, c, ... (12 in all)` for long lists. */
export function listOf(values: readonly string[], max = 8): string {
  if (values.length === 0) return '(none)';
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, ... (${values.length} in all)`;
}

/**
 * The code of `known` that `code` is in another case, said for a message (`; it is ... written in another
 * case: write "X"`), or '' when none is. Codes are matched exactly (a department's in a token, a resource's
 * in a grant), so "150100-nmj" named no department; the message said only that, and the list to compare by eye.
 */
export function otherCase(code: string, known: Iterable<string>, what: string): string {
  const lower = code.toLowerCase();
  for (const k of known) if (k !== code && k.toLowerCase() === lower) return `; it is ${what} ${k} written in another case: write "${k}"`;
  return '';
}

export function problem(path: string, message: string): Problem {
  return { path, message };
}
