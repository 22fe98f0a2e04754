// The spellings under which a resource's key is one key: an ID number key (format idcard) whose check
// character is 'X' is the same number written 'x' (GB 11643 writes 'X'; rows stored before the importer
// wrote it, or written straight through the store, may hold 'x'). Every other key has one spelling.
// The import replaces a record stored under another spelling (store port, UpsertAllOptions), and a
// lookup, a link and an objection take the record of the first spelling that holds one.
import { idCardSpellings } from '../formats/idcard.ts';
import type { Value } from '../store/port.ts';
import type { Resource } from './catalogue.ts';

const idCardKey = (v: Value): Value[] => (typeof v === 'string' ? idCardSpellings(v) : [v]);

/** The spellings of `resource`'s key values, the canonical first, or undefined when a key has one. */
export function keySpellings(resource: Resource): ((key: Value) => Value[]) | undefined {
  return resource.items.find((i) => i.name === resource.key)?.format === 'idcard' ? idCardKey : undefined;
}

/**
 * The values a lookup of `resource` by `key` tries, in turn, taking the record of the first that finds
 * one: of a record stored under both spellings (before the import replaced one), the canonical.
 */
export function lookupValues(resource: Resource, key: Value): Value[] {
  return keySpellings(resource)?.(key) ?? [key];
}
