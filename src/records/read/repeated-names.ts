// A JSON Lines record that writes one item twice (jsonl.ts): `{"idNumber": "A", ..., "idNumber": "B"}`.
// JSON.parse keeps the last value and says nothing, so the import would store "B" where the provider
// may have meant "A", without a word; catalogue documents refuse a property written twice
// (src/catalogue/read/json.ts) and CSV headers a column written twice (csv.ts), and a record does too.
// The check counts the property names the text writes at the top level against the keys JSON.parse
// made: a text with no more colons than keys cannot write one twice (one indexOf pass); else equal
// counts (a valid record holding times) cost one pass over the record's quotes with indexOf. Only a record
// whose counts differ is read again, to name the property.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The index of the quote that closes the string opened at `open`, or -1 when none does. */
function closingQuote(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
  }
  return -1;
}

/** Calls `name` with the text of each property name of the top-level object of `text` (valid JSON). */
function eachTopLevelName(text: string, name: (quoted: string) => void): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end === -1) return;
      if (depth === 1) {
        let k = end + 1;
        while (k < text.length && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r' || text[k] === '\n')) k++;
        if (text[k] === ':') name(text.slice(i, end + 1));
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
}

/** Whether `text` holds at most `bound` colons (each property name is followed by one, outside strings). */
function colonsAtMost(text: string, bound: number): boolean {
  let colons = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) if (++colons > bound) return false;
  return true;
}

/**
 * The first property name `text` (a JSON object JSON.parse read as `record`) writes twice at its top
 * level, as JSON.parse reads it (`"full\u004eame"` is `fullName`); undefined when it writes each once.
 */
export function repeatedName(text: string, record: Record<string, unknown>): string | undefined {
  const keys = Object.keys(record).length;
  // No more colons than keys: no name can be written twice (the usual record, without times in it).
  if (colonsAtMost(text, keys)) return undefined;
  let written = 0;
  eachTopLevelName(text, () => written++);
  if (written === keys) return undefined;
  const seen = new Set<string>();
  let repeated: string | undefined;
  eachTopLevelName(text, (quoted) => {
    const name = JSON.parse(quoted) as string;
    if (repeated === undefined && seen.has(name)) repeated = name;
    seen.add(name);
  });
  return repeated;
}
