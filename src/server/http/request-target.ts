// A request target whose path the gateway would read otherwise than a proxy in front of it. The gateway
// routes by the WHATWG URL of the target (routes.ts), which resolves dot segments, percent-encoded ones
// too, takes a backslash for a slash, and reads a target starting with two slashes as a host and a path:
// `/.well-known/%2e%2e/metrics`, `/graphql\..\metrics` and `//graphql/metrics` are all `/metrics` here.
// A reverse proxy that passes `/graphql`, `/healthz` and `/.well-known/` and forwards the target as sent
// passed them on (nginx merges the two slashes to match `location /graphql`; HAProxy's path_beg and Envoy
// without normalize_path take the dot segments as they are), and a department read /metrics (every
// operation name a client sent, the denials of each resource), which docs/operations.md keeps from
// departments by that very proxy rule. Such a target is refused instead: no client of the gateway sends
// one (browsers and HTTP libraries send the path resolved).

/** A segment `.` or `..` of the path, any of its dots percent-encoded (`%2e`), or a backslash in it. */
const AMBIGUOUS_PATH = /(?:^|[/\\])(?:\.|%2e){1,2}(?=[/\\]|$)|\\/i;

export const AMBIGUOUS_TARGET_MESSAGE =
  'The request target\'s path has a dot segment (`.` or `..`, maybe percent-encoded), a backslash, or two slashes ' +
  'first, which a proxy in front of the gateway may route otherwise than the gateway: send the path in its plain form, e.g. /graphql.';

/** Why the request's target is refused, or null: its path (before `?` or `#`) as sent, not as resolved. */
export function targetProblem(target: string | undefined): string | null {
  const path = (target ?? '/').split(/[?#]/, 1)[0];
  return path.startsWith('//') || AMBIGUOUS_PATH.test(path) ? AMBIGUOUS_TARGET_MESSAGE : null;
}
