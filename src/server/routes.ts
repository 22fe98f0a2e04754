// The gateway's routes by path: /graphql (graphql-route.ts), /healthz, /readyz, /metrics, this platform's
// keys and data schema for connected platforms (SPEC §12), `/` pointing at GraphiQL; and the dispatch.

import type http from 'node:http';
import type { Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { SETTINGS } from '../identity/secret.ts';
import { auditTail } from '../audit/log.ts';
import { FORWARDED_HEADER, type ForwardedVerifier } from '../identity/forwarded.ts';
import type { PlatformKeys } from '../identity/platform-keys.ts';
import { SCHEMA_PATH } from '../federation/connected-schema.ts';
import type { ConnectedPlatforms } from '../federation/connected/platforms.ts';
import { dataSdl } from '../federation/data-sdl.ts';
import type { GraphiqlHandler } from './graphiql.ts';
import type { DepartmentViews } from './plugins/introspection.ts';
import { sendBody, sendGraphQLError, sendJson } from './http/respond.ts';
import { SCHEMA_VERSION_HEADER, schemaVersionOf } from './plugins/schema-version.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { SchemaHolder } from './schema-holder.ts';
import type { GatewaySchema } from './assemble.ts';
import type { GatewayState } from './drain.ts';
import { requestIdFor } from './request-context.ts';
import { authorizationOf, bearerChallenge } from './http/authorization.ts';
import { hostProblem } from './http/client-error.ts';
import { targetProblem } from './http/request-target.ts';
import { METRICS_TOKEN_ENV, metricsAdmitted } from './http/metrics-token.ts';
import type { AuthenticationFailure } from '../identity/errors.ts';

/** A route of the gateway: an exact path, the methods it answers, and its handler. */
export interface Route {
  path: string;
  methods: readonly string[];
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void | Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the routes answer from. */
export interface RouteParts {
  platform: Platform;
  store: Store;
  holder: SchemaHolder;
  connected: ConnectedPlatforms;
  keys: PlatformKeys;
  forwarded: ForwardedVerifier;
  views: DepartmentViews;
  metrics: GatewayMetrics;
  graphiqlEnabled: boolean;
  /** The gateway's state now (starting → ready → draining). */
  stateOf(): GatewayState;
  logForwardedRefusal(err: unknown, authorization: string | undefined): void;
  /** Whether the last audit entry could not be written (a full disk, a read-only store). */
  auditFailing(): boolean;
  /** Whether the audit log's indexes are still being made at the start (audit-layout.ts). */
  auditIndexing(): boolean;
  /** Whether records stored without a place are still being placed at the start (record-places.ts). */
  placingRecords(): boolean;
  /** The token a scrape of /metrics must send (GOVGRAPH_METRICS_TOKEN); null: /metrics is open. */
  metricsToken: string | null;
}

/** The gateway's routes, by path: /graphql answered by `graphql`, then those named here, then `more` (GatewayOptions.routes). */
export function gatewayRoutes(parts: RouteParts, graphql: Route['handle'], more: Route[]): Map<string, Route> {
  const { platform, store, holder, connected, keys, forwarded, views, metrics, graphiqlEnabled, stateOf, logForwardedRefusal, auditFailing, auditIndexing, placingRecords, metricsToken } = parts;
  // /readyz asks the store at most once a second.
  let storeCheck: { at: number; ok: Promise<boolean> } | null = null;
  const storeReachable = (): Promise<boolean> => {
    if (!storeCheck || Date.now() - storeCheck.at > 1000) {
      // An embedded store whose files were deleted, replaced or restored under the process refuses every
      // operation (src/store/sqlite/file-watch.ts); the gateway's log says why once (app.ts).
      const gone = (store as { fileGone?: () => string | null }).fileGone?.() ?? null;
      const ok = Promise.race([
        gone !== null ? Promise.resolve(false) : (auditFailing() ? writeProbe() : readProbe()).then(() => true, () => false),
        sleep(2000).then(() => false),
      ]);
      storeCheck = { at: Date.now(), ok };
    }
    return storeCheck.ok;
  };

  // While audit entries cannot be written (a full disk, a read-only data folder), every request that reads
  // data is refused (AUDIT_UNAVAILABLE), yet the store answered reads and /readyz said ready, so the load
  // balancer kept the instance. Then readiness is a write, which also says when the store takes writes again
  // (no request comes to a gateway out of the balancer to find out). It also reads the log's newest entry, as
  // each append does first: with the audit log's pages damaged (the store file overwritten in part) the
  // `_settings` write went through, /readyz said ready, and every request that read data was refused.
  const writeProbe = () => store.upsert(SETTINGS, 'key', [{ key: 'readiness-probe', at: new Date().toISOString() }]).then(() => auditTail(store));
  // Otherwise a read of the settings and of the log's newest entry, as every request that reads data makes
  // before its entry: a gateway started on a damaged store (a data folder copied file by file while another
  // process wrote, its log's pages from two moments) said ready until a first request was refused.
  const readProbe = () => store.count(SETTINGS).then(() => auditTail(store));

  const routes = new Map<string, Route>();
  const route = (r: Route) => routes.set(r.path, r);
  route({ path: '/graphql', methods: ['GET', 'POST', 'OPTIONS'], handle: graphql });
  // Anyone may ask /healthz: the connected platforms without their urls (internal network addresses),
  // their problems as callers are told them; the log and `platform status` name the urls. Alive (200)
  // once the start is done (SPEC §11: the schema loaded, and the connected platforms' first ask, which the
  // start waits for up to their timeouts), and from then on whatever the store or the drain (that is
  // /readyz's): before it, 503 `starting`, as /readyz and /graphql say (holder.loaded alone said 200 while
  // the start still waited on a connected platform or a locked store).
  route({
    path: '/healthz',
    methods: ['GET', 'HEAD'],
    handle: (req, res) => {
      const started = stateOf() !== 'starting' && holder.loaded;
      const status = started ? 'ok' : 'starting';
      return sendJson(req, res, started ? 200 : 503, connected.any ? { status, connected: connected.publicStatus() } : { status });
    },
  });
  // The public keys connected platforms verify this one's forwarded identities with (SPEC §12).
  route({
    path: '/.well-known/jwks.json',
    methods: ['GET', 'HEAD'],
    handle: async (req, res) => sendJson(req, res, 200, await keys.jwks()),
  });
  // This platform's data schema, for the platforms it lists as connected (signed request, SPEC §12).
  route({
    path: SCHEMA_PATH,
    methods: ['GET'],
    async handle(req, res, url) {
      let asker;
      try {
        asker = await forwarded.verify(authorizationOf(req), req.headers[FORWARDED_HEADER]);
      } catch (err) {
        logForwardedRefusal(err, req.headers.authorization);
        const challenge = bearerChallenge((err as { reason?: AuthenticationFailure }).reason);
        // The region this platform is, as its schema answer says it: a platform that lists another region at
        // this url (a county's url under its city's region) is refused, whatever it signed for, and told so
        // rather than to look at its listing here (connected-schema.ts). A platform's region is no secret.
        await sendJson(req, res, 401, { region: platform.platform.region, errors: [{ message: (err as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] }, { 'WWW-Authenticate': challenge });
        return;
      }
      if (!holder.loaded) {
        await sendJson(req, res, 503, { region: platform.platform.region, errors: [{ message: 'The gateway is starting; try again shortly.', extensions: { code: 'PLATFORM_UNAVAILABLE' } }] });
        return;
      }
      // ?view=department: what the forwarded department may read at all (`govgraph schema print --dept`
      // on the connecting platform), as `schema print --dept` cuts this platform's own schema.
      // Built once per distinct view (plugins/introspection.ts): the forwarding platform names the department.
      const inEffect = holder.schema;
      const version = holder.version;
      const built = url.searchParams.get('view') === 'department' ? await views.viewFor(holder.catalogues, asker.identity.dept) : inEffect;
      // The schema version that reads answered now name in their x-schema-version: the connecting gateway
      // tells by it whether a read's answer came from the text it planned the read on (src/federation/
      // connected/platforms.ts, answerFits). The digest is kept per build: asked every 3 s per platform.
      await sendJson(req, res, 200, {
        region: platform.platform.region,
        name: platform.platform.name,
        version,
        sdl: dataSdl(built.schema, built.model.departments.map((d) => d.department.graphqlName)),
      }, { [SCHEMA_VERSION_HEADER]: digestOf(inEffect) });
    },
  });
  route({
    path: '/readyz',
    methods: ['GET', 'HEAD'],
    async handle(req, res) {
      const state = stateOf();
      // While the audit log's indexes are made (an upgrade's new index over a long log), a request's entry would wait for them.
      // While records an older release stored without a place are placed, a masked list would show them first.
      const status = state !== 'ready' ? state : !(await storeReachable()) ? 'store-unavailable' : auditIndexing() ? 'audit-indexes' : placingRecords() ? 'record-places' : 'ready';
      await sendJson(req, res, status === 'ready' ? 200 : 503, { status });
    },
  });
  route({
    path: '/metrics',
    methods: ['GET', 'HEAD'],
    async handle(req, res) {
      if (!metricsAdmitted(metricsToken, req)) {
        await sendJson(req, res, 401, { error: `/metrics needs the operator's token (${METRICS_TOKEN_ENV}): send Authorization: Bearer <token>` }, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
        return;
      }
      // Connected platforms up: read from their status at each scrape, so there is no second copy to keep.
      for (const s of connected.status()) metrics.connectedUp.set({ namespace: s.namespace }, s.reachable ? 1 : 0);
      await sendBody(req, res, 200, [['Content-Type', metrics.registry.contentType]], await metrics.registry.metrics());
    },
  });
  if (graphiqlEnabled) {
    route({
      path: '/',
      methods: ['GET', 'HEAD'],
      handle: (_req, res) => void res.writeHead(302, { Location: '/graphiql', 'Content-Length': 0 }).end(),
    });
  }
  for (const r of more) route(r);
  return routes;
}

/** Each build's schema version, as its answers' x-schema-version says it (plugins/schema-version.ts). */
const digests = new WeakMap<GatewaySchema, string>();
function digestOf(built: GatewaySchema): string {
  let digest = digests.get(built);
  if (digest === undefined) digests.set(built, (digest = schemaVersionOf(built.sdl)));
  return digest;
}

/** The gateway's handler: each request answered by its route; GraphiQL's own paths go to `graphiql` when it is on. */
export function routeRequest(routes: Map<string, Route>, graphiqlEnabled: boolean, graphiql: GraphiqlHandler, stateOf: () => GatewayState) {
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // While draining, every answer closes its connection, so keep-alive clients move to another instance.
    if (stateOf() === 'draining') res.setHeader('Connection', 'close');
    // Every answer names its request id (operations.md), the refusals given here included: the 400 to a
    // request without Host (or with two) said none.
    res.setHeader('x-request-id', requestIdFor(req));
    const badHost = hostProblem(req);
    if (badHost) {
      res.setHeader('Connection', 'close');
      await sendGraphQLError(req, res, 400, 'BAD_REQUEST', badHost);
      return;
    }
    // Routed by the target as sent: one whose dot segments or backslashes the URL below would resolve could
    // pass a proxy's rule for one path and reach another here (http/request-target.ts).
    const badTarget = targetProblem(req.url);
    if (badTarget) {
      await sendGraphQLError(req, res, 400, 'BAD_REQUEST', badTarget);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway.invalid');
    } catch {
      await sendJson(req, res, 400, { error: 'bad request target' });
      return;
    }
    const path = url.pathname;
    if (graphiqlEnabled && (path === '/graphiql' || path.startsWith('/graphiql/'))) {
      await graphiql(req, res, path.slice('/graphiql'.length));
      return;
    }
    const r = routes.get(path);
    if (!r) {
      await sendJson(req, res, 404, { error: `not found: GraphQL is at /graphql` });
      return;
    }
    if (!r.methods.includes(req.method ?? '')) {
      if (r.path === '/graphql') {
        // Allow as the OPTIONS answer says it (9fc4675): OPTIONS is answered too.
        await sendGraphQLError(req, res, 405, 'BAD_REQUEST', 'GraphQL answers GET and POST only.', { Allow: r.methods.join(', ') });
      } else {
        await sendJson(req, res, 405, { error: `method not allowed; use ${r.methods.join(' or ')}` }, { Allow: r.methods.join(', ') });
      }
      return;
    }
    await r.handle(req, res, url);
  }

  return handle;
}
