// /readyz while the audit log cannot be written (found by the §15 operations walk: a Henan gateway's data
// folder on a 2 MB tmpfs, filled up). Every request that read data got AUDIT_UNAVAILABLE, yet the store
// still answered reads and /readyz said ready, so a load balancer kept sending to the instance. Now
// /readyz says store-unavailable until a write goes through again, which it tries itself (no request
// comes to an instance the balancer took out), and ready once the store takes writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const platformFile = 'test/fixtures/henan/platform.yaml';
const catalogueFile = 'test/fixtures/henan/tax.yaml';

/** The store as on a full disk while `full` is set: every write refused as SQLite's SQLITE_FULL is. */
let full = false;
function fillable(inner: Store): Store {
  const writes = new Set(['insert', 'upsert', 'update', 'delete']);
  return new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!writes.has(String(prop))) return value.bind(target);
      return (...args: unknown[]) => {
        if (full) return Promise.reject(new StoreUnavailableError(`${String(prop)} into ${String(args[0])}: SQLite failed: database or disk is full`));
        return value.apply(target, args);
      };
    },
  });
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile, catalogueFiles: [catalogueFile], wrapStore: fillable });
});
afterAll(async () => {
  await gw?.close();
});

const readyz = async () => {
  const res = await fetch(`${gw.gateway.url}/readyz`);
  return [res.status, await res.json()];
};
const read = () => gw.query('{ henanTax { taxpayers { nodes { name } } } }', { dept: '410100-MZ', purpose: 'licensing' });

describe('/readyz while the audit log cannot be written', () => {
  it('says store-unavailable once a request could not write its entry, and ready once the store takes writes', async () => {
    expect((await read()).errors).toBeUndefined();
    expect(await readyz()).toEqual([200, { status: 'ready' }]);
    full = true;
    const refused = await read();
    expect(refused.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
    await eventually(async () => expect(await readyz()).toEqual([503, { status: 'store-unavailable' }]), 5000);
    full = false; // room again: readiness finds out by itself, no request needed
    await eventually(async () => expect(await readyz()).toEqual([200, { status: 'ready' }]), 5000);
    expect((await read()).errors).toBeUndefined();
  });
});
