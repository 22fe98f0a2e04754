// The platforms this one is connected to (SPEC §12), seen from the connecting side: each one's data
// schema, fetched from it with a signed request and refreshed every few seconds (a publication there
// shows here without a restart), stitched with @graphql-tools/stitch under `Query.<namespace>` with
// its type names prefixed; requests into a namespace are delegated to the platform with the requester's
// identity signed by this platform. A platform that is down, refuses or is slow makes its namespace null
// with PLATFORM_UNAVAILABLE; nothing is retried in a loop (the next request, or the next poll, tries again).
// Its parts: connected-schema.ts (asking for a schema, stitching it), forward.ts (the reads sent),
// connected-status.ts (the status views), unavailable.ts (the reasons, for operators and callers), and in
// connected/: namespaces.ts (their schemas stitched, composed with ours), department-views.ts (extendFor's
// views), read-failures.ts (the reads that failed, logged), options.ts (what it is made with).
import { createHash } from 'node:crypto';
import type { SubschemaConfig } from '@graphql-tools/delegate';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { LRUCache } from 'lru-cache';
import type { GraphQLSchema } from 'graphql';
import { departmentByCode, DEFAULT_CONNECTED_TIMEOUT_MS, limitsOf, type ConnectedPlatform, type Department, type Platform } from '../../model/platform.ts';
import { platformBase } from '../../identity/forwarded.ts';
import type { PlatformKeys } from '../../identity/platform-keys.ts';
import { answerValueBounds, type ValueBounds } from '../answer-values.ts';
import { platformClient, type PlatformClient } from '../http-client.ts';
import { BuildBudget, REBUILD_BURST, SchemaRebuilds } from '../schema-rebuilds.ts';
import { theirLabel } from '../their-text.ts';
import { fetchSchema, stitchAlone, subschemaOf, type Built, type SchemaDocument } from '../connected-schema.ts';
import { ConnectedStatuses, type ConnectedStatus, type PublicConnectedStatus } from '../connected-status.ts';
import { forwardedHeaders, forwardRequest, type Asker, type Forwarder } from '../forward.ts';
import type { SchemaRecheck } from '../schema-drift.ts';
import { failure, Unavailable, type Reason } from '../unavailable.ts';
import { DepartmentViews } from './department-views.ts';
import { Namespaces } from './namespaces.ts';
import type { ConnectedOptions } from './options.ts';
import { ReadFailures } from './read-failures.ts';

/** Department view schema texts kept built per connected platform (the distinct views a gateway keeps, src/server/plugins/introspection.ts). */
const VIEW_TEXTS_KEPT = 16;

/**
 * The least time between two schema asks of a platform made because it refused a read as invalid
 * (recheck): a platform refusing every read so costs one ask a second, not one per read.
 */
const RECHECK_MIN_MS = 1000;

/** The schema versions (`x-schema-version`) of a platform whose text is kept known (answerFits), the latest ones. */
const VERSIONS_KEPT = 8;

const hashOf = (sdl: string) => createHash('sha256').update(sdl).digest('base64url');

export class ConnectedPlatforms {
  private readonly statuses: ConnectedStatuses;
  /** Each platform's schema in effect here: its version, the hash of its text, and its stitching config. */
  private readonly schemas = new Map<string, { version: string; hash: string; config: SubschemaConfig }>();
  /** Their schemas stitched, and each local schema composed with them (namespaces.ts). */
  private readonly namespaces: Namespaces;
  /** The department views of `extendFor` (department-views.ts). */
  private readonly departmentViews: DepartmentViews;
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
  /** The namespace reads that failed, logged (read-failures.ts). */
  private readonly readFailures: ReadFailures;
  /**
   * The build time of extendFor's view texts, per platform (BuildBudget). A platform answering each view
   * ask with a text not seen before had each department's introspection hold this gateway's event loop
   * for the build, 15 to 20 s at 1.5 MB, every caller waiting: the gateway's own schema was rate-bounded
   * (rebuilds), the views were not.
   */
  private readonly viewBuilds: BuildBudget;
  /** Each platform's schema ask in flight (refreshOne). */
  private readonly asking = new Map<string, Promise<boolean>>();
  /** How namespace reads are sent (forward.ts). */
  private readonly forwarding: Forwarder;
  /** The hash of each platform's schema text last fetched, in effect or not (recheck). */
  private readonly seen = new Map<string, string>();
  /** When each platform's schema was last asked by recheck (ms since the epoch). */
  private readonly rechecked = new Map<string, number>();
  /** The schema version (`x-schema-version`) each platform's last read was answered by. */
  private readonly answeredWith = new Map<string, string>();
  /**
   * By platform, the hash of the text each of its schema versions (`x-schema-version`) serves, learnt from
   * its schema documents (askOne): whether an answer comes from the text its request was planned on
   * (answerFits). None for a platform whose schema documents name no version.
   */
  private readonly texts = new Map<string, Map<string, string>>();

