// The gateway's schema with the connected platforms' namespaces: the local schema as it is (its types,
// resolvers and rules untouched) and, on Query, the namespace fields of the stitched schema with the
// types they reach. Nullable, so that a platform that fails makes its namespace null and nothing else.
import { GraphQLObjectType, GraphQLSchema, isAbstractType, isNonNullType, isSpecifiedScalarType, type GraphQLFieldConfigMap, type GraphQLTypeResolver } from 'graphql';

/**
 * An interface's or union's type resolver under a namespace that never throws. The executor (graphql-jit)
 * calls it in the callback of the namespace's promise, where a throw escapes every handler: an object of a
 * connected platform's answer naming no type (graphql-jit's default resolver then throws "Could not resolve
 * the object type") killed this gateway. `undefined` instead: the executor makes that field's error, as for
 * a `__typename` that names no possible type.
 */
const safe = new WeakSet<GraphQLTypeResolver<unknown, unknown>>();
function neverThrowing(resolve: GraphQLTypeResolver<unknown, unknown> | undefined | null): GraphQLTypeResolver<unknown, unknown> {
  const out: GraphQLTypeResolver<unknown, unknown> = (value, context, info, type) => {
    try {
      if (resolve) {
        const name = resolve(value, context, info, type);
        // A promise of a name: its rejection would escape alike.
        return name && typeof (name as Promise<unknown>).then === 'function' ? (name as Promise<string | undefined>).catch(() => undefined) : name;
      }
      const typename = value && typeof value === 'object' ? (value as { __typename?: unknown }).__typename : undefined;
      return typeof typename === 'string' ? typename : undefined;
    } catch {
      return undefined;
    }
  };
  safe.add(out);
  return out;
}

/** Every interface and union of the connected platforms' schemas resolved without throwing (neverThrowing). */
function guardAbstractTypes(federated: GraphQLSchema): void {
  for (const t of Object.values(federated.getTypeMap())) {
    if (isAbstractType(t) && !(t.resolveType && safe.has(t.resolveType))) t.resolveType = neverThrowing(t.resolveType);
  }
}

export function composeSchema(local: GraphQLSchema, federated: GraphQLSchema | null): GraphQLSchema {
  const outer = federated?.getQueryType();
  const fields = outer ? outer.toConfig().fields : {};
  if (!outer || Object.keys(fields).length === 0) return local;
  guardAbstractTypes(federated!);
  const own = local.getQueryType()!.toConfig();
  const added: GraphQLFieldConfigMap<unknown, unknown> = {};
  for (const [name, f] of Object.entries(fields)) added[name] = { ...f, type: isNonNullType(f.type) ? f.type.ofType : f.type };
  const query = new GraphQLObjectType({ ...own, fields: { ...own.fields, ...added } });
  const config = local.toConfig();
  const roots = new Set<unknown>([federated!.getMutationType(), federated!.getSubscriptionType()].filter((t) => t));
  const types = [
    ...config.types.filter((t) => t.name !== own.name),
    // Not the stitched schema's other roots: a connected platform whose schema has a Mutation (or a
    // Subscription) type made one named so here, which clashed with this platform's own, and every
    // namespace was left out, blamed on this platform's catalogues. Only its Query is read (SPEC §12).
    ...Object.values(federated!.getTypeMap()).filter((t) => t !== outer && !roots.has(t) && !t.name.startsWith('__') && !isSpecifiedScalarType(t)),
  ];
  return new GraphQLSchema({ ...config, query, types, extensions: { ...config.extensions, ...federated!.extensions } });
}
