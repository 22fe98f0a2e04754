// What a request's arguments ask of the store, with its variables: the filters of resource lists (their
// size, and/or depth, costly operators) and every value compared with an item masked for the requester
// (filters' eq and in, lookups by a masked key). Runs once per request before anything is read; a filter
// over its bounds is BAD_USER_INPUT (SPEC §8: a client's input is never STORE_UNAVAILABLE). The filters of
// a connected platform's lists under its namespace count here as well (their size, `in` values, compared
// characters, `contains`): each alias of them is forwarded as a request of its own.
import {
  BREAK,
  Kind,
  getArgumentValues,
  getVariableValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AccessContext } from '../access/context.ts';
import { isMasked } from '../access/decide.ts';
import { grantCanUnmask } from '../access/unmasking.ts';
import type { ResourceModel, SchemaModel } from '../generate/model.ts';
import { includedOrUnknown, shouldInclude } from '../generate/selection.ts';
import type { Limits } from '../model/platform.ts';
import { hasFewValues } from '../model/operators.ts';
import { COST_CEILING } from './cost-walk.ts';
import { generatedFilterArgument } from './generated-filters.ts';
import { badUserInput } from './refusals.ts';

/**
 * A list or lookup of this platform's model; or a list of a connected platform under its namespace
 * (`forwarded`), each alias of it forwarded as a request of its own and held there only to that platform's
 * limits: its `in` values, compared characters and `contains` count here too. Which of its items are masked
 * is the connected platform's to judge: no comparison of it is counted toward maskedProbes here.
 */
type Site = { model: ResourceModel; kind: 'list' | 'lookup' } | { model?: undefined; kind: 'forwarded' };

const FORWARDED: Site = Object.freeze({ kind: 'forwarded' });

/** A field outside the own model whose `filter` is a generated filter: a connected platform's list. */
const forwardedSite = (field: GraphQLField<unknown, unknown>): Site | undefined => (generatedFilterArgument(field.args) ? FORWARDED : undefined);

const sitesByModel = new WeakMap<SchemaModel, Map<string, Site>>();

/** `DepartmentType.field` → the resource a list or lookup field reads. */
function sitesOf(model: SchemaModel): Map<string, Site> {
  let sites = sitesByModel.get(model);
  if (!sites) {
    sites = new Map();
    for (const d of model.departments) {
      for (const r of d.resources) {
        sites.set(`${d.typeName}.${r.resource.graphql.list}`, { model: r, kind: 'list' });
        sites.set(`${d.typeName}.${r.resource.graphql.byKey}`, { model: r, kind: 'lookup' });
      }
    }
    sitesByModel.set(model, sites);
  }
  return sites;
}

export interface ArgumentFigures {
  /** `contains` conditions over all filters (each scans its resource: they count toward the cost). */
  contains: number;
  /**
   * Values of the `in` lists of all filters, each as often as its filter runs (they count toward the cost).
   * maxInValues bounds one list and maxRequestBytes what a body holds, but one variable may fill every `in`
   * of a filter and every alias: 49 `in: $l` of 10,000 values in 30 aliases were 14.7 million comparisons
   * from a body of 150 kB, 28 s of work that held every other request of the gateway for 16 s.
   */
  inValues: number;
  /**
   * Characters of the values all filters compare, each time its filter runs. A request may not compare more
   * text than its body could hold written out (maxRequestBytes): one string of 900 kB named by 49 `eq` (or
   * `startsWith`) in 30 aliases was 1.3 GB for the store to take, 15 to 26 s that held the gateway.
   */
  valueChars: number;
  /** Values compared with a masked item, by resource code. */
  maskedValues: ReadonlyMap<string, number>;
  /** Codes of the resources of maskedValues of which a compared item could be unmasked by a grant (src/access/unmasking.ts). */
  unmaskable: ReadonlySet<string>;
}

type FilterValue = Record<string, unknown>;

/** Counts stop growing at the ceiling of costs (src/limits/cost-walk.ts): far over every bound already. */
const capped = (n: number): number => Math.min(n, COST_CEILING);

