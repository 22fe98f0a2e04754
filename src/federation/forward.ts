// Reads delegated into a connected platform's namespace (SPEC §12): sent with the requester's identity
// signed by this platform, bounded in time and size, and the answer checked before graphql-tools takes it.

import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { GraphQLError, Kind, print, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import { ACCESS_CODES } from '../access/decide.ts';
import { limitsOf, type ConnectedPlatform, type Department, type Platform } from '../model/platform.ts';
import { FORWARDED_HEADER, FORWARDED_READ_OUTCOMES, platformBase, signForwarded } from '../identity/forwarded.ts';
import type { PlatformKeys } from '../identity/platform-keys.ts';
import { answerErrorBound } from './answer-errors.ts';
import type { ValueBounds } from './answer-values.ts';
import { TooManyValues, TransportError, type PlatformClient } from './http-client.ts';
import { theirError, theirLabel } from './their-text.ts';
import { answeredByAnother, schemaChanged, type SchemaRecheck } from './schema-drift.ts';
import { cancelledError, type Cancellation } from '../limits/cancel.ts';
import { ConnectedPlatformError, KNOWN_CODES } from '../model/error-codes.ts';
import { failure, of, refusal, redirected, said, tooManyValues, unavailable, withoutStack } from './unavailable.ts';

/** What a request that delegates into a namespace must offer: who asks, for which purpose. */
export interface Asker {
  identity: { user: string; dept: Department };
  purpose: string | null;
  /** The request's id: sent on as the forwarded request's x-request-id, so both audit logs name it alike. */
  requestId?: string;
  /** Per-request notes for the audit log: what each connected platform answered. */
  forwards?: ForwardNote[];
  /** The request's cancellation (src/limits/cancel.ts): nothing is forwarded after it, and a request in flight is aborted. */
  cancel?: Cancellation;
}

export interface ForwardNote {
  namespace: string;
  platform: string;
  /** `cancelled`: its own request was cancelled while the forward was under way (src/limits/cancel.ts). */
  outcome: 'answered' | 'unavailable' | 'cancelled';
  errors: number;
  /**
   * The platform's access denials in its answer (the rules' codes, SPEC §6), each `CODE at namespace.path`
   * (field names only, no index, no value): what it refused the department, for this platform's entry.
   */
  denied?: string[];
  /** Whether its answer held any value besides `__typename`: the department read something there. */
  read?: boolean;
  /**
   * The outcome the platform's own entry of the read recorded, when its answer says (READ_OUTCOME_HEADER):
   * this platform's entry takes it over `denied` and `read`, which the answer alone cannot settle.
   */
  recorded?: 'allowed' | 'partial' | 'denied' | 'refused';
}

/**
 * The errors a connected platform answered that its own entry of the read tells as denials or refusals
 * (it said it recorded no `error`): this platform's entry names them among its denials, not as errors.
 */
const toldThere = new WeakSet<object>();
export const isToldThere = (error: unknown): boolean => typeof error === 'object' && error !== null && toldThere.has(error);

/**
 * Refusals a govgraph gateway answers at a field (a masked item filtered with `contains` or ordered by, a
 * `first` over the page maximum, a cursor not its own, the masked probes' quota): its entry records them
 * as denials of the item, outcome `partial`, `denied` or `refused`, never `allowed` nor `error`.
 */
const FIELD_REFUSALS: ReadonlySet<string> = new Set(['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED']);

/** Whether the platform's entry, recording `recorded`, tells an error of code `code` as a denial or refusal. */
const toldAsDenial = (code: unknown, recorded: ForwardNote['recorded']): boolean =>
  typeof code === 'string' && (ACCESS_CODES.has(code) || (recorded !== undefined && recorded !== 'allowed' && FIELD_REFUSALS.has(code)));

/**
 * The field names along an answer's path in the delegated document: its response keys are the delegation's
 * aliases (`__gqtld0__`); a key the document does not have is kept, cut (it is the platform's text).
 */
function fieldNamesAlong(document: DocumentNode, path: readonly (string | number)[]): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const fieldOf = (set: SelectionSetNode | undefined, key: string, depth = 0): FieldNode | undefined => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD && (s.alias ?? s.name).value === key) return s;
      const inner = s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : s.kind === Kind.FRAGMENT_SPREAD && depth < 8 ? fragments.get(s.name.value) : undefined;
      const found = inner && fieldOf(inner, key, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  let set = operation?.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet : undefined;
  const names: string[] = [];
  for (const key of path) {
    if (typeof key !== 'string') continue;
    const field = fieldOf(set, key);
    names.push(field ? field.name.value : theirLabel(key));
    set = field?.selectionSet;
  }
  return names;
}

