// A workflow mutation while another process holds the store's write lock (Yunnan's platform). It answered
// after twice the store's bound: the action waited the bound for its write (an index of sharing requests,
// or its own audit entry) and failed, then the audit plugin wrote an entry for the failed mutation as if a
// rule had refused it, and waited the bound again (10 s, not 5, by default), to answer AUDIT_UNAVAILABLE.
// Now a store failure gets no second entry: the answer comes after one bound, with the action's own code,
// and nothing was changed; once the lock is gone the same mutation goes through, and the chain holds.
// "One bound, not two" is counted, not timed: every store call the request made that waited the whole
// bound for the lock and gave up is recorded, and there is exactly one (a loaded machine lengthens a wait,
// it does not add one); the clock only shows that the one wait was not cut short.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { holdLock } from './helpers/lock-holder.ts';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/yunnan/${name}`, import.meta.url));
const LOCK_WAIT_MS = 2000;
const REQUEST = `mutation($purpose: String!) { requestSharing(input: { resource: "530000-GAT-R01", items: ["xzqh"], purposes: [$purpose], justification: "identity checks" }) { status } }`;
const AS_WUHUA = { dept: '530102-MZJ', roles: ['applicant' as const], variables: { purpose: 'minimum-living-allowance' } };
const AS_HONGHE = { dept: '532500-MZJ', roles: ['applicant' as const], variables: { purpose: 'housing-fund' } };

/** The store's writes the gateway attempted, by operation and collection. */
const writes: string[] = [];
/** The store's calls (any method) that waited the whole bound for the lock and gave up, by operation and collection. */
const waits: string[] = [];
const WAITED_OUT = new RegExp(`stayed locked by another process for ${LOCK_WAIT_MS} ms`);

/** `store` with every method's call that fails on the lock noted in `waits`. */
function notingWaits(store: Store): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) {
          result.catch((error: unknown) => {
            if (error instanceof StoreUnavailableError && WAITED_OUT.test(error.message)) waits.push(`${String(key)} ${String(args[0])}`);
          });
        }
        return result;
      };
    },
  });
}
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('police.yaml')],
    lockWaitMs: LOCK_WAIT_MS,
    wrapStore: (inner) => {
      const store: Store = Object.create(inner);
      store.insert = (collection, rows) => (writes.push(`insert ${collection}`), inner.insert(collection, rows));
      store.ensureIndex = (collection, index) => (writes.push(`ensureIndex ${collection}`), inner.ensureIndex(collection, index));
      return notingWaits(store);
    },
  });
});
afterAll(() => gw?.close());

async function locked<T>(run: () => Promise<T>): Promise<{ result: T; ms: number; tried: string[]; waited: string[] }> {
  const lock = await holdLock(join(gw.dataDir, SQLITE_FILE));
  try {
    writes.length = 0;
    waits.length = 0;
    const started = performance.now();
    const result = await run();
    return { result, ms: performance.now() - started, tried: [...writes], waited: [...waits] };
  } finally {
    await lock.release();
  }
}

const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

describe('a workflow mutation under another process\'s write lock', () => {
  it('fails within one bound, STORE_UNAVAILABLE or AUDIT_UNAVAILABLE, writing nothing else, and goes through afterwards', async () => {
    const entries = await gw.store.count(AUDIT_COLLECTION);
    // The first request of the process makes the sharing requests' indexes first: the lock stops it there.
    const first = await locked(() => gw.query(REQUEST, AS_WUHUA));
    expect({ codes: codes(first.result), tried: first.tried, waited: first.waited }).toEqual({ codes: ['STORE_UNAVAILABLE'], tried: [`ensureIndex ${SHARING_REQUESTS}`], waited: [`ensureIndex ${SHARING_REQUESTS}`] });
    expect(first.ms).toBeGreaterThanOrEqual(LOCK_WAIT_MS - 100); // the one wait was the whole bound

    expect((await gw.query(REQUEST, AS_WUHUA)).data).toEqual({ requestSharing: { status: 'PENDING' } });

    // The indexes made, the action's first write is its own entry: the lock stops it there.
    const second = await locked(() => gw.query(REQUEST, AS_HONGHE));
    expect({ codes: codes(second.result), tried: second.tried, waited: second.waited }).toEqual({ codes: ['AUDIT_UNAVAILABLE'], tried: [`insert ${AUDIT_COLLECTION}`], waited: [`insert ${AUDIT_COLLECTION}`] });
    expect(second.ms).toBeGreaterThanOrEqual(LOCK_WAIT_MS - 100); // the one wait was the whole bound

    expect((await gw.query(REQUEST, AS_HONGHE)).data).toEqual({ requestSharing: { status: 'PENDING' } });
    expect(await gw.store.count(SHARING_REQUESTS)).toBe(2);
    expect(await gw.store.count(AUDIT_COLLECTION)).toBe(entries + 2);
    expect((await verifyAuditChain(gw.store)).ok).toBe(true);
  }, 30_000);
});