function checkVariablesShape(variables: unknown, maxDepth: number): void {
  // Iterative: a variable nested 100,000 deep must not overflow the stack before it is refused.
  const stack: [unknown, number][] = [[variables, 0]];
  let nodes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) throw badUserInput(`The variables are nested deeper than ${maxDepth} levels.`);
    for (const child of Object.values(v)) {
      if (++nodes > 1_000_000) throw badUserInput('The variables hold more than 1,000,000 values.');
      stack.push([child, depth + 1]);
    }
  }
}

/** Nesting the variables may have: a filter's own depth (an and/or is two levels: list and object) and room for the rest. */
export const variablesDepth = (limits: Limits): number => 2 * limits.filter.maxDepth + 8;

function walkFilter(
  filter: FilterValue,
  path: string,
  level: number,
  limits: Limits,
  onCondition: (item: string, op: string, value: unknown, path: string) => void,
  counts: { conditions: number },
): void {
  if (level > limits.filter.maxDepth) {
    throw badUserInput(`${path}: and/or is nested ${level} deep; the limit is ${limits.filter.maxDepth} (limits.filter.maxDepth).`);
  }
  for (const [field, conditions] of Object.entries(filter)) {
    if (conditions == null) continue;
    if (field === 'and' || field === 'or') {
      (conditions as FilterValue[]).forEach((sub, i) => walkFilter(sub, `${path}.${field}[${i}]`, level + 1, limits, onCondition, counts));
      continue;
    }
    for (const [op, value] of Object.entries(conditions as FilterValue)) {
      if (value === undefined) continue;
      if (++counts.conditions > limits.filter.maxConditions) {
        throw badUserInput(
          `${path}: the filter has more than ${limits.filter.maxConditions} conditions (limits.filter.maxConditions); split the request or use in.`,
        );
      }
      // A long `in` costs the store a comparison per value and the gateway its parse (90,000 values, 700 kB,
      // held a request 0.3 s), within maxConditions and maxRequestBytes alike.
      if (op === 'in' && Array.isArray(value) && value.length > limits.filter.maxInValues) {
        throw badUserInput(
          `${path}.${field}.in: lists ${value.length} values; the limit is ${limits.filter.maxInValues} (limits.filter.maxInValues); split the request.`,
        );
      }
      onCondition(field, op, value, `${path}.${field}.${op}`);
    }
  }
}

/** A value compared with an item by `eq` (1 value) or `in` (`values`), where the filter says it. */
interface Comparison {
  item: string;
  op: 'eq' | 'in';
  values: number;
  path: string;
}

/** What a list's filter asks, whoever sends it: its `contains` conditions and its comparisons. */
interface FilterFigures {
  contains: number;
  /** Values of its `in` lists, whatever the item. */
  inValues: number;
  /** Characters of its values (a number, a boolean or null: one). */
  valueChars: number;
  comparisons: Comparison[];
}

/**
 * A filter's figures, or BAD_USER_INPUT when it is over its bounds (limits.filter). `onComparison` sees
 * each comparison as the walk finds it (and may refuse it, before the walk goes on).
 */
function filterFigures(site: Site, filter: FilterValue, at: string, limits: Limits, onComparison?: (c: Comparison) => void): FilterFigures {
  const out: FilterFigures = { contains: 0, inValues: 0, valueChars: 0, comparisons: [] };
  walkFilter(filter, `${at}.filter`, 0, limits, (item, op, value, path) => {
    if (op === 'contains') out.contains++;
    if (op === 'in' && Array.isArray(value)) out.inValues = capped(out.inValues + value.length);
    out.valueChars = capped(out.valueChars + charsOf(value));
    if (!site.model?.items.has(item)) return;
    let c: Comparison | undefined;
    if (op === 'eq') c = { item, op, values: 1, path };
    else if (op === 'in' && Array.isArray(value)) c = { item, op, values: value.length, path };
    if (!c) return;
    out.comparisons.push(c);
    onComparison?.(c);
  }, { conditions: 0 });
  return out;
}

