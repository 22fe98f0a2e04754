// The platforms this one is connected to (SPEC §12), seen from the connecting side: each one's data
// schema, fetched from it with a signed request and refreshed every few seconds (a publication there
// shows here without a restart), stitched with @graphql-tools/stitch under `Query.<namespace>` with
// its type names prefixed; requests into a namespace are delegated to the platform with the requester's
// identity signed by this platform. A platform that is down, refuses or is slow makes its namespace null
// with PLATFORM_UNAVAILABLE; nothing is retried in a loop (the next request, or the next poll, tries again).
import { createHash } from 'node:crypto';
import { createBatchingExecutor } from '@graphql-tools/batch-execute';
import { stitchSchemas } from '@graphql-tools/stitch';
import type { SubschemaConfig } from '@graphql-tools/delegate';
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { LRUCache } from 'lru-cache';
import { buildSchema, GraphQLError, Kind, print, validateSchema, type DocumentNode, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { departmentByCode, DEFAULT_CONNECTED_TIMEOUT_MS, limitsOf, type ConnectedPlatform, type Department, type Platform } from '../model/platform.ts';
import { connectedTypePrefix } from '../catalogue/names.ts';
import { FORWARDED_HEADER, platformBase, signForwarded } from '../identity/forwarded.ts';
import type { PlatformKeys } from '../identity/platform-keys.ts';
import { answerErrorBound } from './answer-errors.ts';
import { answerValueBounds, type ValueBounds } from './answer-values.ts';
import { composeSchema } from './compose.ts';
import { platformClient, TooManyValues, TransportError, type PlatformClient } from './http-client.ts';
import { plannedProxyingResolver } from './delegation.ts';
import { Namespace, PrefixTypes } from './transforms.ts';
import { BuildBudget, REBUILD_BURST, SchemaRebuilds } from './schema-rebuilds.ts';
import { theirError, theirLabel } from './their-text.ts';
import { cancelledError, type Cancellation } from '../limits/cancel.ts';
import { ConnectedPlatformError, KNOWN_CODES } from '../model/error-codes.ts';

export const SCHEMA_PATH = '/.well-known/govgraph/schema';

/**
 * The largest schema document read from a connected platform (its data SDL in JSON), then refused: it is
 * asked for every few seconds, and parsing and stitching it holds the event loop (about 2 s a megabyte
 * measured on a shared 2-core machine). The data schema of a platform at the catalogue bounds
 * (src/catalogue/limits.ts: 2,000 resources) with the demo's items is 5.8 MB.
 */
export const MAX_SCHEMA_BYTES = 8 * 1024 * 1024;

export interface ConnectedStatus {
  region: string;
  name: string;
  namespace: string;
  url: string;
  reachable: boolean;
  /** The signature of the connected platform's published catalogues in effect here (its schema version). */
  schemaVersion: string | null;
  /** A changed schema seen there and not yet built here (SchemaRebuilds): its version, and when it will be; null while it does not answer. */
  pendingSchema: string | null;
  lastError: string | null;
  checkedAt: string | null;
}

/** A connected platform's status as /healthz shows it to anyone: without its url, in words for callers. */
export type PublicConnectedStatus = Omit<ConnectedStatus, 'url'>;

/** What a request that delegates into a namespace must offer: who asks, for which purpose. */
interface Asker {
  identity: { user: string; dept: Department };
  purpose: string | null;
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
}

/** A platform's schema text built here: its stitching config, or why it cannot be stitched. */
type Built = { config: SubschemaConfig } | { problem: Reason };

/** Department view schema texts kept built per connected platform (the distinct views a gateway keeps, src/server/plugins/introspection.ts). */
const VIEW_TEXTS_KEPT = 16;

/** A department's view of the namespaces (extendFor): the platforms that did not answer when it was made. */
interface DepartmentView {
  schema: Promise<GraphQLSchema>;
  startedAt: number;
  lacking: string[];
}

export interface SchemaDocument {
  region: string;
  name: string;
  version: string;
  sdl: string;
}

/**
 * Refusals of a whole request that a connected platform gives for what the request asks under its own
 * vocabulary and limits (a purpose it does not know, a sub-selection over its limits, a department's
 * rate there): they pass on with their code, and the platform counts as answering, not as unavailable.
 */
const REQUEST_REFUSALS: readonly string[] = ['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED'];

/** A namespace read's failure of one kind is logged at most once in this time (readFailed). */
const READ_FAILURE_LOG_MS = 60_000;

/**
 * Why a connected platform failed, said for operators (the log, `platform status`) with its url, and for
 * callers and /healthz, which anyone may ask, with `url` null: a connected platform's url is an address
 * of the internal network, of no use to a department developer and of some to an attacker.
 */
type Reason = (url: string | null) => string;
const said = (text: string): Reason => () => text;
/** "<url> did not answer ..." for operators, "it did not answer ..." for callers. */
const of = (rest: string): Reason => (url) => `${url ?? 'it'} ${rest}`;

/** PLATFORM_UNAVAILABLE for callers, with the same message naming the url for operators. */
class Unavailable extends GraphQLError {
  readonly forOperators: string;
  /** The reason alone, as `lastError` says it (the platform is named beside it). */
  readonly reason: Reason;
  constructor(c: ConnectedPlatform, reason: Reason) {
    const message = (url: string | null) => `The connected platform ${c.name} (${c.region}) is unavailable: ${reason(url)}`;
    super(message(null), { extensions: { code: 'PLATFORM_UNAVAILABLE', platform: c.region } });
    this.forOperators = message(platformBase(c));
    this.reason = reason;
  }
}

function unavailable(c: ConnectedPlatform, reason: Reason): Unavailable {
  return new Unavailable(c, reason);
}

/** The network failures an operator meets most, in words (the code follows in brackets); others by their code. */
const NETWORK_FAILURES: Record<string, (where: string) => string> = {
  ENOTFOUND: (where) => `the host name of ${where} is not known: check the url, and this machine's name service`,
  EAI_AGAIN: (where) => `the host name of ${where} could not be looked up just now (the name service did not answer)`,
  ECONNRESET: (where) => `the connection to ${where} was closed in the middle of the request (the gateway there stopped, or something between closed it)`,
  EHOSTUNREACH: (where) => `there is no route to ${where} from this machine`,
  ENETUNREACH: (where) => `the network of ${where} cannot be reached from this machine`,
};

/** Why a request failed, in a sentence for a person. */
function failure(c: ConnectedPlatform, err: unknown): Reason {
  if (err instanceof TransportError) {
    if (err.code === 'TIMEOUT') return said(`no answer within ${c.timeoutMs ?? DEFAULT_CONNECTED_TIMEOUT_MS} ms.`);
    if (err.code === 'ECONNREFUSED') return (url) => `nothing listens at ${url ?? 'its address'} (connection refused).`;
    if (err.code === 'TOO_LARGE') return of(`sent an answer of ${err.message}, the most this gateway reads of a connected platform's answer; it was read no further.`);
    const known = NETWORK_FAILURES[err.code];
    if (known) return (url) => `${known(url ?? 'its address')} (${err.code}).`;
    if (err.code !== 'ERROR') return (url) => `${err.code} at ${url ?? 'its address'}.`;
    // Node's own words may name the address ("connect EHOSTUNREACH 10.1.2.3:4000"): for operators only.
    return (url) => (url ? `${err.message}.` : 'the connection failed.');
  }
  return said(`${theirError((err as Error).message)}.`);
}

/** An answer refused for the values it holds (answer-values.ts), with the figures. */
function tooManyValues(err: TooManyValues, maxCost: number): Reason {
  const { where, bound } = err.over;
  return said(where === 'data'
    ? `it answered with more than ${bound} JSON values in its data (${err.bytes} bytes), more than a response of this gateway may hold under its limits.maxCost of ${maxCost} field values; the answer was not used.`
    : `it answered with more than ${bound} JSON values outside its data (errors, extensions; ${err.bytes} bytes), more than this gateway takes besides the data; the answer was not used.`);
}

/** The reason a platform gives for refusing this one, as shown (its first error's message, cut). */
function refusal(body: { errors?: readonly { message?: unknown }[] }): string {
  const message = Array.isArray(body.errors) ? body.errors[0]?.message : undefined;
  return message === undefined ? 'no reason given' : theirError(withoutStack(String(message)));
}

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

/** A connected platform's error message up to its first stack frame ("\n    at f (/srv/x.js:1:2)"), if any. */
function withoutStack(message: string): string {
  const frame = message.search(/\n\s*at \S/);
  return frame < 0 ? message : message.slice(0, frame);
}

/** A redirect, never followed: the url listed is where the platform answers. Where it points is for operators. */
function redirected(res: { status: number; location?: string }): Reason | null {
  if (res.status < 300 || res.status > 399) return null;
  return (url) => url
    ? `${url} answered with a redirect (HTTP ${res.status}) to ${theirLabel(res.location ?? 'nowhere')}, which this gateway does not follow: list the url the platform answers at.`
    : `it answered with a redirect (HTTP ${res.status}), which this gateway does not follow.`;
}

/** How often an operation selects each field at its root (fragments included), per operation. */
const rootSelections = new WeakMap<object, Map<string, number>>();

/** Whether the operation of this delegation selects the namespace field more than once. */
function selectsMoreThanOnce(info: GraphQLResolveInfo, namespace: string): boolean {
  let counts = rootSelections.get(info.operation);
  if (!counts) {
    counts = new Map();
    const seen = new Set<string>();
    const count = (set: SelectionSetNode) => {
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) counts!.set(s.name.value, (counts!.get(s.name.value) ?? 0) + 1);
        else if (s.kind === Kind.INLINE_FRAGMENT) count(s.selectionSet);
        else if (!seen.has(s.name.value) && info.fragments[s.name.value]) {
          seen.add(s.name.value);
          count(info.fragments[s.name.value].selectionSet);
        }
      }
    };
    count(info.operation.selectionSet);
    rootSelections.set(info.operation, counts);
  }
  return (counts.get(namespace) ?? 0) > 1;
}

