// The checks on a converted value (validate.ts, CHECKS: length, format, pattern) and the row scope's
// spelling of a division code.
import { LRUCache } from 'lru-cache';
import type { Item } from '../../model/catalogue.ts';
import type { Value } from '../../store/port.ts';
import { formatOf } from '../../formats/index.ts';
import { show } from './show.ts';

/** A check on a converted, non-null value; returns the problem (without line and item) or undefined. */
interface ValueCheck {
  name: string;
  /** Whether the check has anything to check on this item (its length, format or pattern is set). */
  applies(item: Item): boolean;
  check(value: Value, item: Item): string | undefined;
}

/**
 * Compiled patterns kept, and how many characters of pattern text together. Catalogue validation compiles
 * every pattern of a submitted draft (on the gateway's checks thread, src/workflow/off-thread.ts), a draft
 * refused too: kept without a bound, each submission naming new patterns grew the thread's memory for
 * good (found by the soak walk).
 */
export const PATTERNS_KEPT = 1000;
export const PATTERN_CHARS_KEPT = 2 ** 20;
const patterns = new LRUCache<string, RegExp>({ max: PATTERNS_KEPT, maxSize: PATTERN_CHARS_KEPT, sizeCalculation: (_, pattern) => Math.max(1, pattern.length) });

/** An item's pattern as records are checked against it (Unicode mode); catalogue validation uses it too. */
export function compiledPattern(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    patterns.set(pattern, re);
  }
  return re;
}

/** How many compiled patterns are kept (tests). */
export const keptPatterns = (): number => patterns.size;

export const CHECKS: readonly ValueCheck[] = [
  {
    name: 'length',
    applies: (item) => item.length !== undefined,
    check(value, item) {
      if (item.length === undefined || typeof value !== 'string') return undefined;
      if (value.length <= item.length) return undefined; // never more characters than UTF-16 code units
      const n = [...value].length;
      return n > item.length ? `${show(value)} is longer than ${item.length} characters (${n})` : undefined;
    },
  },
  {
    name: 'format',
    applies: (item) => item.format !== undefined,
    check(value, item) {
      if (item.format === undefined || typeof value !== 'string') return undefined;
      const f = formatOf(item.format);
      return f.check(value) ? undefined : `${show(value)} is not ${f.describe}`;
    },
  },
  {
    name: 'pattern',
    applies: (item) => item.pattern !== undefined,
    check(value, item) {
      if (item.pattern === undefined || typeof value !== 'string') return undefined;
      return compiledPattern(item.pattern).test(value) ? undefined : `${show(value)} does not match the pattern ${item.pattern}`;
    },
  },
];

/**
 * The row scope (SPEC §6) shows a record to a department when the value of the scope's item starts with the
 * department's region prefix (`3501`), compared character by character: a value written with full-width
 * digits (`３５０１０２`), a blank before or after it, or an invisible character (U+200B, U+FEFF) reads as
 * the division to a person, the provider included, and matches no region, so the record was hidden from
 * every department of its region, silently. Such a value is refused, naming the spelling to write.
 */
export function rowScopeValueProblem(value: unknown, consequence = 'so the row scope would show the record to no department of its region'): string | undefined {
  if (typeof value !== 'string') return undefined;
  const plain = value.normalize('NFKC').replace(/\p{Default_Ignorable_Code_Point}/gu, '').trim();
  if (plain === value) return undefined;
  return `${show(value)} is not written as a division code is (ASCII digits and letters, no spaces or invisible characters), ${consequence}; write ${show(plain)}`;
}

/**
 * Keys (and the link items that hold another resource's keys: ./links.ts) are compared character by character, in
 * lookups, links, grants' rows, objections and duplicates: a key a person reads as another, written with
 * full-width digits or letters (`４３０１…`, as a Chinese input method types them), in another Unicode
 * normal form than NFC, or with a blank before or after it, was stored as a second record that a lookup by
 * the usual spelling, a link and a count did not meet. Such a value is refused, naming the spelling to
 * write, never rewritten: a provider's key is theirs to correct. Full-width punctuation is Chinese
 * typography, not a slip (a document number `鹿民（2024）12号`), and is kept.
 */
export function keySpelling(value: string): string {
  return value
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .normalize('NFC')
    .trim();
}

/** Why a key value is refused (see keySpelling), or undefined. `what`: "a key", "a link to the key K of R" (./links.ts). */
export function keySpellingProblem(value: unknown, what: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const plain = keySpelling(value);
  if (plain === value) return undefined;
  return `${show(value)} is not written as ${what} is (NFC, ASCII letters and digits rather than full-width ones, no blanks before or after), so a lookup by its usual spelling would not find it; write ${show(plain)}`;
}