/** The characters of a condition's value (string lengths: no copy, no scan), a list's summed. */
function charsOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (!Array.isArray(value)) return 1;
  let n = 0;
  for (const v of value) n += typeof v === 'string' ? v.length : 1;
  return n;
}

const NO_FIGURES: ArgumentFigures = Object.freeze({ contains: 0, inValues: 0, valueChars: 0, maskedValues: new Map(), unmaskable: new Set<string>() });

/**
 * The figures of an operation's arguments under its variables. Throws BAD_USER_INPUT for a filter over
 * its bounds or an `in` over `maskedProbes.maxIn` on a masked item. Variables that do not coerce are left
 * for the executor to report.
 *
 * What does not depend on the request is found once per schema and operation (argumentSites): the list
 * and lookup fields, and the figures of a filter written in the document. A request evaluates only what
 * its variables change and which items are masked for it (its access decisions, which its execution
 * takes anyway).
 */
export function argumentFigures(q: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
  model: SchemaModel;
  access: AccessContext;
  limits: Limits;
}): ArgumentFigures {
  if (q.variables) checkVariablesShape(q.variables, variablesDepth(q.limits));
  const { found, withVariables } = argumentSites(q.schema, q.model, q.document, q.operation, q.limits);
  if (found.length === 0) return NO_FIGURES;
  let variables: Record<string, unknown> = {};
  if (withVariables) {
    const coerced = getVariableValues(q.schema, q.operation.variableDefinitions ?? [], q.variables ?? {}, { maxErrors: 1 });
    if (coerced.errors) return NO_FIGURES; // the executor refuses these variables, before anything is read
    variables = coerced.coerced;
  }
  let contains = 0;
  let inValues = 0;
  let valueChars = 0;
  let maskedValues: Map<string, number> | undefined;
  const unmaskable = new Set<string>();
  const probe = (model: ResourceModel, item: string, n: number) => {
    maskedValues ??= new Map();
    maskedValues.set(model.resource.code, capped((maskedValues.get(model.resource.code) ?? 0) + n));
    if (grantCanUnmask(model.resource, item)) unmaskable.add(model.resource.code);
  };
  const masked = (model: ResourceModel, item: string): boolean => isMasked(q.access.peekItem(model, item));
  const compare = (model: ResourceModel, c: Comparison, times: number): void => {
    if (!masked(model, c.item)) return;
    // A masked boolean or enum is not compared at all: the list's rule refuses it before anything is
    // read (src/rules/data-rules.ts), so it takes nothing from the quota.
    if (hasFewValues(model.items.get(c.item))) return;
    if (c.op === 'in' && c.values > q.limits.maskedProbes.maxIn) {
      throw badUserInput(
        `${c.path}: ${c.item} of ${model.resource.code} is masked for you, and in on a masked item takes at most ${q.limits.maskedProbes.maxIn} values (limits.maskedProbes.maxIn); this one has ${c.values}.`,
        { resource: model.resource.code, item: c.item },
      );
    }
    probe(model, c.item, c.values * times);
  };
  for (const { site, field, node, at, filter, times, when } of found) {
    // Left out by @skip/@include under this request's variables: not executed, so nothing compared.
    if (!when.every((sel) => includedOrUnknown(sel, variables))) continue;
    if (site.kind === 'lookup') {
      const key = site.model.resource.key;
      // A masked key of few values is refused by the lookup's rule (src/rules/data-rules.ts): no probe.
      if (site.model.items.has(key) && masked(site.model, key) && !hasFewValues(site.model.items.get(key))) probe(site.model, key, times);
      continue;
    }
    const model = site.model;
    if (filter && filter !== OVER_BOUNDS) {
      contains = capped(contains + filter.contains * times);
      inValues = capped(inValues + filter.inValues * times);
      valueChars = capped(valueChars + filter.valueChars * times);
      if (model) for (const c of filter.comparisons) compare(model, c, times);
      continue;
    }
    // The variables decide the filter, or it is over its bounds: walked for this request, each comparison
    // judged as it is found (as the refusals came before the walk was cached).
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, variables);
    } catch {
      // Refused here, before anything runs: graphql-jit, which runs most queries (src/server/executor.ts),
      // does not refuse what graphql-js's coercion refuses here (a variable sent as null for a `String!` item
      // of an `in`: `in: [$n, "620102…"]` with `n: null`), so the filter ran and the values compared with a
      // masked item beside it were neither counted against the quota nor held to maxIn.
      // Worded here: graphql's message names the argument's type out of the whole schema (plugins/view-validation.ts).
      throw badUserInput(`${at}: an argument does not hold a value its type takes (a variable sent as null where a value is required?); nothing was read.`);
    }
    if (args.filter) {
      const figures = filterFigures(site, args.filter as FilterValue, at, q.limits, model && ((c) => compare(model, c, times)));
      contains = capped(contains + figures.contains * times);
      inValues = capped(inValues + figures.inValues * times);
      valueChars = capped(valueChars + figures.valueChars * times);
    }
  }
  return contains === 0 && inValues === 0 && valueChars === 0 && !maskedValues ? NO_FIGURES : { contains, inValues, valueChars, maskedValues: maskedValues ?? new Map(), unmaskable };
}

