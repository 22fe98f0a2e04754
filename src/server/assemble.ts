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
  const schema = applyMiddleware(base, entryFieldsOnly(generator.generate(base) as MiddlewareMap, model) as never);
  return { schema, model, catalogues, sdl };
}

type MiddlewareMap = Record<string, Record<string, unknown>>;

/**
 * Shield's middleware on the entry fields only: the root, departments, lists, lookups and the platform's
 * types. The fields of a resource type (items, links) and of its connection keep their rule values in the
 * rule map, but are not wrapped per row: the read plan (resolvers/data/plan.ts) asks the same answers
 * (itemAnswer, linkAnswer) once per request and path pattern, reads only what they allow, and places each
 * denial once; a connection's fields are parts of the list's answer (their rule is the constant allow).
 */
function entryFieldsOnly(middleware: MiddlewareMap, model: SchemaModel): MiddlewareMap {
  const perRow = new Set([...model.byCode.values()].flatMap((m) => [m.typeName, connectionTypeName(m.typeName)]).concat('PageInfo'));
  return Object.fromEntries(Object.entries(middleware).filter(([type]) => !perRow.has(type)));
}
