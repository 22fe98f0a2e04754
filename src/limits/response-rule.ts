// maxAliases and maxCost (SPEC §13) as one validation rule: one walk of each operation's response fields.
import type { SelectionSetNode, ValidationRule } from 'graphql';
import { computeCost, keepCost, type KnownCost } from './cost.ts';
import { WalkGaveUp } from './cost-walk.ts';
import { fieldsSelected } from './fields-selected.ts';
import { hasFragmentCycle } from './fragment-cycles.ts';
import { tooComplex } from './too-complex.ts';

/**
 * Selections the validation walk collects, at most, for a document whose fields selected are already over
 * maxCost (refused whatever the walk finds): about 20-50 ms. Merging fields as graphql does, the walk
 * takes a step per selection for each distinct set of selection sets merged under a response key, and
 * fragments that spread each other in different combinations make those sets grow with the document's
 * depth: 56 fragments of 8 aliases, 4,000 tokens, took 600 ms of the event loop (2.2 million steps) before
 * refusing. A document within maxCost takes no more steps than its fields selected (each step is a path
 * of spreads to a field, which fieldsSelected counts), so only a document refused anyway is cut short.
 */
const WALK_STEPS = 50_000;

/**
 * maxAliases and maxCost of each operation, from one walk of its response fields (computeCost): the
 * aliases refused first, as graphql-armor's rule did before the cost's. The fields selected, counted
 * first (a step per selection of the document), bound the walk: over maxCost, the walk gets WALK_STEPS.
 */
export function responseRule(bound: number, aliasBound: number, maxPage: number): ValidationRule {
  return (context) => {
    const fragment = (n: string) => context.getFragment(n) ?? undefined;
    const counted = new Map<SelectionSetNode, number>(); // fieldsSelected's, for every operation of the document
    const cycle = hasFragmentCycle(context.getDocument());
    return {
      OperationDefinition(operation) {
        if (cycle) return false; // refused by graphql's own rule; nothing to count
        const fields = fieldsSelected(operation.selectionSet, fragment, counted);
        const fieldsOver = () => context.reportError(tooComplex('maxCost', 'number of fields selected, fragments followed', fields, bound, operation));
        let known: KnownCost;
        try {
          known = computeCost(context.getSchema(), operation, fragment, maxPage, undefined, fields > bound ? WALK_STEPS : Infinity);
        } catch (error) {
          if (!(error instanceof WalkGaveUp)) throw error;
          fieldsOver();
          return false;
        }
        keepCost(operation, known);
        if (known.aliases !== undefined && known.aliases > aliasBound) {
          context.reportError(tooComplex('maxAliases', 'number of aliases', known.aliases, aliasBound));
        }
        if (known.cost > bound) {
          context.reportError(tooComplex('maxCost', 'estimated number of field values', known.cost, bound, operation));
          return false;
        }
        if (fields > bound) fieldsOver();
        return false; // nothing below needs visiting
      },
    };
  };
}
