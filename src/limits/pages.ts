// The pages the cost walk counts: what a list field's `first` asks for (the literal, the request's
// variable, the field's default), or an estimate for a list that takes none.
import { Kind, valueFromAST, type FieldNode, type GraphQLField, type OperationDefinitionNode } from 'graphql';
import { variableValue, type CostWalk } from './cost-walk.ts';

/**
 * Size assumed for a list field that takes no `first` (the platform's own lists: catalogues, grants, an
 * audit entry's resources, ...): the default page.
 */
export const UNPAGED_LIST_ESTIMATE = 20;

/**
 * The page a field with `first` asks for: the literal or the variable's value (sent, else its default);
 * left out or null, the field's default, as the resolvers take it; anything else, the page maximum.
 */
export function pageOf(field: GraphQLField<unknown, unknown>, node: FieldNode, walk: CostWalk, operation: OperationDefinitionNode): number | undefined {
  const def = field.args.find((a) => a.name === 'first');
  if (!def) return undefined;
  const page = (value: unknown): number =>
    typeof value === 'number' ? Math.max(0, Math.min(value, walk.maxPage))
      : value == null && typeof def.defaultValue === 'number' ? def.defaultValue
        : walk.maxPage;
  const arg = node.arguments?.find((a) => a.name.value === 'first');
  if (!arg) return page(undefined);
  if (arg.value.kind === Kind.VARIABLE) {
    // Known only with the request's variables: while validating, the least it can be (so that only a
    // document over the bound whatever its variables is refused there); per request, its value. A
    // variable sent as null is null, whatever its default.
    const name = arg.value.name.value;
    if (!walk.variables) {
      walk.dynamic = true;
      return 0;
    }
    return page(variableValue(name, walk, operation, def.type));
  }
  return page(valueFromAST(arg.value, def.type));
}