  constructor(
    private readonly platform: Platform,
    private readonly keys: PlatformKeys,
    private readonly options: ConnectedOptions = {},
  ) {
    this.viewTexts = options.built ?? new LRUCache({ max: VIEW_TEXTS_KEPT * Math.max(1, platform.connected.length) });
    this.rebuilds = new SchemaRebuilds(options.rebuildIntervalMs, options.rebuildBurst);
    this.viewBuilds = new BuildBudget(options.viewBuildBurstMs);
    this.competent = departmentByCode(platform, platform.platform.competentDepartment)!;
    this.valueBounds = answerValueBounds(limitsOf(platform).maxCost);
    this.statuses = new ConnectedStatuses(platform, options.log);
    this.namespaces = new Namespaces(options.log);
    this.departmentViews = new DepartmentViews(this.statuses);
    this.readFailures = new ReadFailures(options.log);
    this.forwarding = {
      platform,
      client: (c) => this.client(c),
      headers: (c, asker) => this.headers(c, asker),
      valueBounds: this.valueBounds,
      log: options.log,
      readFailed: (c, kind, reason) => this.readFailures.readFailed(c, kind, reason),
      recheck: (c, plannedOn) => this.recheck(c, plannedOn),
      answeredBy: (c, version) => this.answeredBy(c, version),
      answerFits: (c, plannedOn, version) => this.answerFits(c, plannedOn, version),
      answeredByOther: (c, plannedOn, version) => this.answeredByOther(c, plannedOn, version),
    };
  }

  get any(): boolean {
    return this.platform.connected.length > 0;
  }

  status(): ConnectedStatus[] {
    return this.statuses.status(this.namespaces.leftOut);
  }

  /** The status for /healthz, which needs no login: no url, and the last errors as callers get them. */
  publicStatus(): PublicConnectedStatus[] {
    return this.statuses.publicStatus(this.namespaces.leftOut);
  }

  /** The local schema with the namespaces of the platforms whose schema is known. */
  extend(local: GraphQLSchema): GraphQLSchema {
    return this.namespaces.extend(local);
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
    return this.departmentViews.viewFor(local, dept, async (made) => {
      const view = new ConnectedPlatforms(this.platform, this.keys, { pollMs: 0, view: dept, built: this.viewTexts, viewBuilds: this.viewBuilds });
      try {
        await view.refresh();
      } finally {
        view.stop();
      }
      made.lacking = view.status().filter((s) => s.schemaVersion === null).map((s) => s.region);
      return view.extend(local);
    });
  }

