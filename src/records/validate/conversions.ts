// The item types' converters (validate.ts, TYPES): a record's value, JSON or CSV text, becomes a store
// value by the port's conventions, or says what a valid value is.
import type { Item, ItemType } from '../../model/catalogue.ts';
import { closest } from '../../model/nearest-name.ts';
import { enumValueName } from '../../model/names.ts';
import type { Value } from '../../store/port.ts';
import { isRealDate } from '../../formats/calendar.ts';
import { readDateTime, DATETIME_EXPECTED } from '../../formats/datetime.ts';
import { checkDecimal } from '../../formats/decimal.ts';
import { illFormed, LONE_SURROGATE } from '../../formats/well-formed.ts';

/** A value that failed to convert: what a valid value is ("a date (YYYY-MM-DD)"). */
export class Failed {
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

/**
 * A text item's value. Ill-formed text (a JSON line's `"\ud800"`) is refused on its line: MongoDB's store
 * refused the whole import at the write, naming no line, while SQLite's kept it (well-formed.ts).
 */
function str(expected: string): (value: unknown) => Conversion {
  return (value) => {
    if (typeof value !== 'string') return fail(expected);
    return LONE_SURROGATE.test(value) ? fail(`${expected} of characters: this one holds ${illFormed(value)}`) : ok(value);
  };
}

const TYPES: readonly TypeConverter[] = [
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
      if (typeof value === 'string' && values.includes(value)) return ok(value);
      // `Female`, `FEMALE` (as the GraphQL answers write it) or `femal`: the value meant, as the catalogue
      // writes it, in the words of a catalogue's own misspelt value (catalogue/json-schema.ts).
      const meant = typeof value === 'string' ? closest(value, values) : undefined;
      return fail(`one of ${values.join(', ')}${meant === undefined ? '' : `; did you mean "${meant}"?`}`);
    },
  },
];

export const TYPE_BY_NAME: ReadonlyMap<ItemType, TypeConverter> = new Map(TYPES.map((t) => [t.type, t]));

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

/**
 * The value a person's text stands for, as the store keeps it: an objection's record key or proposed
 * value, a lookup by a personal or secret key (a String in the schema whatever its type). An enum is named
 * in the schema's naming too (o_neg as O_NEG).
 */
export function typedValue(item: Item, text: string): Converted {
  const value = item.type === 'enum' ? (item.values?.find((v) => enumValueName(v) === text) ?? text) : text;
  return convertValue(item, value, true);
}
