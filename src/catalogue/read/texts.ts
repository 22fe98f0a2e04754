// Texts and property names a parsed document may not hold, at any depth (keys too): names JavaScript
// gives a meaning, half of a surrogate pair, and characters that change how a text reads unseen.

import { illFormed, LONE_SURROGATE } from '../../formats/well-formed.ts';
import type { Problem } from '../problems.ts';
import { shownEscaped } from '../../model/identifier-text.ts';

/**
 * Property names refused anywhere in a document: JavaScript gives them a meaning (`__proto__` would set
 * an object's prototype, so that validation sees inherited fields the stored document lacks), and no
 * catalogue or platform field has these names.
 */
export const REFUSED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
export const refusedKey = (key: string) => `the property name ${JSON.stringify(key)} is refused: it is not a field of any document and JavaScript gives it a meaning`;

/** Problems for refused property names at any depth of a parsed value, with their paths. */
export function refusedKeyProblems(value: unknown, path = ''): Problem[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refusedKeyProblems(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    const at = path ? `${path}.${key}` : key;
    return REFUSED_KEYS.has(key) ? [{ path: at, message: refusedKey(key) }] : refusedKeyProblems((value as Record<string, unknown>)[key], at);
  });
}

/**
 * Problems for text that is not well-formed Unicode, at any depth of a parsed value (keys too): half of a
 * surrogate pair, which a JSON escape (`"\ud800"`) or a YAML one gives. It is no character: UTF-8 cannot
 * hold it (the stores would keep U+FFFD instead of what was validated), and GraphQL refuses it in the
 * descriptions the schema takes from a catalogue or the platform file, so that the gateway did not start.
 */
export function illFormedTextProblems(value: unknown, path = ''): Problem[] {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? [{ path, message: `holds ${illFormed(value)}` }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => illFormedTextProblems(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    if (!LONE_SURROGATE.test(key)) return illFormedTextProblems((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    return [{ path: `${path}[${JSON.stringify(key)}]`, message: `the property name holds ${illFormed(key)}` }]; // escaped, as JSON escapes it
  });
}

/**
 * Characters that change how a text reads without showing themselves: the bidirectional embeddings,
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069), the zero-width space and word joiner, the
 * invisible operators, U+FEFF within a text, and the tag characters. In a resource's name or an item's
 * title they reached the generated schema raw: `schema print`, GraphiQL's docs and the typed clients
 * showed `sgnidliub` as "buildings", or a share's basis in another order than written (Trojan Source).
 * A compiler means none of them. Left alone: the direction marks (U+200E, U+200F, U+061C), which
 * Uyghur, Arabic or Hebrew text beside digits and Latin letters needs and which reorder nothing but the
 * neutral characters beside them; ZWJ and ZWNJ (emoji, Indic and Persian words); the variation
 * selectors (CJK and emoji forms).
 */
const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF\u{E0000}-\u{E007F}]/u;

/**
 * An emoji tag sequence (Unicode TS #51): the black flag, a subdivision code in tag letters and digits (a
 * region's two letters and one to four more) and a cancel tag, which show as one flag (England, Scotland,
 * Wales: 🏴 + gbsct + U+E007F). Its tag characters are the emoji's, not hidden text: they are left alone;
 * any other tag character (text smuggled past the eye, also after a black flag) is HIDDEN.
 */
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{3,6}\u{E007F}/gu;

/** `text` with each emoji tag sequence's tag characters as as many visible ones, so that positions stay. */
const withoutEmojiTags = (text: string): string => text.replace(EMOJI_TAG_SEQUENCE, (seq) => '\u{1F3F4}'.concat('x'.repeat([...seq].length - 1)));

const holdsHidden = (text: string): boolean => HIDDEN.test(withoutEmojiTags(text));

/** Problems for texts holding a HIDDEN character, at any depth of a parsed value (keys too), each shown as \\uXXXX. */
export function hiddenTextProblems(value: unknown, path = ''): Problem[] {
  if (typeof value === 'string') return holdsHidden(value) ? [{ path, message: hiddenIn(value) }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => hiddenTextProblems(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    if (!holdsHidden(key)) return hiddenTextProblems((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    return [{ path: `${path}[${JSON.stringify(unseen(key))}]`, message: `the property name ${hiddenIn(key)}` }];
  });
}

/** A text with each HIDDEN character, and each other that shows nothing, written as \\uXXXX (as the look-alike check writes them). */
export const unseen = (text: string): string =>
  text.replace(/[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\u{E0000}-\u{E007F}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);

function hiddenIn(text: string): string {
  const chars = [...text];
  const at = [...withoutEmojiTags(text)].findIndex((c) => HIDDEN.test(c));
  const code = chars[at]!.codePointAt(0)!.toString(16).padStart(4, '0');
  return `"${shownEscaped(unseen(text))}" holds \\u${code} (character ${at + 1}), which changes how the text reads without showing itself (a bidirectional control or an invisible character); remove it`;
}

