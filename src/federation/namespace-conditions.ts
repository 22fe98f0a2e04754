// The @skip/@include conditions of a namespace's own selections, decided here before the delegation
// (SPEC §12). graphql-tools' WrapType hoists the fields under `Query.<namespace>` to the connected
// platform's root, collecting them through the inline fragments and fragment spreads written at the
// namespace's level without their directives: `{ county { ... on County_Query @include(if: $no) { … } } }`
// with `no: false` was sent as if the fragment were included. The connected platform read and audited
// records the department never asked (its answer was dropped here, as this gateway's executor skips the
// fragment), and what it ran was not bounded by this platform's maxCost, which leaves skipped selections
// out (src/limits/conditions.ts). So the conditions of that level, the fragments' and the fields', are
// decided here, with the request's variables, as graphql-js decides them (getDirectiveValues on the
// coerced values), and what they leave out is not sent (a field that runs keeps its directives, decided
// alike there; conditions below the namespace's level travel with their fields and are decided there).
// When everything at the namespace's level is left out, nothing is sent at all.
import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionNode, type SelectionSetNode } from 'graphql';
import { shouldInclude } from '../generate/selection.ts';

type Fragments = Record<string, FragmentDefinitionNode>;


/** Whether a selection of the namespace's level (a fragment's at that level included) carries a condition. */
function conditional(set: SelectionSetNode | undefined, fragments: Fragments, seen = new Set<string>()): boolean {
  for (const s of set?.selections ?? []) {
    if (s.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include')) return true;
    if (s.kind === Kind.FIELD) continue;
    if (s.kind === Kind.INLINE_FRAGMENT) {
      if (conditional(s.selectionSet, fragments, seen)) return true;
    } else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      if (conditional(fragments[s.name.value]?.selectionSet, fragments, seen)) return true;
    }
  }
  return false;
}

/**
 * The fields of the namespace's level that run, each with its own directives, in order: fragments
 * unfolded, and what is left out dropped. `key` records each decision, so that equal decisions share nodes.
 */
function runningFields(set: SelectionSetNode | undefined, fragments: Fragments, variables: Record<string, unknown>, key: string[], seen = new Set<string>()): SelectionNode[] {
  const out: SelectionNode[] = [];
  for (const s of set?.selections ?? []) {
    const runs = shouldInclude(s, variables);
    if (s.directives?.length) key.push(runs ? '1' : '0');
    if (!runs) continue;
    if (s.kind === Kind.FIELD) {
      out.push(s);
      continue;
    }
    if (s.kind === Kind.INLINE_FRAGMENT) out.push(...runningFields(s.selectionSet, fragments, variables, key, seen));
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      out.push(...runningFields(fragments[s.name.value]?.selectionSet, fragments, variables, key, seen));
    }
  }
  return out;
}

/** Decided selections, per first namespace field node and decisions, so that the delegation's plans stay per operation. */
const decided = new WeakMap<FieldNode, Map<string, readonly FieldNode[]>>();
const DECISIONS_KEPT = 16;
const ids = new WeakMap<FieldNode, number>();
let lastId = 0;
/** A number naming a field node for as long as its document lives. */
function nodeId(node: FieldNode): number {
  let id = ids.get(node);
  if (id === undefined) ids.set(node, (id = ++lastId));
  return id;
}

/**
 * The namespace's field nodes as delegated: `fieldNodes` themselves when nothing at the namespace's
 * level carries @skip/@include (nearly every request: one walk of the level, nothing made), else copies
 * holding only what runs under the request's `variables` (fragments unfolded: a fragment's type at that
 * level is the namespace's own, so its fields are the namespace's fields); null when nothing runs.
 */
export function namespaceSelection(fieldNodes: readonly FieldNode[], fragments: Fragments, variables: Record<string, unknown>): readonly FieldNode[] | null {
  if (!fieldNodes.some((f) => conditional(f.selectionSet, fragments))) return fieldNodes;
  // The decisions alone do not name a selection: the same ones come of other field nodes under the same
  // first one (`{ ns { a @include(if: $y) } ... @include(if: $x) { ns { b } } }`, graphql-js handing one
  // node or two), so each node's identity leads its decisions.
  const key: string[] = [];
  const sets = fieldNodes.map((f) => {
    key.push(`|${nodeId(f)}:`);
    return runningFields(f.selectionSet, fragments, variables, key);
  });
  const id = key.join('');
  let byKey = decided.get(fieldNodes[0]);
  if (!byKey) decided.set(fieldNodes[0], (byKey = new Map()));
  let nodes = byKey.get(id);
  if (!nodes) {
    nodes = fieldNodes.flatMap((f, i): FieldNode[] => (sets[i].length === 0 ? [] : [{ ...f, selectionSet: { kind: Kind.SELECTION_SET, selections: sets[i] } }]));
    // Kept for the first few decisions only: n conditions make up to 2^n of them, each with a plan of its
    // own; past these the nodes (and their plan) are made per request and collected with it.
    if (byKey.size < DECISIONS_KEPT) byKey.set(id, nodes);
  }
  return nodes.length === 0 ? null : nodes;
}
