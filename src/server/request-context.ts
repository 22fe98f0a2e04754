// The context of a /graphql request (resolvers/request.ts): its caller verified from the token before the
// body is read, then its rate and trusted-document limits, purpose and grants, or its refusal, audited.

import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { LRUCache } from 'lru-cache';
import type { Limits, Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { accessProfile, createAccessContext, profileDecisions, type ProfileDecisions } from '../access/context.ts';
import type { GrantCache } from '../access/grant-cache.ts';
import { counterKey, type Identity, type Verifier } from '../identity/verify.ts';
import { KeySetUnavailableError, type AuthenticationFailure } from '../identity/errors.ts';
import { parsePurpose } from '../identity/purpose.ts';
import { claimsForwarded, FORWARDED_HEADER, ForwardedDepartmentRefused, READ_OUTCOME_HEADER, type ForwardedVerifier } from '../identity/forwarded.ts';
import type { CursorCodec, RequestContext } from '../../resolvers/request.ts';
import { noteRefused, noteRefusalReason } from './plugins/logging.ts';
import { auditRefusal, auditUnavailable, leadingOperationName } from './plugins/audit.ts';
import { notTrusted } from './plugins/limits.ts';
import { recordedOperationName } from '../audit/entry.ts';
import type { DocumentHashes } from './recorded-document.ts';
import { asksSchemaOnly, hashKey, type SentDocument, type TrustedDocumentStore } from '../limits/trusted.ts';
import { sentDocument } from '../limits/persisted-request.ts';
import { requestTokens, takeRequest } from '../limits/rates.ts';
import { nestingRefusal } from '../limits/nesting.ts';
import { foldedNote, RateRefusalEntries } from '../limits/rate-entries.ts';
import type { Cancellation } from '../limits/cancel.ts';
import type { SchemaHolder } from './schema-holder.ts';
import { authorizationOf, bearerChallenge } from './http/authorization.ts';

/** The caller of a request as its token says (verified before its body is read), or why it was refused. */
export type Caller =
  | { ok: true; identity: Identity; sentPurpose: string | string[] | undefined }
  | { ok: false; error: unknown; claimedForwarded: boolean };

function authError(err: unknown): GraphQLError {
  if (err instanceof KeySetUnavailableError) {
    // The identity provider's keys could not be fetched: not the client's token, and nothing it can fix.
    return new GraphQLError(KEY_SET_UNAVAILABLE_MESSAGE, {
      extensions: { code: 'PLATFORM_UNAVAILABLE', http: { status: 503, headers: new HeaderMap([['retry-after', '5']]) } },
    });
  }
  const code = (err as { code?: string }).code;
  if (code === 'UNAUTHENTICATED') {
    const challenge = bearerChallenge((err as { reason?: AuthenticationFailure }).reason);
    return new GraphQLError((err as Error).message, {
      extensions: { code, http: { status: 401, headers: new HeaderMap([['www-authenticate', challenge]]) } },
    });
  }
  if (code === 'BAD_USER_INPUT') {
    return new GraphQLError((err as Error).message, { extensions: { code, http: { status: 400 } } });
  }
  return err as GraphQLError;
}

export const KEY_SET_UNAVAILABLE_MESSAGE =
  "Tokens signed by the identity provider cannot be checked now: the platform cannot fetch the provider's keys. Try again shortly; the platform's operators have the reason in the gateway's log.";

/**
 * What a refusal's audit entry says of the document sent: its operation's name and its hash (recorded-document.ts).
 * A hash alone that the requester registered through APQ (`registered`) is its text, recorded (hash and
 * operation name) as the text is when it runs: the keyed hash of the hash as sent gave the refused request another hash than its runs, so
 * the same query of one department, run and then refused (its rate, its purpose), was not seen as one.
 */
function refusedDocument(documents: DocumentHashes, registered: (hash: string) => string | undefined, sent: HTTPGraphQLRequest, document = sentDocument(sent.body, sent.search)) {
  const text = document.query === undefined && document.hash !== undefined ? registered(document.hash) : undefined;
  if (text === undefined) return { operationName: sentOperationName(sent), documentHash: documents.ofSent(document) };
  return { operationName: sentOperationName(sent) ?? recordedOperationName(leadingOperationName(text)), documentHash: documents.ofText(text) };
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

/**
 * A caller's x-request-id when it is a plain token (it goes into logs and the audit log), else a new one.
 * The /graphql route takes it once and sends it back in the answer's own x-request-id header.
 */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
}

/** The id of each request, taken once (requestIdFor). */
const requestIds = new WeakMap<http.IncomingMessage, string>();

/**
 * The id of `req` (requestIdOf of its x-request-id), the same at each call: the gateway's handler sets it on
 * every answer before any route runs (routes.ts), so that a refusal given before /graphql is reached (a
 * request without Host, a 404, a 405) names the id its log line and audit entry would, and /graphql's
 * answer, its log line and its audit entry name that one too (a header replaced by a new UUID got two).
 */
export function requestIdFor(req: http.IncomingMessage): string {
  let id = requestIds.get(req);
  if (id === undefined) {
    id = requestIdOf(req.headers['x-request-id']);
    requestIds.set(req, id);
  }
  return id;
}

/**
 * The bytes a request sent, as the /graphql route received them (graphql-route.ts): a POST's body as read
 * (document, variables, extensions: its length is known, nothing is serialised again), a GET's parameters
 * decoded (what its body would hold by POST); for a body refused while being read (past maxRequestBytes
 * as it streamed, stalled), what was read of it, at most maxRequestBytes (BodyError.bytesRead); 0 when
 * nothing was read (refused by its Content-Length, or compressed). The rate takes a token per
 * REQUEST_BYTES_PER_TOKEN of it (src/limits/rates.ts).
 */
export type SentBytes = number;

/** The access profiles whose decisions a gateway keeps (each a few hundred small objects at most). */
const DECISION_PROFILES = 2000;

/** A refused forwarded request is logged at most once a minute per platform and failure, of so many pairs. */
const FORWARDED_REFUSAL_REPEAT_MS = 60_000;
const FORWARDED_REFUSALS_KEPT = 256;

/** What the request contexts of a gateway are made from. */
export interface RequestContextParts {
  platform: Platform;
  store: Store;
  holder: SchemaHolder;
  grantCache: GrantCache;
  verifier: Verifier;
  forwarded: ForwardedVerifier;
  cursors: CursorCodec;
  trusted: TrustedDocumentStore;
  /** How an audit entry records a document. */
  documents: DocumentHashes;
  limits: Limits;
  /** Apply the limits of SPEC §13 (GatewayOptions.limits). */
  limitsOn: boolean;
  /** The file the audit checkpoints go to, which verifyAuditChain reads. */
  checkpointFile: string | null;
  logger: Logger;
  log?: (err: unknown) => void;
}

/**
 * A refusal of a forwarded request whose entry was written here (outcome `refused`: a rate, an unknown
 * purpose), with the header that tells the forwarding platform so (READ_OUTCOME_HEADER), as the audit plugin
 * says the outcome of the entries it writes: that platform's entry of the read says `refused` too, not
 * `error`. Not AUDIT_UNAVAILABLE: no entry was written then.
 */
function toldRefused(answer: unknown, identity: Identity): unknown {
  if (!identity.via || !(answer instanceof GraphQLError) || answer.extensions.code === 'AUDIT_UNAVAILABLE') return answer;
  const http = answer.extensions.http as { status?: number; headers?: HeaderMap } | undefined;
  const headers = http?.headers ?? new HeaderMap();
  headers.set(READ_OUTCOME_HEADER, 'refused');
  (answer.extensions as Record<string, unknown>).http = { ...http, headers };
  return answer;
}

/** The caller of a request (`verifyCaller`), its context (`context`), and the log of refused forwarded requests. */
export function requestContexts(parts: RequestContextParts) {
  const { platform, store, holder, grantCache, verifier, forwarded, cursors, trusted, documents, limits, limitsOn, checkpointFile, logger, log } = parts;
  // Bounded: a profile not kept takes its decisions afresh, as every request did before (issue 10: 1,000
  // profiles cost no more per request than one).
  const decisionsByProfile = new LRUCache<string, ProfileDecisions>({ max: DECISION_PROFILES });
  /** The texts `identity` registered through APQ, by hash (persisted-queries.ts reads them so). */
  const registeredBy = (identity: Identity) => (hash: string) => trusted.registeredBy(counterKey(identity), hashKey(hash));
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
      const authorization = authorizationOf(req); // refused when sent more than once
      // A department token verified before and still valid is known: its claims were looked at then.
      const known = req.headers[FORWARDED_HEADER] === undefined ? verifier.known(authorization) : undefined;
      if (!known && claimsForwarded(req.headers)) {
        // A request forwarded by a connected platform (SPEC §12): its signed identity and purpose, only.
        claimedForwarded = true;
        const f = await forwarded.verify(authorization, req.headers[FORWARDED_HEADER]);
        return { ok: true, identity: f.identity, sentPurpose: f.purpose ?? undefined };
      }
      return { ok: true, identity: known ?? (await verifier.verify(authorization)), sentPurpose: req.headers['x-purpose'] };
    } catch (error) {
      return { ok: false, error, claimedForwarded };
    }
  };
  /**
   * The request's rate tokens (src/limits/rates.ts): null when taken (or no bucket is set), else the refusal.
   * `sentBytes`: what the request sent, as the route received it (SentBytes).
   */
  const rateRefusal = (identity: Identity, requestId: string, sent: HTTPGraphQLRequest, now: Date, sentBytes: number): GraphQLError | null | Promise<GraphQLError | null> => {
    if (!(limits.rate.perUser || limits.rate.perDepartment || (identity.via && limits.rate.perPlatform))) return null;
    // A promise only when a store step is due; from a lease the answer is at hand. A large request takes
    // a token per REQUEST_BYTES_PER_TOKEN of what it sent, before it is parsed (src/limits/rates.ts).
    const taken = takeRequest(store, limits.rate, { dept: counterKey(identity), user: identity.user, via: identity.via }, now.getTime(), requestTokens(sentBytes));
    if (!(taken instanceof Promise)) return taken;
    return taken.catch((err: unknown) => {
      throw refusedAs(err, requestId, identity, sent); // a bug: a store not written makes the instance count alone
    });
  };
  /**
   * A rate refusal as the context answers one (its audit entry written first, or folded into its bucket's),
   * ready to throw; `purpose` as recorded in the entry.
   */
  const rateRefusalAnswer = async (refusal: GraphQLError, identity: Identity, purpose: string | null, requestId: string, sent: HTTPGraphQLRequest, now: Date, document?: SentDocument): Promise<unknown> => {
    // A rate refusal is written for the first refusal of its bucket only, until the bucket has a token
    // again (src/limits/rate-entries.ts): the rest read nothing and are counted in the metrics.
    // Refusals of a bucket arriving together wait for the first one's entry, and are folded into it.
    const rateKey = { dept: counterKey(identity), user: identity.user, via: identity.via };
    const note = refusal.extensions.code === 'RATE_LIMITED' ? foldedNote(refusal) : '';
    const answer = await rateEntries.entry(refusal, rateKey, () => auditRefusal(store, { requestId, identity, purpose }, refusedDocument(documents, registeredBy(identity), sent, document), refusal, note), now.getTime());
    return refusedAs(answer === 'unwritten' ? auditUnavailable(refusal) : toldRefused(answer === 'folded' ? refusal : answer, identity), requestId, identity, sent);
  };
  /**
   * The rate of a request whose body was refused before Apollo saw it (not UTF-8 or JSON, too large, in a
   * content coding, stalled): it takes its tokens as every request of a known department does, so a stream
   * of them meets the rate, and its refusal, once the bucket is empty, is what it gets instead (undefined
   * when the token was taken). Before, these requests took no token: one user sending megabyte bodies that
   * were not JSON, as fast as the gateway answered, was never refused and slowed every other department.
   */
  const refusedBodyRate = async (caller: Caller, requestId: string, sent: HTTPGraphQLRequest, sentBytes: SentBytes = 0): Promise<unknown> => {
    if (!limitsOn || !caller.ok) return undefined;
    const { identity, sentPurpose } = caller;
    const now = new Date();
    const refusal = await rateRefusal(identity, requestId, sent, now, sentBytes);
    if (!refusal) return undefined;
    let purpose: string | null = null;
    try {
      purpose = parsePurpose(sentPurpose, platform);
    } catch {
      // an unknown purpose: recorded as none, as the context records it
    }
    return rateRefusalAnswer(refusal, identity, purpose, requestId, sent, now);
  };
  /**
   * The answer to a department a connected platform forwarded that is refused once its token verified
   * (ForwardedDepartmentRefused): its entry here, outcome `refused`, the department, user and purpose as
   * the token claims them, `via`, and why in the detail (no document: the body of a request refused at
   * its identity is not read), then UNAUTHENTICATED told `refused` to that platform; AUDIT_UNAVAILABLE
   * when the entry could not be written. Its rate tokens first, as any refusal's with an entry: the
   * forwarding platform's key may send such tokens as fast as any, and each would write an entry.
   */
  const departmentRefusal = async (err: ForwardedDepartmentRefused, requestId: string, sent: HTTPGraphQLRequest, sentBytes: SentBytes): Promise<unknown> => {
    const identity = err.claimed;
    let purpose: string | null = null;
    try {
      purpose = parsePurpose(err.purpose ?? undefined, platform);
    } catch {
      // a purpose this platform does not know: recorded as none, as a refused purpose's entry records it
    }
    const now = new Date();
    const rate = limitsOn ? await rateRefusal(identity, requestId, sent, now, sentBytes) : null;
    if (rate) return rateRefusalAnswer(rate, identity, purpose, requestId, sent, now);
    const note = `; its department ${identity.dept.code} is refused here: ${err.why}`;
    // No document, whatever the request carried: a POST's body is not read (graphql-route.ts), and a GET's
    // URL, read with it, named a document and an operation the refused identity never ran.
    const answer = await auditRefusal(store, { requestId, identity, purpose }, { operationName: null, documentHash: null }, authError(err) as GraphQLError, note);
    return refusedAs(toldRefused(answer, identity), requestId, identity, sent);
  };
  const context = async (
    req: http.IncomingMessage, sent: HTTPGraphQLRequest, cancel: Cancellation, caller: Caller, requestId: string,
    whenAnswered?: RequestContext['whenAnswered'], sentBytes: SentBytes = 0,
  ): Promise<RequestContext> => {
    if (!caller.ok) {
      const err = caller.error;
      if (err instanceof KeySetUnavailableError) log?.(err); // the reason, for the operator (said once a minute)
      if (caller.claimedForwarded) logForwardedRefusal(err, req.headers.authorization);
      if (err instanceof ForwardedDepartmentRefused) throw noteRefusalReason(await departmentRefusal(err, requestId, sent, sentBytes), err);
      throw noteRefusalReason(authError(err), err); // which check failed, for the log line (not the client)
    }
    const { identity, sentPurpose } = caller;
    const now = new Date();
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
      let taken = rateRefusal(identity, requestId, sent, now, sentBytes);
      if (taken instanceof Promise) taken = await taken;
      let refusal = taken;
      let document: SentDocument | undefined;
      // A request forwarded by a connected platform is that platform's delegation of its own client's
      // document (graphql-tools' text, in no client's manifest), checked against its own manifests there;
      // here it may read the departments' data fields only (SPEC §12). Under `require` every namespace
      // read of every connected platform was refused, while /healthz and `platform status` said reachable.
      if (!refusal && trustMode === 'require' && !badPurpose && !identity.via) {
        document = sentDocument(sent.body, sent.search);
        if (!trusted.admits(document, limits.maxTokens)) refusal = notTrusted(documents.ofSent(document), asksSchemaOnly(document.query, limits.maxTokens));
      }
      // A document nested past what graphql's rules and the gateway's walks follow (src/limits/nesting.ts):
      // refused here, before Apollo parses and validates it, where running out of stack is a bare 500.
      if (!refusal) refusal = nestingRefusal((document ?? sentDocument(sent.body, sent.search)).query) ?? null; // read once under `require`
      if (refusal) throw await rateRefusalAnswer(refusal, identity, purpose, requestId, sent, now, document);
    }
    if (badPurpose) {
      // An unknown purpose is refused like a limit: with its entry (SPEC §10), the purpose as sent in its
      // message. Only once its rate is taken: each refusal writes an audit entry, so a stream of them
      // must meet the rate as any requests do.
      const answer = await auditRefusal(store, { requestId, identity, purpose: null }, refusedDocument(documents, registeredBy(identity), sent), badPurpose);
      throw refusedAs(toldRefused(answer, identity), requestId, identity, sent);
    }
    // Read once a request, not again after each of its mutations (as the platform reads are, readingAfresh
    // in resolvers/platform): these are the grants the caller's department holds, and no mutation of its
    // own changes them (decisions and revocations are the provider's, on other departments' grants, and a
    // provider holds none of its own resources). A revocation made meanwhile elsewhere counts from the
    // next request (grant-cache.ts): a request is decided on the grants in force when it starts.
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
    // A stored document a read works around, logged once a request (each version's revision lists again).
    const warned = new Set<string>();
    return {
      requestId,
      platform,
      store,
      cancel,
      whenAnswered,
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
      warn: (fields, message) => {
        if (!warned.has(message)) logger.warn({ requestId, ...fields }, message);
        warned.add(message);
      },
      published: holder.catalogues,
    };
  };

  return { verifyCaller, context, refusedBodyRate, logForwardedRefusal };
}
