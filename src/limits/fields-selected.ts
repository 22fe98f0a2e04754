// The fields a document selects, fragments followed spread by spread: what bounds the cost walk's work.
import { Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { capped } from './cost-walk.ts';

/**
 * The fields a selection set selects, fragments followed spread by spread (a fragment spread twice counts
 * twice), @skip/@include not read: what graphql-jit walks compiling the operation (its compilation walks
 * each spread, not each response field: 22 nested fragments each spreading the next twice, four response
 * values, took it 6 s). A list with `first: 0` holds nothing, and fields left out by @skip hold nothing,
 * but below them such fragments still make millions of fields of a one-kilobyte document. Kept per
 * selection set in `counted` (a fragment's is its own), so that it takes a step per selection of the
 * document; `path` holds the fragments on the way (a cycle, refused by graphql's own rule, just stops).
 */
export function fieldsSelected(set: SelectionSetNode, fragment: (name: string) => FragmentDefinitionNode | undefined, counted: Map<SelectionSetNode, number>, path = new Set<string>()): number {
  const known = counted.get(set);
  if (known !== undefined) return known;
  let n = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) n = capped(n + 1 + (sel.selectionSet ? fieldsSelected(sel.selectionSet, fragment, counted, path) : 0));
    else if (sel.kind === Kind.INLINE_FRAGMENT) n = capped(n + fieldsSelected(sel.selectionSet, fragment, counted, path));
    else {
      const spread = fragment(sel.name.value);
      if (!spread || path.has(sel.name.value)) continue;
      path.add(sel.name.value);
      n = capped(n + fieldsSelected(spread.selectionSet, fragment, counted, path));
      path.delete(sel.name.value);
    }
  }
  counted.set(set, n);
  return n;
}
