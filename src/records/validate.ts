// Record validation (SPEC §4, §11): one input record (a JSON object, or a CSV row of strings) becomes a
// store row by the port's conventions (src/store/port.ts), or a list of problems naming the line, the item
// and what was expected, e.g. `line 7: birthDate: "1990-02-30" is not a date (YYYY-MM-DD)`.
//
// Each item type is one named converter in TYPES; after conversion, the checks in CHECKS (required,
// length, format, pattern) apply in order. Every item of the resource appears in the row, null when the
// record has no value for it, so that an upsert replaces a record whole.
import { LRUCache } from 'lru-cache';
import type { Item, ItemType, Resource } from '../model/catalogue.ts';
import type { Row, Value } from '../store/port.ts';
import { isRealDate } from '../formats/calendar.ts';
import { readDateTime, DATETIME_EXPECTED } from '../formats/datetime.ts';
import { checkDecimal, WrittenNumber } from '../formats/decimal.ts';
import { formatOf } from '../formats/index.ts';

/** A value that failed to convert: what a valid value is ("a date (YYYY-MM-DD)"). */
class Failed {
  constructor(readonly expected: string) {}
}
/**
 * A converter returns the stored value itself (no wrapper: the import converts millions of values), or
 * Failed.
 */
type Conversion = Value | Failed;
interface TypeConverter {
  type: ItemType;
  /** `fromText`: the value comes from a CSV cell, where every value is text. */
  convert(value: unknown, item: Item, fromText: boolean): Conversion;
}

/** The stored value, or what a valid value is when it fails. */
type Converted = { ok: true; value: Value } | { ok: false; expected: string };

const ok = (value: Value): Conversion => value;
const fail = (expected: string): Conversion => new Failed(expected);

const INTEGER = /^[+-]?\d+$/;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A float's value: a JSON number, or a CSV cell written as one; undefined for anything else. It may be
 * past a double's range (a cell `1e400` reads as Infinity, and JSON.parse gives Infinity for the number).
 */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMBER.test(value.trim())) return Number(value.trim());
  return undefined;
}

function str(expected: string): (value: unknown) => Conversion {
  return (value) => (typeof value === 'string' ? ok(value) : fail(expected));
}

export const TYPES: readonly TypeConverter[] = [
  { type: 'string', convert: str('a string') },
  { type: 'text', convert: str('a string') },
  {
    type: 'int',
    convert(value, _item, fromText) {
      if (typeof value === 'string' && !fromText) return fail('an integer (a JSON number, not a string)');
      const n = typeof value === 'string' ? (INTEGER.test(value.trim()) ? Number(value.trim()) : NaN) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) return fail('an integer');
      // GraphQL's Int holds 32 bits: a larger value would be stored and then fail every read of it.
      return n >= INT_MIN && n <= INT_MAX ? ok(n) : fail(`an integer within GraphQL's Int (${INT_MIN} to ${INT_MAX}); declare the item as decimal for larger whole numbers`);
    },
  },
  {
    type: 'float',
    convert(value, _item, fromText) {
      if (typeof value === 'string' && !fromText) return fail('a number (a JSON number, not a string)');
      const n = toNumber(value);
      if (n === undefined || Number.isNaN(n)) return fail('a number');
      // Infinity would be stored as JSON's null: a required float imported empty, with exit status 0.
      return Number.isFinite(n) ? ok(n) : fail('a number within a double\'s range (about ±1.8e308)');
    },
  },
  {
    type: 'decimal',
    // The grammar the Decimal scalar accepts too (src/formats/decimal.ts). Strings (JSON or CSV) keep
    // their digits and scale; a JSON number has no scale (450.10 reads as 450.1) and is refused when it
    // has more significant digits than a double keeps.
    convert(value, _item, fromText) {
      const checked = checkDecimal(typeof value === 'string' && fromText ? value.trim() : value);
      return 'expected' in checked ? fail(checked.expected) : ok(checked.value);
    },
  },
  {
    type: 'boolean',
    convert(value, _item, fromText) {
      if (typeof value === 'boolean') return ok(value);
      if (!fromText) return fail('a boolean (true or false)');
      if (value === 'true' || value === '1') return ok(true);
      if (value === 'false' || value === '0') return ok(false);
      return fail('a boolean (true, false, 1 or 0)');
    },
  },
  {
    type: 'date',
    convert(value) {
      return typeof value === 'string' && isRealDate(value) ? ok(value) : fail('a date (YYYY-MM-DD)');
    },
  },
  {
    type: 'datetime',
    convert(value) {
      const t = readDateTime(value);
      return t === undefined ? fail(DATETIME_EXPECTED) : ok(t);
    },
  },
  {
    type: 'enum',
    convert(value, item) {
      const values = item.values ?? [];
      return typeof value === 'string' && values.includes(value) ? ok(value) : fail(`one of ${values.join(', ')}`);
    },
  },
];

const TYPE_BY_NAME: ReadonlyMap<ItemType, TypeConverter> = new Map(TYPES.map((t) => [t.type, t]));

