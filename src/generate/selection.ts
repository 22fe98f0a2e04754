// Which fields a query selects below a field, fragments included, so that resolvers read from the store
// only what is asked for. @skip/@include are followed as graphql's own collectFields follows them: a
// field they leave out is not in the response, so it is neither read nor, when denied, recorded as a
// denial (resolvers/data/plan.ts records a denied item when the read is planned).
import {
  getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, Kind,
  type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode,
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

/** As shouldInclude, and true when the condition cannot be read (the executor reports it; nothing is left uncounted). */
export function includedOrUnknown(node: SelectionNode, variables: Record<string, unknown>): boolean {
  try {
    return shouldInclude(node, variables);
  } catch {
    return true;
  }
}

type Operation = Pick<GraphQLResolveInfo, 'operation' | 'fragments' | 'variableValues' | 'fieldNodes'>;

/** Per operation and request (its variables object): the field nodes graphql-js's collection reaches. */
const reachedBy = new WeakMap<OperationDefinitionNode, WeakMap<object, WeakSet<FieldNode>>>();

/**
 * The field nodes of the operation that run under the request's variables: reached from the root through
 * selections @skip/@include leave in, fragments followed (each once: a fragment's fields carry their own
 * conditions, whichever spread reached it). Type conditions are not read: a node one of them leaves out
 * is counted in, never the other way.
 */
function reachedNodes(info: Operation): WeakSet<FieldNode> {
  let byVariables = reachedBy.get(info.operation);
  if (!byVariables) reachedBy.set(info.operation, (byVariables = new WeakMap()));
  let reached = byVariables.get(info.variableValues);
  if (reached) return reached;
  const found = (reached = new WeakSet());
  const spread = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const sel of set?.selections ?? []) {
      if (!includedOrUnknown(sel, info.variableValues)) continue;
      if (sel.kind === Kind.FIELD) {
        found.add(sel);
        walk(sel.selectionSet);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet);
      } else if (!spread.has(sel.name.value)) {
        spread.add(sel.name.value);
        walk(info.fragments[sel.name.value]?.selectionSet);
      }
    }
  };
  walk(info.operation.selectionSet);
  byVariables.set(info.variableValues, reached);
  return reached;
}

/**
 * The field nodes of the field being resolved that run: graphql-js hands a resolver those only, but
 * graphql-jit (src/server/executor.ts) hands it every node of the response key, the ones @skip/@include
 * leave out (on the node, or on a field or inline fragment above it) too, and decides the conditions in
 * its own code. What counts or reads a field's selection by its nodes takes these. One node is one that
 * runs (else the field would not be resolved); none found (what cannot be) gives them all back.
 */
export function fieldNodesThatRun(info: Operation): readonly FieldNode[] {
  if (info.fieldNodes.length === 1) return info.fieldNodes;
  const reached = reachedNodes(info);
  const runs = info.fieldNodes.filter((n) => reached.has(n));
  return runs.length > 0 ? runs : info.fieldNodes;
}

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

/** Fields selected directly under the field being resolved (its nodes that run), by name. */
export function selectedFields(info: GraphQLResolveInfo, nodes: readonly FieldNode[] = fieldNodesThatRun(info)): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const spread = new Set<string>();
  for (const node of nodes) collect(info, node.selectionSet, out, spread);
  return out;
}
