// An operation whose type the schema has no root for (a `subscription`: the gateway serves none; a
// `mutation` on a schema without one). graphql 16 validates such a document, as its validation has no
// rule for it (graphql 17's KnownOperationTypesRule), and refuses it only when executing ("Schema is not
// configured to execute subscription operation"), an error without a code that the gateway answered as
// INTERNAL_SERVER_ERROR, logged as a failure of its own. Refused here as the invalid document it is:
// GRAPHQL_VALIDATION_FAILED, before anything counts or runs it.
import { GraphQLError, type ValidationRule } from 'graphql';

export const knownOperationTypeRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    const schema = context.getSchema();
    const root = operation.operation === 'query' ? schema.getQueryType()
      : operation.operation === 'mutation' ? schema.getMutationType()
        : schema.getSubscriptionType();
    if (!root) {
      context.reportError(new GraphQLError(`This gateway runs no ${operation.operation} operations: send a query${schema.getMutationType() ? ' or a mutation' : ''}.`, { nodes: operation }));
    }
    return false; // nothing below needs visiting
  },
});
