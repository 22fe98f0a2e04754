// A variable whose name begins with "__", reserved by GraphQL for introspection (spec §2.1.9), which
// graphql-js's validation lets through. `$__proto__` reached neither executor as sent: graphql-jit, which
// runs most queries (src/server/executor.ts), coerces variables into a plain object, where assigning
// `__proto__` replaces the object's prototype, so the variable was never there: `resident(idNumber:
// $__proto__)` answered INTERNAL_SERVER_ERROR, an `after: $__proto__` cursor was dropped and the first page
// read, and an `in: $__proto__` was refused while the limits, reading the variables graphql-js's way
// (through the same prototype), counted its values. Refused with the limits (plugins/limits.ts), before
// anything is counted or runs.
import { GraphQLError, type OperationDefinitionNode } from 'graphql';

/** The refusal of the operation's first variable with a reserved name; undefined if none. */
export function reservedVariable(operation: OperationDefinitionNode): GraphQLError | undefined {
  const found = (operation.variableDefinitions ?? []).find((d) => d.variable.name.value.startsWith('__'));
  if (!found) return undefined;
  return new GraphQLError(
    `Variable "$${found.variable.name.value}": names beginning with "__" are reserved by GraphQL; rename the variable. Nothing was read.`,
    { nodes: found.variable, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } }, // a client's input: not a 500
  );
}
