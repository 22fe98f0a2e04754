// Holds the schema in effect and swaps it when the published catalogues change (SPEC §9). It is an
// Apollo Server gateway: Apollo keeps the schema a request started with until the request ends, so a
// swap never fails a request in flight. Every instance polls the store, so all instances on one store
// serve a newly published schema within the poll interval.
//
// Refreshes are single-flight and run one after another, so the schema only moves forward: a refresh
// asked for while another runs (say a publish while a poll is reading the store) waits for it and then
// reads the store again, and no refresh that read older versions can install after a newer one.
import { createHash } from 'node:crypto';
import { itemHistoryOf, type ItemHistory } from '../access/item-since/history.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { executeOperation, type Operation } from './executor.ts';
import type { Department, Platform } from '../model/platform.ts';
import { CATALOGUE_VERSIONS } from '../catalogue/repository/rows.ts';
import { publishedVersions } from '../catalogue/repository/versions.ts';
import { eq } from '../store/port.ts';
import type { Store } from '../store/port.ts';
import { buildGatewaySchemaInSteps, type BuildOptions, type GatewaySchema } from './assemble.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { SchemaService } from '../workflow/catalogues.ts';
import type { RequestContext } from '../../resolvers/request.ts';
import { dedupeErrors } from '../rules/errors.ts';
import { replaceUnfitValues } from './unfit-values.ts';
import { spreadCombinedErrors } from '../federation/combined-errors.ts';

type Listener = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];

/**
 * Runs an operation on a build: graphql-jit (executeOperation) unless told otherwise. Another executor is
 * for benchmarks only (bench/executors.ts measures an executor of its own against graphql-jit).
 */
export type OperationExecutor = (op: Operation, built: GatewaySchema | undefined) => Promise<ExecutionResult>;

/** Adds to every schema the holder serves (the connected platforms' namespaces, SPEC §12). */
export interface SchemaExtension {
  extend(schema: GraphQLSchema): GraphQLSchema;
  /** The schema with the extension as `dept` may see it (its introspection), kept by the extension as long as it holds; `extend`'s when absent. */
  extendFor?(schema: GraphQLSchema, dept: Department): Promise<GraphQLSchema>;
  onChange(listener: () => void): () => void;
}

export class SchemaHolder implements GatewayInterface, SchemaService {
  private current: GatewaySchema | null = null;
  private signature = '';
  private listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  /** Every schema handed to Apollo, so a request executes on the build it was validated against. */
  private readonly builds = new WeakMap<GraphQLSchema, GatewaySchema>();
  /** The refresh in flight, and the one queued behind it (shared by every caller meanwhile). */
  private running: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;
  /** The last build `check` made, by the content of its catalogues: a publish installs it without building again. */
  private prepared: { key: string; built: GatewaySchema } | null = null;
  /** Polled with the publications (grants, ...): called on every poll tick. */
  private readonly watchers: { poll(): Promise<unknown> }[] = [];
  /** The publication history, for the versions from which items have been in effect. */
  private readonly history: ItemHistory;

  constructor(
    private readonly platform: Platform,
    private readonly store: Store,
    private readonly options: BuildOptions & { pollMs?: number; onError?: (err: unknown) => void; extension?: SchemaExtension; execute?: OperationExecutor } = {},
  ) {
    this.history = itemHistoryOf(store);
    // A connected platform's schema changed: serve the same build with the new namespaces.
    options.extension?.onChange(() => {
      if (this.current) this.install(this.current, this.signature);
    });
  }

  get schema(): GatewaySchema {
    if (!this.current) throw new Error('schema not loaded yet');
    return this.current;
  }

  /** The published catalogues the schema in effect was built from (`id@version,...`): its version. */
  get version(): string {
    return this.signature;
  }

  get loaded(): boolean {
    return this.current !== null;
  }

  /**
   * The build a schema handed to Apollo was made from. A request keeps the schema it started with (Apollo
   * picks it after the request's context is made), so what a request checks besides executing (its
   * limits, its audit entry's resources, its introspection view) is asked of its own build, never of the
   * one in effect now: a publication in between would mix the old schema with the new rules.
   */
  buildOf(schema: GraphQLSchema): GatewaySchema | undefined {
    return this.builds.get(schema);
  }

  /** The catalogues of the schema in effect (empty before the first load). */
  get catalogues(): readonly Catalogue[] {
    return this.current?.catalogues ?? [];
  }

  /** Something else to poll on the publication poll's tick (the grants cache). */
  watch(watcher: { poll(): Promise<unknown> }): void {
    this.watchers.push(watcher);
  }

