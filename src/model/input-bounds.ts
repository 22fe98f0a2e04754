// Bounds on what a caller's input may make the platform keep: the workflow stores a caller's own text
// (a request's justification, a demand's description and items, an objection's reason) and shows it to
// other departments, and the request body alone (1 MB) bounds nothing worth having. One place for the
// numbers: the workflow's inputs (src/workflow/bounds.ts), the grants' lists (src/access/grants.ts) and
// the audit log's own cuts (src/audit/entry.ts) take them from here.
//
// Characters are counted as Unicode code points: 2,000 Chinese characters are 2,000, as a person counts.

import { illFormed, LONE_SURROGATE } from '../formats/well-formed.ts';
import { identifierFault } from './identifier-text.ts';

/** Free text a person writes: a justification, a description, a reason, a comment, a proposed value. */
export const MAX_TEXT = 2000;
/** A title: as long as a catalogue's title may be (schema/catalogue.schema.json). */
export const MAX_TITLE = 200;
/** A name or identifier: a code, an id, an item, a purpose, a key value, a date. */
export const MAX_NAME = 128;
/** A user name (a token's `sub`): any e-mail address (254 characters at most) fits. */
export const MAX_USER = 256;
/**
 * Entries of a list of names (items, purposes, division codes): as many as a resource may have items
 * (MAX_RESOURCE_ITEMS, src/catalogue/limits.ts), so a request for every item of any resource fits.
 */
export const MAX_LIST = 200;

/**
 * The kinds of bounded input, each a value: its limit and how the limit is said. A `name` (and each of
 * `names`) and a `user` are identifiers, refused when they hold a character that shows nothing
 * (hiddenProblems); a `key` is a record's key value, bounded as a name but data, kept as the import kept it;
 * `labels` are bounded as `names` but free text (a demand's wanted items, as its requester names data no
 * catalogue holds yet: a Persian word's U+200C, a name typed in NFD), escaped where a terminal shows them.
 */
export type BoundKind = 'text' | 'title' | 'name' | 'key' | 'user' | 'names' | 'labels';
type ListKind = 'names' | 'labels';
const isList = (kind: BoundKind): kind is ListKind => kind === 'names' || kind === 'labels';
const LENGTH: Readonly<Record<Exclude<BoundKind, ListKind>, number>> = { text: MAX_TEXT, title: MAX_TITLE, name: MAX_NAME, key: MAX_NAME, user: MAX_USER };
/** The kinds that are identifiers (identifier-text.ts). */
const IDENTIFIER_KINDS: ReadonlySet<BoundKind> = new Set(['name', 'names', 'user']);

/**
 * How a bound is said in the description of the argument it bounds (schema/platform.graphql, static; a test
 * holds every bounded argument's description to this sentence, so the schema says the numbers in force).
 */
export function boundNote(kind: BoundKind): string {
  return isList(kind) ? `At most ${MAX_LIST} entries of at most ${MAX_NAME} characters each.` : `At most ${LENGTH[kind]} characters.`;
}

/** The bounded fields of one input, by the argument's path: what a caller types there. */
export type InputBounds = Readonly<Record<string, BoundKind>>;

export interface BoundProblem {
  path: string;
  message: string;
}

/** Characters of `s` as code points; counted only when its UTF-16 length may be over `max`. */
export function characters(s: string, max: number): number {
  if (s.length <= max) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Characters that show nothing: white space and the characters Unicode says a renderer may ignore (zero
 * width spaces and joiners, U+FEFF, soft hyphens, Hangul fillers, variation selectors), and the Braille
 * blank. `trim()` takes the white space alone, so a name of U+200B or U+3164 passed for a name.
 */
const INVISIBLE = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]*$/u;
/** Control characters (C0, DEL, C1): a line break in a name makes a second line of every listing that prints it. */
const CONTROL = /\p{Cc}/u;

/**
 * A person's text as kept: trimmed, and empty when it shows nothing (`\u200b`, `\u3164`): a required
 * text (a title, a reason, a justification) that is empty is refused, and these passed for text.
 */
export function visibleTrim(s: string): string {
  return INVISIBLE.test(s) ? '' : s.trim();
}

/**
 * Why a user name (a token's `sub`, a command's `--user`) cannot name anyone, or null: the workflow keeps
 * it in every row and audit entry the user makes, and people read it there. `blank`: it shows nothing
 * (empty, spaces, or characters that show nothing); `control`: it holds a control character;
 * `ill-formed`: it holds half of a surrogate pair (illFormedProblems); `long`: over MAX_USER characters;
 * `hidden`: it holds a format character (U+202E, U+200B) or is not in NFC, so that it reads as another
 * user's name (identifier-text.ts, identifierFault says which character).
 */
export function userNameFault(user: string): 'blank' | 'control' | 'ill-formed' | 'long' | 'hidden' | null {
  if (INVISIBLE.test(user)) return 'blank';
  if (CONTROL.test(user)) return 'control';
  if (LONE_SURROGATE.test(user)) return 'ill-formed'; // MongoDB's store cannot keep it: no entry of its requests could be written
  if (characters(user, MAX_USER) > MAX_USER) return 'long';
  return identifierFault(user) === null ? null : 'hidden';
}

