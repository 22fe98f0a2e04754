// What the connecting platform's audit log says of the reads a connected platform denied (SPEC §6, §10,
// §12: both audit; denied requests are logged too). A department of Xinjiang asked, through the namespace
// `kashgar`, for an item Kashgar shares with nobody (`diagnosis`), filtered or counted by it, or for a
// resource Kashgar shares with its own departments only. Kashgar refused and wrote `denied`, `via` 650000;
// Xinjiang wrote `allowed`, "kashgar (653100) answered with 1 error": its supervisor, asking the log for
// denied reads, never saw a department of the province probing what Kashgar refuses it. Now the entry's
// outcome counts Kashgar's denials as it counts its own (`denied`, or `partial` beside what was read), and
// its detail names them `CODE at namespace.path`, names only, never the values filtered by.
// Two real `govgraph serve` processes on loopback, each with its own store (test/fixtures/kashgar-connected).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namedDenials } from '../src/server/plugins/audit.ts';
import { askAs, entriesOfRequest, startKashgarPair, stopKashgarPair, type KashgarPair } from './helpers/kashgar-pair.ts';

let pair: KashgarPair | undefined;
beforeAll(async () => { pair = await startKashgarPair('govgraph-kashgar-denials-'); }, 180_000);
afterAll(() => stopKashgarPair(pair));

const ATTACKER = '650000-JYT';
const entriesOf = (id: string) => entriesOfRequest(pair!, id);

async function read(id: string, query: string) {
  return askAs(pair!.xinjiang, ATTACKER, { query }, { headers: { 'x-request-id': id } });
}