  /**
   * The workflow's check before a publish or withdrawal: the gateway schema of these catalogues builds.
   * The build is kept, so the refresh that follows the publish installs it instead of building again.
   * Built in steps: the schema in effect keeps serving requests meanwhile.
   */
  async check(catalogues: Catalogue[]): Promise<void> {
    const built = await buildGatewaySchemaInSteps(this.platform, catalogues, this.options);
    this.prepared = { key: contentKey(catalogues), built };
  }

  /**
   * Builds the schema from the published catalogues if they changed; true when it swapped. Single-flight:
   * while a refresh runs, callers share one more refresh that starts when it ends (it may have read the
   * store before the change they want to see).
   */
  refresh(): Promise<boolean> {
    if (!this.running) {
      this.running = this.readAndInstall().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.refresh();
      });
    return this.queued;
  }

  private async readAndInstall(): Promise<boolean> {
    // The signature first, from two small columns: every instance polls every 2 s, and the documents
    // are parsed only when something was published.
    const heads = await this.store.find(CATALOGUE_VERSIONS, {
      filter: eq('status', 'published'),
      projection: ['id', 'version'],
      sort: [{ field: 'id', direction: 'asc' }, { field: 'version', direction: 'desc' }],
    });
    const signature = heads.map((v) => `${v.id}@${v.version}`).join(',');
    if (this.current && signature === this.signature) return false;
    const versions = await publishedVersions(this.store);
    const catalogues = versions.map((v) => v.catalogue);
    const key = contentKey(catalogues);
    // Hashing and parsing a big platform's catalogues took a few tens of ms: give the loop a turn.
    await nextTurn();
    // Built in steps that give the event loop back every few milliseconds (issue 9 point 3): the schema in
    // effect answers requests until this one is installed.
    const built = this.prepared?.key === key ? this.prepared.built : await buildGatewaySchemaInSteps(this.platform, catalogues, this.options);
    this.prepared = null;
    // Each item's run (the version from which it has been in effect), on this build's resources, before
    // any request decides on them: a grant decided before an item's name came back does not cover it
    // (src/access/item-since.ts).
    await this.history.mark(built.catalogues);
    this.install(built, signature);
    return true;
  }

  private install(built: GatewaySchema, signature: string): void {
    this.current = built;
    this.signature = signature;
    const api = this.api(built);
    this.builds.set(api, built);
    for (const l of this.listeners) l({ apiSchema: api, coreSupergraphSdl: built.sdl });
  }

  private api(built: GatewaySchema): GraphQLSchema {
    return this.options.extension ? this.options.extension.extend(built.schema) : built.schema;
  }

  async load() {
    if (!this.current) await this.refresh();
    const pollMs = this.options.pollMs ?? 2000;
    if (pollMs > 0 && !this.timer) {
      this.timer = setInterval(() => {
        this.refresh().catch((err) => this.options.onError?.(err));
        for (const w of this.watchers) w.poll().catch((err) => this.options.onError?.(err));
      }, pollMs);
      this.timer.unref();
    }
    return { executor: this.execute };
  }

  /** Runs an operation on the schema Apollo validated it against (the publication's one schema). */
  private readonly execute: GatewayExecutor = async (rc) => {
    const ctx = rc.context as RequestContext;
    const schema = rc.schema;
    const op = { schema, document: rc.document, context: ctx, variables: rc.request.variables, operationName: rc.request.operationName };
    const result = this.options.execute ? await this.options.execute(op, this.builds.get(schema)) : await executeOperation(op);
    if (!result.errors) return result;
    // Stored values that no longer fit their item's type (a retyping publication): one error per item and
    // path pattern instead of one per row (unfit-values.ts). Looked at only when there are errors.
    const built = this.builds.get(schema);
    const connected = spreadCombinedErrors(result.errors);
    const errors = built ? replaceUnfitValues(connected, built.model, schema, rc.document, rc.request.operationName) : connected;
    // One error per denied item, unfit value and path pattern (SPEC §6): an error located once for every row
    // of its path pattern (unfit values above, a shield rule's deniedOnce) has its repeats dropped here,
    // before Apollo formats each of them. The read plan places its denials once already (resolvers/data/plan.ts).
    return { ...result, errors: dedupeErrors(errors) };
  };

  onSchemaLoadOrUpdate(callback: Listener) {
    this.listeners.add(callback);
    if (this.current) callback({ apiSchema: this.api(this.current), coreSupergraphSdl: this.current.sdl });
    return () => {
      this.listeners.delete(callback);
    };
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** The content of a set of catalogues, whatever their order: which build serves them. */
function contentKey(catalogues: readonly Catalogue[]): string {
  const sorted = [...catalogues].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}
