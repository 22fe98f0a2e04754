// The masks of SPEC §4 as named pure functions. Each works on Unicode code points (a Chinese name of
// two characters is two code points) and replaces each hidden code point with one '*'.
//
// When a value is no longer than the parts a mask keeps (a 10-character value under `idcard`, a
// 2-character value under `partial`, a 1-character name), nothing would be hidden; such a value is
// masked in full instead, so a mask never returns its input unchanged unless it is empty.
import type { MaskName } from '../model/catalogue.ts';

export interface Mask {
  name: MaskName;
  /** Code points kept at the start and at the end. */
  keepFirst: number;
  keepLast: number;
  describe: string;
}

export const MASKS: readonly Mask[] = [
  { name: 'idcard', keepFirst: 6, keepLast: 4, describe: 'first 6 and last 4 characters kept' },
  { name: 'name', keepFirst: 1, keepLast: 0, describe: 'first character kept' },
  { name: 'phone', keepFirst: 3, keepLast: 4, describe: 'first 3 and last 4 characters kept' },
  { name: 'partial', keepFirst: 1, keepLast: 1, describe: 'first and last character kept' },
  { name: 'full', keepFirst: 0, keepLast: 0, describe: 'every character replaced' },
];

export const MASK_NAMES: readonly MaskName[] = MASKS.map((m) => m.name);

const BY_NAME: ReadonlyMap<MaskName, Mask> = new Map(MASKS.map((m) => [m.name, m]));

export function maskOf(name: MaskName): Mask {
  const m = BY_NAME.get(name);
  if (!m) throw new Error(`unknown mask "${name}"`);
  return m;
}

/** `value` with every code point outside the mask's kept parts replaced by '*'. */
export function applyMask(mask: MaskName, value: string): string {
  const { keepFirst, keepLast } = maskOf(mask);
  // Without surrogate pairs every code point is one UTF-16 unit: slice the string itself (the common case,
  // Chinese text included), instead of splitting it into an array of code points.
  if (SURROGATE.test(value)) return masked(Array.from(value), keepFirst, keepLast).join('');
  const n = value.length;
  if (n <= keepFirst + keepLast) return stars(n);
  return value.slice(0, keepFirst) + stars(n - keepFirst - keepLast) + value.slice(n - keepLast);
}

function masked(chars: string[], keepFirst: number, keepLast: number): string[] {
  const n = chars.length;
  return n <= keepFirst + keepLast ? [stars(n)] : [...chars.slice(0, keepFirst), stars(n - keepFirst - keepLast), ...chars.slice(n - keepLast)];
}

/** The runs of '*' of short values made once: a list's page masks two items on every row. */
const STARS = Array.from({ length: 33 }, (_, n) => '*'.repeat(n));
const stars = (n: number): string => (n < STARS.length ? STARS[n] : '*'.repeat(n));

const SURROGATE = /[\uD800-\uDFFF]/;

/** The mask a `personal` or `secret` item gets: its own, or `full` when it names none (SPEC §4). */
export function effectiveMask(item: { sensitivity?: string; mask?: MaskName }): MaskName | undefined {
  if (item.sensitivity === undefined) return undefined;
  return item.mask ?? 'full';
}
