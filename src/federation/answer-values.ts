// How many JSON values a connected platform's answer to a namespace read may hold before it is refused
// whole, counted over its bytes before JSON.parse. SPEC §13's maxCost is the field values a response of
// this gateway may hold, and the namespace's answer is part of it: an answer holding more than maxCost
// allows can never be given. Parsing and merging it is what a hostile or broken platform makes this
// gateway pay for: 1M small values (8 MB) held the event loop 2.1 s; 16M empty objects (48 MB, under
// MAX_ANSWER_BYTES) 12 s in JSON.parse alone.
//
// What is counted: every JSON value (object, array, string, number, true, false, null), not an object's
// keys. Under the answer's top-level `data`: `data` itself (the namespace field's value), the root's
// `__typename` (the one graphql-tools keeps, typenames.ts), each field value below, and each element
// of a list of objects. The request's cost estimate (src/limits/cost.ts) counts each field one, the
// namespace field included, and a list's elements each select at least one field, so an answer holding
// what the estimate allowed holds at most 2 × cost values (the data schema has no lists of scalars nor
// abstract types): the bound is 2 × maxCost + 1. It is maxCost's, not the request's estimate: a connected
// platform with a larger maxPageSize may answer more than this gateway estimated, and that is refused
// too, since no response of this gateway may hold it. Everything else (the errors with their locations,
// paths and extensions; top-level extensions) is counted apart, against a fixed allowance: the number
// of errors is bounded after parsing (answer-errors.ts), not what each holds, nor the extensions.
import { MAX_ANSWER_ERRORS } from './answer-errors.ts';

/** Values taken per error outside `data`: an honest one holds a message, locations, a path and a few extensions (about 20). */
export const VALUES_PER_ERROR = 100;

/** The most values an answer may hold under `data`, and apart from it. */
export interface ValueBounds {
  data: number;
  other: number;
}

/** The bounds of an answer to a request of this gateway whose limits say `maxCost`. */
export function answerValueBounds(maxCost: number): ValueBounds {
  return { data: 2 * maxCost + 1, other: MAX_ANSWER_ERRORS * VALUES_PER_ERROR };
}

/** An answer over a bound: which one, and how many values were counted when counting stopped. */
export interface OverBound {
  where: keyof ValueBounds;
  counted: number;
  bound: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * Whether `body` (JSON, as bytes) holds more values than `bounds` allow; null when it does not. One pass,
 * stopped at the first bound passed; strings are skipped by finding their closing quote (a quote after an
 * odd number of backslashes is escaped), so nothing inside a string counts. UTF-8 is read as bytes: no
 * byte of a multi-byte character is a quote, backslash or structural character.
 *
 * The count never goes down, and a byte that is not JSON counts as a value: for text that is not JSON,
 * it is at least the count of the part JSON.parse reads before it gives up (but for one string, taken
 * for a key when a colon follows it where JSON.parse fails). A body of n bytes holds at
 * most n values (each has a byte of its own), so a body no larger than both bounds is not scanned.
 */
export function valuesOver(body: Uint8Array, bounds: ValueBounds): OverBound | null {
  const end = body.length;
  if (end <= Math.min(bounds.data, bounds.other)) return null;
  const counts = { data: 0, other: 0 };
  // The member of the top-level object the values are in: `data` or anything else.
  let where: keyof ValueBounds = 'other';
  let depth = 0;
  const add = (): boolean => ++counts[where] > bounds[where];
  let i = 0;
  while (i < end) {
    const c = body[i];
    if (c === 0x7b || c === 0x5b) { // { [
      if (add()) break;
      depth++;
      i++;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      depth--;
      i++;
    } else if (c === 0x2c || c === COLON || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) { // , : whitespace
      i++;
    } else if (c === QUOTE) {
      const start = i + 1;
      let close = body.indexOf(QUOTE, start);
      while (close >= 0 && escaped(body, close, start)) close = body.indexOf(QUOTE, close + 1);
      if (close < 0) break; // unterminated: JSON.parse refuses it
      i = close + 1;
      let next = i;
      while (next < end && (body[next] === 0x20 || body[next] === 0x0a || body[next] === 0x0d || body[next] === 0x09)) next++;
      if (body[next] === COLON) {
        // A key, not a value. At the top level, it says whose the values after it are.
        if (depth === 1) where = isData(body, start, close) ? 'data' : 'other';
        i = next + 1;
      } else if (add()) break;
    } else {
      // A number, true, false or null (or a byte that is not JSON): one value up to the next separator.
      if (add()) break;
      i++;
      while (i < end && !SEPARATOR[body[i]]) i++;
    }
  }
  return counts[where] > bounds[where] ? { where, counted: counts[where], bound: bounds[where] } : null;
}

/** Bytes that end a number or literal: structure, quote, whitespace. */
const SEPARATOR = new Uint8Array(256);
for (const c of '{}[],:" \t\n\r') SEPARATOR[c.charCodeAt(0)] = 1;

/** Whether the quote at `at` is escaped: an odd number of backslashes before it, within the string. */
function escaped(body: Uint8Array, at: number, start: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= start && body[j] === BACKSLASH; j--) n++;
  return n % 2 === 1;
}

const DATA = [0x64, 0x61, 0x74, 0x61]; // "data"

/** Whether the key between `start` and `close` is `data`, escaped or not (as JSON.parse reads it). */
function isData(body: Uint8Array, start: number, close: number): boolean {
  if (close - start === 4) return DATA.every((b, k) => body[start + k] === b);
  // Escaped, `data` takes at most 24 bytes (\u0064\u0061\u0074\u0061).
  if (close - start > 24 || !body.subarray(start, close).includes(BACKSLASH)) return false;
  try {
    return JSON.parse(Buffer.from(body.subarray(start - 1, close + 1)).toString('utf8')) === 'data';
  } catch {
    return false;
  }
}
