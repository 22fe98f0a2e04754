// A version's submission warnings (SPEC §9) read as a field, stopped by the time limit (limits.timeoutMs,
// SPEC §13). A draft's warnings scan 90 days of the audit log for the departments that read its resources,
// a page at a time; the resolver took the store once, so once the time limit had answered the request the
// scan went on reading page after page (the platform-fields walk: a supervisor's `catalogues { versions
// { warnings } }` over 40 drafts still held the gateway's store after its answer). Now the next page is not
// read once the request is cancelled.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, GENESIS_HASH, toRow, type AuditEntry } from '../src/audit/entry.ts';
import { USAGE_PAGE_SIZE } from '../src/audit/usage.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const TIMEOUT_MS = 400;
const PAGE_MS = 150;
const PAGES = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pages of the audit log's read entries (finds of USAGE_PAGE_SIZE entries) take PAGE_MS each once `slow`, counted. */
const pages = { read: 0, slow: false };
function slowScan(inner: Store): Store {
  return new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'find') return value.bind(target);
      return async (collection: string, options: { limit?: number } = {}) => {
        if (pages.slow && collection === AUDIT_COLLECTION && options.limit === USAGE_PAGE_SIZE) {
          await sleep(PAGE_MS);
          pages.read++;
        }
        return value.call(target, collection, options);
      };
    },
  });
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')],
    limits: { timeoutMs: TIMEOUT_MS },
    wrapStore: slowScan,
  });
  // A draft of the police's catalogue, whose warnings scan the reads of its resources.
  const draft = readFileSync(fixture('police.yaml'), 'utf8').replace('title: Quality test catalogue of the police', 'title: Quality test catalogue of the police, revised');
  const sub = await gw.query('mutation($doc: String!) { submitCatalogue(document: $doc) { version { status } } }', { dept: '370000-GAT', roles: ['compiler'], variables: { doc: draft } });
  expect(sub.errors).toBeUndefined();
  // PAGES pages of reads of the police's vehicles after what the log holds (the chain is not what this test checks).
  const [last] = await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
  const first = Number(last?.seq ?? 0) + 1;
  const rows = [];
  for (let seq = first; seq < first + PAGES * USAGE_PAGE_SIZE; seq++) {
    const entry: AuditEntry = {
      seq, time: new Date().toISOString(), requestId: `r${seq}`, department: '370000-MZT', user: 'u', purpose: 'benefit-check',
      operationName: null, documentHash: null, kind: 'read', action: null, outcome: 'allowed', detail: null,
      resources: [{ resource: '370000-GAT-02', provider: '370000-GAT', items: ['colour'], denied: [], masked: [], records: 1, filtered: [], ordered: [], counted: false }],
      prevHash: GENESIS_HASH, hash: GENESIS_HASH,
    };
    rows.push(toRow(entry));
  }
  await gw.store.insert(AUDIT_COLLECTION, rows);
}, 60_000);
afterAll(() => gw?.close());

describe("a draft's warnings stopped by the time limit", () => {
  it('read no more pages of the audit log once the limit has answered', async () => {
    pages.slow = true;
    const res = await gw.query('{ catalogues(id: "QT-GAT") { versions { status warnings { kind } } } }', { dept: '370000-DSJ', roles: ['supervisor'] });
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
    // A page under way when the limit answered may end; none starts after it.
    await sleep(2 * PAGE_MS);
    const settled = pages.read;
    await sleep(4 * PAGE_MS);
    expect(pages.read).toBe(settled);
    expect(settled).toBeLessThan(PAGES / 2);
  }, 30_000);
});
