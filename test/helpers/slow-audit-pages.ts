// For tests of a scan of the audit log stopped by the time limit: pages of it (finds of USAGE_PAGE_SIZE
// entries) made slow and counted, and read entries appended in bulk after what the log holds.
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { AUDIT_COLLECTION, GENESIS_HASH, toRow, type AuditEntry } from '../../src/audit/entry.ts';
import { USAGE_PAGE_SIZE } from '../../src/audit/usage.ts';
import type { Store } from '../../src/store/port.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store wrapper whose audit-log pages take `pageMs` each while `pages.slow`, counted in `pages.read`. */
export function slowAuditPages(pageMs: number, slow = true): { wrap(inner: Store): Store; pages: { read: number; slow: boolean } } {
  const pages = { read: 0, slow };
  const wrap = (inner: Store): Store =>
    new Proxy(inner, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop !== 'find') return value.bind(target);
        return async (collection: string, options: { limit?: number } = {}) => {
          if (pages.slow && collection === AUDIT_COLLECTION && options.limit === USAGE_PAGE_SIZE) {
            await sleep(pageMs);
            pages.read++;
          }
          return value.call(target, collection, options);
        };
      },
    });
  return { wrap, pages };
}

/**
 * `count` entries of `department` reading `resource` (its `items`) appended after what the log holds, each
 * its own request (the chain is not what these tests check).
 */
export async function appendReads(store: Store, count: number, read: { department: string; purpose: string; resource: string; provider: string; items: string[] }): Promise<void> {
  const [last] = await store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
  const first = Number(last?.seq ?? 0) + 1;
  const rows = [];
  for (let seq = first; seq < first + count; seq++) {
    const entry: AuditEntry = {
      seq, time: new Date().toISOString(), requestId: `r${seq}`, department: read.department, user: 'u', purpose: read.purpose,
      operationName: null, documentHash: null, kind: 'read', action: null, outcome: 'allowed', detail: null,
      resources: [{ resource: read.resource, provider: read.provider, items: read.items, denied: [], masked: [], records: 1, filtered: [], ordered: [], counted: false }],
      prevHash: GENESIS_HASH, hash: GENESIS_HASH,
    };
    rows.push(toRow(entry));
  }
  await store.insert(AUDIT_COLLECTION, rows);
}

/**
 * test/fixtures/quality's platform (police and health) as a test gateway under `timeoutMs`, its audit-log
 * pages slow (slowAuditPages), the log holding `pages` pages of reads of the police's vehicles by civil
 * affairs after what the import wrote.
 */
export async function startQualityWithReads(opts: { timeoutMs: number; pageMs: number; pages: number; slow: boolean }): Promise<{ gw: TestGateway; pages: { read: number; slow: boolean } }> {
  const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/quality/${name}`, import.meta.url));
  const { wrap, pages } = slowAuditPages(opts.pageMs, opts.slow);
  const gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')],
    limits: { timeoutMs: opts.timeoutMs },
    wrapStore: wrap,
  });
  await appendReads(gw.store, opts.pages * USAGE_PAGE_SIZE, { department: '370000-MZT', purpose: 'benefit-check', resource: '370000-GAT-02', provider: '370000-GAT', items: ['colour'] });
  return { gw, pages };
}

/**
 * Waits, then checks that no page of the scan started after the time limit answered: a page under way
 * then may end (`pageMs`), none starts after it, and fewer than half of `total` were read.
 */
export async function expectNoPageAfterLimit(pages: { read: number }, pageMs: number, total: number): Promise<void> {
  await sleep(2 * pageMs);
  const settled = pages.read;
  await sleep(4 * pageMs);
  expect(pages.read).toBe(settled);
  expect(settled).toBeLessThan(total / 2);
}
