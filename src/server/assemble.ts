// Assembles the executable gateway schema: generated data SDL + the platform's static SDL, their
// resolvers, and the shield rules over both. The only place the pieces meet, at the server end: it
// imports the generator, the resolvers and the rules; none of them imports it.
import {
  GraphQLBoolean, GraphQLError, GraphQLObjectType, GraphQLSchema, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLResolveInfo,
} from 'graphql';
import { deny, shield } from '../rules/shield.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { dataResolvers } from '../../resolvers/data/index.ts';
import { platformResolvers } from '../../resolvers/platform/index.ts';
import { dataRules } from '../rules/data-rules.ts';
import { platformRules } from '../rules/platform-rules.ts';
import { buildSchemaModel, type SchemaModel } from '../generate/model.ts';
import { connectionTypeName } from '../model/names.ts';
import { typeDefParts } from '../generate/sdl.ts';
import { scalarResolvers } from '../generate/scalars.ts';
import { buildExecutableSchema, type SchemaParts } from './build-schema.ts';
import { runSteps, runStepsYielding, type Steps } from './steps.ts';

export interface GatewaySchema {
  /** The one schema of this publication, whatever the requester (issue 10: no per-profile variants). */
  schema: GraphQLSchema;
  model: SchemaModel;
  /** The catalogues it was built from: the catalogues in effect while it is the schema in effect. */
  catalogues: readonly Catalogue[];
  /** The SDL of the schema, printed: what `govgraph schema print` shows. */
  sdl: string;
}

export interface BuildOptions {
  /** Apply the access rules (default true). Off only for the benchmark that measures their cost. */
  rules?: boolean;
}

/** graphql-shield over a rule map, with the choices SPEC §6 asks for made on purpose. */
export function permissions(rules: Record<string, Record<string, unknown>>) {
  return shield(rules as never, {
    // Anything without a rule is denied.
    fallbackRule: deny,
    // Rules answer with our GraphQLErrors (codes, resource, item); let them through as they are.
    allowExternalErrors: true,
    // A rule that returns false (only `deny`) gets FORBIDDEN; a rule that throws is a bug, not an answer,
    // and is rethrown so that it surfaces as an internal error rather than as "not authorised".
    fallbackError: (err: unknown) => {
      if (err) throw err;
      return new GraphQLError('No rule allows this field.', { extensions: { code: 'FORBIDDEN' } });
    },
  });
}

/** The gateway schema of these catalogues, built at once (commands, tests, a department's view). */
export function buildGatewaySchema(platform: Platform, catalogues: Catalogue[], options: BuildOptions = {}): GatewaySchema {
  return runSteps(gatewaySchemaSteps(platform, catalogues, options));
}

/**
 * The same, built in steps on the event loop, which it gives back every few milliseconds: what a running
 * gateway does when a publication changes its schema (the schema in effect keeps serving meanwhile).
 */
export function buildGatewaySchemaInSteps(platform: Platform, catalogues: Catalogue[], options: BuildOptions = {}): Promise<GatewaySchema> {
  return runStepsYielding(gatewaySchemaSteps(platform, catalogues, options));
}

function* gatewaySchemaSteps(platform: Platform, catalogues: Catalogue[], options: BuildOptions): Steps<GatewaySchema> {
  const model = buildSchemaModel(platform, catalogues);
  yield;
  // The resolver and rule maps, a hundred resources at a time, merged.
  const data: RuleMap = dataResolvers(withoutResources(model));
  const rules: RuleMap | null = options.rules === false ? null : dataRules(withoutResources(model));
  for (const part of modelParts(model)) {
    mergeInto(data, dataResolvers(part));
    if (rules) mergeInto(rules, dataRules(part));
    yield;
  }
  const plat = platformResolvers();
  const resolvers = { ...scalarResolvers, ...data, ...plat, Query: { ...data.Query, ...plat.Query } };
  let wrap: SchemaParts['wrap'];
  if (rules) {
    const p = platformRules();
    Object.assign(rules, { ...p, Query: { ...rules.Query, ...p.Query } });
    wrap = entryFieldRules(rules, model);
  }
  const { schema, sdl } = yield* buildExecutableSchema({ typeDefs: typeDefParts(model), resolvers, wrap });
  if (rules) yield* checkRuleMap(rules, schema);
  return { schema, model, catalogues, sdl };
}

/** The model with no department: what the maps generated from it hold whatever the catalogues. */
const withoutResources = (model: SchemaModel): SchemaModel => ({ ...model, departments: [] });

