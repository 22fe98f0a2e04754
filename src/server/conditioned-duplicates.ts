// Whether a document asks one response key more than once under different @skip/@include (src/server/executor.ts
// sends such an operation to graphql-js). Both executors collect a selection set's fields by response key,
// fragments and inline fragments spread in place, but graphql-js collects only the occurrences its
// conditions keep, where graphql-jit 0.8 collects every occurrence when it compiles and decides the
// conditions when it runs. With a key asked twice, once under a condition that leaves it out:
// - the key kept the place of its first occurrence: `{ a @skip(if: true) b a }` answered `a, b` where
//   graphql-js answers `b, a`;
// - the field's resolver was handed the left-out field node too: in `enterprises @skip(if: true) { nodes {
//   taxNote } } enterprises { nodes { name } }` the read plan, made from the nodes it is handed, recorded a
//   denial of taxNote in the audit log (outcome partial) for a request that asked nothing denied, and in
//   `residents @skip(if: true) { nodes { fullName } } residents { totalCount }` the names of six residents as
//   read (masked) for a request that read a count; a denial's error named the left-out field's location.
// Occurrences under the same conditions (`nodes @include(if: $x) { a a }`) stay in or out together: no
// such case. Looked for in the document alone, once per document and operation (the compiled query's cache).
import { BREAK, Kind, visit, type DocumentNode, type FragmentDefinitionNode, type SelectionNode, type SelectionSetNode } from 'graphql';

const CONDITIONS = new Set(['skip', 'include']);

/** Past this many selections walked (fragments spread within fragments), the answer is "it does". */
const MAX_WALKED = 20_000;

const conditioned = (node: SelectionNode) => node.directives?.some((d) => CONDITIONS.has(d.name.value)) ?? false;

/** A set of selections merged under one response key, with the conditions standing above it ('' for none). */
interface Merged {
  set: SelectionSetNode;
  conditions: string;
}

export function conditionSplitsKey(document: DocumentNode): boolean {
  let anyCondition = false;
  visit(document, {
    Directive(node) {
      if (!CONDITIONS.has(node.name.value)) return undefined;
      anyCondition = true;
      return BREAK;
    },
  });
  if (!anyCondition) return false;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  /** Each conditioned selection's name in a conditions' signature (a fragment's are the same wherever it is spread). */
  const ids = new Map<SelectionNode, number>();
  const named = (node: SelectionNode) => {
    if (!ids.has(node)) ids.set(node, ids.size);
    return `${ids.get(node)};`;
  };
  let walked = 0;

  /** Whether the merged sets ask a key under different conditions, here or below (or the walk grew too long). */
  const splits = (sets: readonly Merged[]): boolean => {
    const byKey = new Map<string, Merged[]>();
    const signatures = new Map<string, Set<string>>();
    const spread = new Set<string>();
    const collect = (set: SelectionSetNode, conditions: string): boolean => {
      for (const s of set.selections) {
        if (++walked > MAX_WALKED) return false;
        const under = conditioned(s) ? conditions + named(s) : conditions;
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          if (!signatures.has(key)) signatures.set(key, new Set());
          signatures.get(key)!.add(under);
          if (!byKey.has(key)) byKey.set(key, []);
          if (s.selectionSet) byKey.get(key)!.push({ set: s.selectionSet, conditions: under });
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          if (!collect(s.selectionSet, under)) return false;
        } else if (!spread.has(s.name.value) && fragments.has(s.name.value)) {
          spread.add(s.name.value);
          if (!collect(fragments.get(s.name.value)!.selectionSet, under)) return false;
        }
      }
      return true;
    };
    for (const { set, conditions } of sets) if (!collect(set, conditions)) return true;
    for (const [key, below] of byKey) {
      if (signatures.get(key)!.size > 1) return true;
      if (below.length && splits(below)) return true;
    }
    return false;
  };

  return document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && splits([{ set: d.selectionSet, conditions: '' }]));
}
