// @skip and @include as the cost walk reads them: what graphql-js executes, or the least while validating.
import { GraphQLBoolean, Kind, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { variableValue, type CostWalk } from './cost-walk.ts';

/**
 * Whether graphql-js executes `sel` (its shouldIncludeNode: skipped when @skip's `if` is true or
 * @include's is false). A condition on a variable is known only with the request's variables: while
 * validating, the selection is taken as skipped (the least the document can cost, as for a variable
 * `first`) and the cost marked dynamic, so that each request counts it under its own variables. A
 * condition that cannot be read as true or false (a value graphql will refuse, a directive written twice)
 * is 'runs': the limit never leaves out what it cannot show is left out.
 */
export function runsUnder(sel: SelectionNode, walk: CostWalk, operation: OperationDefinitionNode): 'runs' | 'skipped' {
  let skipped = false;
  for (const directive of sel.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    if (sel.directives!.filter((d) => d.name.value === name).length > 1) return 'runs';
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    if (!arg) return 'runs';
    let value: unknown;
    if (arg.value.kind === Kind.VARIABLE) {
      if (!walk.variables) {
        walk.dynamic = true;
        skipped = true;
        continue;
      }
      value = variableValue(arg.value.name.value, walk, operation, GraphQLBoolean);
    } else {
      value = arg.value.kind === Kind.BOOLEAN ? arg.value.value : undefined;
    }
    if (typeof value !== 'boolean') return 'runs';
    if (value === (name === 'skip')) skipped = true;
  }
  return skipped ? 'skipped' : 'runs';
}