/** The model in parts of at most `size` resources of one department each. */
function* modelParts(model: SchemaModel, size = 100): Generator<SchemaModel> {
  for (const d of model.departments) {
    for (let from = 0; from < d.resources.length; from += size) yield { ...model, departments: [{ ...d, resources: d.resources.slice(from, from + size) }] };
  }
}

function mergeInto(map: RuleMap, part: RuleMap): void {
  for (const [type, fields] of Object.entries(part)) Object.assign((map[type] ??= {}), fields);
}

type RuleMap = Record<string, Record<string, unknown>>;
type Rule = { name: string; resolve: (...args: unknown[]) => unknown; equals(other: unknown): boolean; getRules?: () => Rule[] };
type Middleware = (resolve: GraphQLFieldResolver<unknown, unknown>, parent: unknown, args: unknown, ctx: unknown, info: GraphQLResolveInfo) => unknown;

/** A schema of one field: graphql-shield generates its middleware for one rule on it. */
const ONE_FIELD = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { field: { type: GraphQLBoolean } } }) });

/**
 * Shield's middleware on the entry fields only: the root, departments, lists, lookups and the platform's
 * types. The fields of a resource type (items, links) and of its connection keep their rule values in the
 * rule map, but are not wrapped per row: the read plan (resolvers/data/plan.ts) asks the same answers
 * (itemAnswer, linkAnswer) once per request and path pattern, reads only what they allow, and places each
 * denial once; a connection's fields are parts of the list's answer (their rule is the constant allow).
 *
 * How the middleware reaches the fields, and why not `applyMiddleware(schema, shield(rules))`: at the
 * platform's bounds that took minutes. shield() validates the rule tree and generates the middleware map
 * by spreading an accumulator once per rule, type and field (quadratic: 4,000 fields on one department's
 * type, 14,000 types), and graphql-middleware checks each name with `Object.keys(...).includes` and then
 * copies the whole schema. So here shield itself makes the middleware of each distinct rule (on a schema of
 * one field: the same function, options and per-request cache `ctx._shield` as over the whole schema), and
 * the schema builder wraps each entry field's resolver with its rule's middleware as it makes the field,
 * the way graphql-middleware wraps it: one linear pass. The checks shield makes on the whole tree (a rule
 * for a type or field the schema lacks; two rules of one name) are made too, linearly (checkRuleMap).
 * A field without a rule gets the fallback rule, deny, as under shield.
 */
function entryFieldRules(rules: RuleMap, model: SchemaModel): NonNullable<SchemaParts['wrap']> {
  const perRow = new Set([...model.byCode.values()].flatMap((m) => [m.typeName, connectionTypeName(m.typeName)]).concat('PageInfo'));
  const middlewares = new Map<unknown, Middleware>();
  const middlewareOf = (rule: unknown): Middleware => {
    let m = middlewares.get(rule);
    if (!m) {
      const generated = (permissions({ Query: { field: rule } }).generate(ONE_FIELD) as RuleMap).Query.field as Middleware | { resolve: Middleware };
      m = typeof generated === 'function' ? generated : generated.resolve;
      middlewares.set(rule, m);
    }
    return m;
  };
  return (type, field, resolve) => {
    if (perRow.has(type)) return resolve;
    const forType = rules[type];
    const middleware = middlewareOf(forType?.[field] ?? forType?.['*'] ?? deny);
    const inner = resolve ?? defaultFieldResolver;
    return (parent, args, ctx, info) =>
      middleware((p = parent, a = args, c = ctx, i = info) => inner(p, a as never, c, i), parent, args, ctx, info);
  };
}

/** What shield checks of a rule tree, in one pass: every type and field named is in the schema; one rule per name. */
function* checkRuleMap(rules: RuleMap, schema: GraphQLSchema): Steps<void> {
  const byName = new Map<string, Rule>();
  const note = (rule: Rule) => {
    if (rule.getRules) for (const r of rule.getRules()) note(r);
    else {
      const seen = byName.get(rule.name);
      if (!seen) byName.set(rule.name, rule);
      else if (seen !== rule && !seen.equals(rule)) throw new Error(`There seem to be multiple definitions of these rules: ${rule.name}`);
    }
  };
  for (const [typeName, fieldRules] of Object.entries(rules)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`It seems like you have applied rules to ${typeName} types but Shield cannot find them in your schema.`);
    const fields = type.getFields();
    for (const [field, rule] of Object.entries(fieldRules)) {
      if (field !== '*' && !(field in fields)) throw new Error(`It seems like you have applied rules to ${typeName}.${field} fields but Shield cannot find them in your schema.`);
      note(rule as Rule);
    }
    yield;
  }
}
