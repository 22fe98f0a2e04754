// Text a connected platform sends about itself (its schema version, its region, its error messages, the
// names in a schema that could not be stitched) as this gateway shows it in `platform status`, /healthz
// and the log: cut here. A listed platform is trusted with its data, not with the size of what the
// operator reads; only the 8 MiB bound of a schema document held these before. Its hidden characters are
// shown as escapes (src/model/identifier-text.ts): a platform answering as region `610500\u200b` was said
// to answer "as platform 610500, not 610500", and a U+202E in its version reversed the line after it.

import { shownEscaped } from '../model/identifier-text.ts';

/** A version or region, at most this many characters shown (a real version is a few dozen). */
export const MAX_LABEL_CHARS = 128;

/** An error message of the platform's, at most this many characters shown. */
export const MAX_ERROR_CHARS = 300;

/** `text` as shown: cut at `max` characters, saying how long it was, its hidden characters escaped. */
export function theirText(text: unknown, max: number): string {
  const s = String(text);
  if (s.length <= max) return shownEscaped(s);
  // Not half of a surrogate pair at the cut.
  const cut = /[\uD800-\uDBFF]$/.test(s.slice(0, max)) ? max - 1 : max;
  return `${shownEscaped(s.slice(0, cut))}… (${s.length} characters, cut)`;
}

export const theirLabel = (text: unknown): string => theirText(text, MAX_LABEL_CHARS);
export const theirError = (text: unknown): string => theirText(text, MAX_ERROR_CHARS);
