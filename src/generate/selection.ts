// Which fields a query selects below a field, fragments included, so that resolvers read from the store
// only what is asked for. @skip/@include are followed as graphql's own collectFields follows them: a
// field they leave out is not in the response, so it is neither read nor, when denied, recorded as a
// denial (resolvers/data/plan.ts records a denied item when the read is planned).
import {
  getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, Kind,
  type FieldNode, type GraphQLResolveInfo, type SelectionNode, type SelectionSetNode,
} from 'graphql';

/**
 * Whether @skip/@include leave `node` in the response under `variables` (graphql's shouldIncludeNode:
 * @skip first, then @include); throws as graphql does for a condition it cannot read. The one reading of
 * the conditions: the read plans here, the limits' counts (src/limits/arguments.ts) and what a connected
 * namespace is sent (src/federation/namespace-conditions.ts).
 */
export function shouldInclude(node: SelectionNode, variables: Record<string, unknown>): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

const included = (info: GraphQLResolveInfo, node: SelectionNode): boolean => shouldInclude(node, info.variableValues);

/**
 * `spread`: the fragments already collected at this level. A fragment spread again adds the same fields
 * (graphql's own collectFields skips it too): nested fragments each spreading the next twice are walked
 * once each, not 2^n times.
 */
function collect(info: GraphQLResolveInfo, set: SelectionSetNode | undefined, into: Map<string, FieldNode[]>, spread: Set<string>): void {
  if (!set) return;
  for (const sel of set.selections) {
    if (!included(info, sel)) continue;
    if (sel.kind === Kind.FIELD) {
      const list = into.get(sel.name.value);
      if (list) list.push(sel);
      else into.set(sel.name.value, [sel]);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      collect(info, sel.selectionSet, into, spread);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD && !spread.has(sel.name.value)) {
      spread.add(sel.name.value);
      collect(info, info.fragments[sel.name.value]?.selectionSet, into, spread);
    }
  }
}

/** Fields selected directly under the field being resolved, by name. */
export function selectedFields(info: GraphQLResolveInfo, nodes: readonly FieldNode[] = info.fieldNodes): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const spread = new Set<string>();
  for (const node of nodes) collect(info, node.selectionSet, out, spread);
  return out;
}