/**
 * The access denials of an answer (and the refusals its platform's entry, recording `recorded`, counts as
 * denials), one per code and path pattern, each `CODE at namespace.path`.
 */
function denialsOf(c: ConnectedPlatform, document: DocumentNode, errors: readonly { path?: unknown; extensions?: Record<string, unknown> }[] | undefined, recorded: ForwardNote['recorded']): string[] {
  const named = new Set<string>();
  for (const e of errors ?? []) {
    const code = e.extensions?.code;
    if (!toldAsDenial(code, recorded)) continue;
    named.add(`${code} at ${[c.namespace, ...fieldNamesAlong(document, responsePath(e.path) ?? [])].join('.')}`);
  }
  return [...named];
}

/**
 * Whether `data`, the answer to `document`, holds a value besides `__typename` (the delegation asks it
 * under aliases of its own): a record, a count, a cursor.
 */
function holdsValue(document: DocumentNode, data: unknown): boolean {
  const names = (key: string, path: readonly string[]) => fieldNamesAlong(document, [...path, key]).at(-1);
  const walk = (value: unknown, path: readonly string[]): boolean => {
    if (value === null || value === undefined) return false;
    if (Array.isArray(value)) return value.some((v) => walk(v, path));
    if (typeof value !== 'object') return true;
    return Object.entries(value).some(([k, v]) => names(k, path) !== '__typename' && walk(v, [...path, k]));
  };
  return walk(data, []);
}

/**
 * Refusals of a whole request that a connected platform gives for what the request asks under its own
 * vocabulary and limits (a purpose it does not know, a sub-selection over its limits, a department's
 * rate there): they pass on with their code, and the platform counts as answering, not as unavailable.
 */
const REQUEST_REFUSALS: readonly string[] = ['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED'];

/** An answer in the GraphQL-over-HTTP shape: data an object or null, errors a list of objects with a message. */
function isExecutionResult(body: unknown): body is ExecutionResult {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (data === undefined && errors === undefined) return false;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return false;
  return errors === undefined || (Array.isArray(errors) && errors.every((e) => e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string'));
}

/**
 * The first root field the operation asks (by its response key, without @skip or @include) that the
 * answer's data lacks; null when none does. A GraphQL answer holds every field selected (null when
 * denied, with its error): graphql-tools makes a namespace whose fields are missing `null`, silently.
 */
function missingRootField(document: DocumentNode, data: Record<string, unknown>): string | null {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation?.kind !== Kind.OPERATION_DEFINITION) return null;
  for (const s of operation.selectionSet.selections) {
    // __typename (graphql-tools asks it again under an alias) is no data; the unaliased one is checked apart.
    if (s.kind !== Kind.FIELD || s.directives?.length || s.name.value === '__typename') continue;
    const key = s.alias?.value ?? s.name.value;
    if (!(key in data)) return key;
  }
  return null;
}

/**
 * A connected platform's error extensions as passed on: its plain values only (a govgraph platform's are
 * `code`, `resource`, `item`, `limit`, ...). Not Apollo's `http` (it would set the status and headers of
 * this gateway's whole answer), nor a stack (`stacktrace`, `exception.stacktrace` of a platform running in
 * development mode: format-error.ts drops this gateway's own, not one nested in another's).
 */
function passedOn(extensions: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!extensions) return extensions;
  const plain = Object.entries(extensions).filter(([key, v]) => key !== 'stacktrace' && (v === null || ['string', 'number', 'boolean'].includes(typeof v)));
  return plain.length === Object.keys(extensions).length ? extensions : Object.fromEntries(plain);
}

/**
 * A connected platform's error as about that platform: `platform` is the field by which this gateway says
 * which connected platform an error is about (PLATFORM_UNAVAILABLE), and a connected platform's answer
 * holds none of another's (one hop), so one given is replaced by its own region, not passed on as said.
 */
function namedAs(c: ConnectedPlatform, extensions: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return extensions && 'platform' in extensions ? { ...extensions, platform: c.region } : extensions;
}

/** Whether the operation asks `__typename` at its root (unaliased), as graphql-tools' delegation does. */
function asksRootTypename(document: DocumentNode): boolean {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operation?.kind === Kind.OPERATION_DEFINITION && operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename');
}

