// Every request govgraph_graphql_requests_total counts is observed in govgraph_graphql_request_duration_seconds
// (found by an operator walk: requests_total{outcome="error"} said 509 while the histogram's error count said
// 3, so an error rate computed from the histogram said almost none). Requests refused while their context
// was made (a rate, a refused token, a refusal whose audit entry could not be written, a body refused once
// the rate is spent) were counted in the total only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const DEPT = '630100-RS';
let auditFails = false;
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: 'test/fixtures/qinghai-restore/platform.yaml',
    catalogueFiles: ['test/fixtures/qinghai-restore/households.yaml'],
    rates: true,
    limits: { rate: { perUser: { requests: 2, perMs: 60_000 }, perDepartment: null } },
    wrapStore(inner: Store): Store {
      const store: Store = Object.create(inner);
      store.insert = async (collection, rows) => {
        if (auditFails && collection === '_audit') throw new Error('disk full');
        return inner.insert(collection, rows);
      };
      return store;
    },
  });
});
afterAll(() => gw?.close());

const READ = 'query Households { qhCivil { households { nodes { householdNo } } } }';
const post = async (headers: Record<string, string>, body: string) =>
  (await fetch(`${gw.gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })).status;

/** The series of `name` in the scrape, summed over the labels other than `outcome`, by outcome. */
function byOutcome(text: string, name: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}\\{(.*)\\} (\\d+)$`).exec(line);
    const outcome = m && /outcome="(\w+)"/.exec(m[1]!)?.[1];
    if (outcome) sums[outcome] = (sums[outcome] ?? 0) + Number(m[2]);
  }
  return sums;
}

it('the duration histogram counts by outcome what the request total counts: refusals before execution included', async () => {
  const auth = { authorization: `Bearer ${await gw.token(DEPT, [], 'clerk')}`, 'x-purpose': 'benefits' };
  const read = JSON.stringify({ query: READ });
  expect([await post(auth, read), await post(auth, read)]).toEqual([200, 200]); // the user's 2 a minute
  for (let i = 0; i < 4; i++) expect(await post(auth, read)).toBe(429); // RATE_LIMITED, refused while the context is made
  expect(await post({ ...auth, 'content-encoding': 'gzip' }, read)).toBe(429); // a body refused, the rate spent: answered as the rate's refusal
  expect(await post({ authorization: 'Bearer not-a-token' }, read)).toBe(401); // a token refused
  // Another user's first refusal by the rate (the bucket's first is written; later ones are folded into it),
  // its entry not written: AUDIT_UNAVAILABLE, outcome error.
  const other = { ...auth, authorization: `Bearer ${await gw.token(DEPT, [], 'clerk-2')}` };
  expect([await post(other, read), await post(other, read)]).toEqual([200, 200]);
  auditFails = true;
  expect(await post(other, read)).toBe(503);
  auditFails = false;

  const scrape = await (await fetch(`${gw.gateway.url}/metrics`)).text();
  const counted = byOutcome(scrape, 'govgraph_graphql_requests_total');
  // A refusal by a limit counts as `error`, a refused token as `denied` (the outcomes of the log, logging.ts).
  expect(counted).toEqual({ ok: 4, error: 6, denied: 1 });
  expect(byOutcome(scrape, 'govgraph_graphql_request_duration_seconds_count')).toEqual(counted);
  // Each refusal observed once, in the bucket of its time (no bucket holds more than the count).
  expect(scrape).toMatch(/^govgraph_graphql_request_duration_seconds_bucket\{le="\+Inf",outcome="error"\} 6$/m);
});
