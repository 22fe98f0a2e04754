// maxCost (SPEC §13): the cost of an operation, computed while validating and kept with the document, per
// request when its variables change it (a variable `first`, a @skip/@include on a variable), and of one
// element of a list once it is read (src/limits/unpaged.ts).
import { Kind, getNamedType, visit, type DocumentNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { fieldNodesThatRun } from '../generate/selection.ts';
import type { CostWalk } from './cost-walk.ts';
import { selectionCost, selectionTally } from './cost-tally.ts';

/**
 * The values one element of a list field holds, as the cost walk counts them: its selection (fragments
 * followed, the request's variables giving the pages below it) under the list's element type. For a list
 * whose length the cost could only estimate (UNPAGED_LIST_ESTIMATE), once it is read (src/limits/unpaged.ts).
 * At least 1, whatever its selection.
 */
export function elementCost(
  info: Pick<GraphQLResolveInfo, 'schema' | 'fragments' | 'operation' | 'fieldNodes' | 'returnType' | 'variableValues'>,
  maxPage: number,
): number {
  const type = getNamedType(info.returnType);
  const walk: CostWalk = {
    fragment: (name) => info.fragments[name], schema: info.schema, maxPage, variables: info.variableValues, dynamic: false, inFragments: new Set(), costs: new Map(), setIds: new Map(), aliases: false,
    steps: 0, budget: Infinity,
  };
  // Only the nodes that run: graphql-jit hands the resolver a skipped duplicate of the list too, and
  // `resources { code } resources @include(if: $no) { … }` counted what `$no: false` leaves out. The
  // nodes that run are merged into one element, as graphql merges them.
  const sets = fieldNodesThatRun(info).flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  // At least 1: the element is a value of the response (`{}` when nothing under it runs), as the walk
  // counts it (src/limits/cost-tally.ts); 0 let a list whose fields @skip leaves out be read whole for 1.
  return Math.max(1, selectionCost(sets, type, walk, info.operation, undefined));
}

/**
 * The cost of each operation of a validated document, kept with the document; `dynamic` when a
 * variable `first` makes its cost depend on the request (then `cost` is the least it can be, and `byPages`
 * keeps the costs of the last few values of those variables).
 */
export interface KnownCost {
  cost: number;
  dynamic: boolean;
  /** The aliases the response holds (conditions not read), counted when validating: see selectionTally. */
  aliases?: number;
  /** The variables given to a `first` anywhere in the document, by name. */
  pageVariables?: string[];
  byPages?: Map<string, number>;
}
const costs = new WeakMap<OperationDefinitionNode, KnownCost>();

/** Keeps the cost validation computed for `operation` (src/limits/response-rule.ts), for costOf to find. */
export function keepCost(operation: OperationDefinitionNode, known: KnownCost): void {
  costs.set(operation, known);
}

/** Costs kept per operation for distinct values of its `first` variables (most recent last). */
const PAGES_KEPT = 16;

export function computeCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragment: CostWalk['fragment'],
  maxPage: number,
  variables?: Record<string, unknown>,
  budget = Infinity,
): KnownCost {
  const root = operation.operation === 'query' ? schema.getQueryType()
    : operation.operation === 'mutation' ? schema.getMutationType()
      : schema.getSubscriptionType();
  if (!root) return { cost: 0, dynamic: false, aliases: 0 };
  // Aliases are counted once per document, while validating (no variables): one walk gives both figures.
  const aliases = variables === undefined;
  const walk: CostWalk = { fragment, schema, maxPage, variables, dynamic: false, inFragments: new Set(), costs: new Map(), setIds: new Map(), aliases, steps: 0, budget };
  const tally = selectionTally([{ set: operation.selectionSet, runs: true }], root, walk, operation, undefined);
  return { cost: tally.cost, dynamic: walk.dynamic, aliases: aliases ? tally.aliases : undefined };
}

/**
 * The names of the variables given to a `first`, or to the `if` of a @skip or @include, anywhere in the
 * document: all a dynamic cost depends on.
 */
function pageVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Field(field) {
      const first = field.arguments?.find((a) => a.name.value === 'first');
      if (first?.value.kind === Kind.VARIABLE) names.add(first.value.name.value);
    },
    Directive(directive) {
      if (directive.name.value !== 'skip' && directive.name.value !== 'include') return;
      const condition = directive.arguments?.find((a) => a.name.value === 'if');
      if (condition?.value.kind === Kind.VARIABLE) names.add(condition.value.name.value);
    },
  });
  return [...names].sort();
}

/**
 * The estimated cost of an operation under a request's variables: the one its validation computed (kept
 * with the document) unless a variable `first` makes it depend on the variables; then computed once per
 * value of those variables (the last few kept).
 */
export function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  maxPage: number,
  variables: Record<string, unknown> = {},
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const fragment = (n: string) => {
    if (fragments.size === 0) for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    return fragments.get(n);
  };
  let known = costs.get(operation);
  if (!known) costs.set(operation, (known = computeCost(schema, operation, fragment, maxPage)));
  if (!known.dynamic) return known.cost;
  known.pageVariables ??= pageVariablesOf(document);
  known.byPages ??= new Map();
  // What pageOf and runsUnder read of each: a number or a boolean, none sent (the variable's default
  // applies), null (the field's default page) or anything else (the page maximum, a field counted).
  const key = JSON.stringify(known.pageVariables.map((n) => {
    const v = variables[n];
    return typeof v === 'number' || typeof v === 'boolean' ? v : !Object.hasOwn(variables, n) || v === undefined ? 'none' : v === null ? null : '?';
  }));
  let cost = known.byPages.get(key);
  if (cost === undefined) {
    cost = computeCost(schema, operation, fragment, maxPage, variables).cost;
    if (known.byPages.size >= PAGES_KEPT) known.byPages.delete(known.byPages.keys().next().value!);
  } else {
    known.byPages.delete(key); // most recent last
  }
  known.byPages.set(key, cost);
  return cost;
}
