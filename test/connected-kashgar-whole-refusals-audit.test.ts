// What the connecting platform's audit log says of a forwarded read the connected platform refuses whole
// (HTTP 4xx: over its maxCost or maxTokens, a purpose it does not know, its rate). Kashgar wrote `refused`
// (via 650000) and said so in its answer's x-govgraph-read-outcome header (a rate's and an unknown
// purpose's refusal, answered while the request's context is made, said nothing); Xinjiang wrote `error`
// ("its errors passed through"): two stories of one read. Now Xinjiang's entry says `refused`, the code
// named among the denials at the namespace (`partial` beside what it read itself), while its caller gets
// the same error as before, and nothing of Kashgar's entry. Two real `govgraph serve` processes on
// loopback (kashgar-pair.ts), Kashgar with small limits, a rate and fewer purposes than Xinjiang.
import { createServer, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_OUTCOME_HEADER } from '../src/identity/forwarded.ts';
import { signToken } from '../src/identity/token.ts';
import { askAs, entriesOfRequest, startKashgarPair, stopKashgarPair, type KashgarPair } from './helpers/kashgar-pair.ts';
import { closeLoopback, listenOnLoopback } from './helpers/loopback.ts';

// Xinjiang reaches Kashgar through a proxy that passes everything on, and, while `olderRelease`, drops
// the outcome header from Kashgar's answers: Kashgar as a release before the header.
let olderRelease = false;
let kashgarUrl = '';
const proxy = createServer((req, res) => {
  const up = httpRequest(`${kashgarUrl}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
    const headers = { ...answer.headers };
    if (olderRelease) delete headers[READ_OUTCOME_HEADER];
    res.writeHead(answer.statusCode ?? 502, headers);
    answer.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
});

let pair: KashgarPair | undefined;
beforeAll(async () => {
  const proxyUrl = await listenOnLoopback(proxy);
  pair = await startKashgarPair('govgraph-kashgar-whole-', {
    // A purpose Kashgar does not know; Kashgar's url, the proxy's.
    xinjiang: (t) => {
      kashgarUrl = /url: "([^"]+)"/.exec(t)![1];
      return t.replace(kashgarUrl, proxyUrl).replace('purposes:\n', 'purposes:\n  - { code: tax-audit, name: Tax audit }\n');
    },
    // A list's default page (20 records) is within maxCost, a page of 100 is not; 40 reads an hour per department.
    kashgar: (t) => `${t}limits:\n  maxCost: 40\n  maxTokens: 80\n  rate: { perUser: off, perPlatform: off, perDepartment: { requests: 40, per: 1h } }\n`,
  });
}, 180_000);
afterAll(async () => {
  await stopKashgarPair(pair);
  await closeLoopback(proxy);
});

const ATTACKER = '650000-JYT';
const entriesOf = (id: string) => entriesOfRequest(pair!, id);

const read = (id: string, query: string, dept = ATTACKER, purpose?: string) =>
  askAs(pair!.xinjiang, dept, { query }, { headers: { 'x-request-id': id }, ...(purpose ? { purpose } : {}) });

/** The error the caller gets for Kashgar's refusal: the namespace null, Kashgar's code, no header of Kashgar's. */
function expectRefusedNamespace(r: Awaited<ReturnType<typeof read>>, code: string) {
  expect(r.status).toBe(200);
  expect(r.data.kashgar).toBeNull();
  expect(r.errors).toEqual([expect.objectContaining({ path: ['kashgar'], extensions: expect.objectContaining({ code, platform: '653100' }) })]);
  expect(r.errors![0].message).toMatch(/^The connected platform Kashgar Test Sharing Platform \(653100\) refused the request: /);
}

const oneRefusal = (code: string) => `connected platforms: kashgar (653100) answered with 1 error, denying ${code} at kashgar`;

describe('a forwarded read Kashgar refuses whole: refused in both logs', () => {
  it('over its maxCost', async () => {
    const r = await read('kw-cost', '{ kashgar { ksHealth { clinicVisits(first: 100) { nodes { visitNo } } } } }');
    expectRefusedNamespace(r, 'QUERY_TOO_COMPLEX');
    expect(r.errors![0].message).toContain('maxCost');
    const { xinjiang, kashgar } = await entriesOf('kw-cost');
    expect(kashgar).toMatchObject([{ department: ATTACKER, via: '650000', outcome: 'REFUSED' }]);
    expect(xinjiang).toEqual([{ department: ATTACKER, via: null, outcome: 'REFUSED', detail: oneRefusal('QUERY_TOO_COMPLEX') }]);
  });

  it('over its maxTokens', async () => {
    // Aliases: graphql-tools merges a field asked twice, not two keys.
    const fields = Array.from({ length: 25 }, (_, i) => `c${i}: county`).join(' ');
    const r = await read('kw-tokens', `{ kashgar { ksHealth { clinicVisits { nodes { ${fields} } } } } }`);
    expectRefusedNamespace(r, 'QUERY_TOO_COMPLEX');
    const { xinjiang, kashgar } = await entriesOf('kw-tokens');
    expect(kashgar).toMatchObject([{ outcome: 'REFUSED' }]);
    expect(xinjiang).toEqual([{ department: ATTACKER, via: null, outcome: 'REFUSED', detail: oneRefusal('QUERY_TOO_COMPLEX') }]);
  });

  it('a purpose it does not know', async () => {
    const r = await read('kw-purpose', '{ kashgar { ksHealth { clinicVisits { totalCount } } } }', ATTACKER, 'tax-audit');
    expectRefusedNamespace(r, 'BAD_USER_INPUT');
    const { xinjiang, kashgar } = await entriesOf('kw-purpose');
    expect(kashgar).toMatchObject([{ department: ATTACKER, via: '650000', outcome: 'REFUSED' }]);
    expect(xinjiang).toEqual([{ department: ATTACKER, via: null, outcome: 'REFUSED', detail: oneRefusal('BAD_USER_INPUT') }]);
  });

  it('its own platform\'s data beside Kashgar\'s refusal: partial, the refusal named', async () => {
    const r = await read('kw-mixed', '{ mine: xjDevelopment { projects { totalCount } } kashgar { ksHealth { clinicVisits(first: 100) { nodes { visitNo } } } } }');
    expect(r.data.mine.projects.totalCount).toBe(0);
    expect(r.errors!.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    const { xinjiang } = await entriesOf('kw-mixed');
    expect(xinjiang).toMatchObject([{ outcome: 'PARTIAL', detail: oneRefusal('QUERY_TOO_COMPLEX') }]);
  });

  it('its rate: the refusal its entry was written for, refused on both sides', async () => {
    // Another department than the other cases', so that its bucket is its own: read until Kashgar refuses.
    let refused: { id: string; r: Awaited<ReturnType<typeof read>> } | undefined;
    for (let i = 0; i < 45 && !refused; i++) {
      const id = `kw-rate-${i}`;
      const r = await read(id, '{ kashgar { ksHealth { clinicVisits { totalCount } } } }', '650000-WJW');
      if (r.errors) refused = { id, r };
    }
    expect(refused).toBeDefined();
    expectRefusedNamespace(refused!.r, 'RATE_LIMITED');
    const { xinjiang, kashgar } = await entriesOf(refused!.id);
    expect(kashgar).toMatchObject([{ department: '650000-WJW', via: '650000', outcome: 'REFUSED' }]);
    expect(xinjiang).toEqual([{ department: '650000-WJW', via: null, outcome: 'REFUSED', detail: oneRefusal('RATE_LIMITED') }]);
    // A refusal folded into that entry (Kashgar writes one per emptying of the bucket): refused here too.
    const again = await read('kw-rate-again', '{ kashgar { ksHealth { clinicVisits { totalCount } } } }', '650000-WJW');
    expectRefusedNamespace(again, 'RATE_LIMITED');
    expect((await entriesOf('kw-rate-again')).xinjiang).toMatchObject([{ outcome: 'REFUSED', detail: oneRefusal('RATE_LIMITED') }]);
  });

  it('a read Kashgar answers stays allowed', async () => {
    const r = await read('kw-clean', '{ kashgar { ksHealth { clinicVisits { totalCount } } } }');
    expect(r.errors).toBeUndefined();
    expect((await entriesOf('kw-clean')).xinjiang).toEqual([{ department: ATTACKER, via: null, outcome: 'ALLOWED', detail: 'connected platforms: kashgar (653100) answered' }]);
  });
});

describe('what the caller gets, and a Kashgar of an older release', () => {
  const COST = '{ kashgar { ksHealth { clinicVisits(first: 100) { nodes { visitNo } } } } }';
  afterAll(() => { olderRelease = false; });

  it('the caller gets the same error whether Kashgar says its outcome or not, and no outcome header', async () => {
    const token = await signToken(new TextEncoder().encode(pair!.xinjiang.secret), { dept: ATTACKER, user: 'analyst', roles: [], ttl: '1h' });
    const ask = () => fetch(`${pair!.xinjiang.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'epidemic-survey' },
      body: JSON.stringify({ query: COST }),
    });
    const told = await ask();
    expect(told.headers.get(READ_OUTCOME_HEADER)).toBeNull();
    olderRelease = true;
    const untold = await ask();
    olderRelease = false;
    expect(untold.status).toBe(told.status);
    expect(await untold.json()).toEqual(await told.json());
  });

  it('one that does not say its outcome: error, the refusal as an error, as before', async () => {
    olderRelease = true;
    const r = await read('kw-older', COST);
    olderRelease = false;
    expectRefusedNamespace(r, 'QUERY_TOO_COMPLEX');
    const { xinjiang, kashgar } = await entriesOf('kw-older');
    expect(kashgar).toMatchObject([{ outcome: 'REFUSED' }]);
    expect(xinjiang).toEqual([{
      department: ATTACKER, via: null, outcome: 'ERROR',
      detail: 'QUERY_TOO_COMPLEX at kashgar; connected platforms: kashgar (653100) answered with 1 error',
    }]);
  });
});
