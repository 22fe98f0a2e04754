// The Authorization header of a request, taken only when it is sent once. Node keeps the first of several
// and drops the others without a word (its list of headers that may not repeat), while a proxy or a WAF in
// front of the gateway may check or log the last: a request carrying two tokens would run as the first
// one's department whatever was checked on the way. RFC 9110 §5.3 lets a recipient refuse a repeated
// field that is not a list, and Authorization is not one: such a request is refused as unauthenticated.
import type http from 'node:http';
import { AuthenticationError } from '../../identity/errors.ts';

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
