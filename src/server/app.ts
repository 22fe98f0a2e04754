// The gateway: Apollo Server 5 on node:http through Apollo's integration API (executeHTTPGraphQLRequest).
// Routes: /graphql, /graphiql (and `/` pointing at it), /healthz, /readyz, /metrics. It listens before the
// schema is loaded, so /readyz can say 503 while starting and while draining (SPEC §15).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import {
  closingMs,
  DEFAULT_CLIENT_IDLE_MS,
  DEFAULT_DRAIN_DELAY_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type Platform,
} from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { accessProfile, createAccessContext, profileDecisions, type ProfileDecisions } from '../access/context.ts';
import { LRUCache } from 'lru-cache';
import { GrantCache } from '../access/grant-cache.ts';
import { counterKey, createVerifier, type Identity, type ProviderClaims } from '../identity/verify.ts';
import { KeySetUnavailableError } from '../identity/errors.ts';
import { parsePurpose } from '../identity/purpose.ts';
import { envSecret, platformSecret } from '../identity/secret.ts';
import type { RequestContext } from '../../resolvers/request.ts';
import { createCursorCodec } from './cursors.ts';
import { createFormatError } from './format-error.ts';
import { createLogger, loggingPlugin, noteRefused, noteRefusalReason } from './plugins/logging.ts';
import { auditPlugin, auditRefusal, documentHash, leadingOperationName } from './plugins/audit.ts';
import { recordedDocumentHash, recordedOperationName } from '../audit/entry.ts';
import { checkpointFileFromEnv, startCheckpoints } from '../audit/checkpoint.ts';
import { watchAuditWrites } from '../audit/log.ts';
import { limitsPlugin, notTrusted } from './plugins/limits.ts';
import { documentLimitRules } from '../limits/document.ts';
import { promiseKeyRule } from '../federation/promise-keys.ts';
import { limitsOf, maxPageSize, trustedDocumentsOf } from '../model/platform.ts';
import { TrustedDocumentStore, persistedQueryProblem, sentDocument, withDocumentId, withDocumentIdParam, type SentDocument } from '../limits/trusted.ts';
import { takeRequest, watchRateMeter } from '../limits/rates.ts';
import { foldedNote, RateRefusalEntries } from '../limits/rate-entries.ts';
import { SchemaHolder, type OperationExecutor } from './schema-holder.ts';
import { deadlineGateway } from './deadline.ts';
import { Cancellation } from '../limits/cancel.ts';
import { graphiqlHandler } from './graphiql.ts';
import { DepartmentViews, introspectionPlugin } from './plugins/introspection.ts';
import { BodyError, isJsonMediaType, parseJsonBody, readBody } from './http/body.ts';
import { writtenNumbersPlugin } from './plugins/written-numbers.ts';
import { handleCors } from './http/cors.ts';
import { sendBody, sendGraphQLError, sendJson } from './http/respond.ts';
import { createMetrics, instrumentStore, metricsPlugin, type GatewayMetrics } from './metrics.ts';
import { SETTINGS } from '../identity/secret.ts';
import { claimsForwarded, createForwardedVerifier, FORWARDED_HEADER } from '../identity/forwarded.ts';
import { PlatformKeys } from '../identity/platform-keys.ts';
import { ConnectedPlatforms, SCHEMA_PATH } from '../federation/connected.ts';
import { dataSdl } from '../federation/data-sdl.ts';
import { forwardedPlugin } from './plugins/forwarded.ts';
import { persistedQueriesPlugin } from './plugins/persisted-queries.ts';
import { createDocumentStore } from './document-store.ts';

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
}

/** The caller of a request as its token says (verified before its body is read), or why it was refused. */
type Caller =
  | { ok: true; identity: Identity; sentPurpose: string | string[] | undefined }
  | { ok: false; error: unknown; claimedForwarded: boolean };

