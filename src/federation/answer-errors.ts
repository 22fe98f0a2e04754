// How many errors a connected platform's answer to a namespace read may hold before it is refused whole.
// A govgraph gateway gives one error per denied item and path pattern, not one per record (SPEC §6;
// unfit values too, src/server/unfit-values.ts), and one or two for the request as a whole: an honest
// answer never holds more errors than the delegated document selects fields, each fragment counted where
// it is spread (a typed client's fragment of 200 items spread at six places may be denied at 1,200
// paths). Each error costs this gateway far more than a value (graphql-tools places it in the data and
// relocates it under the namespace, each with a stack): 100,000 of them, 6.5 MB, held the event loop for
// 13 s on loopback, past the platform's timeoutMs and for every request of this gateway.
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** Errors always taken, whatever the document selects. */
export const MIN_ANSWER_ERRORS = 1000;
/** Errors never taken, whatever the document selects: about 1.4 s of this gateway's time. */
export const MAX_ANSWER_ERRORS = 10_000;

const bounds = new WeakMap<DocumentNode, number>();

/** The most errors an answer to `document` may hold: its fields, fragments counted where spread, within [MIN, MAX]. */
export function answerErrorBound(document: DocumentNode): number {
  let bound = bounds.get(document);
  if (bound === undefined) {
    bound = Math.min(MAX_ANSWER_ERRORS, Math.max(MIN_ANSWER_ERRORS, fieldsSelected(document)));
    bounds.set(document, bound);
  }
  return bound;
}

function fieldsSelected(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // Each fragment's count made once (spreading one twice at every level is 2^n fields, n steps); a cycle
  // (refused by validation, never sent) counts nothing.
  const perFragment = new Map<string, number>();
  const count = (set: SelectionSetNode | undefined): number => {
    let n = 0;
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) n += 1 + count(s.selectionSet);
      else if (s.kind === Kind.INLINE_FRAGMENT) n += count(s.selectionSet);
      else {
        const name = s.name.value;
        if (!perFragment.has(name)) {
          perFragment.set(name, 0);
          perFragment.set(name, count(fragments.get(name)?.selectionSet));
        }
        n += perFragment.get(name)!;
      }
    }
    return n;
  };
  let total = 0;
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) total += count(d.selectionSet);
  return total;
}
