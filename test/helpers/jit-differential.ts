// The pieces of the differential walks (graphql-jit through the gateway's executor against graphql-js
// alone, test/jit-differential-*.test.ts): the store's reads as text, an executor to switch per request,
// and one case run through one of them with its answer, audit entries and reads as comparable text.
import type { ExecutionResult } from 'graphql';
import { AUDIT_CHECKPOINTS } from '../../src/audit/checkpoint.ts';
import { AUDIT_COLLECTION, fromRow } from '../../src/audit/entry.ts';
import { compiledFor, executeOperation, onGraphqlJs, type Operation } from '../../src/server/executor.ts';
import type { Store } from '../../src/store/port.ts';
import type { Case } from './nanning-documents.ts';

/** The window a fixed-window counter's key starts with: `h|2026-12-07T15|`, `d|2026-12-07|` (and `r|` of refusals). */
const METER_WINDOW = /^([hdr])\|\d{4}-\d{2}-\d{2}(?:T\d{2})?\|/;

/**
 * A call as text, once per value it looks up: reads batched by a loader (links, objections) are batched by
 * what the same turn of the event loop asked, which differs from one run to the next on a loaded machine.
 */
export function callLines(method: string, args: unknown[]): string[] {
  // A meter's clock is the request's own, and so is the window its key names (a masked-probe counter's
  // clock hour and platform day, src/limits/probes.ts): two runs of a case either side of an hour read alike.
  const clock = (k: string, x: unknown) => (k === 'now' ? 'now' : k === 'key' && method === 'meter' && typeof x === 'string' ? x.replace(METER_WINDOW, '$1|window|') : x);
  const text = (a: unknown[]) => `${method} ${JSON.stringify(a, clock)}`;
  if (method === 'findByValues' && Array.isArray(args[2])) return (args[2] as unknown[]).map((v) => text([args[0], args[1], [v], ...args.slice(3)]));
  const query = args[1] as { filter?: { kind: string; filters?: { kind: string; values?: unknown[] }[] } } | undefined;
  if (method !== 'find' || query?.filter?.kind !== 'and' || !query.filter.filters) return [text(args)];
  // Every combination of the values of its `in` conditions, one a line.
  let combinations: { kind: string; values?: unknown[] }[][] = [[]];
  for (const f of query.filter.filters) {
    const each = f.kind === 'in' && f.values ? f.values.map((v) => ({ ...f, values: [v] })) : [f];
    combinations = combinations.flatMap((c) => each.map((e) => [...c, e]));
  }
  return combinations.map((filters) => text([args[0], { ...query, filter: { ...query.filter, filters } }, ...args.slice(2)]));
}

/**
 * The store's calls but the audit log's, as text (callLines): what the requests read. Nor its signed
 * checkpoints: the gateway writes one each minute the log's head moved (src/audit/checkpoint.ts), on its
 * own timer, into whichever request's reads were being recorded then (under load a walk runs past a minute).
 */
export function recordingStore(inner: Store): Store & { calls: string[] } {
  const calls: string[] = [];
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'calls') return calls;
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (args[0] !== AUDIT_COLLECTION && args[0] !== AUDIT_CHECKPOINTS) calls.push(...callLines(String(prop), args));
        return v.apply(target, args);
      };
    },
  }) as Store & { calls: string[] };
}

export type ExecutorName = 'gateway' | 'graphql-js';

/** The gateway's executor or graphql-js alone (with the locations the gateway gives errors that knew their path), as `state.on` says; `compiledRuns` counts the runs graphql-jit compiled. */
export function switchableExecutor() {
  const state = { on: 'gateway' as ExecutorName, compiledRuns: 0 };
  const executor = (op: Operation): Promise<ExecutionResult> => {
    if (state.on === 'gateway') {
      if (compiledFor(op.schema, op.document, op.operationName)) state.compiledRuns++;
      return executeOperation(op);
    }
    return onGraphqlJs(op);
  };
  return { state, executor };
}

export interface Run {
  status: number;
  body: string;
  audit: string[];
  reads: string[];
}

/**
 * Runs cases on one gateway: each through the executor named, and what came of it: the answer's text (its
 * errors sorted, cursors blanked), its audit entries but for their sequence, time, request id and hashes,
 * and the store's reads (as a set). `headers` says who asks; reads matching `ignoreReads` are left out (another platform's own requests); `sameLog`: each run's entries are taken out of
 * the log after it, for documents that read the log (each run would read the one before).
 */
export function caseRunner(opts: { url: () => string; store: () => Store & { calls: string[] }; switch: ReturnType<typeof switchableExecutor>; headers: () => Promise<Record<string, string>>; sameLog?: boolean; ignoreReads?: RegExp }) {
  let lastSeq = 0;
  let first = true; // its entries are the ones before the walk's: kept
  return async function run(c: Case, on: ExecutorName): Promise<Run> {
    opts.switch.state.on = on;
    const store = opts.store();
    store.calls.splice(0);
    const res = await fetch(`${opts.url()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await opts.headers()) },
      body: JSON.stringify({ query: c.text, variables: c.variables, operationName: c.operationName }),
    });
    // A cursor is sealed afresh each time (src/server/cursors.ts): the same position reads differently.
    const answer = (await res.text()).replace(/("\w*endCursor"):"[^"]+"/g, '$1:"…"');
    const parsed = JSON.parse(answer) as { errors?: unknown[] };
    // Errors come in the order their fields failed: fields read concurrently fail in either order.
    if (parsed.errors) parsed.errors = parsed.errors.map((e) => JSON.stringify(e)).sort().map((e) => JSON.parse(e));
    const body = JSON.stringify(parsed);
    // An index made once, on the first read of a collection, is not a read of the request.
    const reads = [...new Set(store.calls.splice(0))].filter((r) => !r.startsWith('ensureIndex ') && !opts.ignoreReads?.test(r)).sort();
    // No data at all: a root field failed, and graphql-js stops calling the root fields after it when it
    // fails at once (the ones called before may go on, and write their entries, after the answer). What
    // such a request read and recorded is graphql-js's own race: only the answer is compared.
    const failedWhole = parsed.errors !== undefined && (parsed as { data?: unknown }).data === null;
    if (failedWhole) await new Promise((r) => setTimeout(r, 150));
    const rows = await store.find(AUDIT_COLLECTION, { filter: { kind: 'compare', field: 'seq', op: 'gt', value: lastSeq }, sort: [{ field: 'seq', direction: 'asc' }] });
    const entries = rows.map(fromRow);
    // Taken out again (the log's writer reads its tail afresh): the next run reads the log this one read.
    if (opts.sameLog && !first) await store.delete(AUDIT_COLLECTION, { kind: 'compare', field: 'seq', op: 'gt', value: lastSeq });
    else lastSeq = entries.at(-1)?.seq ?? lastSeq;
    first = false;
    const audit = entries.map(({ seq: _s, time: _t, requestId: _r, hash: _h, prevHash: _p, ...rest }) => JSON.stringify(rest));
    return failedWhole ? { status: res.status, body, audit: [], reads: [] } : { status: res.status, body, audit, reads };
  };
}
