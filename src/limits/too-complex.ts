// QUERY_TOO_COMPLEX (SPEC §13): the refusal of a document over one of the platform's limits.
import { GraphQLError, type FieldNode, type OperationDefinitionNode } from 'graphql';

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** A document over a limit: the message names the limit, the document's figure and the bound. */
export function tooComplex(limit: string, what: string, figure: number | string, bound: number, nodes?: FieldNode | OperationDefinitionNode): GraphQLError {
  return new GraphQLError(
    `The document is too complex: its ${what} is ${figure}, over the limit ${limit} = ${bound}. Split it into smaller requests.`,
    { nodes, extensions: { code: QUERY_TOO_COMPLEX, limit, figure, bound, http: { status: 400 } } },
  );
}
