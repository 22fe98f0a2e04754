// Identifiers a person reads and compares: department codes, user names, region codes, resource codes,
// item names, purposes, roles, a grant's rows (display names are not: src/catalogue/read/texts.ts leaves
// a Persian word its U+200C). Each must show what it holds. A supervisor reading the audit log or `platform status` sees
// `430000-MZ` where the stored code is `430000-M\u200bZ`, and `\u202e` shows what follows reversed: two
// departments that look the same, a grant to one that reads as a grant to the other, an audit entry
// that reads as someone else's. So an identifier holding a character that shows nothing or changes how
// the rest shows (Unicode categories Cc and Cf, the line and paragraph separators, the Hangul fillers),
// or written in another form than NFC (`e` + U+0301 where `é` is one character; U+212B ANGSTROM SIGN for
// U+00C5), is refused where it enters, naming the code point. It is never stripped: a stripped value
// would be another identifier than the one sent, accepted without its sender knowing.
//
// Free text (a reason, a proposed value, a record's data) is kept as sent; where a command prints it for
// a person it is escaped (src/cli/terminal.ts).

/** Characters that show nothing or change how what follows shows. */
export const HIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]/u;

/**
 * What an identifier may not hold besides: the rest of Unicode's default-ignorable characters, which a
 * font draws as nothing and are no format characters: U+034F COMBINING GRAPHEME JOINER, the variation
 * selectors, the Mongolian free variation selectors (`li` + U+034F + `wei` read as `liwei`). Free text
 * keeps them unescaped (an emoji's or a CJK ideograph's variation selector is part of how it shows).
 */
const IGNORABLE_IN_IDENTIFIER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/**
 * `s` without the white space around it. Not `trim()`: it takes U+FEFF too, which is no space but a
 * format character, so that a value sent with one would be taken as another value, silently.
 */
export const trimWhiteSpace = (s: string): string => s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');

/** The names of the hidden characters met most (others are said by their category). */
const NAMES: Readonly<Record<number, string>> = {
  0x09: 'CHARACTER TABULATION', 0x0a: 'LINE FEED', 0x0d: 'CARRIAGE RETURN', 0x1b: 'ESCAPE', 0x7f: 'DELETE',
  0xad: 'SOFT HYPHEN', 0x61c: 'ARABIC LETTER MARK', 0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE', 0x200c: 'ZERO WIDTH NON-JOINER', 0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK', 0x2028: 'LINE SEPARATOR', 0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE', 0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE', 0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE',
  0x34f: 'COMBINING GRAPHEME JOINER', 0xfe0f: 'VARIATION SELECTOR-16',
  0x115f: 'HANGUL CHOSEONG FILLER', 0x1160: 'HANGUL JUNGSEONG FILLER', 0x3164: 'HANGUL FILLER', 0xfeff: 'ZERO WIDTH NO-BREAK SPACE', 0xffa0: 'HALFWIDTH HANGUL FILLER',
};

/** `U+202E` of a character. */
export const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** `U+202E RIGHT-TO-LEFT OVERRIDE`, or `U+E0001 (a format character)` for one without a name here. */
function named(c: string): string {
  const name = NAMES[c.codePointAt(0)!];
  if (name) return `${codePoint(c)} ${name}`;
  return `${codePoint(c)} (${/\p{Cc}/u.test(c) ? 'a control character' : /\p{Cf}/u.test(c) ? 'a format character' : 'an invisible character'})`;
}

/**
 * Why `text` cannot be an identifier, or null: the first hidden character it holds, with where it stands
 * (`holds U+200B ZERO WIDTH SPACE (character 9), which shows nothing; ...`), else the first character
 * that is not as NFC writes it. Never the text itself: the message is printed and logged.
 */
export function identifierFault(text: string): string | null {
  if (!IGNORABLE_IN_IDENTIFIER.test(text) && text.normalize('NFC') === text) return null;
  const chars = [...text];
  const hidden = chars.findIndex((c) => IGNORABLE_IN_IDENTIFIER.test(c));
  if (hidden >= 0) {
    return `holds ${named(chars[hidden]!)} (character ${hidden + 1}), which shows nothing or changes how the text around it shows; write the identifier without it (it is refused, never stripped)`;
  }
  // The first character from which the text is not NFC: a combining mark NFC composes with what stands
  // before it, or a character NFC replaces (U+212B ANGSTROM SIGN, a CJK compatibility ideograph).
  const at = chars.findIndex((c, i) => c.normalize('NFC') !== c || (i > 0 && (chars[i - 1]! + c).normalize('NFC') !== chars[i - 1]! + c));
  const i = Math.max(at, 0);
  return `is not in Unicode normalization form NFC from ${codePoint(chars[i]!)} (character ${i + 1}) on: it looks like the identifier NFC writes, and is another; write it in NFC (composed characters)`;
}

const HIDDEN_CHARACTERS = new RegExp(HIDDEN_CHARACTER.source, 'gu');
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with each hidden character written as a visible escape (`\n`, `\u202e`, `\u{e0001}`): how free
 * text, and what another system sends about itself, is shown to a person (a terminal, `platform status`),
 * where it is kept as sent. `820000-M\u200bZ` then reads as what it is, not as `820000-MZ`.
 */
export function shownEscaped(text: string): string {
  return text.replace(HIDDEN_CHARACTERS, (c) => {
    const code = c.codePointAt(0)!;
    return NAMED_ESCAPES[c] ?? (code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/** identifierFault of each string at its path, as `{ path, message }`; other values are another check's. */
export function identifierProblems(values: Iterable<readonly [string, unknown]>): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const [path, value] of values) {
    const fault = typeof value === 'string' ? identifierFault(value) : null;
    if (fault) out.push({ path, message: fault });
  }
  return out;
}
