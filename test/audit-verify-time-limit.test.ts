// A supervisor's `verifyAuditChain` over a long log, stopped by its time limit (SPEC §10, §13). The check
// walks the whole chain, 500 entries a page, each page a step of the store; it was handed the store
// itself, not the one that refuses every call once the request is cancelled (as `auditLog` and `usage`
// are, resolvers/request.ts scanStore). So after the limit had answered, and after its client had gone, it
// went on to the end of the log, a page at a time: on a log of millions, minutes of the gateway's time
// per request, and a drain held up until the process was killed. It now reads no page once the request is
// cancelled. On a platform of its own (test/fixtures/liaoning).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, chainFields, fieldsHash, toRow, type AuditEntry } from '../src/audit/entry.ts';
import { auditKey } from '../src/audit/key.ts';
import { auditTail } from '../src/audit/log.ts';
import { VERIFY_PAGE_SIZE, verifyAuditChain } from '../src/audit/verify.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { aroundMethod } from './helpers/store-around.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => join(here, 'fixtures/liaoning', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const TIMEOUT_MS = 400;
const STEP_MS = 50;
const PAGES = 20; // seconds of pages: well over the limit
const SUPERVISOR = { dept: '210000-DSJ', roles: ['supervisor' as const] };

/** Reads of the audit log, counted; each takes STEP_MS once `slow` is set. */
const reads = { audit: 0, slow: false };

let gw: TestGateway;
let importEntries = 0;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('residents.yaml')],
    limits: { timeoutMs: TIMEOUT_MS },
    wrapStore: (inner: Store) =>
      aroundMethod(inner, 'find', async ([collection], call) => {
        if (collection === AUDIT_COLLECTION && reads.slow) {
          await sleep(STEP_MS);
          reads.audit++;
        }
        return call();
      }),
  });
  // A sound chain of PAGES pages after the import's entries (attempted, done), keyed as the gateway keys it.
  const key = await auditKey(gw.store);
  const tail = (await auditTail(gw.store))!;
  importEntries = tail.seq;
  const rows = [];
  let prev = tail.hash;
  for (let seq = tail.seq + 1; seq <= tail.seq + PAGES * VERIFY_PAGE_SIZE; seq++) {
    const fields = chainFields(
      { requestId: `r${seq}`, department: '210000-RSJ', user: 'u', purpose: 'pension-review', operationName: null, documentHash: null,
        kind: 'read', action: null, resources: [], outcome: 'allowed', detail: null },
      new Date().toISOString(), seq, prev,
    );
    const entry: AuditEntry = Object.assign(fields, { hash: fieldsHash(fields, key) });
    rows.push(toRow(entry));
    prev = entry.hash;
  }
  await gw.store.insert(AUDIT_COLLECTION, rows);
}, 60_000);
afterAll(() => gw?.close());

it('reads no page of the log once the time limit has answered', async () => {
  reads.slow = true;
  const res = await gw.query('{ verifyAuditChain { ok } }', SUPERVISOR);
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  // A page under way when the limit answered may end; none starts after it. (A page is a synchronous
  // step of SQLite besides its read, hence the long wait: the walk went on for seconds.)
  await sleep(4 * STEP_MS);
  const settled = reads.audit;
  await sleep(1500);
  expect(reads.audit).toBe(settled);
  expect(settled).toBeLessThan(PAGES / 2);
}, 30_000);

it('stopped a walk of a sound chain, which verifies whole when it has the time', async () => {
  reads.slow = false;
  expect(await verifyAuditChain(gw.store)).toMatchObject({ ok: true, entries: importEntries + PAGES * VERIFY_PAGE_SIZE });
}, 30_000);
