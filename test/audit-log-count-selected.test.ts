// `auditLog`'s totalCount is counted only when the request selects it (bench/audit-scale.ts). The count
// walks every window of the log's seq index (src/audit/query.ts), where the page stops once it has its
// entries: on a log of 1,000,000 entries a supervisor's first page filtered by a resource or a day read the
// whole log for a count nobody asked for. Shown by the store's calls, not by a time.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../src/audit/log.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/foshan-audit/${name}`, import.meta.url));
const SUPERVISOR = '440600-FSSJ';
const REQUESTER = '440604-CCJ';
const PLANS = '440600-FSGH-00007';

describe('auditLog counts its entries only when totalCount is selected', () => {
  let gw: TestGateway;
  let counting: CountingStore;
  beforeAll(async () => {
    gw = await startTestGateway({
      platformFile: fixture('platform.yaml'),
      catalogueFiles: [fixture('plans.yaml')],
      wrapStore: (s) => (counting = countingStore(s)),
      seed: async (store) => {
        for (let n = 0; n < 5; n++) {
          await appendAudit(store, {
            requestId: `fs-${n}`, department: REQUESTER, user: 'clerk', purpose: 'permit-review', operationName: null, documentHash: null,
            kind: 'read', action: null, outcome: 'allowed', detail: null,
            resources: [{ resource: PLANS, provider: '440600-FSGH', items: ['planNo'], denied: [], masked: [], records: 1, filtered: ['planNo'], ordered: [], counted: false }],
          });
        }
      },
    });
  });
  afterAll(() => gw?.close());

  const counts = async (document: string, dept = SUPERVISOR): Promise<{ data: any; counted: number }> => {
    counting.reset();
    const res = await gw.query(document, { dept, roles: dept === SUPERVISOR ? ['supervisor'] : [] });
    expect(res.errors).toBeUndefined();
    return { data: res.data, counted: counting.calls.filter((c) => c === 'count _audit').length };
  };

  it('reads no count for a page without totalCount, filtered or not', async () => {
    const page = await counts(`{ auditLog(first: 2, filter: { resource: "${PLANS}" }) { nodes { seq } pageInfo { hasNextPage } } }`);
    expect(page.data.auditLog.nodes).toHaveLength(2);
    expect(page.counted).toBe(0);
    expect((await counts('{ auditLog(first: 2) { nodes { seq } } }', REQUESTER)).counted).toBe(0);
  });

  it('counts when totalCount is selected, directly, by an alias or through a fragment', async () => {
    const direct = await counts(`{ auditLog(first: 1, filter: { department: "${REQUESTER}" }) { totalCount } }`);
    expect(direct.data.auditLog.totalCount).toBe(5);
    expect(direct.counted).toBeGreaterThan(0);
    const aliased = await counts(`{ log: auditLog(first: 1, filter: { department: "${REQUESTER}" }) { n: totalCount } }`);
    expect(aliased.data.log.n).toBe(5);
    const fragment = await counts(`{ auditLog(first: 1, filter: { department: "${REQUESTER}" }) { ...C } } fragment C on AuditConnection { totalCount }`);
    expect(fragment.data.auditLog.totalCount).toBe(5);
    // Skipped, it is not selected.
    expect((await counts('{ auditLog(first: 1) { nodes { seq } totalCount @skip(if: true) } }')).counted).toBe(0);
  });
});
