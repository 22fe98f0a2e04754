// Which input types are a resource's filter as govgraph generates it (src/generate/sdl.ts): the filter
// of a connected platform's list, stitched under its namespace with its type names prefixed, is known by
// its shape, not by a name or by this platform's model (which does not hold the connected platform's).
import { getNullableType, isInputObjectType, isListType, isNonNullType, type GraphQLArgument, type GraphQLInputObjectType, type GraphQLInputType } from 'graphql';
import { OPERATORS } from '../model/operators.ts';

const known = new WeakMap<GraphQLInputObjectType, boolean>();

/** `[T!]`: the type of a generated filter's `and` and `or`. */
const isListOf = (type: GraphQLInputType, of: GraphQLInputObjectType): boolean => {
  const list = getNullableType(type);
  return isListType(list) && isNonNullType(list.ofType) && list.ofType.ofType === of;
};

/** An input of conditions on one item: each of its fields an operator (`eq`, `in`, `contains`, ...). */
const isConditions = (type: GraphQLInputType): boolean => {
  const t = getNullableType(type);
  return isInputObjectType(t) && Object.keys(t.getFields()).every((op) => Object.hasOwn(OPERATORS, op));
};

/**
 * A generated filter: `and` and `or` of its own type, and each other field an item's conditions. The
 * platform's other filters (AuditFilter, ...) have no `and`/`or`.
 */
export function isGeneratedFilter(type: GraphQLInputObjectType): boolean {
  let is = known.get(type);
  if (is === undefined) {
    const fields = type.getFields();
    is = !!fields.and && !!fields.or && isListOf(fields.and.type, type) && isListOf(fields.or.type, type) &&
      Object.values(fields).every((f) => f.name === 'and' || f.name === 'or' || isConditions(f.type));
    known.set(type, is);
  }
  return is;
}

/** The field's `filter` argument, when it is a generated filter. */
export function generatedFilterArgument(args: readonly GraphQLArgument[]): GraphQLArgument | undefined {
  const filter = args.find((a) => a.name === 'filter');
  const type = filter && getNullableType(filter.type);
  return type && isInputObjectType(type) && isGeneratedFilter(type) ? filter : undefined;
}
