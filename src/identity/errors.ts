// Errors of identity and request headers, carrying the codes of SPEC §8 so the server can pass them on
// as `extensions.code` without guessing.

/**
 * The request is not authenticated. `message` is safe to send to a client; `reason` says which check
 * failed, for the server's log and audit only (a client is not told more than it needs to act).
 */
export class AuthenticationError extends Error {
  readonly code = 'UNAUTHENTICATED' as const;
  readonly userFacing = true;
  constructor(
    message: string,
    readonly reason: AuthenticationFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthenticationError';
  }
}

export type AuthenticationFailure =
  | 'missing-header' | 'malformed-header' | 'several-headers' | 'expired' | 'not-yet-valid' | 'bad-signature'
  | 'algorithm-not-allowed' | 'malformed-token' | 'missing-claims' | 'unknown-department' | 'invalid'
  | 'wrong-issuer' | 'wrong-audience'
  // forwarded identities (SPEC §12)
  | 'unknown-platform' | 'outside-region' | 'replayed' | 'not-forwarded' | 'too-long-lived';

/** A request header or argument the client must fix. */
export class BadUserInputError extends Error {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'BadUserInputError';
  }
}

/**
 * The key set of a JWKS URL cannot be fetched: the platform's fault, not the client's token. Its message
 * is written for the operator (the gateway's log): the URL without credentials or query, and why.
 */
export class KeySetUnavailableError extends Error {
  readonly userFacing = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeySetUnavailableError';
  }
}
