// CORS with an allow-list of origins (platform file `server.corsOrigins`): a browser page of a listed
// origin may call /graphql with the headers govgraph reads; every other origin gets no CORS headers, so
// its browser keeps the answer from it. Same-origin pages (GraphiQL) need no CORS at all.
import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOWED_HEADERS = 'Authorization, Content-Type, x-purpose, x-request-id, apollo-require-preflight';
const ALLOWED_METHODS = 'GET, POST, OPTIONS';

/**
 * The origins of the platform file as a browser sends them in `Origin`: its host in lower case, in
 * punycode, without the scheme's default port. The platform file takes `https://Portal.Example.gov.cn`
 * or `https://portal.example.gov.cn:443`, which matched no browser's `Origin` before, so the page was
 * refused with nothing to say why.
 */
export function allowedOrigins(listed: readonly string[]): Set<string> {
  return new Set(
    listed.map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        return origin; // the platform file's check refuses it first; kept as written
      }
    }),
  );
}

/**
 * Sets the CORS headers for a listed origin. Returns true when the request was a preflight, which it
 * answers (204 for a listed origin, 403 for any other).
 */
export function handleCors(req: IncomingMessage, res: ServerResponse, allowList: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  res.appendHeader('Vary', 'Origin');
  // Listed origins only: the platform file takes no wildcard (checks/platform.ts), and none is honoured here.
  const allowed = typeof origin === 'string' && allowList.has(origin);
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, x-request-id, x-schema-version');
  }
  if (!preflight) return false;
  if (allowed) {
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
  }
  res.statusCode = allowed ? 204 : 403;
  res.setHeader('Content-Length', 0);
  res.end();
  return true;
}
