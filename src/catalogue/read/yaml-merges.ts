// YAML merge keys whose source is no mapping (`<<: *a` where &a names a scalar or a list, `<<: text`):
// the yaml library refuses them only while building the document, in the same throw as an alias bomb, so
// they were said as "YAML aliases expand too much" with no line. Found on the composed tree, at their line.
import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node } from 'yaml';

/** The first merge source that is no mapping: where it stands, and what it is for the message. */
export function badMergeSource(doc: Document): { offset: number; what: string } | undefined {
  let found: { offset: number; what: string } | undefined;
  visit(doc, {
    Pair(_, pair) {
      // A merge key is composed as a scalar whose source is << (its value a symbol of the library's).
      if (!isScalar(pair.key) || pair.key.source !== '<<' || typeof pair.key.value !== 'symbol') return undefined;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const node = isAlias(source) ? source.resolve(doc) : source;
        if (isMap(node)) continue;
        const kind = isSeq(node) ? 'a list' : node === undefined || node === null ? 'nothing' : 'a single value';
        found = {
          offset: (source as Node | null)?.range?.[0] ?? (pair.key.range?.[0] ?? 0),
          what: isAlias(source) ? `*${source.source}, which names ${kind}` : kind,
        };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
