// Checkpoints whose `_id` another program chose: a checkpoint copied back into `_audit_checkpoints` by a
// script or mongoimport keeps the `_id` it was given (a text, a number, an object), not an ObjectId. The
// MongoDB adapter read every `_id` as an ObjectId (`toHexString`), so `audit verify` and a gateway's
// verifyAuditChain, which page the checkpoints by the store's row order, failed with "toHexString is not
// a function" instead of checking the log. Runs on the embedded store always (whose row ids are its own:
// the same log, the copies taken through the port) and on MongoDB when MONGODB_URI is set; the adapter's
// translation itself, which needs no server, is test/mongo-row-order-other-ids.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_CHECKPOINTS, readCheckpoints, signedCheckpoint } from '../src/audit/checkpoint.ts';
import { appendAudit, auditTail } from '../src/audit/log.ts';
import { deriveAuditKey } from '../src/audit/key.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { ROW_ORDER, type Row, type Store, type Value } from '../src/store/port.ts';
import { storeHarnesses, type StoreHarness } from './helpers/store-harnesses.ts';

const SECRET = 'lanzhou-checkpoint-ids-secret-0123456789';
const key = deriveAuditKey(new TextEncoder().encode(SECRET));
const keys = { current: key, previous: null };

describe.each(storeHarnesses('checkpoint-other-ids'))('on %s', (_name, harness) => {
  let h: StoreHarness;
  let store: Store;
  let head: { seq: number; hash: string };
  beforeEach(async () => {
    h = harness();
    store = await h.open();
    process.env.GOVGRAPH_JWT_SECRET = SECRET; // the key appendAudit chains with
    for (let n = 0; n < 3; n++) {
      await appendAudit(store, {
        requestId: `lz-${n}`, department: '620100-MZJ', user: 'clerk', purpose: 'subsistence-review', operationName: null, documentHash: null,
        kind: 'read', action: null, outcome: 'allowed', detail: null, resources: [],
      });
    }
    head = (await auditTail(store))!;
    // The gateway's own, then copies another program wrote back with `_id`s of its choosing.
    await store.insert(AUDIT_CHECKPOINTS, [{ ...signedCheckpoint(head, '2026-12-07T01:00:00.000Z', key) }]);
    await h.insertForeign!(AUDIT_CHECKPOINTS, [
      { _id: 'cp-2026-12-07-0200', ...signedCheckpoint(head, '2026-12-07T02:00:00.000Z', key) },
      { _id: 7, ...signedCheckpoint(head, '2026-12-07T03:00:00.000Z', key) },
      { _id: { copiedFrom: 'backup', n: 1 }, ...signedCheckpoint(head, '2026-12-07T04:00:00.000Z', key) },
    ]);
  });
  afterEach(async () => {
    delete process.env.GOVGRAPH_JWT_SECRET;
    await store?.close();
    await h?.cleanup();
  });

  it('audit verify checks the log against every checkpoint, whatever its _id', async () => {
    const read = await readCheckpoints(store, null, keys);
    expect(read.found.map((c) => c.time).sort()).toEqual(['01', '02', '03', '04'].map((hh) => `2026-12-07T${hh}:00:00.000Z`));
    expect(read.found.every((c) => c.signed && c.seq === 3)).toBe(true);
    expect(await verifyAuditChain(store, undefined, { keys })).toMatchObject({ ok: true, entries: 3, checkpoint: { seq: 3 } });
  });

  it('a forged checkpoint under a text _id is named, not passed over', async () => {
    await h.insertForeign!(AUDIT_CHECKPOINTS, [{ _id: 'cp-forged', ...signedCheckpoint(head, '2026-12-07T05:00:00.000Z', key), mac: '0'.repeat(64) }]);
    const result = await verifyAuditChain(store, undefined, { keys });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ seq: 3, reason: "the checkpoint in the store does not carry the platform's signature (it was altered or forged)" });
  });

  it('a walk one row at a time by the row order meets every row once', async () => {
    await store.insert(AUDIT_CHECKPOINTS, [{ ...signedCheckpoint(head, '2026-12-07T06:00:00.000Z', key) }]);
    const seen: string[] = [];
    let after: Value | undefined;
    for (let page = 0; page < 20; page++) {
      const rows: Row[] = await store.find(AUDIT_CHECKPOINTS, {
        ...(after === undefined ? {} : { filter: { kind: 'compare', field: ROW_ORDER, op: 'gt', value: after } }),
        projection: [ROW_ORDER, 'time'],
        sort: [{ field: ROW_ORDER, direction: 'asc' }],
        limit: 1,
      });
      if (rows.length === 0) break;
      seen.push(String(rows[0].time));
      after = rows[0][ROW_ORDER];
    }
    expect(seen.sort()).toEqual(['01', '02', '03', '04', '06'].map((hh) => `2026-12-07T${hh}:00:00.000Z`));
  });
});
