// What a request's arguments ask of the store, with its variables: the filters of resource lists (their
// size, and/or depth, costly operators) and every value compared with an item masked for the requester
// (filters' eq and in, lookups by a masked key). Runs once per request before anything is read; a filter
// over its bounds is BAD_USER_INPUT (SPEC §8: a client's input is never STORE_UNAVAILABLE).
import {
  Kind,
  getArgumentValues,
  getVariableValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AccessContext } from '../access/context.ts';
import type { ResourceModel, SchemaModel } from '../generate/model.ts';
import type { Limits } from '../model/platform.ts';
import { badUserInput } from './refusals.ts';

type Site = { model: ResourceModel; kind: 'list' | 'lookup' };

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
  /** Values compared with a masked item, by resource code. */
  maskedValues: Map<string, number>;
}

type FilterValue = Record<string, unknown>;

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
      onCondition(field, op, value, `${path}.${field}.${op}`);
    }
  }
}

/**
 * The figures of an operation's arguments under its variables. Throws BAD_USER_INPUT for a filter over
 * its bounds or an `in` over `maskedProbes.maxIn` on a masked item. Variables that do not coerce are left
 * for the executor to report.
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
  checkVariablesShape(q.variables ?? {}, variablesDepth(q.limits));
  const figures: ArgumentFigures = { contains: 0, maskedValues: new Map() };
  const found = argumentSites(q.schema, q.model, q.document, q.operation);
  if (found.length === 0) return figures;
  const coerced = getVariableValues(q.schema, q.operation.variableDefinitions ?? [], q.variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return figures; // the executor refuses these variables, before anything is read
  const variables = coerced.coerced;
  const probe = (model: ResourceModel, n: number) =>
    figures.maskedValues.set(model.resource.code, (figures.maskedValues.get(model.resource.code) ?? 0) + n);
  const masked = (model: ResourceModel, item: string): boolean => {
    if (!model.items.has(item)) return false;
    const d = q.access.peekItem(model, item);
    return d.allowed && d.mask !== null;
  };
  for (const { site, field, node, at } of found) {
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, variables);
    } catch {
      args = {}; // the executor reports arguments that do not coerce
    }
    if (site.kind === 'list' && args.filter) {
      walkFilter(args.filter as FilterValue, `${at}.filter`, 0, q.limits, (item, op, value, path) => {
        if (op === 'contains') figures.contains++;
        if (!masked(site.model, item)) return;
        if (op === 'eq') probe(site.model, 1);
        if (op === 'in' && Array.isArray(value)) {
          if (value.length > q.limits.maskedProbes.maxIn) {
            throw badUserInput(
              `${path}: ${item} of ${site.model.resource.code} is masked for you, and in on a masked item takes at most ${q.limits.maskedProbes.maxIn} values (limits.maskedProbes.maxIn); this one has ${value.length}.`,
              { resource: site.model.resource.code, item },
            );
          }
          probe(site.model, value.length);
        }
      }, { conditions: 0 });
    }
    if (site.kind === 'lookup' && masked(site.model, site.model.resource.key)) probe(site.model, 1);
  }
  return figures;
}

/** A list or lookup field with arguments, where an operation selects it (once per selection, fragments followed). */
interface ArgumentSite {
  site: Site;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
  /** The response key, for messages. */
  at: string;
}

/**
 * The operation's list and lookup fields with arguments, found once per schema and operation: the walk of
 * the document depends on nothing else, so a request pays only for its arguments' values.
 */
const sitesByOperation = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, { model: SchemaModel; found: ArgumentSite[] }>>();

function argumentSites(schema: GraphQLSchema, model: SchemaModel, document: DocumentNode, operation: OperationDefinitionNode): ArgumentSite[] {
  let bySchema = sitesByOperation.get(schema);
  if (!bySchema) sitesByOperation.set(schema, (bySchema = new WeakMap()));
  const known = bySchema.get(operation);
  if (known?.model === model) return known.found;
  const found: ArgumentSite[] = [];
  const sites = sitesOf(model);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const visit = (set: SelectionSetNode, type: GraphQLNamedType, inFragments: Set<string>): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (!f || inFragments.has(f.name.value)) continue;
        visit(f.selectionSet, schema.getType(f.typeCondition.name.value) ?? type, new Set([...inFragments, f.name.value]));
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        visit(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) ?? type : type, inFragments);
        continue;
      }
      const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined;
      const field = fields?.[sel.name.value];
      if (!field) continue;
      const site = sites.get(`${type.name}.${field.name}`);
      if (site && sel.arguments?.length) found.push({ site, field, node: sel, at: sel.alias?.value ?? field.name });
      if (sel.selectionSet) visit(sel.selectionSet, getNamedType(field.type), inFragments);
    }
  };
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : null;
  if (root) visit(operation.selectionSet, root, new Set());
  bySchema.set(operation, { model, found });
  return found;
}
