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

const BY_NAME: ReadonlyMap<MaskName, Mask> = new Map(MASKS.map((m) => [m.name, m]));

export function maskOf(name: MaskName): Mask {
  const m = BY_NAME.get(name);
  if (!m) throw new Error(`unknown mask "${name}"`);
  return m;
}

/** `value` with every code point outside the mask's kept parts replaced by '*'. */
export function applyMask(mask: MaskName, value: string): string {
  return maskWith(maskOf(mask), value);
}

/** `applyMask` with the mask already looked up: a list's page masks its items on every row. */
export function maskWith({ keepFirst, keepLast }: Mask, value: string): string {
  // Without surrogate pairs every code point is one UTF-16 unit: slice the string itself (the common case,
  // Chinese text included), instead of splitting it into an array of code points.
  if (SURROGATE.test(value)) return masked(Array.from(value), keepFirst, keepLast).join('');
  const n = value.length;
  if (n <= keepFirst + keepLast) return stars(n);
  return value.slice(0, keepFirst) + stars(n - keepFirst - keepLast) + value.slice(n - keepLast);
}

/**
 * `mask` as a function whose answers are kept: a list's page read again masks the same values on every
 * request (two masks on each of 100 rows in the bench's list). Two generations of at most MASKED_KEPT
 * values each, as the document cache keeps documents (src/store/doc-cache.ts): least recently used in
 * effect. Only values of at most MASKED_KEPT_CHARS units are kept (ID numbers, names, phone numbers):
 * a long text would make the count no bound on memory.
 */
export function keptMask(mask: Mask): (value: string) => string {
  let kept = KEPT.get(mask);
  if (kept) return kept;
  let young = new Map<string, string>();
  let old = new Map<string, string>();
  kept = (value) => {
    if (value.length > MASKED_KEPT_CHARS) return maskWith(mask, value);
    let out = young.get(value);
    if (out === undefined) {
      out = old.get(value) ?? maskWith(mask, value);
      young.set(value, out);
      if (young.size >= MASKED_KEPT) [old, young] = [young, new Map()];
    }
    return out;
  };
  KEPT.set(mask, kept);
  return kept;
}

const MASKED_KEPT = 20_000;
const MASKED_KEPT_CHARS = 64;
const KEPT = new Map<Mask, (value: string) => string>();

function masked(chars: string[], keepFirst: number, keepLast: number): string[] {
  const n = chars.length;
  return n <= keepFirst + keepLast ? [stars(n)] : [...chars.slice(0, keepFirst), stars(n - keepFirst - keepLast), ...chars.slice(n - keepLast)];
}

/** The runs of '*' of short values made once: a list's page masks two items on every row. */
const STARS = Array.from({ length: 33 }, (_, n) => '*'.repeat(n));
const stars = (n: number): string => (n < STARS.length ? STARS[n] : '*'.repeat(n));

const SURROGATE = /[\uD800-\uDFFF]/;

/** The words a boolean or enum item's values are; null for any other item. */
export function fewValuesWords(item: { type: string; values?: readonly string[] }): readonly string[] | null {
  return item.type === 'boolean' ? ['true', 'false'] : item.type === 'enum' ? (item.values ?? null) : null;
}

/**
 * An item whose values are a few known words (a boolean, an enum) under `full`: one '*' per character
 * would tell `true` (****) from `false` (*****), and one enum value from another, by length alone. Every
 * value of such an item is masked as long as its longest value, so the mask hides which one it is. Other
 * items and masks follow their value's length (SPEC §4): a kept first character tells more than a length.
 */
export function itemMask(mask: MaskName, item: { type: string; values?: readonly string[] }): (value: string) => string {
  const words = mask !== 'full' ? null : fewValuesWords(item);
  if (words?.length) {
    const text = stars(Math.max(...words.map((w) => Array.from(w).length)));
    return (value) => (value === '' ? '' : text);
  }
  return keptMask(maskOf(mask));
}

/** The mask a `personal` or `secret` item gets: its own, or `full` when it names none (SPEC §4). */
export function effectiveMask(item: { sensitivity?: string; mask?: MaskName }): MaskName | undefined {
  if (item.sensitivity === undefined) return undefined;
  return item.mask ?? 'full';
}
