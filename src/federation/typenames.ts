// The delegated document without the `__typename`s it does not need. graphql-tools asks one of every
// selection set it delegates (WrapType's field transforms add it so that an answer's objects can be told
// apart), a third of a 100-record answer's bytes, serialised by the platform and parsed here on every
// read (docs/benchmarks.md). An object's `__typename` is read back only where its type is not known
// from the schema alone: an interface's or a union's (graphql-tools' resolveType), and the root (WrapType
// un-hoists the objects typed as the platform's Query). A concrete object type's is never read: the
// executor answers a `__typename` selected under it with the type's own (prefixed) name, and graphql-
// tools' handling falls back to the field's type. So it is dropped there, aliased and conditional ones
// kept, and never where it is the selection set's only field.
import { isObjectType, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type SelectionNode } from 'graphql';

const droppable = (s: SelectionNode): boolean =>
  s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias && !(s.directives && s.directives.length > 0);

/** `document` (against the platform's own schema) without the `__typename` of concrete object types below the root. */
export function withoutTypenames(document: DocumentNode, schema: GraphQLSchema): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  const root = schema.getQueryType();
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node) {
        const type = typeInfo.getParentType();
        if (!isObjectType(type) || type === root) return undefined;
        const kept = node.selections.filter((s) => !droppable(s));
        if (kept.length === node.selections.length || kept.length === 0) return undefined;
        return { ...node, selections: kept };
      },
    }),
  );
}
