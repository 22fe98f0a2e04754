// A YAML mapping key that is itself a list or a mapping (`? [a, b]`), for yaml.ts to refuse: a document's
// keys are names. The yaml library turns such a key into the text of its flow form (`"[ a, b ]"`) and
// prints a Node.js warning of its own to the process's stderr, beside the command's answer or in the
// gateway's log for a submitCatalogue.

import { isAlias, isCollection, isPair, visit, type Document } from 'yaml';

/** The offset of the first key of `doc` that is a list or a mapping (also through an alias), if any. */
export function collectionKey(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (!isPair(pair) || pair.key === null || typeof pair.key !== 'object') return undefined;
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (isCollection(key)) {
        found = (pair.key as { range?: [number, number, number] | null }).range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
