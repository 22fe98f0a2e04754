// A department a connected platform forwards that the connected platform refuses at its identity, once
// the token verified (signed by a platform it lists, for it, fresh, used once): a department the
// forwarding platform lists that is one of its own, a region outside the forwarding platform's, a level it
// does not know. Kashgar refused it with UNAUTHENTICATED and a log line alone: its supervisor never saw that
// Xinjiang forwarded a department it had no right to forward, and Xinjiang's entry said `error`. Now
// Kashgar writes an entry (outcome `refused`, the department, user and purpose as claimed, `via` 650000,
// why in its detail) and says `refused` in its x-govgraph-read-outcome header; Xinjiang's entry says
// `refused`, UNAUTHENTICATED named at the namespace, while its caller gets the same error as before. A token
// that does not verify (forged, an unknown platform, expired, replayed) writes nothing from its claims.
// Two real `govgraph serve` processes on loopback (kashgar-pair.ts); Xinjiang's signing key read from its
// store for the tokens signed here, as its gateway signs them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, READ_OUTCOME_HEADER, signForwarded, type ForwardedClaims } from '../src/identity/forwarded.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { askAs, entriesOfRequest, startKashgarPair, stopKashgarPair, type KashgarPair } from './helpers/kashgar-pair.ts';
import { openSideStore } from './helpers/yunnan-pair.ts';

/** Kashgar's health commission, listed by Xinjiang among its own departments too (a city department of the province's platform). */
const LISTED = '653100-WJW';
let pair: KashgarPair | undefined;
beforeAll(async () => {
  pair = await startKashgarPair('govgraph-kashgar-identity-', {
    xinjiang: (t) => t.replace('connected:', `  - { code: "${LISTED}", name: Kashgar Health Commission, graphqlName: listedKsHealth, level: city, region: "653100" }\nconnected:`),
    // Three requests an hour per user: the rate a stream of refused departments meets (Kashgar's
    // supervisor reads as a user of its own each time, kashgarEntries).
    kashgar: (t) => `${t}limits:\n  rate: { perDepartment: off, perPlatform: off, perUser: { requests: 3, per: 1h } }\n`,
  });
}, 180_000);
afterAll(() => stopKashgarPair(pair));

const COUNT = '{ ksHealth { clinicVisits { totalCount } } }';

/** Tokens Xinjiang's gateway would sign for Kashgar, with `claims` over those of its 650000-JYT, signed at `now`. */
async function xinjiangTokens(list: { claims?: Partial<ForwardedClaims>; now?: Date }[]): Promise<string[]> {
  const store = await openSideStore(pair!.xinjiang);
  try {
    const keys = new PlatformKeys(store);
    const base: ForwardedClaims = { iss: '650000', aud: '653100', sub: 'analyst-9', dept: '650000-JYT', deptLevel: 'province', deptRegion: '650000', purpose: 'epidemic-survey' };
    return await Promise.all(list.map((t) => signForwarded(keys, { ...base, ...t.claims }, t.now)));
  } finally {
    await store.close();
  }
}

