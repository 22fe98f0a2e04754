// Documents graphql itself gives up on (its parser's stack, its validation's budget, its introspection
// depth), refused as QUERY_TOO_COMPLEX in a sentence, as a document over one of the platform's limits is.
import { GraphQLError } from 'graphql';
import { QUERY_TOO_COMPLEX } from './too-complex.ts';

/**
 * Documents graphql itself gives up on, within maxTokens: its parser runs out of stack on values or
 * selections nested a thousand deep, its validation stops at its own work budget (one field repeated
 * hundreds of times at one level, or fragments spread over and over), and its MaxIntrospectionDepthRule
 * refuses an introspection that nests the type lists (`fields`, `inputFields`, `interfaces`,
 * `possibleTypes`) three deep, however far below maxDepth. Apollo answers them with graphql's bare words
 * ("Maximum call stack size exceeded", "Validation aborted.", "Maximum introspection depth exceeded", the
 * last as GRAPHQL_VALIDATION_FAILED, so that no audit entry recorded the refusal); here they are
 * QUERY_TOO_COMPLEX in a sentence, as a document over one of the platform's limits is. Undefined for any
 * other error.
 */
export function gaveUpError(code: string | undefined, error: unknown): GraphQLError | undefined {
  const validation = code === 'GRAPHQL_VALIDATION_FAILED' && error instanceof GraphQLError ? error.message : undefined;
  const what = code === 'GRAPHQL_PARSE_FAILED' && outOfStack(error) ? 'its values or selections are nested too deeply for the parser'
    : validation === 'Validation aborted.' ? 'it repeats fields or fragments too often to be checked'
      : validation === 'Maximum introspection depth exceeded' ? 'its introspection nests the lists fields, inputFields, interfaces and possibleTypes three deep (two at most: ask for the types one level at a time)'
        : undefined;
  return what === undefined ? undefined : new GraphQLError(`The document is too complex: ${what}. Split it into smaller requests.`, { extensions: { code: QUERY_TOO_COMPLEX } });
}

function outOfStack(error: unknown): boolean {
  for (let e = error, n = 0; e instanceof Error && n < 5; e = (e as GraphQLError).originalError ?? e.cause, n++) {
    if (e instanceof RangeError) return true;
  }
  return false;
}
