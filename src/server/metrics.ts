// Prometheus metrics (SPEC §15) with prom-client: requests by operation and outcome, latency, denials by
// code and resource, store latency by operation and collection (the audit log's writes are the `_audit`
// collection's), the schema in effect, and the process's own metrics. Every label has a bounded set of
// values: operation names are the client's choice, so only the first MAX_OPERATION_NAMES distinct
// well-formed names get their own series, and at most MAX_OPERATION_NAMES_PER_DEPARTMENT of them first
// sent by one department (so one department sending made-up names cannot take every series from the
// others); the rest count as `other`. A denial's resource is a resource of
// this platform's catalogues in effect, or one a connected platform's error names: that text is the other
// platform's choice (one new series per request it answered), so only the first MAX_CONNECTED_RESOURCES
// distinct well-formed codes get their own series, as operation names.
import { schemaVersionOf } from './plugins/schema-version.ts';
import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/port.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { RequestContext } from '../../resolvers/request.ts';
import { contextFailureCode, errorCodes, outcomeOf, refusalOutcome, refusalSeconds, refusedRequest } from './plugins/logging.ts';
import { requestAudit } from './plugins/audit.ts';

export const MAX_OPERATION_NAMES = 200;
export const MAX_OPERATION_NAMES_PER_DEPARTMENT = 20;
export const MAX_CONNECTED_RESOURCES = 200;

/** The kinds of unfinished work govgraph_unfinished_resources counts: its `work` label's only values. */
export const UNFINISHED_KINDS = ['record-places', 'data-import'] as const;
export type UnfinishedKind = (typeof UNFINISHED_KINDS)[number];

/** Operation labels of the gateway's own: no client's operation name takes one (it counts as `other`). */
const RESERVED_OPERATION_LABELS = new Set(['anonymous', 'unauthenticated', 'other']);

/**
 * Whose share of the operation-name series a request's name counts toward: its department's, for a
 * department of a connected platform that department joined to the platform (src/identity/verify.ts
 * counterKey): department codes are each platform's own, so two platforms' "XCZX" are two departments.
 */
const shareOf = (department: string, via: string | undefined): string => (via ? `${department}@${via}` : department);

const DENIAL_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'PURPOSE_REQUIRED', 'NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE',
  'PURPOSE_OUT_OF_SCOPE', 'GRANT_REQUIRED', 'RATE_LIMITED', 'QUERY_TOO_COMPLEX', 'DOCUMENT_NOT_TRUSTED',
]);

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'operation' | 'outcome'>;
  readonly duration: Histogram<'outcome'>;
  readonly denials: Counter<'code' | 'resource'>;
  readonly store: Histogram<'operation' | 'collection' | 'result'>;
  readonly schema: Gauge<'version'>;
  readonly schemaLoadedAt: Gauge;
  readonly connectedUp: Gauge<'namespace'>;
  /** Namespace reads sent to connected platforms, by namespace (the platform file's) and outcome (ForwardNote's). */
  readonly connectedReads: Counter<'namespace' | 'outcome'>;
  readonly http: Counter<'route' | 'status'>;
  /** The label for a client's operation name (bounded). */
  /** `department`: who sent it, when known; a name first sent by a department counts toward its share. */
  operationLabel(name: string | null | undefined, department?: string): string;
  /** The label for the resource a denial names: its code when `published` has it, else bounded as operation names. */
  resourceLabel(resource: unknown, published: readonly Catalogue[]): string;
  /** Marks `sdl` as the schema in effect. */
  schemaInstalled(sdl: string): void;
  /** Where the store's reader threads' load is read from (the embedded store only). */
  watchReaders(load: () => ReaderLoad): void;
  /** Where the number of resources whose work of `kind` is unfinished is read from (record-places.ts, unfinished-at-start.ts). */
  watchUnfinished(kind: UnfinishedKind, count: () => number): void;
}