/** A forwarded read sent to Kashgar with `token`, as Xinjiang's gateway sends one. */
async function sendToKashgar(token: string, id: string) {
  const res = await fetch(`${pair!.kashgar.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '650000', 'x-request-id': id },
    body: JSON.stringify({ query: COUNT }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] };
  return { status: res.status, outcome: res.headers.get(READ_OUTCOME_HEADER), body };
}

const KASHGAR_ENTRIES = 'query Entries($id: String) { auditLog(first: 50, filter: { requestId: $id }) { nodes { department user purpose via outcome detail operationName } } }';
let readers = 0;
/** Kashgar's entries of request `id` (all of them without), as its supervisor reads them. */
async function kashgarEntries(id?: string): Promise<any[]> {
  const r = await askAs(pair!.kashgar, '653100-FGW', { query: KASHGAR_ENTRIES, variables: { id } }, { roles: ['supervisor'], user: `supervisor-${++readers}` });
  expect(r.errors).toBeUndefined();
  return r.data.auditLog.nodes;
}

const REFUSED_MESSAGE = 'The forwarded identity is not accepted: this platform accepts forwarded requests only from the platforms it is connected to, signed, fresh and used once.';

describe('a department Xinjiang forwards that Kashgar refuses after its token verified', () => {
  it('one of Kashgar\'s own that Xinjiang lists: refused in both logs, the caller told as before', async () => {
    const r = await askAs(pair!.xinjiang, LISTED, { query: `{ kashgar ${COUNT} }` }, { headers: { 'x-request-id': 'ki-own' } });
    expect(r.status).toBe(200);
    expect(r.data.kashgar).toBeNull();
    expect(r.errors).toEqual([expect.objectContaining({ path: ['kashgar'], extensions: { code: 'PLATFORM_UNAVAILABLE', platform: '653100' } })]);
    const { xinjiang, kashgar } = await entriesOfRequest(pair!, 'ki-own');
    expect(kashgar).toEqual([{
      department: LISTED, via: '650000', outcome: 'REFUSED',
      detail: `UNAUTHENTICATED: ${REFUSED_MESSAGE.replace(/\.$/, '')}; its department ${LISTED} is refused here: it is one of this platform's own departments`,
    }]);
    expect(xinjiang).toEqual([{ department: LISTED, via: null, outcome: 'REFUSED', detail: 'connected platforms: kashgar (653100) answered with 1 error, denying UNAUTHENTICATED at kashgar' }]);
    // The user and purpose as Xinjiang signed them; nothing of Kashgar's own 653100-WJW's reads.
    expect(await kashgarEntries('ki-own')).toEqual([expect.objectContaining({ user: `user-of-${LISTED}`, purpose: 'epidemic-survey' })]);
    // One entry of it: the views Xinjiang asks of Kashgar's schema for the department write none.
    expect((await kashgarEntries()).filter((e) => e.department === LISTED)).toHaveLength(1);
  });

  it('a region outside Xinjiang\'s, a level Kashgar does not know: an entry each, and `refused` said to Xinjiang', async () => {
    const [outside, village, codeOutside] = await xinjiangTokens([
      { claims: { dept: '430100-ABC', deptLevel: 'city', deptRegion: '430100', sub: 'outsider' } },
      { claims: { dept: '653101-CUN', deptLevel: 'village' as never, deptRegion: '653101', purpose: 'tax-audit' } },
      { claims: { dept: '430100-XYZ', deptLevel: 'province', deptRegion: '650000' } },
    ]);
    for (const [token, id] of [[outside, 'ki-outside'], [village, 'ki-village'], [codeOutside, 'ki-code']] as const) {
      const sent = await sendToKashgar(token, id);
      expect([sent.status, sent.outcome, sent.body.errors?.[0].extensions.code, sent.body.errors?.[0].message]).toEqual([401, 'refused', 'UNAUTHENTICATED', REFUSED_MESSAGE]);
    }
    expect(await kashgarEntries('ki-outside')).toEqual([expect.objectContaining({
      department: '430100-ABC', user: 'outsider', purpose: 'epidemic-survey', via: '650000', outcome: 'REFUSED',
      detail: expect.stringMatching(/refused here: its region 430100 lies outside the region of Xinjiang Test Sharing Platform \(650000\)$/),
    })]);
    // A purpose Kashgar does not know is recorded as none, as a refused purpose's entry records it.
    expect(await kashgarEntries('ki-village')).toEqual([expect.objectContaining({
      department: '653101-CUN', purpose: null, via: '650000', outcome: 'REFUSED', detail: expect.stringMatching(/refused here: its level is none this platform knows$/),
    })]);
    expect(await kashgarEntries('ki-code')).toEqual([expect.objectContaining({
      department: '430100-XYZ', outcome: 'REFUSED', detail: expect.stringMatching(/its code names division 430100, outside the region of Xinjiang/),
    })]);
  });

  it('a level that does not agree with its region: an entry; a code no log can keep (a line break): none', async () => {
    const [disagreeing, unkept] = await xinjiangTokens([
      { claims: { dept: '650000-LVL', deptLevel: 'city', deptRegion: '650000' } },
      { claims: { dept: '650000-A\nB' } },
    ]);
    expect((await sendToKashgar(disagreeing, 'ki-level')).outcome).toBe('refused');
    expect(await kashgarEntries('ki-level')).toEqual([expect.objectContaining({
      department: '650000-LVL', outcome: 'REFUSED', detail: expect.stringMatching(/its level does not agree with its region 650000$/),
    })]);
    const sent = await sendToKashgar(unkept, 'ki-unkept');
    expect([sent.status, sent.outcome]).toEqual([401, null]);
    expect(await kashgarEntries('ki-unkept')).toEqual([]);
  });

  it('sent as a GET: no document or operation name in its entry, as of a POST (whose body is not read)', async () => {
    // A GET carries its document in its URL, read with the request: it was recorded (operation name and
    // document hash) though the entry is of a request refused at its identity, whose document it never ran.
    const [token] = await xinjiangTokens([{ claims: { sub: 'analyst-get', dept: '430100-GET', deptLevel: 'city', deptRegion: '430100' } }]);
    const search = new URLSearchParams({ query: `query Visits ${COUNT}`, operationName: 'Visits' });
    const res = await fetch(`${pair!.kashgar.url}/graphql?${search}`, {
      headers: { authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '650000', 'x-request-id': 'ki-get', 'apollo-require-preflight': 'true' },
    });
    expect([res.status, res.headers.get(READ_OUTCOME_HEADER)]).toEqual([401, 'refused']);
    const entries = await askAs(pair!.kashgar, '653100-FGW', { query: 'query E($id: String) { auditLog(filter: { requestId: $id }) { nodes { department outcome operationName documentHash } } }', variables: { id: 'ki-get' } }, { roles: ['supervisor'], user: 'supervisor-get' });
    expect(entries.data.auditLog.nodes).toEqual([{ department: '430100-GET', outcome: 'REFUSED', operationName: null, documentHash: null }]);
  });

  it('the same token again (a replay): refused, no second entry, no outcome said', async () => {
    const [token] = await xinjiangTokens([{ claims: { dept: '430100-RPL', deptLevel: 'city', deptRegion: '430100' } }]);
    expect((await sendToKashgar(token, 'ki-replay-1')).outcome).toBe('refused');
    const again = await sendToKashgar(token, 'ki-replay-2');
    expect([again.status, again.outcome, again.body.errors?.[0].message]).toEqual([401, null, REFUSED_MESSAGE]);
    expect(await kashgarEntries('ki-replay-1')).toHaveLength(1);
    expect(await kashgarEntries('ki-replay-2')).toEqual([]);
    // A replay of a token Kashgar accepted writes nothing either: its first use has the entry.
    const [good] = await xinjiangTokens([{}]);
    expect((await sendToKashgar(good, 'ki-good-1')).outcome).toBe('allowed');
    expect((await sendToKashgar(good, 'ki-good-2')).status).toBe(401);
    expect(await kashgarEntries('ki-good-2')).toEqual([]);
  });

  it('a stream of them meets the rate: one entry for the refusals of an empty bucket', async () => {
    const tokens = await xinjiangTokens(Array.from({ length: 5 }, () => ({ claims: { dept: '430100-FLD', deptLevel: 'city' as const, deptRegion: '430100' } })));
    const sent = [];
    for (const [i, token] of tokens.entries()) sent.push(await sendToKashgar(token, `ki-flood-${i}`));
    expect(sent.map((s) => [s.status, s.outcome, s.body.errors?.[0].extensions.code])).toEqual([
      ...Array.from({ length: 3 }, () => [401, 'refused', 'UNAUTHENTICATED']),
      [429, 'refused', 'RATE_LIMITED'], [429, 'refused', 'RATE_LIMITED'],
    ]);
    const entries = (await kashgarEntries()).filter((e) => e.department === '430100-FLD');
    expect(entries.map((e) => e.detail.slice(0, e.detail.indexOf(':')))).toEqual(['RATE_LIMITED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });
});

describe('a token that does not verify: nothing of its claims reaches Kashgar\'s log or its answer', () => {
  const MARK = 'FORGEDMARK7';
  it('forged, expired or of an unknown platform: no entry, no outcome, the one message', async () => {
    const [genuine, expired] = await xinjiangTokens([
      { claims: { dept: '430100-ABC', deptLevel: 'city', deptRegion: '430100' } },
      { claims: { dept: `430100-${MARK}`, deptLevel: 'city', deptRegion: '430100', sub: `${MARK}-expired` }, now: new Date(Date.now() - 10 * 60_000) },
    ]);
    const [header, payload, signature] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const rewritten = (over: Record<string, unknown>) => `${header}.${Buffer.from(JSON.stringify({ ...claims, ...over })).toString('base64url')}.${signature}`;
    // Its claims rewritten under Xinjiang's signature; an issuer Kashgar does not list.
    const forged = rewritten({ dept: `430100-${MARK}`, sub: `${MARK}-user`, purpose: `${MARK}-purpose`, jti: `${MARK}-jti` });
    const unknown = rewritten({ iss: '659000', sub: `${MARK}-unknown` });
    for (const [token, id] of [[forged, 'kf-forged'], [expired, 'kf-expired'], [unknown, 'kf-unknown']] as const) {
      const sent = await sendToKashgar(token, id);
      expect([sent.status, sent.outcome, sent.body]).toEqual([401, null, { errors: [expect.objectContaining({ message: REFUSED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } })] }]);
      expect(JSON.stringify(sent.body)).not.toContain(MARK);
      expect(await kashgarEntries(id)).toEqual([]);
    }
    expect(JSON.stringify(await kashgarEntries())).not.toContain(MARK);
  });
});
