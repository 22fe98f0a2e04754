// A department of Xinjiang (650000) reads Kashgar's clinic visits (653100) under the namespace `kashgar`,
// and asks a page larger than Kashgar's maximum (its platform file: maxPageSize 2; Xinjiang's is the
// default 1000). The refusal is Kashgar's, passed up unchanged: it said "first may be at most 2 on this
// platform", which the Xinjiang developer reads as Xinjiang, whose own lists take 1000. It names the
// connected platform that holds the resource now; a department of Kashgar itself still reads "this platform".
// So does the refusal of an `after` cursor Kashgar did not seal: "not one this platform gave out" sent the
// Xinjiang developer looking for a fault in Xinjiang's cursors.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { askAs, startKashgarPair, stopKashgarPair, type KashgarPair } from './helpers/kashgar-pair.ts';

let pair: KashgarPair | undefined;
beforeAll(async () => {
  pair = await startKashgarPair('govgraph-kashgar-page-max-', {
    kashgar: (text) => text.replace('  level: city\n', '  level: city\n  maxPageSize: 2\n'),
  });
}, 120_000);
afterAll(() => stopKashgarPair(pair));

it('names the connected platform whose page maximum refused a forwarded read', async () => {
  const forwarded = await askAs(pair!.xinjiang, '650000-FGW', { query: '{ kashgar { ksHealth { clinicVisits(first: 5) { totalCount } } } }' });
  expect(forwarded.data).toEqual({ kashgar: { ksHealth: { clinicVisits: null } } });
  expect(forwarded.errors?.map((e) => [e.path, e.extensions.code, e.message])).toEqual([[
    ['kashgar', 'ksHealth', 'clinicVisits'],
    'BAD_USER_INPUT',
    'first may be at most 2 on the connected platform Kashgar Test Sharing Platform (653100), which holds this resource; got 5. Page through with after.',
  ]]);
  // Xinjiang's own maximum is not Kashgar's: a page of 5 there would pass (it is what the message spares the reader).
  const own = await askAs(pair!.kashgar, '653100-FGW', { query: '{ ksHealth { clinicVisits(first: 5) { totalCount } } }' });
  expect(own.errors?.map((e) => e.message)).toEqual(['first may be at most 2 on this platform; got 5. Page through with after.']);
});

it('names the connected platform that refused an after cursor it did not give out', async () => {
  const first = await askAs(pair!.xinjiang, '650000-FGW', { query: '{ kashgar { ksHealth { clinicVisits(first: 1) { pageInfo { endCursor } } } } }' });
  const cursor: string = first.data.kashgar.ksHealth.clinicVisits.pageInfo.endCursor;
  // One character changed: not a cursor Kashgar sealed (nor any platform did).
  const bad = `${cursor.slice(0, -2)}${cursor.at(-2) === 'A' ? 'B' : 'A'}${cursor.at(-1)}`;
  const page = `query($after: String) { kashgar { ksHealth { clinicVisits(first: 1, after: $after) { nodes { visitNo } } } } }`;
  const forwarded = await askAs(pair!.xinjiang, '650000-FGW', { query: page, variables: { after: bad } }, { headers: { 'x-request-id': 'ks-bad-cursor' } });
  expect(forwarded.data).toEqual({ kashgar: { ksHealth: { clinicVisits: null } } });
  expect(forwarded.errors?.map((e) => [e.path, e.extensions.code, e.message])).toEqual([[
    ['kashgar', 'ksHealth', 'clinicVisits'],
    'BAD_USER_INPUT',
    'The `after` cursor is not one the connected platform Kashgar Test Sharing Platform (653100), which holds this resource, gave out; pass the endCursor of a previous page.',
  ]]);
  // Kashgar's own log, read by its supervisor, keeps its own words: this platform is Kashgar there (a page of
  // 2, Kashgar's maximum here, so not entriesOfRequest's).
  const log = await askAs(pair!.kashgar, '653100-FGW', {
    query: '{ auditLog(first: 2, filter: { requestId: "ks-bad-cursor" }) { nodes { department via outcome detail } } }',
  }, { roles: ['supervisor'] });
  expect(log.data.auditLog.nodes).toEqual([{
    department: '650000-FGW', via: '650000', outcome: 'REFUSED',
    detail: 'BAD_USER_INPUT: The `after` cursor is not one this platform gave out; pass the endCursor of a previous page.',
  }]);
  // The cursor Kashgar gave out still pages, and a department of Kashgar reads "this platform".
  const next = await askAs(pair!.xinjiang, '650000-FGW', { query: page, variables: { after: cursor } });
  expect(next.errors).toBeUndefined();
  expect(next.data.kashgar.ksHealth.clinicVisits.nodes).toHaveLength(1);
  const ownPage = `query($after: String) { ksHealth { clinicVisits(first: 1, after: $after) { nodes { visitNo } } } }`;
  const own = await askAs(pair!.kashgar, '653100-FGW', { query: ownPage, variables: { after: bad } });
  expect(own.errors?.map((e) => e.message)).toEqual(['The `after` cursor is not one this platform gave out; pass the endCursor of a previous page.']);
});
