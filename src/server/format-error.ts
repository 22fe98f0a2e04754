// What leaves the server of an error (SPEC §8): the spec's codes, plain messages, no stack traces
// outside development. Errors that are not ours (bugs, driver errors) become a short internal error.
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { StoreUnavailableError } from '../store/port.ts';
import { gaveUpError } from '../limits/gave-up.ts';
import { tokenLimitError } from '../limits/tokens.ts';
import { ConnectedPlatformError, KNOWN_CODES } from '../model/error-codes.ts';


const INTROSPECTION_OFF =
  'Introspection is turned off on this platform (server.introspection: false); the operator can give you the schema as your department sees it (govgraph schema print --dept CODE).';

/**
 * graphql's suggestions at the end of a validation or variable error (` Did you mean "caseNo"?`). They
 * come from the whole schema, not the department's view (plugins/introspection.ts), so they would name
 * resources, types, items and enum values that view leaves out: they are cut from every message.
 */
const SUGGESTION = / ?Did you mean [^?]*\?$/;


/** Whether `error` or an error it wraps (graphql-tools and graphql-jit wrap it again) is a ConnectedPlatformError. */
function fromConnectedPlatform(error: unknown): boolean {
  let e = error;
  for (let depth = 0; e instanceof Error && depth < 8; depth++, e = (e as { originalError?: unknown }).originalError) {
    if (e instanceof ConnectedPlatformError) return true;
  }
  return false;
}

/** What a client is told of a read whose store failed (the cause goes to the log only). */
export const STORE_FAILED_MESSAGE = 'The data store is unavailable; try again shortly.';

/** A field of Query that graphql found in no schema: a connected platform's namespace before it first answered. */
const UNKNOWN_ROOT_FIELD = /^Cannot query field "([_A-Za-z][_0-9A-Za-z]*)" on type "Query"\.$/;

export function createFormatError(opts: {
  development: boolean;
  log?: (err: unknown) => void;
  maxTokens?: number;
  /** Why `field` is missing when it is the namespace of a connected platform that has not answered yet. */
  namespaceNotYet?: (field: string) => string | undefined;
}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (SUGGESTION.test(formatted.message)) formatted = { ...formatted, message: formatted.message.replace(SUGGESTION, '') };
    // A client's operation that selects a connected platform's namespace, refused whole while this gateway
    // has not yet had that platform's schema (it started while the platform was down): graphql's words
    // alone read as a field that does not exist, as after a rename.
    const unknownRoot = formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' ? UNKNOWN_ROOT_FIELD.exec(formatted.message) : null;
    const notYet = unknownRoot ? opts.namespaceNotYet?.(unknownRoot[1]!) : undefined;
    if (notYet) formatted = { ...formatted, message: `${formatted.message} ${notYet}` };
    const unwrapped = unwrapResolverError(error);
    // Apollo wraps a failure of the context function ("Context creation failed") without a path.
    const original = unwrapped instanceof GraphQLError && unwrapped.originalError ? unwrapped.originalError : unwrapped;
    let code = formatted.extensions?.code as string | undefined;
    // The parser's refusal of a document over maxTokens, and the limits' validation rules, whose errors
    // Apollo re-codes as parse or validation failures: their own code (SPEC §13).
    const tokens = opts.maxTokens !== undefined && code === 'GRAPHQL_PARSE_FAILED' ? tokenLimitError(original, opts.maxTokens) : undefined;
    if (tokens) {
      const { http: _http, ...extensions } = tokens.extensions;
      return { message: tokens.message, extensions };
    }
    const gaveUp = gaveUpError(code, original);
    if (gaveUp) return { message: gaveUp.message, extensions: gaveUp.extensions };
    // `server.introspection: false`: Apollo's message tells its programmer to pass `introspection: true`
    // to ApolloServer, naming the framework (no fingerprint, issue 9) and no step the client can take.
    if (formatted.extensions?.validationErrorCode === 'INTROSPECTION_DISABLED') {
      return { message: INTROSPECTION_OFF, locations: formatted.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    }
    const ownCode = original instanceof GraphQLError ? (original.extensions?.code as string | undefined) : undefined;
    if (code === 'GRAPHQL_VALIDATION_FAILED' && ownCode && KNOWN_CODES.has(ownCode)) {
      code = ownCode;
      formatted = { ...formatted, extensions: { ...formatted.extensions, code } };
    }
    if (original instanceof StoreUnavailableError) {
      opts.log?.(original);
      return { message: STORE_FAILED_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: 'STORE_UNAVAILABLE' } };
    }
    if (fromConnectedPlatform(unwrapped)) {
      return { message: 'Internal server error.', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    if (code && KNOWN_CODES.has(code)) {
      if (opts.development) return formatted;
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    opts.log?.(original);
    if (opts.development) return formatted;
    return { message: 'Internal server error.', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
