// Answering one objection, or one demand, from two gateways on one data folder at once (SPEC §14): two
// SQLite stores on one folder, as two `serve` processes, on a Qinghai fixture (test/fixtures/qinghai-quality).
// Each time one answer stands; the other is refused with CONFLICT (by the check, or by the store's
// conditional write when both checks read the item unanswered), and the log says the loser was not done.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { eq, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { answerDemand, requestData } from '../src/workflow/demands.ts';
import { DEMANDS } from '../src/workflow/demands/rows.ts';
import { answerObjection, getObjection, raiseObjection } from '../src/workflow/objections.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const platform = loadPlatform(join(FIXTURE, 'platform.yaml'));
const dept = (code: string) => platform.departments.find((d) => d.code === code)!;
const actor = (code: string, roles: Actor['roles'], user = 'u', purpose: string | null = null): Actor =>
  ({ dept: dept(code), user, roles, purpose, requestId: `r-${Math.random()}` });

const dir = mkdtempSync(join(tmpdir(), 'govgraph-quality-answer-races-'));
let a: Store;
let b: Store;
beforeAll(async () => {
  a = await openSqliteStore(join(dir, 'data'));
  b = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(a, platform, [join(FIXTURE, 'benefits.yaml')], { publish: true });
  const recipients = (await publishedCatalogues(a)).flatMap((c) => c.resources).find((r) => r.code === '630000-MZ-00021')!;
  await a.insert(collectionOf(recipients), [{ caseNo: 'C1', status: 'active', fullName: 'Ma Li' }]);
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  rmSync(dir, { recursive: true, force: true });
});
const env = (store: Store) => ({ store, platform, now: new Date() });

/** One fulfilled, one refused with CONFLICT; per racer, its entries' outcomes (the loser's "ok" then "refused", or one "refused"). */
async function race(action: string, racers: Actor[], results: PromiseSettledResult<unknown>[]) {
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
  expect((lost.reason as { code?: string }).code).toBe('CONFLICT');
  const log = (await a.find(AUDIT_COLLECTION, { filter: eq('action', action), sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow);
  return racers.map((who, i) => ({ won: results[i].status === 'fulfilled', last: log.filter((e) => e.requestId === who.requestId).at(-1)?.outcome }));
}

it('two approvers answering one objection at once: one answer stands, the other gets CONFLICT and is logged refused', async () => {
  const raised = await raiseObjection(env(a), actor('630100-RS', ['applicant'], 'ma', 'benefits'), { resource: '630000-MZ-00021', key: 'C1', item: 'fullName', reason: 'Renamed' });
  const approvers = [actor('630000-MZ', ['approver'], 'first'), actor('630000-MZ', ['approver'], 'second')];
  const results = await Promise.allSettled([
    answerObjection(env(a), approvers[0], { id: raised.id, decision: 'confirm' }),
    answerObjection(env(b), approvers[1], { id: raised.id, decision: 'reject', reason: 'The name is right' }),
  ]);
  const outcomes = await race('answerObjection', approvers, results);
  expect(outcomes).toEqual(expect.arrayContaining([{ won: true, last: 'ok' }, { won: false, last: 'refused' }]));
  const stored = (await getObjection(a, raised.id))!;
  expect(stored.status).toBe(results[0].status === 'fulfilled' ? 'confirmed' : 'rejected');
  expect(stored.answeredBy).toBe(results[0].status === 'fulfilled' ? 'first' : 'second');
});

it('two approvers answering one demand at once: one answer stands, the other gets CONFLICT and is logged refused', async () => {
  const demand = await requestData(env(a), actor('630100-RS', ['applicant'], 'ma'), { title: 'Vehicle registrations', description: 'For allowance checks', items: ['plate'], purposes: ['benefits'], provider: '630000-GA' });
  const approvers = [actor('630000-GA', ['approver'], 'first'), actor('630000-GA', ['approver'], 'second')];
  const results = await Promise.allSettled([
    answerDemand(env(a), approvers[0], { id: demand.id, decision: 'will-catalogue', resource: '630000-GA-00031' }),
    answerDemand(env(b), approvers[1], { id: demand.id, decision: 'cannot-share', basis: 'Art. 7' }),
  ]);
  const outcomes = await race('answerDemand', approvers, results);
  expect(outcomes).toEqual(expect.arrayContaining([{ won: true, last: 'ok' }, { won: false, last: 'refused' }]));
  const [row] = await a.find(DEMANDS, { filter: eq('id', demand.id) });
  expect(row.status).toBe(results[0].status === 'fulfilled' ? 'will-catalogue' : 'cannot-share');
  expect(row.answeredBy).toBe(results[0].status === 'fulfilled' ? 'first' : 'second');
});