/** A route of the gateway: an exact path, the methods it answers, and its handler. */
export interface Route {
  path: string;
  methods: readonly string[];
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void | Promise<void>;
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

export type GatewayState = 'starting' | 'ready' | 'draining' | 'stopped';

export interface DrainSummary {
  durationMs: number;
  /** Connections that were still open at the deadline and were closed by force. */
  forcedConnections: number;
}

/** Listening failed (busy port, address not available): a message for the operator, no stack. */
export class ListenError extends Error {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

function authError(err: unknown): GraphQLError {
  if (err instanceof KeySetUnavailableError) {
    // The identity provider's keys could not be fetched: not the client's token, and nothing it can fix.
    return new GraphQLError(KEY_SET_UNAVAILABLE_MESSAGE, {
      extensions: { code: 'PLATFORM_UNAVAILABLE', http: { status: 503, headers: new HeaderMap([['retry-after', '5']]) } },
    });
  }
  const code = (err as { code?: string }).code;
  if (code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT') {
    return new GraphQLError((err as Error).message, {
      extensions: { code, http: { status: code === 'UNAUTHENTICATED' ? 401 : 400 } },
    });
  }
  return err as GraphQLError;
}

export const KEY_SET_UNAVAILABLE_MESSAGE =
  "Tokens signed by the identity provider cannot be checked now: the platform cannot fetch the provider's keys. Try again shortly; the platform's operators have the reason in the gateway's log.";

/** What a refusal's audit entry says of the document sent: its operation's name and its hash. */
function refusedDocument(sent: HTTPGraphQLRequest, document = sentDocument(sent.body, sent.search)) {
  return { operationName: sentOperationName(sent), documentHash: recordedDocumentHash(document.hash ?? (document.query === undefined ? null : documentHash(document.query))) };
}

/**
 * The operation name of a request before its document is parsed: the one it sends (POST body or GET
 * parameter), else that of a document that starts with a named operation.
 */
function sentOperationName(sent: HTTPGraphQLRequest): string | null {
  const body = sent.body;
  const params = body === undefined ? new URLSearchParams(sent.search) : undefined;
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const name = params ? params.get('operationName') : fields?.operationName;
  if (typeof name === 'string') return recordedOperationName(name);
  const query = params ? params.get('query') : fields?.query;
  return typeof query === 'string' ? recordedOperationName(leadingOperationName(query)) : null;
}

/** A caller's x-request-id when it is a plain token (it goes into logs and the audit log), else a new one. */
function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
}

function headerMap(req: http.IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const where = `${host}:${port}`;
      if (err.code === 'EADDRINUSE') reject(new ListenError(`port ${port} on ${host} is in use; stop what uses it or choose another with --port N (env PORT)`, err.code));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new ListenError(`cannot listen on ${where}: no such address on this machine; choose another with --host ADDR (env HOST)`, err.code));
      else if (err.code === 'EACCES') reject(new ListenError(`not allowed to listen on ${where}; ports below 1024 need privileges, choose another with --port N`, err.code));
      else reject(new ListenError(`cannot listen on ${where} (${err.code ?? err.message})`, err.code ?? 'LISTEN_FAILED'));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * The answer to a request node's HTTP parser refused (its `clientError`), by the error's code: headers over
 * node's limit (16 KiB) 431, a request not received in time 408, anything else 400; node's own answers.
 */
export function clientErrorAnswer(code: string | undefined): { status: number; reason: string; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, reason: 'Request Header Fields Too Large', message: 'The request headers are too large (node\'s limit of 16 KiB in all).' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, reason: 'Request Timeout', message: 'The request did not arrive in time: its headers within 60 s, or the whole request within 300 s.' };
  }
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') {
    return { status: 413, reason: 'Payload Too Large', message: 'The request\'s chunk extensions are too large.' };
  }
  return { status: 400, reason: 'Bad Request', message: 'The request is not valid HTTP.' };
}

/** The access profiles whose decisions a gateway keeps (each a few hundred small objects at most). */
const DECISION_PROFILES = 2000;