/** The text of a delegated document: a planned delegation sends the same document object every time. */
const printed = new WeakMap<DocumentNode, string>();
function textOf(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

export class ConnectedPlatforms {
  private readonly statuses = new Map<string, ConnectedStatus>();
  /** Each status's last error as callers get it (without the url). */
  private readonly callerErrors = new Map<string, string | null>();
  /** Each platform's schema in effect here: its version, the hash of its text, and its stitching config. */
  private readonly schemas = new Map<string, { version: string; hash: string; config: SubschemaConfig }>();
  private federated: GraphQLSchema | null = null;
  /** Why the namespaces were left out of the last schema extended, or null. */
  private leftOut: string | null = null;
  private composed = new WeakMap<GraphQLSchema, GraphQLSchema>();
  /** The department views of `extendFor`, by the local view each extends and the department. */
  private views = new WeakMap<GraphQLSchema, Map<string, DepartmentView>>();
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly competent: Department;
  private readonly clients = new Map<string, PlatformClient>();
  private readonly rebuilds: SchemaRebuilds;
  /** Each platform's last text that could not be stitched (its hash), and why. */
  private readonly unstitchable = new Map<string, { hash: string; problem: Reason }>();
  /**
   * The department view texts of each platform built for extendFor's views, by region and hash: a view
   * is made for each department whose view is not kept and for all of them after any publication, here
   * or there, and most of them get a text built before (parsing and stitching a big one takes seconds).
   */
  private readonly viewTexts: LRUCache<string, Built>;
  /** The most JSON values an answer to a namespace read may hold (answer-values.ts), from this platform's maxCost. */
  private readonly valueBounds: ValueBounds;
  /** When each platform's namespace reads last logged a failure of each kind (readFailed). */
  private readonly readFailures = new Map<string, number>();
  /**
   * The build time of extendFor's view texts, per platform (BuildBudget). A platform answering each view
   * ask with a text not seen before had each department's introspection hold this gateway's event loop
   * for the build, 15 to 20 s at 1.5 MB, every caller waiting: the gateway's own schema was rate-bounded
   * (rebuilds), the views were not.
   */
  private readonly viewBuilds: BuildBudget;
  /** Each platform's schema ask in flight (refreshOne). */
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly platform: Platform,
    private readonly keys: PlatformKeys,
    private readonly options: {
      pollMs?: number;
      /** A problem (`warn`) or its end (`info`), for the gateway's log. */
      log?: (level: 'warn' | 'info', message: string, fields: Record<string, unknown>) => void;
      /** Ask each platform for its schema as this department of ours sees it (`schema print --dept`), not its whole data schema. */
      view?: Department;
      /** The time in which a build is given back to a platform's bucket (REBUILD_INTERVAL_MS). */
      rebuildIntervalMs?: number;
      /** The builds a platform's bucket holds (REBUILD_BURST). */
      rebuildBurst?: number;
      /** Texts built before, by `region|hash`, to take instead of building them again (extendFor's views share the gateway's). */
      built?: LRUCache<string, Built>;
      /**
       * The build time of view texts, shared by extendFor's views (BuildBudget): a text not built before
       * is built only while the platform's budget lasts; until then the view lacks that namespace (made
       * again once the platform has answered a poll since).
       */
      viewBuilds?: BuildBudget;
      /** The burst of this gateway's BuildBudget for its views (VIEW_BUILD_BURST_MS). */
      viewBuildBurstMs?: number;
    } = {},
  ) {
    this.viewTexts = options.built ?? new LRUCache({ max: VIEW_TEXTS_KEPT * Math.max(1, platform.connected.length) });
    this.rebuilds = new SchemaRebuilds(options.rebuildIntervalMs, options.rebuildBurst);
    this.viewBuilds = new BuildBudget(options.viewBuildBurstMs);
    this.competent = departmentByCode(platform, platform.platform.competentDepartment)!;
    this.valueBounds = answerValueBounds(limitsOf(platform).maxCost);
    for (const c of platform.connected) {
      this.statuses.set(c.region, {
        region: c.region, name: c.name, namespace: c.namespace, url: c.url,
        reachable: false, schemaVersion: null, pendingSchema: null, lastError: null, checkedAt: null,
      });
    }
  }

  get any(): boolean {
    return this.platform.connected.length > 0;
  }

  status(): ConnectedStatus[] {
    // A schema that answered but could not be put beside this platform's own is not reachable-and-well.
    const left = this.leftOut;
    return [...this.statuses.values()].map((s) => (left && s.reachable ? { ...s, lastError: s.lastError ?? left } : { ...s }));
  }

  /** The status for /healthz, which needs no login: no url, and the last errors as callers get them. */
  publicStatus(): PublicConnectedStatus[] {
    return this.status().map(({ url: _url, ...s }) => ({ ...s, lastError: s.lastError === null ? null : this.callerErrors.get(s.region) ?? s.lastError }));
  }

  /** The local schema with the namespaces of the platforms whose schema is known. */
  extend(local: GraphQLSchema): GraphQLSchema {
    if (!this.federated) return local;
    let out = this.composed.get(local);
    if (!out) {
      try {
        out = composeSchema(local, this.federated);
        const problems = validateSchema(out);
        if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
        this.leftOut = null;
      } catch (err) {
        // A namespace whose types clash with this platform's own: served without the namespaces rather than not at all.
        const reason = theirError((err as Error).message);
        this.options.log?.('warn', 'connected platforms left out of the schema', { reason });
        this.leftOut = `left out of this gateway's schema: ${reason} (a type of this platform's catalogues under a connected platform's prefix; rename it)`;
        out = local;
      }
      this.composed.set(local, out);
    }
    return out;
  }

  /**
   * The local schema with each namespace as its platform shows `dept` (its `?view=department` schema, as
   * `schema print --dept` asks it), for the department's introspection (SPEC §15): the namespaces of
   * `extend` are each platform's whole data schema, fetched as the competent department, which names
   * resources and items the platform never lets `dept` read. A platform that does not answer now is left
   * out. Kept per local view and department until a connected schema changes; a
   * view that lacks a platform is made again once that platform has answered a poll since (it was down,
   * or slow, when the view was made: its namespace is due as soon as the gateway's own schema has it).
   */
  extendFor(local: GraphQLSchema, dept: Department): Promise<GraphQLSchema> {
    // By department too: departments that see the same of this platform may see different things there.
    let byDept = this.views.get(local);
    if (!byDept) this.views.set(local, (byDept = new Map()));
    const views = byDept;
    const key = `${dept.code}|${dept.level}|${dept.region}`;
    const kept = views.get(key);
    if (kept && !this.answeredSince(kept)) return kept.schema;
    const made: DepartmentView = { startedAt: Date.now(), lacking: [], schema: Promise.resolve(local) };
    made.schema = (async () => {
      const view = new ConnectedPlatforms(this.platform, this.keys, { pollMs: 0, view: dept, built: this.viewTexts, viewBuilds: this.viewBuilds });
      try {
        await view.refresh();
      } finally {
        view.stop();
      }
      made.lacking = view.status().filter((s) => s.schemaVersion === null).map((s) => s.region);
      return view.extend(local);
    })();
    made.schema.catch(() => views.get(key) === made && views.delete(key));
    views.set(key, made);
    return made.schema;
  }

  /** Whether a platform the view lacks has answered a poll since the view was started. */
  private answeredSince(view: DepartmentView): boolean {
    return view.lacking.some((region) => {
      const s = this.statuses.get(region);
      return !!s && s.reachable && s.lastError === null && s.checkedAt !== null && Date.parse(s.checkedAt) > view.startedAt;
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fetches every connected platform's schema once, then every pollMs (default 3000). */
  async start(): Promise<void> {
    await this.refresh();
    const pollMs = this.options.pollMs ?? 3000;
    if (pollMs > 0 && !this.timer && this.any) {
      this.timer = setInterval(() => void this.refresh(), pollMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  /** The keep-alive client of a connected platform, made on first use. */
  private client(c: ConnectedPlatform): PlatformClient {
    let client = this.clients.get(c.region);
    if (!client) this.clients.set(c.region, (client = platformClient(platformBase(c))));
    return client;
  }

  /** One round: each platform's schema, fetched concurrently; re-stitches when any version changed. */
  async refresh(): Promise<void> {
    const changed = await Promise.all(this.platform.connected.map((c) => this.refreshOne(c)));
    if (changed.some(Boolean)) this.restitch();
  }

  /** Notes what the last call found: the platform's state, and its problem (null when none). */
  private note(c: ConnectedPlatform, patch: Partial<ConnectedStatus>, problem: Reason | null): void {
    const s = this.statuses.get(c.region)!;
    const before = s.lastError;
    const lastError = problem ? problem(platformBase(c)) : null;
    Object.assign(s, patch, { lastError, checkedAt: new Date().toISOString() });
    this.callerErrors.set(c.region, problem ? problem(null) : null);
    // Logged when it changes, not at every poll: a platform down for an hour is one line, and one when it is back.
    if (lastError && lastError !== before) this.options.log?.('warn', 'connected platform unavailable', { platform: c.region, namespace: c.namespace, reason: lastError });
    else if (lastError === null && before) this.options.log?.('info', 'connected platform available again', { platform: c.region, namespace: c.namespace });
  }

  /**
   * One platform's schema, asked once at a time: a platform that answers slowly (byte by byte, up to its
   * timeoutMs, which may be an hour) was asked again at every poll meanwhile, each ask holding a socket
   * and up to MAX_SCHEMA_BYTES, and an older answer could land after a newer one and put its schema back.
   * A call meanwhile waits for the ask in flight; its caller re-stitches nothing (the first one does).
   */
  private refreshOne(c: ConnectedPlatform): Promise<boolean> {
    const asking = this.asking.get(c.region);
    if (asking) return asking.then(() => false);
    const ask = this.askOne(c).finally(() => this.asking.delete(c.region));
    this.asking.set(c.region, ask);
    return ask;
  }

  private async askOne(c: ConnectedPlatform): Promise<boolean> {
    let doc: SchemaDocument;
    try {
      doc = await this.fetchSchema(c);
    } catch (err) {
      // No change pending from a platform that does not answer: a build needs its schema fetched again,
      // so none will be made at the time announced. Once it answers, a change it still has is pending again.
      this.note(c, { reachable: false, pendingSchema: null }, err instanceof Unavailable ? err.reason : failure(c, err));
      return false;
    }
    const known = this.schemas.get(c.region);
    if (known?.version === doc.version) {
      this.note(c, { reachable: true, pendingSchema: null }, null);
      return false;
    }
    // A new version of the same text (a publication that changed no data field, or a platform bumping
    // its version at every poll) is not parsed and stitched again: only its version is noted.
    const hash = createHash('sha256').update(doc.sdl).digest('base64url');
    if (known?.hash === hash) {
      known.version = doc.version;
      this.note(c, { reachable: true, schemaVersion: theirLabel(doc.version), pendingSchema: null }, null);
      return false;
    }
    // The text that could not be stitched last time, again: the same problem, not built again.
    const failed = this.unstitchable.get(c.region);
    if (failed?.hash === hash) {
      this.note(c, { reachable: true, pendingSchema: null }, failed.problem);
      return false;
    }
    // A view's text built before for another view: taken as it was built (a view is made once, for
    // introspection, by a gateway that asks; the gateway's own schema is rate-bounded below instead).
    const before = this.options.built?.get(`${c.region}|${hash}`);
    if (before) return this.take(c, doc, hash, before);
    const viewBuilds = this.options.viewBuilds;
    if (viewBuilds && !viewBuilds.due(c.region)) {
      // Left out of this view (schemaVersion null: extendFor's view lacks it, and is made again later).
      this.note(c, { reachable: true, pendingSchema: `${theirLabel(doc.version)}, to be built at ${viewBuilds.nextAt(c.region)} or later (the build time of a platform's views is bounded: a twentieth of the time, after a burst)` }, null);
      return false;
    }
    if (!this.rebuilds.due(c.region)) {
      const pendingSchema = `${theirLabel(doc.version)}, to be built at ${this.rebuilds.nextAt(c.region)} or later (a connected platform's schema is built at each change up to ${REBUILD_BURST} in a row, then once a minute; one slow to build less often)`;
      if (this.rebuilds.skip(c.region)) this.options.log?.('warn', 'connected platform schema changed again; built later', { platform: c.region, namespace: c.namespace, version: theirLabel(doc.version), at: this.rebuilds.nextAt(c.region) });
      this.note(c, { reachable: true, pendingSchema }, null);
      return false;
    }
    const started = performance.now();
    const made = this.build(c, doc.sdl);
    this.options.built?.set(`${c.region}|${hash}`, made);
    // The first schema in effect (at the start, or when the platform first answers) starts no wait:
    // a publication there right after this gateway started shows at once. Failures always count.
    if (known || 'problem' in made) this.built(c, performance.now() - started);
    viewBuilds?.built(c.region, performance.now() - started);
    return this.take(c, doc, hash, made);
  }

  /** Puts a built text in effect, or notes why it cannot be; true when the schema changed. */
  private take(c: ConnectedPlatform, doc: SchemaDocument, hash: string, made: Built): boolean {
    if ('problem' in made) {
      this.unstitchable.set(c.region, { hash, problem: made.problem });
      this.note(c, { reachable: true, pendingSchema: null }, made.problem);
      return false;
    }
    this.schemas.set(c.region, { version: doc.version, hash, config: made.config });
    this.note(c, { reachable: true, schemaVersion: theirLabel(doc.version), pendingSchema: null }, null);
    return true;
  }

  /** Parses a platform's schema text and stitches it alone. */
  private build(c: ConnectedPlatform, sdl: string): Built {
    try {
      const config = this.subschema(c, sdl);
      // Refused here, alone, what cannot be stitched or would make the served schema invalid (a schema
      // without Query leaves an empty namespace type), so that one platform never breaks the others.
      const alone = stitchSchemas({ subschemas: [config] });
      const problems = validateSchema(alone);
      if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
      if (!alone.getQueryType()?.getFields()[c.namespace]) throw new Error('it has no data fields (no Query type).');
      return { config };
    } catch (err) {
      return { problem: said(`its schema cannot be stitched: ${theirError((err as Error).message)}`) };
    }
  }

  /** A build of the platform's schema ended (SchemaRebuilds): the changes it skipped are logged. */
  private built(c: ConnectedPlatform, tookMs: number): void {
    const skipped = this.rebuilds.built(c.region, tookMs);
    if (skipped) this.options.log?.('info', 'connected platform schema built after changes skipped', { platform: c.region, namespace: c.namespace, skipped });
  }

  private restitch(): void {
    const subschemas = [...this.schemas.values()].map((s) => s.config);
    this.federated = subschemas.length ? stitchSchemas({ subschemas }) : null;
    this.composed = new WeakMap();
    this.views = new WeakMap();
    for (const l of this.listeners) l();
  }

  private async headers(c: ConnectedPlatform, asker: Asker): Promise<Record<string, string>> {
    const dept = asker.identity.dept;
    const token = await signForwarded(this.keys, {
      iss: this.platform.platform.region, aud: c.region, sub: asker.identity.user,
      dept: dept.code, deptLevel: dept.level, deptRegion: dept.region, purpose: asker.purpose,
    });
    return { authorization: `Bearer ${token}`, [FORWARDED_HEADER]: this.platform.platform.region, 'content-type': 'application/json' };
  }

  private async fetchSchema(c: ConnectedPlatform): Promise<SchemaDocument> {
    const asker = { identity: { user: `platform:${this.platform.platform.region}`, dept: this.options.view ?? this.competent }, purpose: null };
    let res;
    try {
      res = await this.client(c).request(this.options.view ? `${SCHEMA_PATH}?view=department` : SCHEMA_PATH, {
        method: 'GET',
        headers: await this.headers(c, asker),
        timeoutMs: c.timeoutMs ?? DEFAULT_CONNECTED_TIMEOUT_MS,
        maxBytes: MAX_SCHEMA_BYTES,
      });
    } catch (err) {
      if (!(err instanceof TransportError && err.code === 'TOO_LARGE')) throw err;
      throw unavailable(c, of(`sent a schema document larger than ${MAX_SCHEMA_BYTES} bytes (${MAX_SCHEMA_BYTES / 1024 / 1024} MiB), the most this gateway reads of a connected platform's schema; it was read no further.`));
    }
    const away = redirected(res);
    if (away) throw unavailable(c, away);
    const body = res.body as (Partial<SchemaDocument> & { errors?: { message: string }[] }) | undefined;
    if (!body || typeof body !== 'object') throw unavailable(c, of(`did not answer as a govgraph gateway (HTTP ${res.status}).`));
    if (res.status === 401) {
      throw unavailable(c, said(`it refused this platform (HTTP 401): ${refusal(body)} `
        + `It verifies this platform's signature with the keys at the url its own \`connected\` lists for region ${this.platform.platform.region}: `
        + 'that entry must exist and this platform\'s gateway must serve /.well-known/jwks.json there. '
        // The token's audience is the region listed here: a platform listed under another region than its own refuses it alike.
        + `And it must be the platform of region ${c.region}, as this platform's file lists it: the requests are signed for that region.`));
    }
    if (res.status < 200 || res.status > 299) throw unavailable(c, said(`it refused this platform (HTTP ${res.status}): ${refusal(body)}`));
    if (typeof body.sdl !== 'string' || typeof body.version !== 'string') throw unavailable(c, of('did not answer as a govgraph gateway.'));
    if (body.region !== c.region) throw unavailable(c, (url) => url
      ? `${url} answers as platform ${theirLabel(body.region)}, not ${c.region}; check the url.`
      : `it answers as platform ${theirLabel(body.region)}, not ${c.region}: this platform's file lists a wrong url for it.`);
    return body as SchemaDocument;
  }

  private subschema(c: ConnectedPlatform, sdl: string): SubschemaConfig {
    const prefix = connectedTypePrefix(c.namespace);
    const timeoutMs = c.timeoutMs ?? DEFAULT_CONNECTED_TIMEOUT_MS;
    const send = async (request: ExecutionRequest): Promise<ExecutionResult> => this.forward(c, request, timeoutMs);
    // Batched: an operation that selects the namespace several times (aliases, fragments) sends the
    // platform one request for all of them, through graphql-tools' batching executor made for that
    // request. Only then: graphql-tools' own `batch: true` makes one per request whatever it selects,
    // which measured about a third of the delegation's cost (docs/benchmarks.md), for nothing when the
    // namespace is selected once (one request either way).
    const batches = new WeakMap<object, Executor>();
    const executor = (request: ExecutionRequest) => {
      if (!request.info || !selectsMoreThanOnce(request.info, c.namespace) || !request.context) return send(request);
      let batching = batches.get(request.context);
      if (!batching) batches.set(request.context, (batching = createBatchingExecutor(send)));
      return batching(request);
    };
    return {
      schema: buildSchema(sdl),
      executor: executor as Executor,
      // graphql-tools' delegation, its request planned once per operation (src/federation/delegation.ts).
      createProxyingResolver: plannedProxyingResolver,
      transforms: [new PrefixTypes(prefix), new Namespace('Query', `${prefix}Query`, c.namespace)],
    };
  }

  /**
   * A namespace read that failed (no answer in time, a redirect, a refusal, an error without a known
   * code), in the log for the operator, with the url: the schema poll says only what the schema ask
   * met, and a platform whose schema answers while its reads fail looked well. A warning at most once a
   * minute per platform and kind of failure; every caller is told (PLATFORM_UNAVAILABLE, or the error).
   */
  private readFailed(c: ConnectedPlatform, kind: string, reason: string): void {
    const key = `${c.region}|${kind}`;
    const now = Date.now();
    const last = this.readFailures.get(key);
    if (last !== undefined && now - last < READ_FAILURE_LOG_MS) return;
    this.readFailures.set(key, now);
    this.options.log?.('warn', 'connected platform request failed', { platform: c.region, namespace: c.namespace, reason });
  }

  /** One delegated request: the sub-selection of the namespace, the identity signed, bounded by the timeout. */
  private async forward(c: ConnectedPlatform, request: ExecutionRequest, timeoutMs: number): Promise<ExecutionResult> {
    const asker = request.context as Asker;
    const note = (outcome: ForwardNote['outcome'], errors: number) => asker.forwards?.push({ namespace: c.namespace, platform: c.region, outcome, errors });
    let res;
    let underWay = false;
    try {
      asker.cancel?.check();
      underWay = true;
      res = await this.client(c).request('/graphql', {
        method: 'POST',
        headers: await this.headers(c, asker),
        body: JSON.stringify({ query: textOf(request.document), variables: request.variables, operationName: request.operationName }),
        timeoutMs,
        maxValues: this.valueBounds,
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
      const refused = unavailable(c, err instanceof TooManyValues ? tooManyValues(err, limitsOf(this.platform).maxCost) : failure(c, err));
      // Not a platform that is down (the schema poll says that, once): one that answers too much, logged each time.
      if (err instanceof TransportError && (err.code === 'TOO_LARGE' || err instanceof TooManyValues)) this.options.log?.('warn', 'connected platform answer refused', { platform: c.region, namespace: c.namespace, reason: refused.forOperators });
      else this.readFailed(c, err instanceof TransportError ? err.code : 'error', refused.forOperators);
      return { errors: [refused] };
    }
    const away = redirected(res);
    if (away) {
      note('unavailable', 1);
      const refused = unavailable(c, away);
      this.readFailed(c, 'redirect', refused.forOperators);
      return { errors: [refused] };
    }
    const body = res.body as ExecutionResult | undefined;
    if (!isExecutionResult(body)) {
      note('unavailable', 1);
      const refused = unavailable(c, of(`did not answer as a govgraph gateway (HTTP ${res.status}).`));
      this.readFailed(c, 'not-govgraph', refused.forOperators);
      return { errors: [refused] };
    }
    if ((res.status < 200 || res.status > 299) && !body.data) {
      const first = body.errors?.[0];
      const code = first?.extensions?.code;
      if (first && typeof code === 'string' && REQUEST_REFUSALS.includes(code)) {
        note('answered', 1);
        // Its plain extensions pass on (the limit, figure and bound, retryAfter), as a data error's do.
        // Its message and texts cut as the other refusals' (their-text.ts): an honest one is a sentence.
        const texts = Object.entries(passedOn(first.extensions) ?? {}).map(([k, v]) => [k, typeof v === 'string' ? theirError(v) : v]);
        const extensions = { ...Object.fromEntries(texts), code, platform: c.region };
        return { errors: [new GraphQLError(`The connected platform ${c.name} (${c.region}) refused the request: ${theirError(withoutStack(first.message))}`, { extensions })] };
      }
      note('unavailable', 1);
      const refused = unavailable(c, said(`it refused the request (HTTP ${res.status}): ${refusal(body)}`));
      this.readFailed(c, `http-${res.status}`, refused.forOperators);
      return { errors: [refused] };
    }
    const errorBound = answerErrorBound(request.document);
    if (body.errors && body.errors.length > errorBound) {
      note('unavailable', 1);
      const refused = unavailable(c, said(`it answered with ${body.errors.length} errors, more than the ${errorBound} this gateway takes of a connected platform's answer to this request (a govgraph gateway gives one per denied item and path, not one per record); the answer was not used.`));
      this.options.log?.('warn', 'connected platform answer refused', { platform: c.region, namespace: c.namespace, reason: refused.forOperators });
      return { errors: [refused] };
    }
    if (body.data && !('__typename' in body.data) && asksRootTypename(request.document)) {
      // graphql-tools finds the namespace's fields by it: without it the namespace was null, silently.
      note('unavailable', 1);
      const refused = unavailable(c, of('answered without the __typename it was asked at its root: not a govgraph gateway\'s answer.'));
      this.readFailed(c, 'not-govgraph', refused.forOperators);
      return { errors: [refused] };
    }
    // Neither data nor an error, or data without a field it was asked: no govgraph gateway answers so,
    // and the namespace was null (or its departments were) without a word to the caller.
    const missing = body.data ? missingRootField(request.document, body.data) : body.errors?.length ? null : 'data';
    if (missing !== null) {
      note('unavailable', 1);
      const refused = unavailable(c, of(`answered without ${missing === 'data' ? 'data or an error' : 'a field it was asked at its root'}: not a govgraph gateway's answer.`));
      this.readFailed(c, 'not-govgraph', refused.forOperators);
      return { errors: [refused] };
    }
    note('answered', body.errors?.length ?? 0);
    const codeless = body.errors?.find((e) => !KNOWN_CODES.has(e.extensions?.code as string));
    if (codeless) this.readFailed(c, 'unknown-code', `${platformBase(c)} answered an error without one of govgraph's error codes (src/model/error-codes.ts lists them) (${theirLabel(codeless.extensions?.code ?? 'no code')}: ${theirError(withoutStack(codeless.message))}); callers get "Internal server error." for it`);
    // Errors pass through as the platform gave them (code, resource, item); stitching puts their paths
    // under the namespace. All but `extensions.http`: Apollo sets the HTTP status of the answer an error
    // is in from it, and an error in a namespace must not make this gateway's whole answer a 401.
    return {
      ...body,
      errors: body.errors?.map((e) => KNOWN_CODES.has(e.extensions?.code as string)
        ? new GraphQLError(withoutStack(e.message), { path: responsePath(e.path), extensions: namedAs(c, passedOn(e.extensions)) })
        : new GraphQLError('Internal server error.', { path: responsePath(e.path), extensions: { code: 'INTERNAL_SERVER_ERROR' }, originalError: new ConnectedPlatformError('Internal server error.') })),
    };
  }
}
