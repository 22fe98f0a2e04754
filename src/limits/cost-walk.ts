// The state of one cost walk (one document, one set of variables) and what its steps share: the tally of
// a selection, the ceiling of its figures, the budget that cuts it short, the variables it reads. The
// walk is src/limits/cost-tally.ts over src/limits/response-fields.ts; src/limits/cost.ts starts it.
import { valueFromAST, type FragmentDefinitionNode, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface CostWalk {
  fragment(name: string): FragmentDefinitionNode | undefined;
  schema: GraphQLSchema;
  maxPage: number;
  /** The request's variables; undefined while validating, when a variable `first` makes the cost dynamic. */
  variables?: Record<string, unknown>;
  dynamic: boolean;
  /** Fragments on the current path (a cycle is refused by graphql's own rule; here it just stops). */
  inFragments: Set<string>;
  /**
   * The cost of the children of each response field by the selection sets merged into it, the type
   * and page, within this walk (one document, one set of variables): a fragment spread many times, or
   * fragments that spread each other twice over, are walked once each, so the walk is bounded by the
   * document's size (n nested fragments each spreading the next twice cost 2^n, but take n steps).
   */
  costs: Map<string, Tally>;
  /** A number for each selection set met, for the keys of `costs`. */
  setIds: Map<SelectionSetNode, number>;
  /**
   * Whether the walk also counts aliases (validation): then selections @skip/@include leave out are
   * walked too, for their aliases only (they add no value). A request's walk (variables known) leaves
   * them out.
   */
  aliases: boolean;
  /** Selections collected so far, and how many the walk may collect before it gives up (WalkGaveUp). */
  steps: number;
  budget: number;
}

/** The walk ran past its budget: the document is refused for its fields selected, figures unknown. */
export class WalkGaveUp extends Error {}

/** What the walk finds under a selection: the values it may hold and the aliases it holds. */
export interface Tally {
  cost: number;
  aliases: number;
}

/**
 * Costs stop growing here: a figure this large is over every bound, and past it (a few dozen nested
 * fragments spread twice each) sums and products would lose their precision, then become Infinity.
 */
export const COST_CEILING = Number.MAX_SAFE_INTEGER;
export const capped = (n: number): number => Math.min(n, COST_CEILING);

/** The value a variable has in the walk's request: sent, else its default; undefined when neither. */
export function variableValue(name: string, walk: CostWalk, operation: OperationDefinitionNode, type: GraphQLInputType): unknown {
  if (Object.hasOwn(walk.variables!, name)) return walk.variables![name];
  const v = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
  return v?.defaultValue ? valueFromAST(v.defaultValue, type) : undefined;
}

/** A number for each selection set of the walk's document, to key the costs of merged selections by. */
export function setId(walk: CostWalk, set: SelectionSetNode): number {
  let id = walk.setIds.get(set);
  if (id === undefined) walk.setIds.set(set, (id = walk.setIds.size));
  return id;
}
