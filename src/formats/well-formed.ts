// Text that is not well-formed Unicode: half of a surrogate pair standing alone, which a JSON escape
// (`"\ud800"`) or a YAML one gives. It is no character and has no UTF-8 form: MongoDB's BSON would keep
// U+FFFD instead, SQLite the escape, so the two stores would read back different records.

/** In Unicode mode a pair is one code point, so the range matches only a half that stands alone. */
export const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** What is wrong with `text`, which holds a lone surrogate: the half and where it stands. */
export function illFormed(text: string): string {
  const chars = [...text];
  const at = chars.findIndex((c) => LONE_SURROGATE.test(c));
  return `half of a surrogate pair (\\u${chars[at]!.charCodeAt(0).toString(16)}, character ${at + 1}), which is no character and cannot be stored as UTF-8; write the character itself, or both halves of its pair`;
}

const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

/** `text` with each half of a surrogate pair standing alone replaced by U+FFFD, as `String#toWellFormed` does. */
export const toWellFormed = (text: string): string => text.replace(LONE_SURROGATES, '\ufffd');
