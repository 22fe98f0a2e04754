// A department of Xinjiang (650000) reads Kashgar's clinic visits (653100) under the namespace `kashgar`,
// and asks a page larger than Kashgar's maximum (its platform file: maxPageSize 2; Xinjiang's is the
// default 1000). The refusal is Kashgar's, passed up unchanged: it said "first may be at most 2 on this
// platform", which the Xinjiang developer reads as Xinjiang, whose own lists take 1000. It names the
// connected platform that holds the resource now; a department of Kashgar itself still reads "this platform".
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
