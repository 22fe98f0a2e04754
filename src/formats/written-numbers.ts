// Numbers of a JSON text written with more significant digits than a double holds (MAX_NUMBER_DIGITS):
// JSON.parse has rounded them (`1.0000000000000000001` is 1, whose shortest text has one digit), and only
// the written text shows it. Found here by their place in the text, for the readers that must refuse
// such a number where it stands for a decimal: JSON Lines records (src/records/read.ts) and a request's
// variables (src/server/plugins/written-numbers.ts). Node 20's JSON.parse gives no number's source text.
import { MAX_NUMBER_DIGITS, WrittenNumber, writtenSignificantDigits } from './decimal.ts';

/** A key of an object or an index of a list: the steps from a JSON text's value to one inside it. */
export type JsonStep = string | number;

/**
 * A number token of more than MAX_NUMBER_DIGITS characters after `:`, `,` or `[`: the cheap test that a
 * text may hold a number JSON.parse rounded (a string holding such digits, an 18-digit ID number, is
 * quoted, so it passes only when it holds such text itself, and the walk then finds nothing).
 */
const LONG_NUMBER = new RegExp(`[:,[]\\s*-?\\d[\\d.eE+-]{${MAX_NUMBER_DIGITS},}`);
const NUMBER_TOKEN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/**
 * Numbers nested deeper are not looked for: each found costs its path, and a megabyte of numbers under
 * 100,000 brackets would cost billions of steps. Records are flat; a request's variables nested deeper
 * are refused by the limits (src/limits/arguments.ts, variablesDepth) before anything reads them: at most
 * 2 × 100 + 8 levels (limits.filter.maxDepth is at most 100, schema/platform.schema.json), under the
 * body's object and its `variables`. 64 let a Decimal under 31 and/or of a platform whose filter.maxDepth
 * is 40 through, rounded. A request's body is read with its platform's own bound (markBodyNumbers): a
 * megabyte of long numbers 205 deep held the event loop 0.4 to 0.5 s, before the request's rate was
 * taken, under a platform whose variables may nest 18 deep; 20 deep, about 0.1 s.
 */
export const MAX_DEPTH = 2 * 100 + 8 + 2;

interface Frame {
  list: boolean;
  /** The key whose value is read (an object), or the index of the value read (a list). */
  step: JsonStep | undefined;
}

/**
 * Where `text`, a JSON text JSON.parse has read, writes a number with more than MAX_NUMBER_DIGITS
 * significant digits, and as what. Empty at once for the texts that hold none (the usual case).
 */
export function longNumbers(text: string, maxDepth = MAX_DEPTH): { path: JsonStep[]; token: string }[] {
  if (!LONG_NUMBER.test(text)) return [];
  const found: { path: JsonStep[]; token: string }[] = [];
  const frames: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = frames[frames.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top && !top.list && top.step === undefined) top.step = JSON.parse(text.slice(i, j + 1)) as string;
      i = j;
    } else if (c === '{' || c === '[') frames.push({ list: c === '[', step: c === '[' ? 0 : undefined });
    else if (c === '}' || c === ']') frames.pop();
    else if (c === ',' && top) top.step = top.list ? (top.step as number) + 1 : undefined;
    else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_TOKEN.lastIndex = i;
      const token = NUMBER_TOKEN.exec(text)?.[0] ?? c;
      if (frames.length <= maxDepth && writtenSignificantDigits(token) > MAX_NUMBER_DIGITS) found.push({ path: frames.map((f) => f.step as JsonStep), token });
      i += token.length - 1;
    }
  }
  return found;
}

/**
 * Puts a WrittenNumber in place of each number of `value` (what JSON.parse made of `text`) that `text`
 * writes with more than MAX_NUMBER_DIGITS significant digits, where `where` takes its path; returns the
 * paths it put one at. A decimal refuses a WrittenNumber rather than take the rounded value (SPEC §4).
 * Numbers under more than `maxDepth` objects and lists are not looked for.
 */
export function markWrittenNumbers(text: string, value: unknown, where: (path: readonly JsonStep[]) => boolean = () => true, maxDepth = MAX_DEPTH): JsonStep[][] {
  const marked: JsonStep[][] = [];
  for (const { path, token } of longNumbers(text, maxDepth)) {
    if (!path.length || !where(path)) continue;
    let parent: unknown = value;
    for (const step of path.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<JsonStep, unknown>)[step] : undefined;
    const last = path[path.length - 1];
    if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, last)) continue;
    const holder = parent as Record<JsonStep, unknown>;
    // A key written twice is the last value JSON.parse read: a long number it replaced is not the value.
    if (typeof holder[last] !== 'number' || holder[last] !== Number(token)) continue;
    holder[last] = new WrittenNumber(token, holder[last] as number);
    marked.push(path);
  }
  return marked;
}
