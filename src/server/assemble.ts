// Assembles the executable gateway schema: generated data SDL + the platform's static SDL, their
// resolvers, and the shield rules over both. The only place the pieces meet, at the server end: it
// imports the generator, the resolvers and the rules; none of them imports it.
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, printSchema, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { deny, shield } from 'graphql-shield';
import type { Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { dataResolvers } from '../../resolvers/data/index.ts';
import { platformResolvers } from '../../resolvers/platform/index.ts';
import { dataRules } from '../rules/data-rules.ts';
import { platformRules } from '../rules/platform-rules.ts';
import { buildSchemaModel, type SchemaModel } from '../generate/model.ts';
import { connectionTypeName } from '../model/names.ts';
import { generateTypeDefs } from '../generate/sdl.ts';
import { scalarResolvers } from '../generate/scalars.ts';

export interface GatewaySchema {
  schema: GraphQLSchema;
  /**
   * The same schema with shield's wrappers on the resource types' fields kept only for the given
   * `Type.field`s (see src/rules/fast-path.ts): an operation runs on the variant that wraps exactly the
   * fields it selects and may not read. Cached; absent when rules are off.
   */
  variant?: (wrapped: ReadonlySet<string>) => GraphQLSchema;
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

export function buildGatewaySchema(platform: Platform, catalogues: Catalogue[], options: BuildOptions = {}): GatewaySchema {
  const model = buildSchemaModel(platform, catalogues);
  const data = dataResolvers(model);
  const plat = platformResolvers();
  const resolvers = { ...scalarResolvers, ...data, ...plat, Query: { ...data.Query, ...plat.Query } };
  const base = makeExecutableSchema({ typeDefs: generateTypeDefs(model), resolvers });
  const sdl = printSchema(base);
  if (options.rules === false) return { schema: base, model, catalogues, sdl };
  const d = dataRules(model);
  const p = platformRules();
  const rules = { ...d, ...p, Query: { ...d.Query, ...p.Query } };
  const generator = permissions(rules);
  const schema = applyMiddleware(base, generator);
  return { schema, variant: variants(base, generator.generate(base) as MiddlewareMap, model), model, catalogues, sdl };
}

type MiddlewareMap = Record<string, Record<string, unknown>>;
const MAX_VARIANTS = 64;

/**
 * Variants of the schema built from shield's own middleware, less the wrappers of the resource types'
 * fields not listed and of the fields whose rule is the constant allow (connections, page info).
 */
function variants(base: GraphQLSchema, middleware: MiddlewareMap, model: SchemaModel) {
  const resourceTypes = new Set([...model.byCode.values()].map((m) => m.typeName));
  const constant = new Set([...model.byCode.values()].map((m) => connectionTypeName(m.typeName)).concat('PageInfo'));
  const cache = new Map<string, GraphQLSchema>();
  const bySet = new WeakMap<ReadonlySet<string>, GraphQLSchema>(); // the per-profile sets are reused objects
  return (wrapped: ReadonlySet<string>): GraphQLSchema => {
    const known = bySet.get(wrapped);
    if (known) return known;
    const key = [...wrapped].sort().join(',');
    let schema = cache.get(key);
    if (schema) {
      cache.delete(key); // most recently used last
      cache.set(key, schema);
      bySet.set(wrapped, schema);
      return schema;
    }
    const kept: MiddlewareMap = {};
    for (const [type, fields] of Object.entries(middleware)) {
      if (constant.has(type)) continue;
      if (!resourceTypes.has(type)) kept[type] = fields;
      else for (const [field, fn] of Object.entries(fields)) if (wrapped.has(`${type}.${field}`)) (kept[type] ??= {})[field] = fn;
    }
    schema = applyMiddleware(base, kept as never);
    if (cache.size >= MAX_VARIANTS) cache.delete(cache.keys().next().value!);
    cache.set(key, schema);
    bySet.set(wrapped, schema);
    return schema;
  };
}