  /** How many departments' views of `local` are kept (tests). */
  keptViews(local: GraphQLSchema): number {
    return this.departmentViews.kept(local);
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

  /** Notes what the last call found: the platform's state, and its problem (null when none); ConnectedStatuses.note. */
  private note(c: ConnectedPlatform, patch: Partial<ConnectedStatus>, problem: Reason | null, pendingVersion?: string): void {
    this.statuses.note(c, patch, problem, pendingVersion);
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
    // The same published catalogues, served by a schema version already known: the same text, not hashed
    // again. A version not known (a gateway there upgraded, its text maybe changed) goes on.
    if (known?.version === doc.version && (doc.servedAs === undefined || this.texts.get(c.region)?.has(doc.servedAs))) {
      this.note(c, { reachable: true, pendingSchema: null }, null);
      return false;
    }
    // A new version of the same text (a publication that changed no data field, or a platform bumping
    // its version at every poll) is not parsed and stitched again: only its version is noted.
    const hash = hashOf(doc.sdl);
    this.seen.set(c.region, hash);
    if (doc.servedAs !== undefined && !this.options.view) this.servedBy(c, doc.servedAs, hash);
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
      this.note(c, { reachable: true, pendingSchema: `${theirLabel(doc.version)}, to be built at ${viewBuilds.nextAt(c.region)} or later (the build time of a platform's views is bounded: a twentieth of the time, after a burst)` }, null, theirLabel(doc.version));
      return false;
    }
    if (!this.rebuilds.due(c.region)) {
      const pendingSchema = `${theirLabel(doc.version)}, to be built at ${this.rebuilds.nextAt(c.region)} or later (a connected platform's schema is built at each change up to ${REBUILD_BURST} in a row, then once a minute; one slow to build less often)`;
      if (this.rebuilds.skip(c.region)) this.options.log?.('warn', 'connected platform schema changed again; built later', { platform: c.region, namespace: c.namespace, version: theirLabel(doc.version), at: this.rebuilds.nextAt(c.region) });
      this.note(c, { reachable: true, pendingSchema }, null, theirLabel(doc.version));
      return false;
    }
    const started = performance.now();
    const made = this.build(c, doc.sdl, hash);
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

  /**
   * The platform's schema asked now, unless it was asked so less than RECHECK_MIN_MS ago (false then);
   * re-stitched when it changed.
   */
  private async askAgain(c: ConnectedPlatform, why: string): Promise<boolean> {
    const now = Date.now();
    if (now - (this.rechecked.get(c.region) ?? 0) < RECHECK_MIN_MS) return false;
    this.rechecked.set(c.region, now);
    this.options.log?.('info', why, { platform: c.region, namespace: c.namespace });
    if (await this.refreshOne(c)) this.restitch();
    return true;
  }

  /**
   * A read answered by schema version `version` there (its `x-schema-version`, a digest of its whole
   * schema): one other than the last read's means a publication there, whose data schema is asked now
   * rather than at the next poll (a field added there shows at once). Not waited for: whether the read's
   * answer stands is answerFits's (for a platform whose schema documents name no version, it stands, and
   * a retyped item's values, which graphql-tools reads as null without a word when they do not fit the
   * type held here, are read so by that one request rather than for up to a poll).
   */
  private answeredBy(c: ConnectedPlatform, version: string): void {
    const before = this.answeredWith.get(c.region);
    this.answeredWith.set(c.region, version);
    if (before !== undefined && before !== version) {
      this.askAgain(c, 'connected platform answered with another schema version; its schema asked again').catch(() => undefined);
    }
  }

  /** Schema version `version` of the platform serves the text of hash `hash`: kept for answerFits, the latest VERSIONS_KEPT. */
  private servedBy(c: ConnectedPlatform, version: string, hash: string): void {
    let texts = this.texts.get(c.region);
    if (!texts) this.texts.set(c.region, (texts = new Map()));
    texts.delete(version);
    texts.set(version, hash);
    if (texts.size > VERSIONS_KEPT) texts.delete(texts.keys().next().value!);
  }

  /**
   * Whether a read planned on the text of hash `plannedOn` and answered by schema version `version` there
   * is known to have been answered by that text; true too for a platform whose schema documents name no
   * version (an older gateway): nothing to tell it by. Two map look-ups, for every answer.
   */
  private answerFits(c: ConnectedPlatform, plannedOn: string, version: string): boolean {
    const texts = this.texts.get(c.region);
    return texts === undefined || texts.get(version) === plannedOn;
  }

  /**
   * A read planned on the text `plannedOn` answered by a schema version there not known to serve it: its
   * schema asked again unless that version is known (as recheck: at most once a RECHECK_MIN_MS, an ask in
   * flight waited for). Null when the version serves `plannedOn` after all (a publication that left the
   * data schema as it was); else what was found: the version's text built here, waiting for its build,
   * unstitchable, or `same` when the version is still not known (another publication since, or one
   * instance of several serving it before the schema document says so).
   */
  private async answeredByOther(c: ConnectedPlatform, plannedOn: string, version: string): Promise<SchemaRecheck | null> {
    if (!this.texts.get(c.region)?.has(version)) {
      if (!(await this.askAgain(c, 'connected platform answered with a schema version not known here; its schema asked again'))) {
        await this.asking.get(c.region);
      }
    }
    const text = this.texts.get(c.region)?.get(version);
    if (text === plannedOn) return null;
    return text === undefined ? { found: 'same' } : this.found(c, text);
  }

  /** Where the platform's text of hash `text`, other than the one a request was planned on, stands here. */
  private found(c: ConnectedPlatform, text: string): SchemaRecheck {
    if (this.schemas.get(c.region)?.hash === text) return { found: 'built' };
    if (this.unstitchable.get(c.region)?.hash === text) return { found: 'unstitchable' };
    return { found: 'pending', at: this.rebuilds.nextAt(c.region) };
  }

  /** Parses a platform's schema text (its hash `hash`) and stitches it alone. */
  private build(c: ConnectedPlatform, sdl: string, hash: string): Built {
    return stitchAlone(c, () => this.subschema(c, sdl, hash));
  }

  /**
   * A platform refused a read planned on its text `plannedOn` as invalid there (schema-drift.ts): its
   * schema asked at once rather than at the next poll (at most once a RECHECK_MIN_MS; an ask in flight
   * is waited for), re-stitched when it changed, and what was found said against `plannedOn`.
   */
  private async recheck(c: ConnectedPlatform, plannedOn: string): Promise<SchemaRecheck> {
    if (!(await this.askAgain(c, 'connected platform refused a read as invalid; its schema asked again'))) {
      await this.asking.get(c.region);
    }
    const seen = this.seen.get(c.region);
    if (seen === undefined || seen === plannedOn) return { found: 'same' };
    return this.found(c, seen);
  }

  /** A build of the platform's schema ended (SchemaRebuilds): the changes it skipped are logged. */
  private built(c: ConnectedPlatform, tookMs: number): void {
    const skipped = this.rebuilds.built(c.region, tookMs);
    if (skipped) this.options.log?.('info', 'connected platform schema built after changes skipped', { platform: c.region, namespace: c.namespace, skipped });
  }

  private restitch(): void {
    const subschemas = [...this.schemas.values()].map((s) => s.config);
    this.namespaces.restitch(subschemas);
    this.departmentViews.forget();
    for (const l of this.listeners) l();
  }

  private headers(c: ConnectedPlatform, asker: Asker): Promise<Record<string, string>> {
    return forwardedHeaders(this.keys, this.platform, c, asker);
  }

  private async fetchSchema(c: ConnectedPlatform): Promise<SchemaDocument> {
    const asker = { identity: { user: `platform:${this.platform.platform.region}`, dept: this.options.view ?? this.competent }, purpose: null };
    return fetchSchema(c, this.client(c), () => this.headers(c, asker), !!this.options.view, this.platform.platform.region);
  }

  private subschema(c: ConnectedPlatform, sdl: string, hash: string): SubschemaConfig {
    const timeoutMs = c.timeoutMs ?? DEFAULT_CONNECTED_TIMEOUT_MS;
    const send = async (request: ExecutionRequest): Promise<ExecutionResult> => this.forward(c, request, timeoutMs, hash);
    return subschemaOf(c, sdl, send);
  }

  /** One delegated request: the sub-selection of the namespace, the identity signed, bounded by the timeout. */
  private async forward(c: ConnectedPlatform, request: ExecutionRequest, timeoutMs: number, plannedOn: string): Promise<ExecutionResult> {
    return forwardRequest(this.forwarding, c, request, timeoutMs, plannedOn);
  }
}
