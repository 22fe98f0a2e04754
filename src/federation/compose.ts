// The gateway's schema with the connected platforms' namespaces: the local schema as it is (its types,
// resolvers and rules untouched) and, on Query, the namespace fields of the stitched schema with the
// types they reach. Nullable, so that a platform that fails makes its namespace null and nothing else.
import { GraphQLObjectType, GraphQLSchema, isNonNullType, isSpecifiedScalarType, type GraphQLFieldConfigMap } from 'graphql';

export function composeSchema(local: GraphQLSchema, federated: GraphQLSchema | null): GraphQLSchema {
  const outer = federated?.getQueryType();
  const fields = outer ? outer.toConfig().fields : {};
  if (!outer || Object.keys(fields).length === 0) return local;
  const own = local.getQueryType()!.toConfig();
  const added: GraphQLFieldConfigMap<unknown, unknown> = {};
  for (const [name, f] of Object.entries(fields)) added[name] = { ...f, type: isNonNullType(f.type) ? f.type.ofType : f.type };
  const query = new GraphQLObjectType({ ...own, fields: { ...own.fields, ...added } });
  const config = local.toConfig();
  const types = [
    ...config.types.filter((t) => t.name !== own.name),
    ...Object.values(federated!.getTypeMap()).filter((t) => t !== outer && !t.name.startsWith('__') && !isSpecifiedScalarType(t)),
  ];
  return new GraphQLSchema({ ...config, query, types, extensions: { ...config.extensions, ...federated!.extensions } });
}
