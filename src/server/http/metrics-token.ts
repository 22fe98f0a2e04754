// The operator's token for /metrics (GOVGRAPH_METRICS_TOKEN). /metrics holds what the audit log shows a
// department of its own requests only: every operation name sent (`EnterprisesAndCriminalCases` says what
// a request read) with its outcome, and the denials of each resource as they happen. It is served on the
// port departments call, so a gateway reached without the reverse proxy that keeps /metrics off the
// departments' side (`--host 0.0.0.0` behind a load balancer that passes every path, a proxy rule
// forgotten) showed another department's traffic to anyone. With a token set, a scrape must send it
// (`Authorization: Bearer TOKEN`, Prometheus' `authorization: { credentials_file: ... }`); unset, /metrics
// is open as before, for the internal network only (docs/operations.md, "Health, readiness, metrics").
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

export const METRICS_TOKEN_ENV = 'GOVGRAPH_METRICS_TOKEN';

/** The fewest characters a metrics token has: one guessed or brute-forced over HTTP would defeat it. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

/** Why `token` cannot be the metrics token (from the environment), or null; never shows the token. */
export function metricsTokenProblem(token: string | undefined): string | null {
  if (token === undefined) return null;
  if (token.trim() !== token) {
    return `${METRICS_TOKEN_ENV}: begins or ends with white space (a line break or a space), which Prometheus' credentials_file keeps and a shell's $(cat FILE) drops; set it without`;
  }
  // Only what a Bearer token's header carries as sent: a token with a space inside (a passphrase) or a
  // character outside ASCII (sent as UTF-8, read by Node as Latin-1) started, and no scrape could ever
  // send it: /metrics answered 401 to every one, the operator's included, with nothing said why.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    return `${METRICS_TOKEN_ENV}: holds white space or a character other than printable ASCII, which no Authorization header sends as it is; make one with \`openssl rand -base64 32\``;
  }
  if (token.length < METRICS_TOKEN_MIN_LENGTH) {
    return `${METRICS_TOKEN_ENV}: ${token.length} characters, fewer than ${METRICS_TOKEN_MIN_LENGTH}; make one with \`openssl rand -base64 32\``;
  }
  return null;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether a request to /metrics may read it: always without a token, else only when it sends exactly one
 * Authorization header `Bearer TOKEN` (compared in constant time, by digest, so that neither the length
 * nor a prefix of the token shows in the answer's timing).
 */
export function metricsAdmitted(token: string | null, req: http.IncomingMessage): boolean {
  if (token === null) return true;
  const sent = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === 'authorization');
  const header = req.headers.authorization;
  if (sent.length !== 1 || header === undefined) return false;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]), digest(token));
}
