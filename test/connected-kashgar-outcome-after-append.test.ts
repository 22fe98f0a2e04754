// The outcome Kashgar says in x-govgraph-read-outcome follows its audit append: it was set before the
// append, so a forwarded read whose entry could not be written (the answer 503 AUDIT_UNAVAILABLE, no data)
// still told Xinjiang an outcome (`allowed`) that Kashgar's log never recorded. Two real `govgraph serve`
// processes on loopback (kashgar-pair.ts); Kashgar's audit table made to refuse inserts by this process
// (refused-audit.ts), then let write again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, READ_OUTCOME_HEADER, signForwarded, type ForwardedClaims } from '../src/identity/forwarded.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { askAs, entriesOfRequest, startKashgarPair, stopKashgarPair, type KashgarPair } from './helpers/kashgar-pair.ts';
import { refuseAuditInserts } from './helpers/refused-audit.ts';
import { openSideStore } from './helpers/yunnan-pair.ts';

let pair: KashgarPair | undefined;
beforeAll(async () => {
  pair = await startKashgarPair('govgraph-kashgar-append-');
}, 180_000);
afterAll(() => stopKashgarPair(pair));

const COUNT = '{ ksHealth { clinicVisits { totalCount } } }';

/** A read of Kashgar's clinic visits signed with Xinjiang's key, as its gateway forwards one (`claims` over its 650000-JYT's). */
async function forwardedRead(id: string, claims: Partial<ForwardedClaims> = {}) {
  const store = await openSideStore(pair!.xinjiang);
  let token: string;
  try {
    token = await signForwarded(new PlatformKeys(store), {
      iss: '650000', aud: '653100', sub: 'analyst-3', dept: '650000-JYT', deptLevel: 'province', deptRegion: '650000', purpose: 'epidemic-survey', ...claims,
    });
  } finally {
    await store.close();
  }
  const res = await fetch(`${pair!.kashgar.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '650000', 'x-request-id': id },
    body: JSON.stringify({ query: COUNT }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] };
  return { status: res.status, outcome: res.headers.get(READ_OUTCOME_HEADER), code: body.errors?.[0]?.extensions.code ?? null, data: body.data ?? null };
}

describe('Kashgar\'s outcome header and its audit append', () => {
  it('an entry that could not be written: 503 AUDIT_UNAVAILABLE and no outcome said; once written again, the outcome', async () => {
    const refusing = refuseAuditInserts(pair!.kashgar.dir);
    try {
      expect(await forwardedRead('ka-unwritten')).toEqual({ status: 503, outcome: null, code: 'AUDIT_UNAVAILABLE', data: null });
      // A department refused at its identity, its refusal's entry unwritten: no `refused` said either.
      expect(await forwardedRead('ka-refused-unwritten', { dept: '430100-ABC', deptLevel: 'city', deptRegion: '430100' }))
        .toEqual({ status: 503, outcome: null, code: 'AUDIT_UNAVAILABLE', data: null });
      // Through Xinjiang: its caller gets Kashgar unavailable, and its entry says `error`, no outcome of Kashgar's.
      const r = await askAs(pair!.xinjiang, '650000-JYT', { query: `{ kashgar ${COUNT} }` }, { headers: { 'x-request-id': 'ka-through' } });
      expect(r.errors?.map((e) => e.extensions.code)).toEqual(['PLATFORM_UNAVAILABLE']);
    } finally {
      refusing.allow();
    }
    const { xinjiang, kashgar } = await entriesOfRequest(pair!, 'ka-through');
    expect([xinjiang.map((e: { outcome: string }) => e.outcome), kashgar]).toEqual([['ERROR'], []]);
    expect((await entriesOfRequest(pair!, 'ka-unwritten')).kashgar).toEqual([]);
    expect(await forwardedRead('ka-written')).toEqual({ status: 200, outcome: 'allowed', code: null, data: { ksHealth: { clinicVisits: { totalCount: expect.any(Number) } } } });
    expect((await entriesOfRequest(pair!, 'ka-written')).kashgar).toEqual([expect.objectContaining({ outcome: 'ALLOWED', via: '650000' })]);
  });
});