/**
 * One value of an item as the store keeps it, or what a valid value is; `fromText` as for CSV cells. A
 * key typed by a person (an objection's record key) is text: `convertValue(keyItem, "7", true)`.
 */
export function convertValue(item: Item, value: unknown, fromText: boolean): Converted {
  const converter = TYPE_BY_NAME.get(item.type);
  if (!converter) throw new Error(`item ${item.name} has unknown type ${item.type}`);
  const converted = converter.convert(value, item, fromText);
  return converted instanceof Failed ? { ok: false, expected: converted.expected } : { ok: true, value: converted };
}

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
export function rowScopeValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const plain = value.normalize('NFKC').replace(/\p{Default_Ignorable_Code_Point}/gu, '').trim();
  if (plain === value) return undefined;
  return `${show(value)} is not written as a division code is (ASCII digits and letters, no spaces or invisible characters), so the row scope would show the record to no department of its region; write ${show(plain)}`;
}

/** A value as it appears in messages: JSON, cut short when long. */
export function show(value: unknown): string {
  if (value instanceof WrittenNumber) return value.text.length > 80 ? value.text.slice(0, 77) + '...' : value.text;
  // JSON.parse reads a number past a double's range (1e400) as Infinity, which JSON.stringify writes null.
  if (typeof value === 'number' && !Number.isFinite(value)) return `a number past a double's range (${value < 0 ? 'below -' : 'over '}1.8e308)`;
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function isMissing(value: unknown, item: Item): boolean {
  return value === undefined || value === null || (value === '' && item.type !== 'string' && item.type !== 'text');
}

export interface Validated {
  row?: Row;
  problems: string[];
}

/** One record's validation, made once for a resource: `validate(input, line)`. */
export type RecordValidator = (input: Record<string, unknown>, line: number) => Validated;

/**
 * The validation of `resource`'s records, with each item's converter and checks looked up once (the
 * import calls it once a record). See validateRecord for what it does.
 */
export function recordValidator(resource: Resource, options: { fromText?: boolean } = {}): RecordValidator {
  const fromText = options.fromText ?? false;
  const plan = resource.items.map((item) => {
    const converter = TYPE_BY_NAME.get(item.type);
    if (!converter) throw new Error(`item ${item.name} of ${resource.code} has unknown type ${item.type}`);
    return { item, name: item.name, convert: converter.convert, checks: CHECKS.filter((c) => c.applies(item)) };
  });
  const order = resource.items.map((i) => i.name);
  const names = new Set(order);
  const itemList = [...names].join(', ');
  const rowItem = resource.share.scope?.rows?.item;

  return (input, line) => {
    let problems: string[] | undefined;
    const at = (item: string, message: string) => (problems ??= []).push(`line ${line}: ${item}: ${message}`);
    const row: Row = {};
    for (const { item, name, convert, checks } of plan) {
      const raw = input[name];
      if (isMissing(raw, item) || (item.required && raw === '')) {
        if (item.required) at(name, 'a value is required');
        row[name] = null;
        continue;
      }
      // A number written with more digits than a double keeps: a decimal refuses it, other types take the double.
      const converted = convert(raw instanceof WrittenNumber && item.type !== 'decimal' ? raw.value : raw, item, fromText);
      if (converted instanceof Failed) {
        at(name, `${show(raw)} is not ${converted.expected}`);
        continue;
      }
      for (const c of checks) {
        const problem = c.check(converted, item);
        if (problem !== undefined) at(name, problem);
      }
      if (name === rowItem) {
        const problem = rowScopeValueProblem(converted);
        if (problem !== undefined) at(name, problem);
      }
      row[name] = converted;
    }
    // Fields in the items' order (as exported files have them) are known at a glance; others are looked up.
    let next = 0;
    for (const field of Object.keys(input)) {
      if (field === order[next]) next++;
      else if (!names.has(field)) at(field, `is not an item of ${resource.code} (items: ${itemList})`);
    }
    return problems ? { problems } : { row, problems: [] };
  };
}

const validators = new WeakMap<Resource, [RecordValidator, RecordValidator]>();

/**
 * Converts and checks one record. `line` is the 1-based line of the record in its file, for messages.
 * An empty string is a missing value for every type but string and text (CSV readers pass empty cells
 * as null already); a required item must be present and, for strings, not empty. Numbers and booleans
 * are read from text only with `fromText` (CSV); in JSON a "7" for an int item is the wrong type.
 * Decimals may be strings in JSON too, the way the Decimal scalar carries them without losing digits; a
 * string keeps its scale ("450.10"), a JSON number cannot (450.10 is read as 450.1).
 */
export function validateRecord(
  resource: Resource,
  input: Record<string, unknown>,
  line: number,
  options: { fromText?: boolean } = {},
): Validated {
  let pair = validators.get(resource);
  if (!pair) {
    pair = [recordValidator(resource, { fromText: false }), recordValidator(resource, { fromText: true })];
    validators.set(resource, pair);
  }
  return pair[options.fromText ? 1 : 0](input, line);
}
