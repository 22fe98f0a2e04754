// The /graphql route: CORS, the answers Apollo would give badly (an OPTIONS, a GET naming no operation, a
// gateway still starting), the caller before the body, then Apollo Server's answer, whole or streamed.

import type http from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { RequestContext } from '../../resolvers/request.ts';
import { persistedQueryProblem, withDocumentId, withDocumentIdParam, type OneDocument } from '../limits/persisted-request.ts';
import { Cancellation } from '../limits/cancel.ts';
import { BODIES_HELD_PER_DEPARTMENT, BODIES_HELD_PER_PLATFORM, BODIES_RETRY_AFTER_SECONDS, BodiesArriving, bodiesArrivingMessage, platformBodiesArrivingMessage } from '../limits/bodies.ts';
import { counterKey } from '../identity/verify.ts';
import { BodyError, isJsonMediaType, parseJsonBody, readBody, type BodyHold } from './http/body.ts';
import { handleCors } from './http/cors.ts';
import { sendBody, sendGraphQLError } from './http/respond.ts';
import type { GatewayState } from './drain.ts';
import { requestIdFor, type Caller, type SentBytes } from './request-context.ts';
import { noteRefusalStart } from './plugins/logging.ts';

function headerMap(req: http.IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** What the /graphql route answers with. */
export interface GraphQLRouteParts {
  server: ApolloServer<RequestContext>;
  corsOrigins: Set<string>;
  graphiqlEnabled: boolean;
  maxRequestBytes: number;
  /** How deep the platform lets a request's variables nest (src/limits/arguments.ts, variablesDepth). */
  variablesDepth: number;
  clientIdleMs: number;
  /** The gateway's state now (starting → ready → draining). */
  stateOf(): GatewayState;
  verifyCaller(req: http.IncomingMessage): Promise<Caller>;
  context(req: http.IncomingMessage, sent: HTTPGraphQLRequest, cancel: Cancellation, caller: Caller, requestId: string, whenAnswered: RequestContext['whenAnswered'], sentBytes: SentBytes): Promise<RequestContext>;
  /** Whether a documentId and a persisted query's hash sent together name one document (the trusted documents' manifests know). */
  namesOneDocument: OneDocument;
  /** The rate of a request refused before Apollo saw it: its refusal when its bucket is empty, else undefined. */
  refusedBodyRate(caller: Caller, requestId: string, sent: HTTPGraphQLRequest, sentBytes: SentBytes): Promise<unknown>;
}

/** The handler of /graphql. */
export function graphqlRoute(parts: GraphQLRouteParts): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void> {
  const { server, corsOrigins, graphiqlEnabled, maxRequestBytes, variablesDepth, clientIdleMs, stateOf, verifyCaller, context, refusedBodyRate, namesOneDocument } = parts;
  const arriving = new BodiesArriving(BODIES_HELD_PER_DEPARTMENT * maxRequestBytes);
  const forwardedArriving = new BodiesArriving(BODIES_HELD_PER_PLATFORM * maxRequestBytes);
  /** What a verified caller's body holds while it arrives: its department's, and a forwarded one's platform's too. */
  function bodyHold(caller: Caller): BodyHold {
    const key = caller.ok ? counterKey(caller.identity) : '';
    const via = caller.ok ? (caller.identity.via ?? null) : null;
    let refusal = bodiesArrivingMessage(key, arriving.bound, maxRequestBytes);
    return {
      hold: (n) => {
        if (!arriving.hold(key, n)) return false;
        if (via === null || forwardedArriving.hold(via, n)) return true;
        arriving.release(key, n);
        refusal = platformBodiesArrivingMessage(via, forwardedArriving.bound, maxRequestBytes);
        return false;
      },
      release: (n) => {
        arriving.release(key, n);
        if (via !== null) forwardedArriving.release(via, n);
      },
      get refusal() {
        return refusal;
      },
    };
  }
  /**
   * A request of a verified caller refused here, before Apollo: it takes its rate token as every request
   * does (so a stream of bodies that are not JSON meets the rate), and gets the rate's refusal instead once
   * the bucket is empty, answered by Apollo as a refusal of the context is (429, Retry-After, its audit entry
   * and log line); else `status` and `message`. `sentBytes`: what was read of it (a body that is not JSON
   * takes its tokens by its size, as one that is does).
   */
  async function refuse(req: http.IncomingMessage, res: http.ServerResponse, caller: Caller, requestId: string, status: number, message: string, sentBytes: SentBytes = 0): Promise<void> {
    const sent: HTTPGraphQLRequest = { method: req.method ?? 'POST', headers: headerMap(req), search: '', body: {} };
    const over = await refusedBodyRate(caller, requestId, sent, sentBytes);
    if (over === undefined) {
      // A 429 says when to try again, as every other of the gateway's does: the bodies of its department
      // arriving at once (src/limits/bodies.ts) are given back as they end, most within a second.
      await sendGraphQLError(req, res, status, 'BAD_REQUEST', message, status === 429 ? { 'Retry-After': String(BODIES_RETRY_AFTER_SECONDS) } : {});
      return;
    }
    const started = performance.now();
    const answer = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: sent, context: () => Promise.reject(noteRefusalStart(over, started)) });
    await sendBody(req, res, answer.status ?? 429, answer.headers, answer.body.kind === 'complete' ? answer.body.string : '');
  }
  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    // Answers hold records (personal data among them) for one requester: no cache may keep them, not
    // even the browser's own for a GET.
    res.setHeader('Cache-Control', 'no-store');
    // The request's id, in its log line and audit entry: every answer says it (operations.md), those given
    // before a query is read included, so a developer can quote it.
    const requestId = requestIdFor(req);
    res.setHeader('x-request-id', requestId);
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
    const state = stateOf();
    if (state !== 'ready' && state !== 'draining') {
      await sendGraphQLError(req, res, 503, 'PLATFORM_UNAVAILABLE', 'The gateway is starting; try again shortly.', { 'Retry-After': '1' });
      return;
    }
    // The token first: without a good one the body is not read (verifyCaller), and the connection closes
    // after the refusal, so whatever the client still sends of it is never taken.
    const caller = await verifyCaller(req);
    let body: unknown;
    // What the request sent, its variables with its document: the rate takes a token per 64 KiB of it.
    let sentBytes: SentBytes = 0;
    if (req.method === 'POST' && !caller.ok) res.setHeader('Connection', 'close');
    else if (req.method === 'GET' && caller.ok && (sentBytes = parametersBytes(url.searchParams)) > maxRequestBytes) {
      // A GET carries in its URL what a POST carries in its body: the same bound (node's own stops at 16 KiB
      // of headers), or a platform's smaller maxRequestBytes held for POST only (found by the §13 walk).
      await refuse(req, res, caller, requestId, 414, `The request's parameters are larger than the limit of ${maxRequestBytes} bytes (limits.maxRequestBytes).`, sentBytes);
      return;
    } else if (req.method === 'POST') {
      try {
        // A POST's caller is verified here (one that is not gets its refusal unread, above).
        const bytes = await readBody(req, maxRequestBytes, clientIdleMs, bodyHold(caller));
        sentBytes = bytes.length;
        // Apollo answers a POST without a JSON media type itself (400, JSON), as GraphQL over HTTP says.
        if (isJsonMediaType(req.headers['content-type'])) body = withDocumentId(parseJsonBody(bytes, variablesDepth), namesOneDocument);
      } catch (err) {
        if (!(err instanceof BodyError)) throw err;
        // A body refused while being read (chunked past maxRequestBytes, stalled) takes its tokens by what
        // was read of it, as one read whole does: it took one, so a chunked body of 900 KiB cut at 512 KiB
        // cost the gateway eight tokens' reading for one.
        sentBytes = Math.max(sentBytes, err.bytesRead);
        // The rest of an oversized, stalled or compressed body, or one past its department's bodies arriving
        // (src/limits/bodies.ts), is not read: the connection closes after the answer.
        if (err.status === 413 || err.status === 408 || err.status === 415 || err.status === 429) res.setHeader('Connection', 'close');
        await refuse(req, res, caller, requestId, err.status, err.message, sentBytes);
        return;
      }
    }
    // A persisted query whose version or hash is wrong (the hash not the text's): the client's error. Apollo
    // refuses it too, but without a code (INTERNAL_SERVER_ERROR, as if the gateway had failed).
    // A GET names a persisted document by `documentId` as a POST body does.
    const search = req.method === 'GET' ? withDocumentIdParam(url.search, namesOneDocument) : url.search;
    const persisted = caller.ok ? persistedQueryProblem(body, search, namesOneDocument) : undefined;
    if (persisted) {
      await refuse(req, res, caller, requestId, 400, persisted, sentBytes);
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
    // A query's turn lasts until its answer is written (src/limits/turns.ts): formatted, serialised and
    // handed to the connection whole (res.end), or the connection closed first. Not until the client has
    // taken it: that costs the gateway nothing, and a client reading slowly, or not at all, held its
    // department's turn until clientIdleMs cut it off, every other query of the department waiting.
    const answered = new Answered();
    res.once('close', answered.done);
    try {
      const answer = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => timedContext(() => context(req, httpGraphQLRequest, cancel, caller, requestId, answered.then, sentBytes)) });
      if (answer.body.kind === 'complete') {
        await sendBody(req, res, answer.status ?? 200, answer.headers, answer.body.string);
        return;
      }
      for (const [name, value] of answer.headers) res.setHeader(name, value);
      res.statusCode = answer.status ?? 200;
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } finally {
      // Written, or given up (a failure is answered by the server's handler): the turn is not held past here.
      answered.done();
    }
  }

  return graphql;
}

/** Makes a request's context; a refusal notes when the making began (the duration histogram's, metrics.ts). */
async function timedContext(make: () => Promise<RequestContext>): Promise<RequestContext> {
  const started = performance.now();
  try {
    return await make();
  } catch (err) {
    throw noteRefusalStart(err, started);
  }
}

/** Calls each `then` once, when the request's answer is written or its connection closed, whichever comes first. */
class Answered {
  private waiting: (() => void)[] | null = [];

  readonly then = (then: () => void): void => {
    if (this.waiting) this.waiting.push(then);
    else then();
  };

  readonly done = (): void => {
    const waiting = this.waiting;
    this.waiting = null;
    for (const then of waiting ?? []) then();
  };
}

/** The bytes of a GET's parameters, decoded (names and values in UTF-8): what its JSON body would hold by POST. */
function parametersBytes(params: URLSearchParams): number {
  let bytes = 0;
  for (const [name, value] of params) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}
