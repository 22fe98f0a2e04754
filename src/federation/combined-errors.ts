// A connected platform that answers a delegated field with null and more than one error at it: graphql-tools
// combines them into one AggregateError (mergeDataAndErrors), which graphql-js reports as one error whose
// original is no GraphQLError, and Apollo formats it as "Internal server error." with neither error's code.
// Spread back, each error passes on with its own message, code, resource and item (SPEC §12), at the path
// graphql-tools gave it and the locations of the field they were combined at.
import { GraphQLError } from 'graphql';

export function spreadCombinedErrors(errors: readonly GraphQLError[]): readonly GraphQLError[] {
  if (!errors.some(isCombined)) return errors;
  return errors.flatMap((error) => {
    if (!isCombined(error)) return [error];
    return (error.originalError as AggregateError).errors.map((inner: GraphQLError) =>
      new GraphQLError(inner.message, { nodes: error.nodes, path: inner.path ?? error.path, originalError: inner, extensions: inner.extensions }));
  });
}

function isCombined(error: GraphQLError): boolean {
  const original = error.originalError;
  return original instanceof AggregateError && original.errors.length > 0 && original.errors.every((e) => e instanceof GraphQLError);
}
