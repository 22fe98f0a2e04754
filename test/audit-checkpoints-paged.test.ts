// `audit verify` reads the store's checkpoints a page at a time (src/audit/checkpoint.ts CHECKPOINT_PAGE). A
// gateway signs the log's head each minute it moves, 525,600 checkpoints a year, and verify read them in one
// read: every row at once in the process (430 MB of heap for a year's, bench/audit-scale.ts; the gateway's
// verifyAuditChain query held as much). Shown by the rows each read returns, not by a time; the pages must
// still find every checkpoint, a forged one on the last page included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_CHECKPOINTS, CHECKPOINT_PAGE, signedCheckpoint } from '../src/audit/checkpoint.ts';
import { appendAudit, auditTail } from '../src/audit/log.ts';
import { deriveAuditKey } from '../src/audit/key.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import type { Row } from '../src/store/port.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';
import { countingStore } from './helpers/counting-store.ts';

const SECRET = 'foshan-checkpoint-pages-secret-0123456789';
const key = deriveAuditKey(new TextEncoder().encode(SECRET));
const keys = { current: key, previous: null };

let dir: string;
let store: SqliteStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-checkpoint-pages-'));
  store = await openSqliteStore(dir);
  process.env.GOVGRAPH_JWT_SECRET = SECRET;
  for (let n = 0; n < 3; n++) {
    await appendAudit(store, {
      requestId: `fs-${n}`, department: '440604-CCJ', user: 'clerk', purpose: 'permit-review', operationName: null, documentHash: null,
      kind: 'read', action: null, outcome: 'allowed', detail: null, resources: [],
    });
  }
});
afterEach(async () => {
  delete process.env.GOVGRAPH_JWT_SECRET;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** More than two pages of checkpoints, as a gateway leaves them (each signing entry #1, #2 or #3), the last naming the head. */
async function signMany(last: (head: { seq: number; hash: string }) => Row): Promise<number> {
  const head = (await auditTail(store))!;
  const [first] = await store.find('_audit', { filter: { kind: 'compare', field: 'seq', op: 'eq', value: 1 } });
  const rows: Row[] = [];
  for (let n = 0; n < 2 * CHECKPOINT_PAGE + 100; n++) {
    rows.push({ ...signedCheckpoint({ seq: 1, hash: String(first.hash) }, new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), key) });
  }
  rows.push(last(head));
  await store.insert(AUDIT_CHECKPOINTS, rows);
  return rows.length;
}

describe("audit verify reads the store's checkpoints a page at a time", () => {
  it('checks every one, never reading more than a page of them at once', async () => {
    const written = await signMany((head) => ({ ...signedCheckpoint(head, '2026-02-01T00:00:00.000Z', key) }));
    const counting = countingStore(store);
    const result = await verifyAuditChain(counting, undefined, { keys });
    expect(result).toMatchObject({ ok: true, entries: 3, checkpoint: { seq: 3, time: '2026-02-01T00:00:00.000Z' } });
    const pages = counting.calls.flatMap((c, i) => (c === `find ${AUDIT_CHECKPOINTS}` ? [counting.rows[i]] : []));
    expect(pages.reduce((a, b) => a + b, 0)).toBe(written);
    expect(Math.max(...pages)).toBeLessThanOrEqual(CHECKPOINT_PAGE);
  });

  it('names a forged checkpoint on the last page', async () => {
    await signMany((head) => ({ ...signedCheckpoint(head, '2026-02-01T00:00:00.000Z', key), mac: '0'.repeat(64) }));
    const result = await verifyAuditChain(store, undefined, { keys });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ seq: 3, reason: "the checkpoint in the store does not carry the platform's signature (it was altered or forged)" });
  });
});