/**
 * An error's `path` as GraphQL-over-HTTP writes it, a list of field names and list indices; anything else
 * is no path (the error is placed at the namespace). graphql-tools spreads the path it is given: a string
 * became a path of one element per character, 50 million of them from a 50 MB answer that counts as one
 * JSON value (answer-values.ts), 1.4 GB and 3 s of this gateway's event loop.
 */
function responsePath(path: unknown): readonly (string | number)[] | undefined {
  return Array.isArray(path) && path.every((p) => typeof p === 'string' || Number.isInteger(p)) ? path as (string | number)[] : undefined;
}

/**
 * The codes a connected platform's answer may carry: SPEC §8's, but PLATFORM_UNAVAILABLE. Its answer holds
 * its own departments' data only (one hop: it forwards nothing), so it can never honestly say that a
 * platform is unavailable; that code is this gateway's word about its connected platforms, and one it
 * wrote (naming any platform, or none) is an error without one of its codes.
 */
const THEIR_CODES: ReadonlySet<string> = new Set([...KNOWN_CODES].filter((code) => code !== 'PLATFORM_UNAVAILABLE'));

/** The text of a delegated document: a planned delegation sends the same document object every time. */
const printed = new WeakMap<DocumentNode, string>();
function textOf(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

/** The headers of a request to `c` on behalf of `asker`: its identity signed by this platform for `c`'s region. */
export async function forwardedHeaders(keys: PlatformKeys, platform: Platform, c: ConnectedPlatform, asker: Asker): Promise<Record<string, string>> {
  const dept = asker.identity.dept;
  const token = await signForwarded(keys, {
    iss: platform.platform.region, aud: c.region, sub: asker.identity.user,
    dept: dept.code, deptLevel: dept.level, deptRegion: dept.region, purpose: asker.purpose,
  });
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, [FORWARDED_HEADER]: platform.platform.region, 'content-type': 'application/json' };
  if (asker.requestId) headers['x-request-id'] = asker.requestId;
  return headers;
}

/** What a delegated request is sent with, and where its failures are said. */
export interface Forwarder {
  platform: Platform;
  /** The keep-alive client of a connected platform. */
  client(c: ConnectedPlatform): PlatformClient;
  headers(c: ConnectedPlatform, asker: Asker): Promise<Record<string, string>>;
  /** The most JSON values an answer may hold (answer-values.ts), from this platform's maxCost. */
  valueBounds: ValueBounds;
  /** A problem, for the gateway's log. */
  log?: (level: 'warn' | 'info', message: string, fields: Record<string, unknown>) => void;
  /** A namespace read that failed, logged at most once a minute per platform and kind of failure. */
  readFailed(c: ConnectedPlatform, kind: string, reason: string): void;
  /**
   * The platform refused a read as invalid against its schema: its schema asked again now (bounded, one ask
   * at a time), and what was found against `plannedOn`, the hash of the text the request was planned on.
   */
  recheck?(c: ConnectedPlatform, plannedOn: string): Promise<SchemaRecheck>;
  /** The schema version that answered a read (its `x-schema-version`), when it said one. */
  answeredBy?(c: ConnectedPlatform, version: string): void;
  /**
   * Whether an answer by schema version `version` there (its `x-schema-version`) is known to come from the
   * text `plannedOn` the request was planned on, or cannot be told (the platform's schema documents name
   * no version). A map look-up: asked of every answer.
   */
  answerFits?(c: ConnectedPlatform, plannedOn: string, version: string): boolean;
  /**
   * An answer that answerFits did not take: the platform's schema asked again (as `recheck`), null when
   * `version` does serve the text `plannedOn` after all (a publication that left its data schema as it
   * was), else what was found.
   */
  answeredByOther?(c: ConnectedPlatform, plannedOn: string, version: string): Promise<SchemaRecheck | null>;
}

