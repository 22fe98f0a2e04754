// The error codes of SPEC §8 (and Apollo's own for documents), and the mark of a connected platform's
// error without one: below both the server, which formats errors, and the connected platforms' code,
// which passes their errors on.

export const KNOWN_CODES: ReadonlySet<string> = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'PURPOSE_REQUIRED', 'NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE',
  'PURPOSE_OUT_OF_SCOPE', 'GRANT_REQUIRED', 'BAD_USER_INPUT', 'CATALOGUE_INVALID', 'NOT_FOUND', 'CONFLICT',
  'QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'DOCUMENT_NOT_TRUSTED', 'STORE_UNAVAILABLE', 'AUDIT_UNAVAILABLE', 'PLATFORM_UNAVAILABLE',
  'REQUEST_CANCELLED', // a query's read after its client left or its time limit answered (src/limits/cancel.ts)
  // Apollo's own, for documents that do not parse or validate:
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_FOUND',
]);

/**
 * A connected platform's error without one of SPEC §8's codes (a bug there, or a platform sending codes of
 * its own): "Internal server error." as on that platform itself. Not this gateway's unexpected error: the
 * connected platforms' code logs it, naming the platform (src/federation/connected.ts). The original error
 * of the GraphQLError placed in the answer: graphql-tools, relocating an error under the namespace, keeps
 * its original error, not the error itself.
 */
export class ConnectedPlatformError extends Error {
  override readonly name = 'ConnectedPlatformError';
}
