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
