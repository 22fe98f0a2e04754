// A variable sent as null where the operation needs a value. graphql's validation lets a nullable variable
// with a default stand where a value is required (`query($k: String = "x") { …(idNumber: $k) }`): its
// default fills in when the variable is left out. Sent as null, graphql-js refuses the argument as the
// field runs; graphql-jit, which runs most queries (src/server/executor.ts), does not, and the null
// reached the resolvers: a lookup answered INTERNAL_SERVER_ERROR, and an `in` beside masked guesses ran
// uncounted by the masked-probe quota. Refused with the limits (plugins/limits.ts), before the quota
// counts anything and before anything runs, naming only the variable: the type of the place it stands in
// comes out of the whole schema, not the department's view.
import { GraphQLError, Kind, TypeInfo, ValidationContext, isNonNullType, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';

/** A definition that validation lets stand where a value is required only for its default. */
const nullableWithDefault = (d: VariableDefinitionNode): boolean =>
  d.type.kind !== Kind.NON_NULL_TYPE && d.defaultValue !== undefined && d.defaultValue.kind !== Kind.NULL;

/** The refusal of a defaulted variable sent as null that stands where a value is required; undefined if none. */
export function nullWhereRequired(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
  if (!variables) return undefined;
  const sentNull = new Set(
    (operation.variableDefinitions ?? [])
      .filter((d) => nullableWithDefault(d) && Object.hasOwn(variables, d.variable.name.value) && variables[d.variable.name.value] === null)
      .map((d) => d.variable.name.value),
  );
  if (sentNull.size === 0) return undefined; // every other request: nothing walked
  const usages = new ValidationContext(schema, document, new TypeInfo(schema), () => undefined).getRecursiveVariableUsages(operation);
  const needed = usages.find((u) => sentNull.has(u.node.name.value) && u.type !== undefined && isNonNullType(u.type));
  if (!needed) return undefined;
  return new GraphQLError(
    `Variable "$${needed.node.name.value}" is sent as null where the operation needs a value: its default applies only when the variable is left out; nothing was read.`,
    // HTTP 400, as every refusal of a client's input: without it Apollo answered 500, a server error.
    { nodes: needed.node, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
  );
}
