// Fragments that spread each other in a cycle, found before the walks that would follow them.
import { Kind, visit, type DocumentNode } from 'graphql';

/**
 * Whether the document's fragments spread each other in a cycle: graphql's NoFragmentCyclesRule refuses
 * it (GRAPHQL_VALIDATION_FAILED), and the walks below, which only stop at a fragment already on their
 * path, would take a step per path: 20 fragments spreading each other, 3,700 tokens, took 500 ms.
 */
export function hasFragmentCycle(document: DocumentNode): boolean {
  const spreads = new Map<string, string[]>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const names: string[] = [];
    visit(d.selectionSet, { FragmentSpread: (s) => void names.push(s.name.value) });
    spreads.set(d.name.value, names);
  }
  // A loop with a stack of its own, not recursion: a chain of 20,000 fragments ran it out of stack (a 500,
  // before src/limits/nesting.ts refused such documents first).
  const state = new Map<string, 'open' | 'done'>();
  for (const start of spreads.keys()) {
    if (state.has(start)) continue;
    state.set(start, 'open');
    const stack: { name: string; next: number }[] = [{ name: start, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = spreads.get(top.name)?.[top.next++];
      if (next === undefined) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const now = state.get(next);
      if (now === 'open') return true;
      if (now === undefined && spreads.has(next)) {
        state.set(next, 'open');
        stack.push({ name: next, next: 0 });
      }
    }
  }
  return false;
}
