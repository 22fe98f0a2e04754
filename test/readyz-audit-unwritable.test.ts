// /readyz while the audit log cannot be written (found by the §15 operations walk: a Henan gateway's data
// folder on a 2 MB tmpfs, filled up). Every request that read data got AUDIT_UNAVAILABLE, yet the store
// still answered reads and /readyz said ready, so a load balancer kept sending to the instance. Now
// /readyz says store-unavailable until a write goes through again, which it tries itself (no request
// comes to an instance the balancer took out), and ready once the store takes writes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const folder = mkdtempSync(join(tmpdir(), 'govgraph-readyz-audit-'));
const platformFile = join(folder, 'platform.yaml');
const catalogueFile = join(folder, 'tax.yaml');
writeFileSync(
  platformFile,
  `platform: { region: "410000", level: province, name: Henan, competentDepartment: "410000-DSJ" }
purposes: [{ code: licensing, name: Licensing }]
departments:
  - { code: "410000-DSJ", name: Big Data Bureau, graphqlName: bigData, level: province, region: "410000" }
  - { code: "410000-SW", name: Henan Tax, graphqlName: henanTax, level: province, region: "410000" }
  - { code: "410100-MZ", name: Zhengzhou Civil Affairs, graphqlName: zzCivil, level: city, region: "410100" }
`,
);
writeFileSync(
  catalogueFile,
  `id: HA-SW
kind: departmental
title: Henan Tax catalogue
compiler: "410000-SW"
resources:
  - code: "410000-SW-00001"
    name: Taxpayers
    summary: Registered taxpayers.
    provider: "410000-SW"
    providerUnit: Registry
    classification: "3-05-101"
    format: database
    updateCycle: monthly
    open: false
    graphql: { type: Taxpayer, list: taxpayers, byKey: taxpayer }
    key: taxNo
    share: { type: unconditional, methods: [api], scope: { departments: ["4101*"] } }
    items:
      - { name: taxNo, title: Tax number, type: string, length: 12, required: true }
      - { name: name, title: Name, type: string, length: 60 }
`,
);

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
  rmSync(folder, { recursive: true, force: true });
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
