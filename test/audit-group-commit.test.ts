// Group commit of the audit log (issue 10): the entries of concurrent requests are written in one
// transaction, a response leaves only once its entry is stored, and a batch that fails part-way blanks
// every response of that batch (AUDIT_UNAVAILABLE, no data) while the chain stays valid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { eq, type Row, type Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

/** Audit inserts as they reach the store; `breakNext` makes the next one of 2+ entries fail after its first row. */
const inserts: Row[][] = [];
let breakNext = false;
/** Holds the next audit insert a while (the others' entries gather behind it), as a slow disk would. */
let holdNext = false;
const failedIds = new Set<string>();

function auditRecordingStore(inner: Store): Store {
  const store: Store = Object.create(inner);
  store.insert = async (collection, rows) => {
    if (collection !== AUDIT_COLLECTION) return inner.insert(collection, rows);
    inserts.push(rows);
    if (holdNext) {
      holdNext = false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (breakNext && rows.length > 1) {
      breakNext = false;
      for (const r of rows) failedIds.add(String(r.requestId));
      // Worse than the port allows (it promises all-or-nothing): the first entry is stored, then it fails.
      await inner.insert(collection, rows.slice(0, 1));
      throw new Error('disk failed in the middle of a batch');
    }
    return inner.insert(collection, rows);
  };
  return store;
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true, wrapStore: auditRecordingStore });
});
afterAll(() => gw?.close());

const LIST = `{ humanResources { employmentRegistrations(first: 5) { nodes { registrationNo fullName } } } }`;
const burst = (tag: string, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => gw.query(LIST, { dept: '430000-MZ', purpose: 'social-assistance', headers: { 'x-request-id': `${tag}-${i}` } }).then((r) => ({ id: `${tag}-${i}`, r }))));

describe('audit group commit', () => {
  it('writes the entries of concurrent requests together, each before its response', async () => {
    // Whether the others' entries reach the log while one insert is under way depends on the machine's
    // pace (on a loaded one each request may come alone): a slow insert, and a few bursts at most.
    let together = false;
    for (let attempt = 0; attempt < 5 && !together; attempt++) {
      inserts.length = 0;
      holdNext = true;
      const answers = await burst(`group${attempt}`, 12);
      for (const { id, r } of answers) {
        expect(r.errors).toBeUndefined();
        expect(r.data!.humanResources.employmentRegistrations.nodes).toHaveLength(5);
        // The entry is stored when the response arrives.
        expect(await gw.store.count(AUDIT_COLLECTION, eq('requestId', id))).toBe(1);
      }
      const written = inserts.flat().filter((row) => String(row.requestId).startsWith(`group${attempt}-`));
      expect(written).toHaveLength(12);
      together = inserts.some((rows) => rows.filter((row) => String(row.requestId).startsWith(`group${attempt}-`)).length > 1);
    }
    expect(together).toBe(true); // an insert carried several requests' entries
    expect(await verifyAuditChain(gw.store)).toEqual(expect.objectContaining({ ok: true }));
  });

  it('blanks every response of a batch that failed part-way, and keeps the chain valid', async () => {
    failedIds.clear();
    for (let attempt = 0; attempt < 5 && failedIds.size === 0; attempt++) {
      breakNext = true;
      const answers = await burst(`fail${attempt}`, 12);
      for (const { id, r } of answers) {
        if (failedIds.has(id)) {
          expect(r.data ?? null).toBeNull();
          expect(r.errors!.map((e) => e.extensions!.code)).toEqual(['AUDIT_UNAVAILABLE']);
          expect(JSON.stringify(r)).not.toContain('registrationNo');
        } else {
          expect(r.errors).toBeUndefined();
          expect(r.data!.humanResources.employmentRegistrations.nodes).toHaveLength(5);
        }
      }
    }
    breakNext = false;
    expect(failedIds.size).toBeGreaterThan(1);
    expect(await verifyAuditChain(gw.store)).toEqual(expect.objectContaining({ ok: true }));
    // Requests after the failure are audited and answered as usual.
    const after = await gw.query(LIST, { dept: '430000-MZ', purpose: 'social-assistance' });
    expect(after.errors).toBeUndefined();
    expect(await verifyAuditChain(gw.store)).toEqual(expect.objectContaining({ ok: true }));
  });
});
