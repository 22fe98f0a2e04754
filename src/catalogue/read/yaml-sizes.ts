// The sizes of a YAML document's syntax tree, checked before the document is built (yaml.ts).

import type { CST } from 'yaml';
import { MAX_CATALOGUE_RESOURCES, MAX_RESOURCE_ITEMS } from '../limits.ts';
import type { Problem } from '../problems.ts';

/** How many keys one mapping may hold: a catalogue's or platform file's mappings hold a few dozen at most. */
export const MAX_MAPPING_KEYS = 1000;

/** The entries of a collection of the syntax tree (an entry is an item with a key or a value), or null for a scalar. */
function entriesOf(token: CST.Token | undefined): CST.CollectionItem[] | null {
  if (!token || (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')) return null;
  return (token.items as CST.CollectionItem[]).filter((it) => it.key || it.value || it.sep);
}

/** The text of a plain or quoted scalar key of the syntax tree, quotes left off. */
function keyText(token: CST.Token | null | undefined): string | undefined {
  if (!token || !('source' in token)) return undefined;
  if (token.type === 'scalar') return token.source;
  if (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') return token.source.slice(1, -1);
  return undefined;
}

const lists = (n: number, max: number) => `lists ${n} entries; at most ${max} allowed`;

/**
 * The sizes of a document's syntax tree beyond the bounds, found before the document is built: a mapping
 * of more than MAX_MAPPING_KEYS keys (building it was quadratic: 40,000 keys, 400 kB, took 10 s), and a
 * catalogue's resources and their items beyond MAX_CATALOGUE_RESOURCES and MAX_RESOURCE_ITEMS, said as the
 * JSON Schema says them. A platform file has no top-level `resources`.
 */
export function oversized(doc: CST.Document): Problem[] {
  const out: Problem[] = [];
  const walk = (token: CST.Token | undefined, path: string): void => {
    const entries = entriesOf(token);
    if (!entries) return;
    const map = token!.type === 'block-map' || (token!.type === 'flow-collection' && token!.start.source === '{');
    if (map && entries.length > MAX_MAPPING_KEYS) {
      out.push({ path: path || '(the document)', message: `a mapping of ${entries.length} keys; at most ${MAX_MAPPING_KEYS} allowed` });
      return;
    }
    entries.forEach((e, i) => {
      const key = map ? keyText(e.key as CST.Token | null | undefined) : undefined;
      walk(e.value, map ? (key === undefined ? path : path ? `${path}.${key}` : key) : `${path}[${i}]`);
    });
  };
  const top = entriesOf(doc.value);
  const resources = top?.find((e) => keyText(e.key as CST.Token | null | undefined) === 'resources');
  const listed = entriesOf(resources?.value);
  if (doc.value?.type === 'block-map' || doc.value?.type === 'flow-collection') {
    if (listed && listed.length > MAX_CATALOGUE_RESOURCES) return [{ path: 'resources', message: lists(listed.length, MAX_CATALOGUE_RESOURCES) }];
    listed?.forEach((r, i) => {
      const items = entriesOf(entriesOf(r.value)?.find((e) => keyText(e.key as CST.Token | null | undefined) === 'items')?.value);
      if (items && items.length > MAX_RESOURCE_ITEMS) out.push({ path: `resources[${i}].items`, message: lists(items.length, MAX_RESOURCE_ITEMS) });
    });
    if (out.length) return out;
  }
  walk(doc.value, '');
  return out;
}