/** How long a connection accepted during the drain may take to send its first request. */
const IDLE_GRACE_MS = 1000;
/** A refused forwarded request is logged at most once a minute per platform and failure, of so many pairs. */
const FORWARDED_REFUSAL_REPEAT_MS = 60_000;
const FORWARDED_REFUSALS_KEPT = 256;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { platform } = opts;
  const settings = { ...platform.server, ...opts.server };
  const maxRequestBytes = limitsOf(platform).maxRequestBytes;
  const drainDelayMs = settings.drainDelayMs ?? DEFAULT_DRAIN_DELAY_MS;
  const clientIdleMs = settings.clientIdleMs ?? DEFAULT_CLIENT_IDLE_MS;
  const shutdownTimeoutMs = settings.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const corsOrigins = new Set(settings.corsOrigins ?? []);
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

  const limits = limitsOf(platform);
  // Rates counted on this instance alone while the store cannot be written (src/limits/rates.ts): said once each way.
  const unwatchRates = watchRateMeter(store, (e) => {
    if (e.alone) logger.warn({ event: 'rate-meter', alone: true, reason: e.reason }, 'rate buckets: the store cannot be written; this instance counts requests alone');
    else logger.info({ event: 'rate-meter', alone: false, paid: e.paid }, 'rate buckets: the store is written again; the requests counted alone are paid into it');
  });
  // Requests get AUDIT_UNAVAILABLE without the cause (a full disk, a read-only file): the log says it, once.
  const unwatchAudit = watchAuditWrites(store, (e) => {
    if (!e.available) logger.error({ event: 'audit-log', available: false, reason: e.reason }, 'audit log: cannot be written; requests that read data get AUDIT_UNAVAILABLE');
    else logger.info({ event: 'audit-log', available: true }, 'audit log: written again');
  });
  // The department views of the schema: for introspection, and for connected platforms' `?view=department`.
  const views = new DepartmentViews(platform, connected.any ? connected : undefined);
  const trusted = new TrustedDocumentStore(trustedDocumentsOf(platform), (message) => logger.warn(message));
  const server = new ApolloServer<RequestContext>({
    // SPEC §13's time limit around the holder's executor (src/server/deadline.ts).
    gateway: opts.limits === false ? holder : deadlineGateway(holder, limits.timeoutMs),
    // `serve` handles SIGTERM/SIGINT with the drain; Apollo's own handler would stop the server at once and
    // send the signal again, cutting the drain short (and the audit log's last checkpoint with it).
    stopOnTerminationSignals: false,
    introspection: settings.introspection ?? true, // behind authentication (the context refuses anonymous requests), per department (plugins/introspection.ts)
    includeStacktraceInErrorResponses: opts.development ?? false,
    formatError: createFormatError({ development: opts.development ?? false, log: opts.log, maxTokens: limits.maxTokens }),
    // SPEC §13: the document's limits, checked once per document (Apollo caches validated documents).
    ...(opts.limits === false ? {} : { parseOptions: { maxTokens: limits.maxTokens } }),
    validationRules: [...(opts.limits === false ? [] : documentLimitRules(limits, maxPageSize(platform))), promiseKeyRule(platform)],
    // documentId and extensions.persistedQuery are looked up in the trusted documents' manifests, then
    // in the requester's own APQ registrations (plugins/persisted-queries.ts).
    persistedQueries: { cache: trusted.cache },
    // Parsed and validated documents, bounded by their texts too (src/server/document-store.ts): Apollo's
    // default cache counts a document's AST only, and kept megabytes of comment for a few hundred bytes.
    documentStore: createDocumentStore(),
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
      // Trusted documents, rates, filter bounds, masked probes: before the operation runs.
      ...(opts.limits === false ? [] : [limitsPlugin(platform, store, { model: (schema) => holder.buildOf(schema)?.model ?? holder.schema.model, trusted, warn: (fields, message) => logger.warn(fields, message) })]),
      auditPlugin,
      loggingPlugin(logger), // one structured line per request (GOVGRAPH_LOG_LEVEL)
      metricsPlugin(metrics),
      // Introspection answers with the department's view of the schema (`schema print --dept`).
      introspectionPlugin(views),
      ...(opts.plugins ?? []),
    ],
  });

  const limitsOn = opts.limits !== false;
  // Bounded: a profile not kept takes its decisions afresh, as every request did before (issue 10: 1,000
  // profiles cost no more per request than one).
  const decisionsByProfile = new LRUCache<string, ProfileDecisions>({ max: DECISION_PROFILES });
  const trustMode = trusted.config.mode;
  const rateEntries = new RateRefusalEntries();
  const refusedAs = (err: unknown, requestId: string, identity: Identity, sent: HTTPGraphQLRequest) =>
    noteRefused(err, { requestId, department: identity.dept.code, ...(identity.via ? { via: identity.via } : {}), operationName: sentOperationName(sent) });
  // A refused forwarded request, for this platform's operator (SPEC §12): the caller is told one message,
  // the log which platform and why. A platform listed on one side only, or at a url whose keys are another
  // gateway's, is refused at each schema ask (every 3 s) and request: said at most once a minute per
  // platform and failure (the oldest pair forgotten past FORWARDED_REFUSALS_KEPT).
  const saidRefusals = new Map<string, number>();
  const logForwardedRefusal = (err: unknown, authorization: string | undefined): void => {
    const refusal = forwarded.refusal(err, authorization);
    if (!refusal) return;
    const key = `${refusal.platform}|${refusal.failure}`;
    const now = Date.now();
    const last = saidRefusals.get(key);
    if (last !== undefined && now - last < FORWARDED_REFUSAL_REPEAT_MS) return;
    saidRefusals.delete(key);
    saidRefusals.set(key, now);
    if (saidRefusals.size > FORWARDED_REFUSALS_KEPT) saidRefusals.delete(saidRefusals.keys().next().value!);
    logger.warn({ event: 'forwarded-refused', ...refusal }, 'forwarded request refused');
  };
  /**
   * The caller of a request, verified once, before its body is read (graphql() below): a request without a
   * good token is refused by the context with nothing of its body read or held, so clients without a token
   * cannot make the gateway hold a body each (up to maxRequestBytes, trickled for minutes) on many
   * connections. Settled, never rejected: the context answers a failure as it always has.
   */
  const verifyCaller = async (req: http.IncomingMessage): Promise<Caller> => {
    let claimedForwarded = false;
    try {
      // A department token verified before and still valid is known: its claims were looked at then.
      const known = req.headers[FORWARDED_HEADER] === undefined ? verifier.known(req.headers.authorization) : undefined;
      if (!known && claimsForwarded(req.headers)) {
        // A request forwarded by a connected platform (SPEC §12): its signed identity and purpose, only.
        claimedForwarded = true;
        const f = await forwarded.verify(req.headers.authorization, req.headers[FORWARDED_HEADER]);
        return { ok: true, identity: f.identity, sentPurpose: f.purpose ?? undefined };
      }
      return { ok: true, identity: known ?? (await verifier.verify(req.headers.authorization)), sentPurpose: req.headers['x-purpose'] };
    } catch (error) {
      return { ok: false, error, claimedForwarded };
    }
  };
  // The file the checkpoints go to, and verifyAuditChain reads: one, so that a gateway given a file of its
  // own (opts) is not checked against GOVGRAPH_AUDIT_CHECKPOINTS, or against the store alone.
  const checkpointFile = opts.auditCheckpoints?.file === undefined ? checkpointFileFromEnv() : opts.auditCheckpoints.file;
  const context = async (req: http.IncomingMessage, sent: HTTPGraphQLRequest, cancel: Cancellation, caller: Caller): Promise<RequestContext> => {
    if (!caller.ok) {
      const err = caller.error;
      if (err instanceof KeySetUnavailableError) opts.log?.(err); // the reason, for the operator (said once a minute)
      if (caller.claimedForwarded) logForwardedRefusal(err, req.headers.authorization);
      throw noteRefusalReason(authError(err), err); // which check failed, for the log line (not the client)
    }
    const { identity, sentPurpose } = caller;
    const now = new Date();
    const requestId = requestIdOf(req.headers['x-request-id']);
    // A refusal from here on is of a known department: its log line, metrics and audit entry say so (refusedAs).
    let purpose: string | null = null;
    let badPurpose: GraphQLError | null = null;
    try {
      purpose = parsePurpose(sentPurpose, platform);
    } catch (err) {
      badPurpose = authError(err);
    }
    if (limitsOn) {
      // SPEC §13, before anything that costs: the rate buckets first (from this instance's leases, a store
      // step when a lease is due: src/limits/rates.ts), before grants, parsing or any read; then, under
      // `require`, a document not in the manifests (an unknown hash included). Every request of a known
      // department takes its token, refused or not: each refusal writes an audit entry (SPEC §10), so a
      // stream of them meets the rate, and once the bucket is empty one entry stands for them all.
      let refusal: GraphQLError | null = null;
      let document: SentDocument | undefined;
      if (limits.rate.perUser || limits.rate.perDepartment || (identity.via && limits.rate.perPlatform)) {
        // A promise only when a store step is due; from a lease the answer is at hand.
        let taken = takeRequest(store, limits.rate, { dept: counterKey(identity), user: identity.user, via: identity.via }, now.getTime());
        if (taken instanceof Promise) {
          try {
            taken = await taken;
          } catch (err) {
            throw refusedAs(err, requestId, identity, sent); // a bug: a store not written makes the instance count alone
          }
        }
        refusal = taken;
      }
      // A request forwarded by a connected platform is that platform's delegation of its own client's
      // document (graphql-tools' text, in no client's manifest), checked against its own manifests there;
      // here it may read the departments' data fields only (SPEC §12). Under `require` every namespace
      // read of every connected platform was refused, while /healthz and `platform status` said reachable.
      if (!refusal && trustMode === 'require' && !badPurpose && !identity.via) {
        document = sentDocument(sent.body, sent.search);
        if (!trusted.admits(document, limits.maxTokens)) refusal = notTrusted(document.hash ?? (document.query === undefined ? undefined : documentHash(document.query)));
      }
      if (refusal) {
        // A rate refusal is written for the first refusal of its bucket only, until the bucket has a token
        // again (src/limits/rate-entries.ts): the rest read nothing and are counted in the metrics.
        const rateKey = { dept: counterKey(identity), user: identity.user, via: identity.via };
        if (rateEntries.folded(refusal, rateKey, now.getTime())) throw refusedAs(refusal, requestId, identity, sent);
        const rated = refusal.extensions.code === 'RATE_LIMITED';
        const answer = await auditRefusal(store, { requestId, identity, purpose }, refusedDocument(sent, document), refusal, rated ? foldedNote(refusal) : '');
        if (rated && answer === refusal) rateEntries.wrote(refusal, rateKey, now.getTime());
        throw refusedAs(answer, requestId, identity, sent);
      }
    }
    if (badPurpose) {
      // An unknown purpose is refused like a limit: with its entry (SPEC §10), the purpose as sent in its
      // message. Only once its rate is taken: each refusal writes an audit entry, so a stream of them
      // must meet the rate as any requests do.
      const answer = await auditRefusal(store, { requestId, identity, purpose: null }, refusedDocument(sent), badPurpose);
      throw refusedAs(answer, requestId, identity, sent);
    }
    let grants;
    try {
      grants = await grantCache.activeFor(identity.dept.code, now);
    } catch (err) {
      throw refusedAs(err, requestId, identity, sent); // STORE_UNAVAILABLE
    }
    // The access decisions of this department, purpose and set of active grants, as earlier requests took them.
    const profile = accessProfile({ requester: identity.dept, purpose, grants });
    let decisions = decisionsByProfile.get(profile);
    if (!decisions) decisionsByProfile.set(profile, (decisions = profileDecisions()));
    return {
      requestId,
      platform,
      store,
      cancel,
      identity,
      purpose,
      now,
      access: createAccessContext({ requester: identity.dept, purpose, grants, now }, decisions),
      grants,
      cursors,
      loaders: new Map(),
      records: new Map(),
      reads: new Map(),
      schema: holder,
      forwards: [],
      checkpointFile,
      published: holder.catalogues,
    };
  };

  let state: GatewayState = 'starting';

  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    // Answers hold records (personal data among them) for one requester: no cache may keep them, not
    // even the browser's own for a GET.
    res.setHeader('Cache-Control', 'no-store');
    if (handleCors(req, res, corsOrigins)) return;
    // An OPTIONS that is no CORS preflight, and a GET naming no operation (a browser opened the URL):
    // Apollo answers both with its CSRF message, which names headers, not what is missing.
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { Allow: 'GET, POST, OPTIONS', 'Content-Length': 0 }).end();
      return;
    }
    if (req.method === 'GET' && !['query', 'documentId', 'extensions'].some((p) => url.searchParams.has(p))) {
      if (graphiqlEnabled && /\btext\/html\b/.test(req.headers.accept ?? '')) {
        res.writeHead(302, { Location: '/graphiql', 'Content-Length': 0 }).end();
        return;
      }
      await sendGraphQLError(req, res, 400, 'BAD_REQUEST', `GET ${url.pathname} names no operation: send a query by POST with a JSON body {"query": "…"}, or by GET with a \`query\` (or \`documentId\`) parameter and the header \`apollo-require-preflight: true\`.${graphiqlEnabled ? ' GraphiQL, to try queries in a browser, is at /graphiql.' : ''}`);
      return;
    }
    if (state !== 'ready' && state !== 'draining') {
      await sendGraphQLError(req, res, 503, 'PLATFORM_UNAVAILABLE', 'The gateway is starting; try again shortly.', { 'Retry-After': '1' });
      return;
    }
    // The token first: without a good one the body is not read (verifyCaller), and the connection closes
    // after the refusal, so whatever the client still sends of it is never taken.
    const caller = await verifyCaller(req);
    let body: unknown;
    if (req.method === 'POST' && !caller.ok) res.setHeader('Connection', 'close');
    else if (req.method === 'POST') {
      try {
        const bytes = await readBody(req, maxRequestBytes, clientIdleMs);
        // Apollo answers a POST without a JSON media type itself (400, JSON), as GraphQL over HTTP says.
        if (isJsonMediaType(req.headers['content-type'])) body = withDocumentId(parseJsonBody(bytes));
      } catch (err) {
        if (!(err instanceof BodyError)) throw err;
        // The rest of an oversized, stalled or compressed body is not read: the connection closes after the answer.
        if (err.status === 413 || err.status === 408 || err.status === 415) res.setHeader('Connection', 'close');
        await sendGraphQLError(req, res, err.status, 'BAD_REQUEST', err.message);
        return;
      }
    }
    // A persisted query whose version or hash is wrong (the hash not the text's): the client's error. Apollo
    // refuses it too, but without a code (INTERNAL_SERVER_ERROR, as if the gateway had failed).
    // A GET names a persisted document by `documentId` as a POST body does.
    const search = req.method === 'GET' ? withDocumentIdParam(url.search) : url.search;
    const persisted = caller.ok ? persistedQueryProblem(body, search) : undefined;
    if (persisted) {
      await sendGraphQLError(req, res, 400, 'BAD_REQUEST', persisted);
      return;
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method ?? 'GET',
      headers: headerMap(req),
      search,
      body,
    };
    // A client that leaves before its answer is sent cancels its query: nothing more is read for it.
    const cancel = new Cancellation();
    res.once('close', () => res.writableEnded || cancel.cancel('client-closed'));
    const answer = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context(req, httpGraphQLRequest, cancel, caller) });
    if (answer.body.kind === 'complete') {
      await sendBody(req, res, answer.status ?? 200, answer.headers, answer.body.string);
      return;
    }
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  }

  // /readyz asks the store at most once a second.
  let storeCheck: { at: number; ok: Promise<boolean> } | null = null;
  const storeReachable = (): Promise<boolean> => {
    if (!storeCheck || Date.now() - storeCheck.at > 1000) {
      const ok = Promise.race([
        store.count(SETTINGS).then(() => true, () => false),
        sleep(2000).then(() => false),
      ]);
      storeCheck = { at: Date.now(), ok };
    }
    return storeCheck.ok;
  };

  const graphiqlEnabled = settings.graphiql ?? true;
  const graphiql = graphiqlHandler({
    graphqlPath: '/graphql',
    defaultHeaders: opts.graphiqlHeaders,
    purposes: platform.purposes.map((p) => p.code),
  });
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
      const started = state !== 'starting' && holder.loaded;
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
        asker = await forwarded.verify(req.headers.authorization, req.headers[FORWARDED_HEADER]);
      } catch (err) {
        logForwardedRefusal(err, req.headers.authorization);
        await sendJson(req, res, 401, { errors: [{ message: (err as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
      if (!holder.loaded) {
        await sendJson(req, res, 503, { errors: [{ message: 'The gateway is starting; try again shortly.', extensions: { code: 'PLATFORM_UNAVAILABLE' } }] });
        return;
      }
      // ?view=department: what the forwarded department may read at all (`govgraph schema print --dept`
      // on the connecting platform), as `schema print --dept` cuts this platform's own schema.
      // Built once per distinct view (plugins/introspection.ts): the forwarding platform names the department.
      const built = url.searchParams.get('view') === 'department' ? await views.viewFor(holder.catalogues, asker.identity.dept) : holder.schema;
      await sendJson(req, res, 200, {
        region: platform.platform.region,
        name: platform.platform.name,
        version: holder.version,
        sdl: dataSdl(built.schema, built.model.departments.map((d) => d.department.graphqlName)),
      });
    },
  });
  route({
    path: '/readyz',
    methods: ['GET', 'HEAD'],
    async handle(req, res) {
      const status = state !== 'ready' ? state : (await storeReachable()) ? 'ready' : 'store-unavailable';
      await sendJson(req, res, status === 'ready' ? 200 : 503, { status });
    },
  });
  route({
    path: '/metrics',
    methods: ['GET', 'HEAD'],
    async handle(req, res) {
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
  for (const r of opts.routes ?? []) route(r);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // While draining, every answer closes its connection, so keep-alive clients move to another instance.
    if (state === 'draining') res.setHeader('Connection', 'close');
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

  // Connections and what they are doing, for the drain: requests in progress, and when they last had one.
  const sockets = new Map<Socket, { active: number; lastActive: number }>();
  const httpServer = http.createServer((req, res) => {
    const conn = sockets.get(req.socket);
    if (conn) {
      conn.active++;
      res.once('close', () => {
        conn.active--;
        conn.lastActive = Date.now();
      });
    }
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
  httpServer.on('connection', (socket: Socket) => {
    sockets.set(socket, { active: 0, lastActive: Date.now() });
    socket.once('close', () => sockets.delete(socket));
  });
  // A malformed request line or header, headers too large, or a request not received within node's
  // headersTimeout or requestTimeout never reaches the handler (or is cut short in it): answer it in JSON
  // too, with the status node itself would give (clientErrorAnswer), not "not valid HTTP" for all of them.
  httpServer.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || answering?.headersSent) return socket.destroy();
    const { status, reason, message } = clientErrorAnswer(err.code);
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
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
  state = 'ready';
  const port = (httpServer.address() as AddressInfo).port;
  const checkpoints = startCheckpoints(store, {
    file: checkpointFile,
    intervalMs: opts.auditCheckpoints?.intervalMs,
    log: opts.log,
  });
  const shownHost = host !== '0.0.0.0' && host !== '::' ? (host.includes(':') ? `[${host}]` : host) : '127.0.0.1';

  let draining: Promise<DrainSummary> | null = null;
  const drain = (delayMs: number): Promise<DrainSummary> => {
    draining ??= (async () => {
      const started = Date.now();
      state = 'draining';
      logger.info({ event: 'drain-start', drainDelayMs: delayMs, shutdownTimeoutMs, connections: sockets.size }, 'draining: not ready, finishing requests');
      const deadline = started + shutdownTimeoutMs - closingMs(shutdownTimeoutMs);
      await sleep(Math.max(0, Math.min(delayMs, deadline - Date.now())));
      // No new connections from here. Not http.Server's close(): it also closes every connection without a
      // request in progress, which includes one just accepted whose first request is on its way (its
      // client would see a reset). Answers made while draining close their connections themselves; a
      // connection idle since before the drain is closed now; a new one gets IDLE_GRACE_MS to send.
      const drainStarted = started;
      const closed = new Promise((resolve) => net.Server.prototype.close.call(httpServer, () => resolve(undefined)));
      let forcedConnections = 0;
      for (;;) {
        const now = Date.now();
        for (const [socket, conn] of sockets) {
          if (conn.active > 0) continue;
          if (conn.lastActive < drainStarted || now - conn.lastActive > IDLE_GRACE_MS) socket.end();
        }
        if (sockets.size === 0 || now >= deadline) break;
        await sleep(Math.min(25, Math.max(1, deadline - now)));
      }
      if (sockets.size > 0) {
        forcedConnections = sockets.size;
        httpServer.closeAllConnections();
      }
      await closed;
      await server.stop();
      await holder.stop();
      await checkpoints.stop(); // the head as the last request left it
      connected.stop();
      grantCache.stop();
      unwatchRates();
      unwatchAudit();
      state = 'stopped';
      const summary = { durationMs: Date.now() - started, forcedConnections };
      logger.info({ event: 'drain-end', ...summary }, 'drained');
      return summary;
    })();
    return draining;
  };

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
