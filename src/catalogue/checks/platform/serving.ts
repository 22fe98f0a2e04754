// Checks of how a platform file has the gateway serve: the drain within the shutdown, CORS origins,
// trusted documents' manifests.
import { closingMs, DEFAULT_DRAIN_DELAY_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS, type Platform } from '../../../model/platform.ts';
import type { Problem } from '../../problems.ts';
import { problem } from '../util.ts';

/**
 * The drain's delay ends before its deadline (src/server/app.ts): the process would otherwise exit while
 * /readyz still says 503, never refusing new connections nor letting requests in flight finish.
 */
export function* drainDelayWithinShutdown(p: Platform): Iterable<Problem> {
  const delay = p.server?.drainDelayMs;
  const timeout = p.server?.shutdownTimeoutMs;
  if (delay === undefined && timeout === undefined) return;
  const d = delay ?? DEFAULT_DRAIN_DELAY_MS;
  const t = timeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const room = t - closingMs(t);
  if (d < room) return;
  yield delay !== undefined
    ? problem('server.drainDelayMs', `${d} ms leaves no time for the requests in flight within server.shutdownTimeoutMs (${t} ms${timeout === undefined ? ', the default' : ''}), whose last ${closingMs(t)} ms close what is still open; make it less than ${room} ms, or shutdownTimeoutMs longer`)
    : problem('server.shutdownTimeoutMs', `${t} ms is not longer than the default server.drainDelayMs (${d} ms) plus ${closingMs(t)} ms to close what is still open; make it longer than ${d + closingMs(t)} ms, or set drainDelayMs shorter`);
}

/**
 * Each of `server.corsOrigins` is one origin, compared exactly with a browser's `Origin` (server/http/cors.ts).
 * The schema's pattern took `https://*.example.gov.cn` (a `*` is a host's letter to URL, and no browser sends
 * it: the portals of every subdomain were refused, with nothing to say why), a port past 65535 (kept as
 * written, matching nothing), and a user name, query or fragment, which the origin drops without a word.
 */
export function* corsOriginsAreOrigins(p: Platform): Iterable<Problem> {
  for (const [i, origin] of (p.server?.corsOrigins ?? []).entries()) {
    const path = `server.corsOrigins[${i}]`;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      yield problem(path, `"${origin}" is not an origin (a port is a number from 1 to 65535); write scheme://host[:port] as the page's browser sends it, like "https://portal.example.gov.cn"`);
      continue;
    }
    if (url.hostname.includes('*')) {
      yield problem(path, `"${origin}" holds a wildcard, which no browser's Origin matches (it names the page's own host); list each origin whose pages may call, like "${url.protocol}//${url.hostname.replace(/^(\*\.)+/, 'portal.').replaceAll('*', 'portal')}"`);
    } else if (url.username || url.password || url.search || url.hash || origin.includes('?') || origin.includes('#')) {
      yield problem(path, `"${origin}" holds more than an origin (a user name, query or fragment), which a browser's Origin never has; write ${url.origin}`);
    }
  }
}

/**
 * `require` trusts only the documents of the manifests, and the list of manifests is read at start alone
 * (their contents are read again when they change, not the list): with none, the gateway started without
 * a word and refused every document, introspection too, until the file was changed and it was restarted.
 */
export function* requiredDocumentsHaveManifests(p: Platform): Iterable<Problem> {
  const t = p.trustedDocuments;
  if (t?.mode !== 'require' || t.manifests.length > 0) return;
  yield problem(
    'trustedDocuments.manifests',
    'mode require runs only the documents of the manifests, and none is listed, so every document would be refused; list the persisted-documents.json of the clients you accept, or use mode log to see which clients send what',
  );
}
