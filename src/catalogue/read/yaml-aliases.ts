// A YAML document's aliases: how many in all, and one inside the node it names (yaml.ts).

import { isAlias, visit, type Document } from 'yaml';

/**
 * How many alias uses (`*name`) a document may hold in all. The yaml library's MAX_ALIAS_COUNT counts the
 * uses of each anchor apart, and finds each alias's anchor by a walk of the nodes before it: a document of
 * many anchors each used once passed its count, and resolving it was quadratic in the aliases (200,000 of
 * them, 600 kB, held the worker for minutes). A catalogue that writes a share or an item's settings once
 * and merges it (`<<: *share`) uses a few per resource.
 */
export const MAX_ALIASES = 2000;

/**
 * The first alias of a document that stands inside the node its anchor names, with its offset; or, when
 * the document holds more than MAX_ALIASES aliases, their count. One walk: an alias names the last anchor
 * of its name before it, in document order (as the yaml library resolves it), kept in a map as the walk
 * goes; resolving each alias on its own walked the document again at each (quadratic).
 */
export function recursiveAlias(doc: Document): { name: string; offset: number } | { aliases: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  let aliases = 0;
  const anchored = new Map<string, { range?: [number, number, number] | null }>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        aliases++;
        const target = anchored.get(node.source);
        const [start] = node.range ?? [];
        if (!found && target?.range && start !== undefined && target.range[0] <= start && start < target.range[2]) found = { name: node.source, offset: start };
      } else if (node.anchor) anchored.set(node.anchor, node);
      return undefined;
    },
  });
  if (aliases > MAX_ALIASES) return { aliases };
  return found;
}
