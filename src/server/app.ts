// The gateway: Apollo Server 5 on node:http through Apollo's integration API (executeHTTPGraphQLRequest).
// Routes: /graphql, /graphiql (and `/` pointing at it), /healthz, /readyz, /metrics. It listens before the
// schema is loaded, so /readyz can say 503 while starting and while draining (SPEC §15).
// The parts: request-context.ts (the caller and the request's context), graphql-route.ts (/graphql),
// routes.ts (the other routes), drain.ts (connections and the drain), http/ (listening, client errors).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import {
  DEFAULT_CLIENT_IDLE_MS,
  DEFAULT_DRAIN_DELAY_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type Platform,
} from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { GrantCache } from '../access/grant-cache.ts';
import { createVerifier, type ProviderClaims } from '../identity/verify.ts';
import { envSecret, platformSecret } from '../identity/secret.ts';
import type { RequestContext } from '../../resolvers/request.ts';
import { createCursorCodec } from './cursors.ts';
import { createFormatError } from './format-error.ts';
import { createLogger, loggingPlugin } from './plugins/logging.ts';
import { layOutAuditLog, type AuditLayout } from './audit-layout.ts';
import { placeRecordsAtStart, retryPlacingMs, type RecordPlacing } from './record-places.ts';
import { watchImportsLeft, type ImportsLeft } from './unfinished-at-start.ts';
import { auditPlugin } from './plugins/audit.ts';
import { documentHashes } from './recorded-document.ts';
import { deriveDocumentKey } from '../audit/document-hash.ts';
import { checkpointFileFromEnv, startCheckpoints } from '../audit/checkpoint.ts';
import { watchAuditWrites } from '../audit/log.ts';
import { limitsPlugin } from './plugins/limits.ts';
import { documentLimitRules } from '../limits/document.ts';
import { variablesDepth } from '../limits/arguments.ts';
import { promiseKeyRule } from '../federation/promise-keys.ts';
import { knownOperationTypeRule } from '../limits/operation-types.ts';
import { limitsOf, maxPageSize, trustedDocumentsOf } from '../model/platform.ts';
import { TrustedDocumentStore } from '../limits/trusted.ts';
import { watchRateMeter } from '../limits/rates.ts';
import { SchemaHolder, type OperationExecutor } from './schema-holder.ts';
import { schemaChangeLine } from './schema-change-log.ts';
import { namespaceNotYet } from './namespace-not-yet.ts';
import { deadlineGateway, limitedRun } from './deadline.ts';
import { graphiqlHandler } from './graphiql.ts';
import { DepartmentViews, introspectionPlugin } from './plugins/introspection.ts';
import { viewValidationPlugin } from './plugins/view-validation.ts';
import { writtenNumbersPlugin } from './plugins/written-numbers.ts';
import { createMetrics, instrumentStore, metricsPlugin, type GatewayMetrics } from './metrics.ts';
import { createForwardedVerifier } from '../identity/forwarded.ts';
import { PlatformKeys } from '../identity/platform-keys.ts';
import { ConnectedPlatforms } from '../federation/connected/platforms.ts';
import { forwardedPlugin } from './plugins/forwarded.ts';
import { persistedQueriesPlugin } from './plugins/persisted-queries.ts';
import { schemaVersionPlugin } from './plugins/schema-version.ts';
import { documentCachePlugin } from './plugins/document-cache.ts';
import { requestContexts, requestIdFor } from './request-context.ts';
import { graphqlRoute } from './graphql-route.ts';
import { gatewayRoutes, routeRequest, type Route } from './routes.ts';
import { Connections, drainer, type DrainSummary, type GatewayState } from './drain.ts';
import { allowedOrigins } from './http/cors.ts';
import { listen } from './http/listen.ts';
import { answerClientErrors, answerConnects, answerExpectations } from './http/client-error.ts';
import { sendGraphQLError } from './http/respond.ts';
import { METRICS_TOKEN_ENV } from './http/metrics-token.ts';
import { setting } from '../model/settings.ts';

export { ListenError } from './http/listen.ts';
export { clientErrorAnswer } from './http/client-error.ts';
export { KEY_SET_UNAVAILABLE_MESSAGE } from './request-context.ts';
export type { Route } from './routes.ts';
export type { DrainSummary, GatewayState } from './drain.ts';

