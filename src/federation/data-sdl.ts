// What a platform shows the platforms connected to it (SPEC §12): its data fields only, the departments
// on Query and what their resources need; not its platform fields, mutations, nor the platforms it is
// connected to itself (one hop).
import { filterSchema, pruneSchema } from '@graphql-tools/utils';
import { printSchema, type GraphQLSchema } from 'graphql';

const cache = new WeakMap<GraphQLSchema, string>();

export function dataSdl(schema: GraphQLSchema, departmentFields: readonly string[]): string {
  let sdl = cache.get(schema);
  if (sdl === undefined) {
    const keep = new Set(departmentFields);
    const data = filterSchema({
      schema,
      rootFieldFilter: (operation, field) => operation === 'Query' && keep.has(field),
    });
    sdl = printSchema(pruneSchema(data));
    cache.set(schema, sdl);
  }
  return sdl;
}
