// Whether two fields of a document share graphql-jit's name for their resolve info (src/server/executor.ts
// sends such an operation to graphql-js). graphql-jit 0.8 keeps the info of each field it compiles under
// its response path joined with "_", leaf first (`createResolveInfoName`: keys, `idx<depth>` for a list's
// items, the type's name below an abstract type): `a_resident` under `gxPublicSecurity` and `a` under
// `resident` under `gxPublicSecurity` are both `a_resident_gxPublicSecurityInfo`, and the field compiled
// last wins. The lookup `a_resident` was handed the info of `resident { a: _objections }`: its read plan
// followed that field's selection, so it read none of the items asked (fullName answered null) and the
// audit entry recorded no item read while the answer held the masked ID number. Its resolvers are kept
// the same way, under the parent type's name and the field's run together (`getResolverName`): type `Ab`'s
// field `cd` and type `Abc`'s field `d` are both `AbcdResolver`, and one field ran the other's resolver.
// Type names come from the catalogues, so a catalogue's type could meet another's field (a link, a
// namespace's list). Looked for in the document alone, once per document and operation (the compiled
// query's cache).
import {
  getNamedType, getNullableType, isAbstractType, isListType, isObjectType, Kind,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema, type SelectionSetNode,
} from 'graphql';

/** Past this many selections walked, the answer is "they could". */
const MAX_WALKED = 20_000;

export function jitInfoNamesCollide(schema: GraphQLSchema, document: DocumentNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  /** graphql-jit's name → the response path it stands for (keys joined by a character no key holds). */
  const paths = new Map<string, string>();
  /** graphql-jit's resolver name → the type and field it stands for. */
  const resolvers = new Map<string, string>();
  let walked = 0;

  const collides = (sets: readonly SelectionSetNode[], type: GraphQLObjectType, path: readonly string[]): boolean => {
    const byKey = new Map<string, { name: string; sets: SelectionSetNode[] }>();
    const spread = new Set<string>();
    const collect = (set: SelectionSetNode): boolean => {
      for (const s of set.selections) {
        if (++walked > MAX_WALKED) return false;
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          const entry = byKey.get(key) ?? { name: s.name.value, sets: [] };
          byKey.set(key, entry);
          if (s.selectionSet) entry.sets.push(s.selectionSet);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          if (!collect(s.selectionSet)) return false;
        } else if (!spread.has(s.name.value) && fragments.has(s.name.value)) {
          spread.add(s.name.value);
          if (!collect(fragments.get(s.name.value)!.selectionSet)) return false;
        }
      }
      return true;
    };
    for (const set of sets) if (!collect(set)) return true;
    for (const [key, { name, sets: below }] of byKey) {
      const field = type.getFields()[name];
      if (!field) continue; // __typename and introspection
      const here = [...path, key];
      const jitName = [...here].reverse().join('_');
      const seen = paths.get(jitName);
      const whole = here.join('\u0000');
      if (seen !== undefined && seen !== whole) return true;
      paths.set(jitName, whole);
      const resolver = type.name + name;
      if ((resolvers.get(resolver) ?? `${type.name}.${name}`) !== `${type.name}.${name}`) return true;
      resolvers.set(resolver, `${type.name}.${name}`);
      if (below.length && within(below, field.type, here)) return true;
    }
    return false;
  };

  /** Below a field of `type`: its list items' segments, then the object types it may be. */
  const within = (sets: readonly SelectionSetNode[], type: GraphQLOutputType, path: readonly string[]): boolean => {
    let t = getNullableType(type) as GraphQLOutputType;
    const at = [...path];
    let depth = 0;
    while (isListType(t)) {
      at.push(`idx${++depth}`);
      t = getNullableType(t.ofType) as GraphQLOutputType;
    }
    const named = getNamedType(t);
    if (isObjectType(named)) return collides(sets, named, at);
    if (isAbstractType(named)) return schema.getPossibleTypes(named).some((o) => collides(sets, o, [...at, o.name]));
    return false;
  };

  const root = schema.getQueryType();
  return root !== null && root !== undefined && document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'query' && collides([d.selectionSet], root, []));
}