/** One delegated request: the sub-selection of the namespace, the identity signed, bounded by the timeout. */
export async function forwardRequest(f: Forwarder, c: ConnectedPlatform, request: ExecutionRequest, timeoutMs: number, plannedOn?: string): Promise<ExecutionResult> {
  const asker = request.context as Asker;
  const note = (outcome: ForwardNote['outcome'], errors: number, answered?: Pick<ForwardNote, 'denied' | 'read' | 'recorded'>) =>
    asker.forwards?.push({ namespace: c.namespace, platform: c.region, outcome, errors, ...answered });
  let res;
  let underWay = false;
  try {
    asker.cancel?.check();
    underWay = true;
    res = await f.client(c).request('/graphql', {
      method: 'POST',
      headers: await f.headers(c, asker),
      body: JSON.stringify({ query: textOf(request.document), variables: request.variables, operationName: request.operationName }),
      timeoutMs,
      maxValues: f.valueBounds,
      signal: asker.cancel?.signal,
    });
  } catch (err) {
    // Cancelled (its client left, its time limit answered): nothing answered, nobody to tell. Put on
    // record when it was under way: the connected platform may have read, and audited, the request.
    if (asker.cancel?.reason) {
      if (underWay) note('cancelled', 0);
      return { errors: [cancelledError(asker.cancel.reason)] };
    }
    note('unavailable', 1);
    const refused = unavailable(c, err instanceof TooManyValues ? tooManyValues(err, limitsOf(f.platform).maxCost) : failure(c, err));
    // Not a platform that is down (the schema poll says that, once): one that answers too much, logged each time.
    if (err instanceof TransportError && (err.code === 'TOO_LARGE' || err instanceof TooManyValues)) f.log?.('warn', 'connected platform answer refused', { platform: c.region, namespace: c.namespace, reason: refused.forOperators });
    else f.readFailed(c, err instanceof TransportError ? err.code : 'error', refused.forOperators);
    return { errors: [refused] };
  }
  const away = redirected(res);
  if (!away && res.schemaVersion) f.answeredBy?.(c, res.schemaVersion);
  if (away) {
    note('unavailable', 1);
    const refused = unavailable(c, away);
    f.readFailed(c, 'redirect', refused.forOperators);
    return { errors: [refused] };
  }
  const body = res.body as ExecutionResult | undefined;
  if (!isExecutionResult(body)) {
    note('unavailable', 1);
    const refused = unavailable(c, of(`did not answer as a govgraph gateway (HTTP ${res.status}).`));
    f.readFailed(c, 'not-govgraph', refused.forOperators);
    return { errors: [refused] };
  }
  if ((res.status < 200 || res.status > 299) && !body.data) {
    const first = body.errors?.[0];
    const code = first?.extensions?.code;
    if (first && typeof code === 'string' && REQUEST_REFUSALS.includes(code)) {
      // Its entry recorded the refusal (`refused`, in its header; a platform of an older release says
      // nothing): this platform's entry says the same, the code named among the denials at the namespace,
      // not `error`. Only the header is read: the caller's error below is the same either way.
      const refusedThere = res.readOutcome === 'refused';
      note('answered', 1, refusedThere ? { denied: denialsOf(c, request.document, [{ extensions: { code } }], 'refused'), recorded: 'refused' } : undefined);
      // Its plain extensions pass on (the limit, figure and bound, retryAfter), as a data error's do.
      // Its message and texts cut as the other refusals' (their-text.ts): an honest one is a sentence.
      const texts = Object.entries(passedOn(first.extensions) ?? {}).map(([k, v]) => [k, typeof v === 'string' ? theirError(v) : v]);
      const extensions = { ...Object.fromEntries(texts), code, platform: c.region };
      const passed = new GraphQLError(`The connected platform ${c.name} (${c.region}) refused the request: ${theirError(withoutStack(first.message))}`, { extensions });
      if (refusedThere) toldThere.add(passed);
      return { errors: [passed] };
    }
    // Invalid there, valid here: its schema changed since the one held here (schema-drift.ts).
    if (code === 'GRAPHQL_VALIDATION_FAILED' && f.recheck && plannedOn !== undefined) {
      const changed = schemaChanged(c, await f.recheck(c, plannedOn), body.errors);
      if (changed) {
        note('answered', 1);
        return { errors: [changed] };
      }
    }
    // A department of this platform it refuses at its identity, having verified this platform's token (one
    // it lists as its own, say): its entry recorded the refusal, `refused` in its header. This platform's
    // entry says the same, UNAUTHENTICATED named among the denials at the namespace, not `error`; the
    // caller and the log are told as of any refusal (below): the operator has a listing to look at.
    const refusedThere = code === 'UNAUTHENTICATED' && res.status === 401 && res.readOutcome === 'refused';
    note(refusedThere ? 'answered' : 'unavailable', 1, refusedThere ? { denied: [`UNAUTHENTICATED at ${c.namespace}`], recorded: 'refused' } : undefined);
    // The caller is told the platform's message; the log its status and code alone: a refusal of a
    // department's document may repeat what it sent (a validation error quotes a literal: a filter value,
    // an id card), and logs never hold a request's values (docs/operations.md, Logs).
    const status = res.status;
    const answered = `it refused the request (HTTP ${status}): ${refusal(body)}`;
    const refused = unavailable(c, (url) => (url === null ? answered
      : `it refused the request (HTTP ${status}, code ${typeof code === 'string' ? theirLabel(code) : 'none'}); its message went to the caller only (it may repeat the request's values)`));
    if (refusedThere) toldThere.add(refused);
    f.readFailed(c, `http-${res.status}`, refused.forOperators);
    return { errors: [refused] };
  }
  // Answered by another schema than the one the request was planned on (a publication there since the
  // schema held here was fetched): graphql-tools would read each value with the type held here, and one
  // retyped there (`int` to `string`) would be null without a word. Not used: the caller is told to send again.
  if (plannedOn !== undefined && res.schemaVersion !== undefined && f.answerFits && !f.answerFits(c, plannedOn, res.schemaVersion)) {
    const other = await f.answeredByOther?.(c, plannedOn, res.schemaVersion);
    if (other) {
      note('answered', 1);
      return { errors: [answeredByAnother(c, other)] };
    }
  }
  const errorBound = answerErrorBound(request.document);
  if (body.errors && body.errors.length > errorBound) {
    note('unavailable', 1);
    const refused = unavailable(c, said(`it answered with ${body.errors.length} errors, more than the ${errorBound} this gateway takes of a connected platform's answer to this request (a govgraph gateway gives one per denied item and path, not one per record); the answer was not used.`));
    f.log?.('warn', 'connected platform answer refused', { platform: c.region, namespace: c.namespace, reason: refused.forOperators });
    return { errors: [refused] };
  }
  if (body.data && !('__typename' in body.data) && asksRootTypename(request.document)) {
    // graphql-tools finds the namespace's fields by it: without it the namespace was null, silently.
    note('unavailable', 1);
    const refused = unavailable(c, of('answered without the __typename it was asked at its root: not a govgraph gateway\'s answer.'));
    f.readFailed(c, 'not-govgraph', refused.forOperators);
    return { errors: [refused] };
  }
  // Neither data nor an error, or data without a field it was asked: no govgraph gateway answers so,
  // and the namespace was null (or its departments were) without a word to the caller.
  const missing = body.data ? missingRootField(request.document, body.data) : body.errors?.length ? null : 'data';
  if (missing !== null) {
    note('unavailable', 1);
    const refused = unavailable(c, of(`answered without ${missing === 'data' ? 'data or an error' : 'a field it was asked at its root'}: not a govgraph gateway's answer.`));
    f.readFailed(c, 'not-govgraph', refused.forOperators);
    return { errors: [refused] };
  }
  // Its denials and whether it read anything: this platform's entry says what the department was refused there.
  const recorded = typeof res.readOutcome === 'string' && FORWARDED_READ_OUTCOMES.includes(res.readOutcome) ? res.readOutcome as ForwardNote['recorded'] : undefined;
  note('answered', body.errors?.length ?? 0, {
    denied: denialsOf(c, request.document, body.errors, recorded),
    read: holdsValue(request.document, body.data),
    ...(recorded ? { recorded } : {}),
  });
  const codeless = body.errors?.find((e) => !THEIR_CODES.has(e.extensions?.code as string));
  // Its code, not its message: an error at a field's path may quote the record's value ("Int cannot
  // represent non-integer value: …"), which the log never holds.
  if (codeless) f.readFailed(c, 'unknown-code', `${platformBase(c)} answered an error without one of govgraph's error codes (src/model/error-codes.ts lists them) (${theirLabel(codeless.extensions?.code ?? 'no code')}); callers get "Internal server error." for it`);
  // Errors pass through as the platform gave them (code, resource, item); stitching puts their paths
  // under the namespace. All but `extensions.http`: Apollo sets the HTTP status of the answer an error
  // is in from it, and an error in a namespace must not make this gateway's whole answer a 401.
  return {
    ...body,
    errors: body.errors?.map((e) => {
      if (!THEIR_CODES.has(e.extensions?.code as string)) {
        return new GraphQLError('Internal server error.', { path: responsePath(e.path), extensions: { code: 'INTERNAL_SERVER_ERROR' }, originalError: new ConnectedPlatformError('Internal server error.') });
      }
      const passed = new GraphQLError(withoutStack(e.message), { path: responsePath(e.path), extensions: namedAs(c, passedOn(e.extensions)) });
      if (toldAsDenial(e.extensions?.code, recorded)) toldThere.add(passed);
      return passed;
    }),
  };
}
