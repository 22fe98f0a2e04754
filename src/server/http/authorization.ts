// The Authorization header of a request, taken only when it is sent once. Node keeps the first of several
// and drops the others without a word (its list of headers that may not repeat), while a proxy or a WAF in
// front of the gateway may check or log the last: a request carrying two tokens would run as the first
// one's department whatever was checked on the way. RFC 9110 §5.3 lets a recipient refuse a repeated
// field that is not a list, and Authorization is not one: such a request is refused as unauthenticated.
import type http from 'node:http';
import { AuthenticationError, type AuthenticationFailure } from '../../identity/errors.ts';

export const SEVERAL_HEADERS_MESSAGE =
  'Several Authorization headers: send one, `Authorization: Bearer <token>` (an operator makes one with `govgraph token`).';

/** The request's Authorization header (undefined when there is none); AuthenticationError when it comes more than once. */
export function authorizationOf(req: http.IncomingMessage): string | undefined {
  let seen = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 13 && raw[i].toLowerCase() === 'authorization') seen += 1;
  }
  if (seen > 1) throw new AuthenticationError(SEVERAL_HEADERS_MESSAGE, 'several-headers');
  return req.headers.authorization;
}

/**
 * The challenge a 401 answer carries in `WWW-Authenticate` (RFC 9110 §11.6.1: a 401 must have one; RFC
 * 6750 §3 for Bearer tokens), so that HTTP clients and proxies know which scheme to send: `Bearer` alone
 * when no credentials came, `error="invalid_request"` when the header is not one Bearer token, and
 * `error="invalid_token"` when a token came and was refused. Which check refused it is not said, as the
 * body's message does not say it either.
 */
export function bearerChallenge(reason: AuthenticationFailure | undefined): string {
  if (reason === 'missing-header') return 'Bearer';
  if (reason === 'malformed-header' || reason === 'several-headers') return 'Bearer error="invalid_request"';
  return 'Bearer error="invalid_token"';
}