interface ReaderLoad {
  queued: number;
  running: number;
}

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'govgraph_' });
  const seen = new Set<string>();
  const namesBy = new Map<string, number>(); // department → names it was first to send
  const seenConnected = new Set<string>();
  const schema = new Gauge({ name: 'govgraph_schema_version', help: 'The schema in effect: 1 for the hash of its SDL', labelNames: ['version'], registers: [registry] });
  const schemaLoadedAt = new Gauge({ name: 'govgraph_schema_loaded_timestamp_seconds', help: 'When the schema in effect was installed', registers: [registry] });
  let readerLoad: (() => ReaderLoad) | undefined;
  new Gauge({
    name: 'govgraph_store_reader_threads',
    help: "The embedded store's long reads (src/store/sqlite-readers.ts): queued for a reader thread, and running on one",
    labelNames: ['state'],
    registers: [registry],
    collect() {
      if (!readerLoad) return;
      const { queued, running } = readerLoad();
      this.set({ state: 'queued' }, queued);
      this.set({ state: 'running' }, running);
    },
  });
  const unfinished = new Map<UnfinishedKind, () => number>();
  // The work left unfinished, by kind (UNFINISHED_KINDS: the label's only values, each always there, 0
  // when none), a count of resources, never their codes: which ones and why are `govgraph platform
  // status`'s and the log's to say.
  new Gauge({
    name: 'govgraph_unfinished_resources',
    help: 'Resources whose work is unfinished, by kind: record-places (records without a place in a masked key\'s list this gateway has still to place, tried again every 15 s), ' +
      'data-import (a data import the audit log holds as attempted with no outcome, found at the start and not finished since)',
    labelNames: ['work'],
    registers: [registry],
    collect() {
      for (const kind of UNFINISHED_KINDS) this.set({ work: kind }, unfinished.get(kind)?.() ?? 0);
    },
  });
  return {
    watchReaders(load) {
      readerLoad = load;
    },
    watchUnfinished(kind, count) {
      unfinished.set(kind, count);
    },
    registry,
    requests: new Counter({ name: 'govgraph_graphql_requests_total', help: 'GraphQL requests by operation name and outcome (ok, partial, denied, error)', labelNames: ['operation', 'outcome'], registers: [registry] }),
    duration: new Histogram({
      name: 'govgraph_graphql_request_duration_seconds',
      help: 'GraphQL request latency, audit write included, by outcome: every request govgraph_graphql_requests_total counts',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    denials: new Counter({ name: 'govgraph_denials_total', help: 'Errors that refused access, by code and resource (- when none)', labelNames: ['code', 'resource'], registers: [registry] }),
    store: new Histogram({
      name: 'govgraph_store_operation_duration_seconds',
      help: 'Store operations by operation and collection (records for resource data; _audit holds the audit writes)',
      labelNames: ['operation', 'collection', 'result'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    schema,
    schemaLoadedAt,
    connectedUp: new Gauge({ name: 'govgraph_connected_platform_up', help: 'Connected platforms: 1 when the last schema ask (every 3 s) answered', labelNames: ['namespace'], registers: [registry] }),
    // `up` is the schema poll's: a platform whose polls answer while every read of its data fails (times
    // out, answers too much, not as a govgraph gateway) stayed up = 1, the failures in the log only.
    connectedReads: new Counter({ name: 'govgraph_connected_platform_reads_total', help: 'Namespace reads sent to connected platforms, by namespace and outcome (answered, unavailable, cancelled)', labelNames: ['namespace', 'outcome'], registers: [registry] }),
    http: new Counter({ name: 'govgraph_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] }),
    operationLabel(name, department) {
      if (!name) return 'anonymous';
      if (!/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return 'other';
      // The labels the gateway gives itself: a client's `query unauthenticated { ... }` would otherwise count
      // in the refused tokens' series (and `anonymous` in the unnamed operations'), feeding an alert on them.
      if (RESERVED_OPERATION_LABELS.has(name)) return 'other';
      if (seen.has(name)) return name;
      if (seen.size >= MAX_OPERATION_NAMES) return 'other';
      const who = department ?? '';
      const share = namesBy.get(who) ?? 0;
      if (share >= MAX_OPERATION_NAMES_PER_DEPARTMENT) return 'other';
      namesBy.set(who, share + 1);
      seen.add(name);
      return name;
    },
    resourceLabel(resource, published) {
      if (typeof resource !== 'string' || resource === '') return '-';
      if (resourceCodes(published).has(resource)) return resource;
      if (!/^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$/.test(resource)) return 'other';
      if (seenConnected.has(resource)) return resource;
      if (seenConnected.size >= MAX_CONNECTED_RESOURCES) return 'other';
      seenConnected.add(resource);
      return resource;
    },
    schemaInstalled(sdl) {
      schema.reset();
      schema.set({ version: schemaVersionOf(sdl) }, 1);
      schemaLoadedAt.setToCurrentTime();
    },
  };
}

/** Counts each GraphQL request once its answer is final (after the audit plugin's fail-closed check). */
export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<RequestContext> {
  return {
    // Refused while the context was made: a token refused counts as operation `unauthenticated`; a request
    // whose token was verified (refused by a rate, as an untrusted document, or by the store) by its name.
    // Each is in the duration histogram too, so that its counts by outcome are the total's.
    async contextCreationDidFail({ error }) {
      const code = contextFailureCode(error);
      const outcome = refusalOutcome(code);
      const request = refusedRequest(error);
      metrics.requests.inc({ operation: request ? metrics.operationLabel(request.operationName, shareOf(request.department, request.via)) : 'unauthenticated', outcome });
      // Observed as every request counted is (a rate's refusals were in the total and not in the histogram:
      // 509 errors against 3, so an error rate taken from the histogram said almost none): the time it took
      // to make the context and refuse it, the refusal's audit entry included.
      metrics.duration.observe({ outcome }, refusalSeconds(error));
      if (DENIAL_CODES.has(code)) metrics.denials.inc({ code, resource: '-' });
    },
    async requestDidStart({ contextValue }) {
      const end = metrics.duration.startTimer();
      return {
        async willSendResponse({ request, operationName, response }) {
          await requestAudit(contextValue).written;
          const body = response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          const outcome = outcomeOf(result.data, result.errors);
          const who = contextValue.identity;
          metrics.requests.inc({ operation: metrics.operationLabel(operationName ?? request.operationName, who && shareOf(who.dept.code, who.via)), outcome });
          end({ outcome });
          for (const f of contextValue.forwards ?? []) metrics.connectedReads.inc({ namespace: f.namespace, outcome: f.outcome });
          for (const e of result.errors ?? []) {
            const code = errorCodes([e])[0];
            if (!DENIAL_CODES.has(code)) continue;
            metrics.denials.inc({ code, resource: metrics.resourceLabel(e.extensions?.resource, contextValue.published ?? []) });
          }
        },
      };
    },
  };
}

// The resource codes of a set of catalogues in effect, made once per set (every request of a publication shares it).
const codesOf = new WeakMap<readonly Catalogue[], ReadonlySet<string>>();
function resourceCodes(published: readonly Catalogue[]): ReadonlySet<string> {
  let codes = codesOf.get(published);
  if (!codes) codesOf.set(published, (codes = new Set(published.flatMap((c) => c.resources.map((r) => r.code)))));
  return codes;
}

const TIMED_OPERATIONS = new Set(['find', 'count', 'findByValues', 'insert', 'upsert', 'update', 'fillNulls', 'delete', 'ensureIndex', 'listIndexes', 'dropCollection']);

/** The store with every collection operation of the port timed; resource collections share the label `records`. */
export function instrumentStore(store: Store, metrics: GatewayMetrics): Store {
  const readers = store as Store & { readonly readerLoad?: ReaderLoad };
  if (readers.readerLoad !== undefined) metrics.watchReaders(() => readers.readerLoad!);
  // Each method's wrapper is made once (per method as the store has it): the store is asked many times per request.
  const wrappers = new Map<PropertyKey, { of: unknown; wrapper: unknown }>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const kept = wrappers.get(prop);
      if (kept && kept.of === value) return kept.wrapper;
      const wrapper = wrap(target, prop, value);
      wrappers.set(prop, { of: value, wrapper });
      return wrapper;
    },
  });

  function wrap(target: Store, prop: PropertyKey, value: (...args: unknown[]) => unknown): unknown {
    if (typeof prop !== 'string' || !TIMED_OPERATIONS.has(prop)) return value.bind(target);
    return async (collection: unknown, ...rest: unknown[]) => {
      const label = typeof collection === 'string' && collection.startsWith('_') ? collection : 'records';
      const end = metrics.store.startTimer({ operation: prop, collection: label });
      try {
        const result = await value.call(target, collection, ...rest);
        end({ result: 'ok' });
        return result;
      } catch (err) {
        end({ result: 'error' });
        throw err;
      }
    };
  }
}