/**
 * A list or lookup field with arguments, where an operation selects it, and how many times the operation
 * selects it there (fragments followed: a fragment spread twice counts its fields twice).
 */
interface ArgumentSite {
  site: Site;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
  /** The response key, for messages. */
  at: string;
  /**
   * A list's filter written without variables: its figures, the same for every request (OVER_BOUNDS when
   * it is over limits.filter); undefined when the variables decide them.
   */
  filter?: FilterFigures;
  times: number;
  /**
   * The selections on its path whose @skip/@include name a variable: the site is executed only when each
   * is included under the request's variables. Those whose condition is written out are decided once (a
   * site skipped so is not found at all).
   */
  when: readonly SelectionNode[];
}


/** A selection's @skip/@include: always left out, always included, or as the variables say. */
function conditionOf(sel: SelectionNode): 'skipped' | 'included' | 'variable' {
  const conditional = sel.directives?.filter((d) => d.name.value === 'skip' || d.name.value === 'include') ?? [];
  if (conditional.length === 0) return 'included';
  if (conditional.some(hasVariable)) return 'variable';
  try {
    return shouldInclude(sel, {}) ? 'included' : 'skipped';
  } catch {
    return 'included'; // a directive graphql's validation refuses: the request is not executed anyway
  }
}

/**
 * Conditions on the paths to one site kept apart at most this many ways; past it (a document built to
 * multiply them) they are merged into one unconditional count: a quota errs on the side of counting.
 */
const MAX_CONDITION_SETS = 32;

/** A filter over limits.filter: each request is refused with a fresh error, from the walk itself. */
const OVER_BOUNDS: FilterFigures = Object.freeze({ contains: 0, inValues: 0, valueChars: 0, comparisons: [] });

interface OperationSites {
  model: SchemaModel;
  limits: Limits;
  found: ArgumentSite[];
  /** The operation declares variables: a request's are coerced (when they do not, nothing is counted). */
  withVariables: boolean;
}

/**
 * The operation's list and lookup fields with arguments, found once per schema and operation (and the
 * figures of the filters written in full in the document): the walk of the document depends on nothing
 * else, so a request pays only for its variables and access.
 */
const sitesByOperation = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, OperationSites>>();

const hasVariable = (node: ASTNode): boolean => {
  let found = false;
  visit(node, { Variable: () => { found = true; return BREAK; } });
  return found;
};