export interface GatewayOptions {
  platform: Platform;
  store: Store;
  port?: number;
  host?: string;
  /** Apply the access rules (default true); off only in the benchmark measuring their cost. */
  rules?: boolean;
  /** Apply the limits of SPEC §13 (default true); off only in the benchmark measuring their cost (bench/limits.ts). */
  limits?: boolean;
  /** The executor (default graphql-jit); another only in the benchmark comparing executors (bench/executors.ts). */
  executor?: OperationExecutor;
  /** How often to look for newly published catalogues, ms (default 2000; 0 = never). */
  pollMs?: number;
  jwksUrl?: string;
  /** What the identity provider's tokens must name besides (GOVGRAPH_JWT_ISSUER, GOVGRAPH_JWT_AUDIENCE). */
  provider?: ProviderClaims;
  development?: boolean;
  plugins?: ApolloServerPlugin<RequestContext>[];
  /** More routes (exact path): another part of the gateway adds its endpoints here. */
  routes?: Route[];
  log?: (err: unknown) => void;
  /** Request and drain log (pino); default the process's standard output at GOVGRAPH_LOG_LEVEL. */
  logger?: Logger;
  /** Prefilled GraphiQL headers (serve --demo: its token and purpose); placeholders otherwise. */
  graphiqlHeaders?: Record<string, string>;
  /** Overrides of the platform file's `server` settings (tests). */
  server?: Platform['server'];
  /**
   * Signed checkpoints of the audit log's head (src/audit/checkpoint.ts): to the store, and to `file`
   * (default: GOVGRAPH_AUDIT_CHECKPOINTS) when named; every `intervalMs` (default 60 s) while the head
   * moves, and when the gateway stops (after the drain).
   */
  auditCheckpoints?: { file?: string | null; intervalMs?: number };
  /** How often to fetch the connected platforms' schemas, ms (default 3000; 0 = at start only). */
  connectedPollMs?: number;
  /** How soon records left unplaced (the store locked by another process) are tried again, and unfinished imports read again, ms (default record-places.ts's retryPlacingMs()). */
  placingRetryMs?: number;
  /** The token a scrape of /metrics must send (default: GOVGRAPH_METRICS_TOKEN); null: /metrics is open. */
  metricsToken?: string | null;
}