describe('a department of Xinjiang reading what Kashgar denies it, in both logs', () => {
  it('a count filtered by an item Kashgar shares with nobody: denied on both sides, the value in neither', async () => {
    const r = await read('ks-deny-filter', '{ kashgar { ksHealth { clinicVisits(filter: { diagnosis: { eq: "tuberculosis" } }) { totalCount } } } }');
    expect(r.data.kashgar.ksHealth.clinicVisits).toBeNull();
    expect(r.errors!.map((e) => e.extensions.code)).toEqual(['NOT_SHARED']);
    const { xinjiang, kashgar } = await entriesOf('ks-deny-filter');
    expect(kashgar).toMatchObject([{ department: ATTACKER, via: '650000', outcome: 'DENIED' }]);
    expect(xinjiang).toEqual([{
      department: ATTACKER, via: null, outcome: 'DENIED',
      detail: 'connected platforms: kashgar (653100) answered with 1 error, denying NOT_SHARED at kashgar.ksHealth.clinicVisits',
    }]);
    expect(JSON.stringify([xinjiang, kashgar])).not.toContain('tuberculosis');
  });

  it('a resource Kashgar shares with its own departments only: denied', async () => {
    await read('ks-deny-scope', '{ kashgar { ksHealth { clinicStaff { totalCount } } } }');
    const { xinjiang } = await entriesOf('ks-deny-scope');
    expect(xinjiang).toMatchObject([{ outcome: 'DENIED', detail: expect.stringContaining('denying OUT_OF_SCOPE at kashgar.ksHealth.clinicStaff') }]);
  });

  it('records read beside an item denied: partial, as Kashgar writes it', async () => {
    const r = await read('ks-partial', '{ kashgar { ksHealth { clinicVisits(first: 2) { nodes { visitNo patientName diagnosis } } } } }');
    expect(r.data.kashgar.ksHealth.clinicVisits.nodes.map((n: { visitNo: string }) => n.visitNo)).toEqual(['KV-01', 'KV-02']);
    const { xinjiang, kashgar } = await entriesOf('ks-partial');
    expect(kashgar).toMatchObject([{ outcome: 'PARTIAL' }]);
    expect(xinjiang).toMatchObject([{ outcome: 'PARTIAL', detail: 'connected platforms: kashgar (653100) answered with 1 error, denying NOT_SHARED at kashgar.ksHealth.clinicVisits.nodes.diagnosis' }]);
  });

  it('the same denial under many aliases: named once, by field names, the values in no entry', async () => {
    // Ten aliases of a count filtered by the item Kashgar shares with nobody: ten errors, one path by field names.
    const counts = Array.from({ length: 10 }, (_, i) => `c${i}: clinicVisits(filter: { diagnosis: { eq: "d${i}" } }) { totalCount }`).join(' ');
    const r = await read('ks-many', `{ kashgar { ksHealth { ${counts} } } }`);
    expect(r.errors!.map((e) => e.extensions.code)).toEqual(Array(10).fill('NOT_SHARED'));
    const { xinjiang } = await entriesOf('ks-many');
    expect(xinjiang).toEqual([{
      department: ATTACKER, via: null, outcome: 'DENIED',
      detail: 'connected platforms: kashgar (653100) answered with 10 errors, denying NOT_SHARED at kashgar.ksHealth.clinicVisits',
    }]);
  });

  it('its own platform\'s data beside a denial there: partial', async () => {
    await read('ks-mixed', '{ mine: xjDevelopment { projects { totalCount } } k: kashgar { ksHealth { clinicVisits(filter: { diagnosis: { eq: "influenza" } }) { totalCount } } } }');
    const { xinjiang } = await entriesOf('ks-mixed');
    expect(xinjiang).toMatchObject([{ outcome: 'PARTIAL', detail: expect.stringContaining('denying NOT_SHARED at kashgar.ksHealth.clinicVisits') }]);
    expect(JSON.stringify(xinjiang)).not.toContain('influenza');
  });

  // What Kashgar's answer alone does not tell: its entry counts a denied item on a page of no records
  // (no error: no record to put one at) as denied, and a page of no records as read. Xinjiang's entry wrote
  // `allowed` for the one and `denied` for the other; it takes Kashgar's outcome from its answer now.
  it('an item Kashgar shares with nobody, on a page of no records: no error, partial on both sides', async () => {
    const r = await read('ks-empty-denied', '{ kashgar { ksHealth { clinicVisits(filter: { visitNo: { eq: "KV-none" } }) { nodes { visitNo diagnosis } } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.kashgar.ksHealth.clinicVisits.nodes).toEqual([]);
    const { xinjiang, kashgar } = await entriesOf('ks-empty-denied');
    expect(kashgar).toMatchObject([{ department: ATTACKER, via: '650000', outcome: 'PARTIAL' }]);
    expect(xinjiang).toEqual([{ department: ATTACKER, via: null, outcome: 'PARTIAL', detail: 'connected platforms: kashgar (653100) answered' }]);
  });

  it('a page of no records beside a resource Kashgar denies: partial on both sides, not denied', async () => {
    const r = await read('ks-empty-beside', '{ kashgar { ksHealth { clinicVisits(filter: { visitNo: { eq: "KV-none" } }) { nodes { visitNo } } clinicStaff { totalCount } } } }');
    expect(r.errors!.map((e) => e.extensions.code)).toEqual(['OUT_OF_SCOPE']);
    const { xinjiang, kashgar } = await entriesOf('ks-empty-beside');
    expect(kashgar).toMatchObject([{ outcome: 'PARTIAL' }]);
    expect(xinjiang).toMatchObject([{ outcome: 'PARTIAL', detail: 'connected platforms: kashgar (653100) answered with 1 error, denying OUT_OF_SCOPE at kashgar.ksHealth.clinicStaff' }]);
  });

  // A filter or order by an item Kashgar shows the province's departments masked, refused there
  // (BAD_USER_INPUT: a masked item only eq and in): Kashgar's entry counts it a denial of the item (its
  // part `denied`, outcome `partial` or `denied`, or `refused` when nothing else was read), as Xinjiang's
  // does for the same refusal on its own resources. Xinjiang wrote `error` ("its errors passed through").
  it('a masked item filtered by contains beside records read: partial on both sides, the refusal named', async () => {
    const r = await read('ks-masked-contains', '{ kashgar { ksHealth { clinicVisits(first: 1) { nodes { visitNo } } probe: clinicVisits(filter: { patientName: { contains: "Ay" } }) { totalCount } } } }');
    expect(r.errors!.map((e) => [e.extensions.code, e.path!.join('.')])).toEqual([['BAD_USER_INPUT', 'kashgar.ksHealth.probe']]);
    const { xinjiang, kashgar } = await entriesOf('ks-masked-contains');
    expect(kashgar).toMatchObject([{ outcome: 'PARTIAL' }]);
    expect(xinjiang).toEqual([{
      department: ATTACKER, via: null, outcome: 'PARTIAL',
      detail: 'connected platforms: kashgar (653100) answered with 1 error, denying BAD_USER_INPUT at kashgar.ksHealth.clinicVisits',
    }]);
    expect(JSON.stringify([xinjiang, kashgar])).not.toContain('"Ay"');
  });

  it('a masked item ordered by, nothing else read there: refused on both sides', async () => {
    const r = await read('ks-masked-order', '{ kashgar { ksHealth { clinicVisits(orderBy: [{ field: patientName, direction: ASC }]) { totalCount } } } }');
    expect(r.errors!.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    const { xinjiang, kashgar } = await entriesOf('ks-masked-order');
    expect(kashgar).toMatchObject([{ outcome: 'REFUSED' }]);
    expect(xinjiang).toEqual([{
      department: ATTACKER, via: null, outcome: 'REFUSED',
      detail: 'connected platforms: kashgar (653100) answered with 1 error, denying BAD_USER_INPUT at kashgar.ksHealth.clinicVisits',
    }]);
  });

  it('its own platform\'s data beside a masked item refused there: partial', async () => {
    await read('ks-masked-mixed', '{ mine: xjDevelopment { projects { totalCount } } k: kashgar { ksHealth { clinicVisits(orderBy: [{ field: patientName, direction: DESC }]) { totalCount } } } }');
    const { xinjiang } = await entriesOf('ks-masked-mixed');
    expect(xinjiang).toMatchObject([{ outcome: 'PARTIAL', detail: 'connected platforms: kashgar (653100) answered with 1 error, denying BAD_USER_INPUT at kashgar.ksHealth.clinicVisits' }]);
  });

  it('a read Kashgar answers whole stays allowed, its note as before', async () => {
    const r = await read('ks-clean', '{ kashgar { ksHealth { clinicVisits { totalCount } } } }');
    expect(r.errors).toBeUndefined();
    const { xinjiang } = await entriesOf('ks-clean');
    expect(xinjiang).toEqual([{ department: ATTACKER, via: null, outcome: 'ALLOWED', detail: 'connected platforms: kashgar (653100) answered' }]);
  });
});

describe('the denials an entry names', () => {
  it('are the first 8, then how many more: a large document does not make a long entry', () => {
    const denied = Array.from({ length: 11 }, (_, i) => `NOT_SHARED at kashgar.f${i}`);
    expect(namedDenials(denied.slice(0, 8))).toBe(denied.slice(0, 8).join(', '));
    expect(namedDenials(denied)).toBe(`${denied.slice(0, 8).join(', ')} and 3 more`);
  });
});