function argumentSites(schema: GraphQLSchema, model: SchemaModel, document: DocumentNode, operation: OperationDefinitionNode, limits: Limits): OperationSites {
  let bySchema = sitesByOperation.get(schema);
  if (!bySchema) sitesByOperation.set(schema, (bySchema = new WeakMap()));
  const known = bySchema.get(operation);
  if (known?.model === model && known.limits === limits) return known;
  const sites = sitesOf(model);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // The sites within one instance of each fragment (by name and the type it selects on) with their
  // counts, found once: a fragment spread many times, or fragments spreading each other twice over, are
  // walked once each, and a spread adds its fragment's counts (so the walk is bounded by the document).
  // Each site's counts are kept per set of variable conditions on the paths to it (Counts, by the
  // conditions' numbers), so that a request adds those its variables include.
  type Counts = Map<string, { when: SelectionNode[]; times: number }>;
  const inFragment = new Map<string, Map<ArgumentSite, Counts>>();
  const inFragments = new Set<string>(); // on the current path: a cycle (refused by graphql's own rule) stops here
  const numbers = new Map<SelectionNode, number>();
  const numberOf = (sel: SelectionNode) => numbers.get(sel) ?? (numbers.set(sel, numbers.size), numbers.size - 1);
  const add = (into: Map<ArgumentSite, Counts>, site: ArgumentSite, when: SelectionNode[], times: number) => {
    let counts = into.get(site);
    if (!counts) into.set(site, (counts = new Map()));
    const unique = [...new Set(when)];
    const key = unique.map(numberOf).sort((a, b) => a - b).join(',');
    const known = counts.get(key);
    if (known) known.times = capped(known.times + times);
    else counts.set(key, { when: unique, times });
    if (counts.size > MAX_CONDITION_SETS) {
      const all = [...counts.values()].reduce((n, c) => capped(n + c.times), 0);
      counts.clear();
      counts.set('', { when: [], times: all });
    }
  };
  const walk = (set: SelectionSetNode, type: GraphQLNamedType, into: Map<ArgumentSite, Counts>, when: SelectionNode[]): void => {
    for (const sel of set.selections) {
      const condition = conditionOf(sel);
      if (condition === 'skipped') continue; // never executed: nothing below it compares anything
      const below = condition === 'variable' ? [...when, sel] : when;
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (!f || inFragments.has(f.name.value)) continue;
        const on = schema.getType(f.typeCondition.name.value) ?? type;
        const key = `${f.name.value} ${on.name}`;
        let own = inFragment.get(key);
        if (!own) {
          own = new Map();
          inFragments.add(f.name.value);
          walk(f.selectionSet, on, own, []);
          inFragments.delete(f.name.value);
          inFragment.set(key, own);
        }
        for (const [site, counts] of own) for (const c of counts.values()) add(into, site, [...below, ...c.when], c.times);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) ?? type : type, into, below);
        continue;
      }
      const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined;
      const field = fields?.[sel.name.value];
      if (!field) continue;
      const site = sites.get(`${type.name}.${field.name}`) ?? forwardedSite(field);
      if (site && sel.arguments?.length) {
        const found1: ArgumentSite = { site, field, node: sel, at: sel.alias?.value ?? field.name, times: 0, when: [] };
        if (site.kind !== 'lookup') {
          if (!sel.arguments.some(hasVariable)) found1.filter = fixedFilter(found1, limits);
        }
        add(into, found1, below, 1);
      }
      if (sel.selectionSet) walk(sel.selectionSet, getNamedType(field.type), into, below);
    }
  };
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : null;
  const all = new Map<ArgumentSite, Counts>();
  if (root) walk(operation.selectionSet, root, all, []);
  const found = [...all].flatMap(([site, counts]) => [...counts.values()].map(({ when, times }) => ({ ...site, times, when })));
  const sitesOfOperation = { model, limits, found, withVariables: (operation.variableDefinitions?.length ?? 0) > 0 };
  bySchema.set(operation, sitesOfOperation);
  return sitesOfOperation;
}

/** The figures of a list's filter written without variables (none when it has none). */
function fixedFilter({ site, field, node, at }: ArgumentSite, limits: Limits): FilterFigures {
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(field, node, {});
  } catch {
    return { contains: 0, inValues: 0, valueChars: 0, comparisons: [] }; // the executor reports arguments that do not coerce
  }
  if (!args.filter) return { contains: 0, inValues: 0, valueChars: 0, comparisons: [] };
  try {
    return filterFigures(site, args.filter as FilterValue, at, limits);
  } catch {
    return OVER_BOUNDS;
  }
}