export interface Gateway {
  url: string;
  port: number;
  holder: SchemaHolder;
  secret: Uint8Array;
  metrics: GatewayMetrics;
  httpServer: http.Server;
  /** The platforms this one is connected to (SPEC §12). */
  connected: ConnectedPlatforms;
  keys: PlatformKeys;
  /** starting → ready → draining. */
  readonly state: GatewayState;
  /**
   * Drains (SPEC §15): /readyz says 503 for drainDelayMs while requests are still served (each answer then
   * closes its connection), then new connections are refused, idle keep-alive connections closed, and the
   * requests in flight finish; connections still open at shutdownTimeoutMs are closed. Settles when done.
   */
  drain(): Promise<DrainSummary>;
  /** Stops at once (tests): drain without the delay. */
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { platform } = opts;
  const settings = { ...platform.server, ...opts.server };
  const maxRequestBytes = limitsOf(platform).maxRequestBytes;
  const drainDelayMs = settings.drainDelayMs ?? DEFAULT_DRAIN_DELAY_MS;
  const clientIdleMs = settings.clientIdleMs ?? DEFAULT_CLIENT_IDLE_MS;
  const shutdownTimeoutMs = settings.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const corsOrigins = allowedOrigins(settings.corsOrigins ?? []);
  const logger = opts.logger ?? createLogger();
  const metrics = createMetrics();
  const store = instrumentStore(opts.store, metrics);
  // Grants are read once per change (src/access/grant-cache.ts): the store announces this process's
  // writes to them; other instances' writes are seen on the publication poll.
  const grantCache = new GrantCache(store);
  const secret = await platformSecret(store);
  // With an identity provider (SPEC §7: "keys from GOVGRAPH_JWKS_URL in production") tokens are its own,
  // and HS256 ones are checked only under a secret the operator gives (GOVGRAPH_JWT_SECRET): the secret
  // kept in the store is in every backup, and whoever reads one could sign any department's token.
  const tokenSecret = opts.jwksUrl && !envSecret() ? undefined : secret;
  const verifier = createVerifier({ secret: tokenSecret, jwksUrl: opts.jwksUrl, provider: opts.provider, platform });
  const cursors = createCursorCodec(secret);
  const keys = new PlatformKeys(store);
  const forwarded = createForwardedVerifier({ platform, store });
  const connected = new ConnectedPlatforms(platform, keys, {
    pollMs: opts.connectedPollMs,
    log: (level, message, fields) => logger[level]({ event: 'connected-platform', ...fields }, message),
  });
  const holder = new SchemaHolder(platform, store, {
    rules: opts.rules, pollMs: opts.pollMs, onError: opts.log, extension: connected.any ? connected : undefined, execute: opts.executor,
  });
  holder.watch(grantCache);
  holder.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => metrics.schemaInstalled(coreSupergraphSdl));
  // Each change of the published catalogues served, said once (the first load is the start's).
  let served: string | null = null;
  holder.onSchemaLoadOrUpdate(() => {
    if (served !== null && holder.version !== served) {
      const { fields, message } = schemaChangeLine(served, holder.version);
      logger.info(fields, message);
    }
    served = holder.version;
  });

  const limits = limitsOf(platform);
  // Rates counted on this instance alone while the store cannot be written (src/limits/rates.ts): said once each way.
  const unwatchRates = watchRateMeter(store, (e) => {
    if (e.alone) logger.warn({ event: 'rate-meter', alone: true, reason: e.reason }, 'rate buckets: the store cannot be written; this instance counts requests alone');
    else logger.info({ event: 'rate-meter', alone: false, paid: e.paid }, 'rate buckets: the store is written again; the requests counted alone are paid into it');
  });
  // Requests get AUDIT_UNAVAILABLE without the cause (a full disk, a read-only file): the log says it, once.
  let auditFailing = false;
  const unwatchAudit = watchAuditWrites(store, (e) => {
    auditFailing = !e.available;
    if (!e.available) logger.error({ event: 'audit-log', available: false, reason: e.reason }, 'audit log: cannot be written; requests that read data get AUDIT_UNAVAILABLE');
    else logger.info({ event: 'audit-log', available: true }, 'audit log: written again');
  });
  // The embedded store's files deleted, replaced or restored under the gateway (src/store/sqlite/file-watch.ts):
  // said once, when the store finds it (/readyz asking, a write, or its own check each second).
  (opts.store as { whenFileGone?: (listener: (reason: string) => void) => void }).whenFileGone?.((reason) =>
    logger.error({ event: 'store-file', reason }, 'store files changed under the gateway: not ready, every request refused; restart the gateway on the store file (restore it from a backup if it was deleted)'),
  );
    // The department views of the schema: for introspection, and for connected platforms' `?view=department`.
  const views = new DepartmentViews(platform, connected.any ? connected : undefined);
  const trusted = new TrustedDocumentStore(trustedDocumentsOf(platform), (message) => logger.warn(message));
  // The audit log records a manifest's document by its SHA-256, any other by a hash keyed with the secret (SPEC §10).
  const documents = documentHashes(deriveDocumentKey(secret), trusted);
  const formatError = createFormatError({
    development: opts.development ?? false, log: opts.log, maxTokens: limits.maxTokens,
    // Its status as /healthz says it (no url); only while no schema of it was ever had.
    namespaceNotYet: (field) => namespaceNotYet(connected.publicStatus(), field),
  });
  // SPEC §13's time limit and the departments' turns (src/server/deadline.ts), around the holder's executor
  // and the department's introspection, which the introspection plugin answers before it.
  const limited = opts.limits === false ? undefined : limitedRun({ ...limits, namespaces: platform.connected.map((c) => c.namespace) });
  const server = new ApolloServer<RequestContext>({
    gateway: limited ? deadlineGateway(holder, limited) : holder,
    // `serve` handles SIGTERM/SIGINT with the drain; Apollo's own handler would stop the server at once and
    // send the signal again, cutting the drain short (and the audit log's last checkpoint with it).
    stopOnTerminationSignals: false,
    introspection: settings.introspection ?? true, // behind authentication (the context refuses anonymous requests), per department (plugins/introspection.ts)
    includeStacktraceInErrorResponses: opts.development ?? false,
    formatError,
    // SPEC §13: the document's limits, checked once per document (Apollo caches validated documents).
    ...(opts.limits === false ? {} : { parseOptions: { maxTokens: limits.maxTokens } }),
    validationRules: [knownOperationTypeRule, ...(opts.limits === false ? [] : documentLimitRules(limits, maxPageSize(platform))), promiseKeyRule(platform)],
    // documentId and extensions.persistedQuery are looked up in the trusted documents' manifests, then
    // in the requester's own APQ registrations (plugins/persisted-queries.ts).
    persistedQueries: { cache: trusted.cache },
    // Parsed and validated documents are cached by plugins/document-cache.ts, per schema and bounded by their
    // texts too (src/server/document-store.ts): Apollo's own cache printed the whole schema at each
    // publication to key it, and its default counted a document's AST only (megabytes of comment kept).
    documentStore: null,
    // Compact JSON: Apollo pretty-prints by default, which costs a tenth of a 100-record response.
    stringifyResult: (value) => JSON.stringify(value),
    plugins: [
      // The context was made before Apollo picked the request's schema: a publication in between leaves
      // the context with the catalogues of the schema before. The request's own build's, from here on.
      {
        async requestDidStart(rc) {
          const built = holder.buildOf(rc.schema);
          if (built) rc.contextValue.published = built.catalogues;
        },
      },
      // No per-field cache hints are used, and Apollo's landing page loads from a CDN: both off.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // Before the limits: the variables they read are the ones the operation will run with.
      writtenNumbersPlugin,
      forwardedPlugin,
      persistedQueriesPlugin(trusted),
      documentCachePlugin(), // parsed and validated documents, per schema (in place of Apollo's documentStore)
      // Trusted documents, rates, filter bounds, masked probes: before the operation runs.
      ...(opts.limits === false ? [] : [limitsPlugin(platform, store, { model: (schema) => holder.buildOf(schema)?.model ?? holder.schema.model, trusted, documents, warn: (fields, message) => logger.warn(fields, message) })]),
      auditPlugin(documents),
      loggingPlugin(logger), // one structured line per request (GOVGRAPH_LOG_LEVEL)
      metricsPlugin(metrics),
      schemaVersionPlugin((schema) => holder.buildOf(schema)?.sdl), // x-schema-version: the build that answered
      // Introspection answers with the department's view of the schema (`schema print --dept`).
      introspectionPlugin(views, limited),
      // A refused document's errors as the department's view gives them: nothing of the rest of the schema.
      viewValidationPlugin(views, formatError),
      ...(opts.plugins ?? []),
    ],
  });

  // The file the checkpoints go to, and verifyAuditChain reads: one, so that a gateway given a file of its
  // own (opts) is not checked against GOVGRAPH_AUDIT_CHECKPOINTS, or against the store alone.
  const checkpointFile = opts.auditCheckpoints?.file === undefined ? checkpointFileFromEnv() : opts.auditCheckpoints.file;
  const { verifyCaller, context, refusedBodyRate, logForwardedRefusal } = requestContexts({
    platform, store, holder, grantCache, verifier, forwarded, cursors, trusted, documents, limits,
    limitsOn: opts.limits !== false, checkpointFile, logger, log: opts.log,
  });

  let state: GatewayState = 'starting';
  let auditLayout: AuditLayout | undefined;
  let recordPlacing: RecordPlacing | undefined;
  let importsLeft: ImportsLeft | undefined;
  const stateOf = () => state;
  const graphiqlEnabled = settings.graphiql ?? true;
  const graphiql = graphiqlHandler({
    graphqlPath: '/graphql',
    defaultHeaders: opts.graphiqlHeaders,
    purposes: platform.purposes.map((p) => p.code),
    // Its welcome text tells when the Docs cannot load: introspection off, or refused under `require`.
    schema: settings.introspection === false ? 'off' : trustedDocumentsOf(platform).mode === 'require' ? 'untrusted' : 'introspection',
  });
  const graphql = graphqlRoute({ server, corsOrigins, graphiqlEnabled, maxRequestBytes, variablesDepth: variablesDepth(limitsOf(platform)), clientIdleMs, stateOf, verifyCaller, context, refusedBodyRate,
    namesOneDocument: (documentIdHash, sha256Hash) => trusted.namesOneDocument(documentIdHash, sha256Hash) });
  const routes = gatewayRoutes(
    {
      platform, store, holder, connected, keys, forwarded, views, metrics, graphiqlEnabled, stateOf, logForwardedRefusal,
      auditFailing: () => auditFailing,
      auditIndexing: () => auditLayout?.pending ?? true,
      placingRecords: () => recordPlacing?.pending ?? true,
      metricsToken: opts.metricsToken === undefined ? (setting(METRICS_TOKEN_ENV) ?? null) : opts.metricsToken,
    },
    graphql,
    opts.routes ?? [],
  );
  const handle = routeRequest(routes, graphiqlEnabled, graphiql, stateOf);

  const connections = new Connections();
  // requireHostHeader off: node's own refusal of an HTTP/1.1 request without Host is a bare 400 (no JSON);
  // routeRequest refuses it in JSON (hostProblem), and two Host headers too.
  const httpServer = http.createServer({ requireHostHeader: false }, (req, res) => {
    connections.request(req, res);
    // An answer handed to the socket (res.end) that the client stops taking is given up after clientIdleMs:
    // a client that never reads would otherwise hold its connection and the whole answer in memory for as
    // long as it likes (node has no such bound). With no 'timeout' listener, node destroys the socket. Only
    // from here: while the gateway works on a request the connection is rightly silent; once the answer
    // is taken, a kept-alive connection gets node's keepAliveTimeout instead.
    res.once('prefinish', () => req.socket.setTimeout(clientIdleMs));
    const path = (req.url ?? '').split('?')[0];
    const label = routes.has(path) ? path : path.startsWith('/graphiql') ? '/graphiql' : 'other';
    res.once('finish', () => metrics.http.inc({ route: label, status: res.statusCode }));
    handle(req, res).catch((err) => {
        // A bug, not an answer: logged as an error object (no body, no headers); the client gets JSON.
        opts.log?.(err);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        void sendGraphQLError(req, res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.').catch(() => res.destroy());
      });
  });
  connections.watch(httpServer);
  answerClientErrors(httpServer);
  answerConnects(httpServer);
  answerExpectations(httpServer, (req, res) => {
    connections.request(req, res);
    res.setHeader('x-request-id', requestIdFor(req)); // named as every answer is (routes.ts)
  });

  const host = opts.host ?? '127.0.0.1';
  await listen(httpServer, opts.port ?? 4000, host);
  try {
    await server.start();
    // A connected platform that is down does not stop the start: its namespace comes when it answers.
    await connected.start();
  } catch (err) {
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
    throw err;
  }
  // After the start, whose own writes (keys, the secret) must not wait for a build; /readyz says 503 until
  // done. Records an older release stored without a place in a masked key's list: found now, placed after
  // the start (/readyz says 503 `record-places` until done; record-places.ts). The two reads at once (each
  // a round trip on MongoDB; the records', a dozen resources at a time).
  [auditLayout, recordPlacing] = await Promise.all([layOutAuditLog(store, logger), placeRecordsAtStart(store, holder.catalogues, logger, opts.placingRetryMs)]);
  // A publication this gateway installs from now on (the poll, or a publish it served): the records of the
  // resources new to it placed too, after the start's (not awaited; ready meanwhile). Called at once with
  // the schema in effect, so one installed during the start's reads is not missed (its resources read once).
  const unwatchPublications = holder.onSchemaLoadOrUpdate(() => recordPlacing?.published(holder.catalogues));
  metrics.watchUnfinished('record-places', () => recordPlacing?.unfinished ?? 0);
  // The data imports the audit log holds unfinished (killed midway, mostly): said once in the log, counted
  // by the gauge until an import of their resource writes its records (unfinished-at-start.ts). Not awaited.
  importsLeft = watchImportsLeft(store, () => holder.catalogues, logger, opts.placingRetryMs ?? retryPlacingMs());
  metrics.watchUnfinished('data-import', () => importsLeft?.unfinished ?? 0);
  state = 'ready';
  const port = (httpServer.address() as AddressInfo).port;
  const checkpoints = startCheckpoints(store, {
    file: checkpointFile,
    intervalMs: opts.auditCheckpoints?.intervalMs,
    log: opts.log,
  });
  const shownHost = host !== '0.0.0.0' && host !== '::' ? (host.includes(':') ? `[${host}]` : host) : '127.0.0.1';

  const drain = drainer({
    httpServer,
    connections,
    shutdownTimeoutMs,
    logger,
    setState: (s) => {
      state = s;
    },
    async stop() {
      await server.stop();
      await holder.stop();
      await checkpoints.stop(); // the head as the last request left it
      connected.stop();
      grantCache.stop();
      unwatchRates();
      unwatchAudit();
      auditLayout?.stop();
      unwatchPublications();
      recordPlacing?.stop();
      importsLeft?.stop();
    },
  });

  return {
    url: `http://${shownHost}:${port}`,
    port,
    holder,
    secret,
    metrics,
    httpServer,
    connected,
    keys,
    get state() {
      return state;
    },
    drain: () => drain(drainDelayMs),
    async close() {
      await drain(0);
    },
  };
}