function lengthProblem(path: string, value: unknown, max: number): BoundProblem | null {
  if (typeof value !== 'string') return null;
  // As typed, not trimmed: not every action trims what it stores (a proposed value is kept as given).
  const n = characters(value, max);
  return n > max ? { path, message: `has ${n} characters; at most ${max}` } : null;
}

/** A bounded field's check: its problem, or null; `max` is the field's bound in characters. */
type FieldCheck = (path: string, value: unknown, max: number, kind: BoundKind) => BoundProblem | null;

/** The problems `check` finds in the bounded fields of `input`: each text, and each entry of a list of names. */
function fieldProblems(input: object, bounds: InputBounds, check: FieldCheck): BoundProblem[] {
  const problems: BoundProblem[] = [];
  const values = input as Record<string, unknown>;
  for (const [field, kind] of Object.entries(bounds)) {
    const value = values[field];
    const path = field;
    if (!isList(kind)) {
      const p = check(path, value, LENGTH[kind], kind);
      if (p) problems.push(p);
      continue;
    }
    if (!Array.isArray(value)) continue;
    if (value.length > MAX_LIST) {
      problems.push({ path, message: `has ${value.length} entries; at most ${MAX_LIST}` });
      continue;
    }
    value.forEach((entry, i) => {
      const p = check(`${path}[${i}]`, entry, MAX_NAME, kind);
      if (p) problems.push(p);
    });
  }
  return problems;
}

/**
 * Every field of `input` over its bound, as `{ path, message }` (the message names the figure and the
 * limit, never the text). A list over MAX_LIST entries is one problem, its entries not looked at. Fields
 * absent or null are not bounded here: whether they are required is the caller's check.
 */
export const boundProblems = (input: object, bounds: InputBounds): BoundProblem[] => fieldProblems(input, bounds, lengthProblem);

/**
 * Every bounded field of `input` holding half of a surrogate pair (a JSON variable's `"\ud800"`), as
 * `{ path, message }` naming the half and where it stands, never the text. Such text is no character:
 * MongoDB's store refuses to write it (BSON is UTF-8) where SQLite's kept it, so an action's row and audit
 * entry were written on one adapter and the action failed on the other, its attempt unlogged; refused on
 * both here, as the data import and catalogue validation refuse it (formats/well-formed.ts).
 */
export const illFormedProblems = (input: object, bounds: InputBounds): BoundProblem[] =>
  fieldProblems(input, bounds, (path, value) => (typeof value === 'string' && LONE_SURROGATE.test(value) ? { path, message: `holds ${illFormed(value)}` } : null));

/**
 * Every identifier of `input` (a `name`, each of `names`, a `user`) holding a character that shows nothing
 * or changes how the rest shows, or not in NFC, as `{ path, message }` naming the code point, never the
 * text (identifier-text.ts): a resource, an item, a purpose or a row that looks like another. Free text
 * (`text`, `title`) and a record's `key` are kept as sent; a value that shows nothing at all (`\u200b`
 * alone) is left to the action's own check, which calls it empty, as a blank one.
 */
export const hiddenProblems = (input: object, bounds: InputBounds): BoundProblem[] =>
  fieldProblems(input, bounds, (path, value, _max, kind) => {
    // One that shows nothing at all is blank, as userNameFault says first: the action's own check calls it empty.
    const fault = IDENTIFIER_KINDS.has(kind) && typeof value === 'string' && !INVISIBLE.test(value) ? identifierFault(value) : null;
    return fault ? { path, message: fault } : null;
  });

/**
 * Text the store kept from before these bounds (an objection's reason, a demand's description written by
 * an older version, megabytes long), as it is shown: within `max` characters it is itself; past it, its
 * first `max` characters and a marker saying how long it was (`… [cut: 3000000 characters in all]`). The
 * row keeps the whole text: this is applied where rows are read (the workflow's fromRow functions and the
 * audit log's views), never where they are written, so nothing cut is ever stored back.
 */
export function shownText(s: string, max: number): string {
  const n = characters(s, max);
  if (n <= max) return s;
  let kept = '';
  let i = 0;
  for (const c of s) {
    if (i++ === max) break;
    kept += c;
  }
  return `${kept}… [cut: ${n} characters in all]`;
}

/** shownText for a text field that may be null. */
export const shownNullable = (s: string | null, max: number): string | null => (s === null ? null : shownText(s, max));

/**
 * A list of names kept from before these bounds, as shown: at most MAX_LIST entries (the last saying how
 * many there were, when there were more), each shownText at MAX_NAME. Where a list decides nothing (a
 * demand's wanted items) it is cut as read; a grant's and a request's lists decide access and a grant, so
 * they are cut only in their views (the GraphQL types, the command lists).
 */
export function shownNames(names: readonly string[]): string[] {
  const shown = names.slice(0, names.length > MAX_LIST ? MAX_LIST - 1 : MAX_LIST).map((n) => shownText(n, MAX_NAME));
  if (names.length > MAX_LIST) shown.push(`… [cut: ${names.length} entries in all]`);
  return shown;
}
