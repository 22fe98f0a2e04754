// Checks of the texts people read: a catalogue's title, a resource's name, a share's conditions and legal
// basis, an item's title. The JSON Schema asks for at least one character, and a name of spaces or of
// characters that show nothing (U+200B, U+3164) passed: a resource without a name in GraphiQL and every
// listing, a conditional share whose required legal basis says nothing.
import { visibleTrim } from '../../model/input-bounds.ts';
import type { Share } from '../../model/catalogue.ts';
import type { Problem } from '../problems.ts';
import type { CatalogueCheck, CheckFamily, ItemCheck, ResourceCheck } from './context.ts';
import { problem } from './util.ts';

/** The problem of a text given that shows nothing, or none. */
export function* shown(text: string | undefined, path: string, what: string): Iterable<Problem> {
  if (text !== undefined && visibleTrim(text) === '') {
    yield problem(path, `"${escaped(text)}" shows nothing (it is blank or holds only characters that show nothing); write the ${what}`);
  }
}

/**
 * A name as a person reads it, by which names people choose among must differ: Unicode's compatibility
 * form (NFKC: "é" composed or as e and U+0301, full-width "Ａ１" and "A1" are one name), without the
 * characters that show nothing (U+200B, U+FEFF), blanks run together, and case ignored. Two names equal by
 * this key look the same on a screen; as two departments or purposes they could not be told apart.
 */
export const readingKey = (name: string): string =>
  name.normalize('NFKC').replace(/\p{Default_Ignorable_Code_Point}/gu, '').replace(/\s+/gu, ' ').trim().toLowerCase();

/**
 * What `name` is to `other`, two names written apart but equal by readingKey, as a message begins, both
 * written with their combining and invisible characters as \\uXXXX so that the message shows where they differ.
 */
export function sameReading(name: string, other: string, whose: string): string {
  const unseen = (text: string) => text.replace(/[\p{M}\p{Default_Ignorable_Code_Point}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  return `"${unseen(name)}" reads as "${unseen(other)}", the name of ${whose} (they differ only in Unicode form, width, case, blanks or invisible characters)`;
}

/** A text that shows nothing, written so that the message shows it: each character but a space as \\uXXXX. */
const escaped = (text: string): string =>
  [...text].map((c) => (c === ' ' ? c : `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)).join('');

function* shareTexts(share: Partial<Share> | undefined, at: string): Iterable<Problem> {
  yield* shown(share?.conditions, `${at}.share.conditions`, 'conditions of use');
  yield* shown(share?.basis, `${at}.share.basis`, 'legal basis');
}

const catalogueTexts: CatalogueCheck = function* (ctx) {
  yield* shown(ctx.catalogue.title, 'title', "catalogue's title");
  yield* shown(ctx.catalogue.subject, 'subject', "catalogue's theme");
};

const resourceTexts: ResourceCheck = function* (r, at) {
  yield* shown(r.name, `${at}.name`, "resource's name");
  yield* shareTexts(r.share, at);
};

const itemTexts: ItemCheck = function* (item, at) {
  yield* shown(item.title, `${at}.title`, "item's title (or leave it out: the item's name stands for it)");
  yield* shareTexts(item.share, at);
};

export const textChecks: CheckFamily = {
  catalogue: [catalogueTexts],
  resource: [resourceTexts],
  item: [itemTexts],
};
