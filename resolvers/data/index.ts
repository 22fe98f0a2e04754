// The resolver map of the data schema, generated from the schema model.
import type { SchemaModel } from '../../src/generate/model.ts';
import { connectionTypeName, enumTypeName, enumValueName } from '../../src/model/names.ts';
import { isSensitive } from '../../src/generate/model.ts';
import { connectionResolvers, listResolver } from './list.ts';
import { lookupResolver } from './lookup.ts';
import { OBJECTIONS_FIELD, objectionsResolver } from './objections.ts';

export type ResolverMap = Record<string, Record<string, unknown>>;

export function dataResolvers(model: SchemaModel): ResolverMap {
  const map: ResolverMap = { Query: {} };
  for (const d of model.departments) {
    map.Query[d.department.graphqlName] = () => ({});
    const dept: Record<string, unknown> = {};
    for (const m of d.resources) {
      dept[m.resource.graphql.list] = listResolver(m);
      dept[m.resource.graphql.byKey] = lookupResolver(m);
      // Item and link fields have no resolver: the rows leave the list and lookup resolvers shaped, their
      // links read and in place (./plan.ts, ./links.ts).
      const type: Record<string, unknown> = {};
      type[OBJECTIONS_FIELD] = objectionsResolver(m);
      map[m.typeName] = type;
      map[connectionTypeName(m.typeName)] = connectionResolvers;
      // Enum types map GraphQL names back to the catalogue's values, which is what the store holds.
      for (const item of m.resource.items) {
        if (item.type !== 'enum' || isSensitive(item)) continue;
        map[enumTypeName(m.typeName, item.name)] = Object.fromEntries((item.values ?? []).map((v) => [enumValueName(v), v]));
      }
    }
    map[d.typeName] = dept;
  }
  return map;
}
