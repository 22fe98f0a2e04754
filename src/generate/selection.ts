// Which fields a query selects below a field, fragments included, so that resolvers read from the store
// only what is asked for. @skip/@include are ignored: reading a little more is harmless.
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

function collect(info: GraphQLResolveInfo, set: SelectionSetNode | undefined, into: Map<string, FieldNode[]>): void {
  if (!set) return;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const list = into.get(sel.name.value);
      if (list) list.push(sel);
      else into.set(sel.name.value, [sel]);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      collect(info, sel.selectionSet, into);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      collect(info, info.fragments[sel.name.value]?.selectionSet, into);
    }
  }
}

/** Fields selected directly under the field being resolved, by name. */
export function selectedFields(info: GraphQLResolveInfo, nodes: readonly FieldNode[] = info.fieldNodes): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  for (const node of nodes) collect(info, node.selectionSet, out);
  return out;
}
