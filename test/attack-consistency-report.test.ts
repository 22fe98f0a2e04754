// Attacks on the consistency report (SPEC §14) on a platform of its own (test/fixtures/shanxi): two
// providers hold the same residents keyed by ID number; the police's veteran flag and rank are in
// clear, the veterans department's are personal (masked in full for every reader but itself).
//
// - A masked boolean or enum compared: a sample key says its record's two values differ, and the
//   supervisor's department reads one of them in clear, so each sample key told the other's hidden value
//   (the masked ID numbers of the sample are those of the police's list, read the same way). Such an item
//   takes no filter (docs/access-rules.md); the report now gives no key. Nor a count of the records that
//   differ: the police's flags all false in clear, it was the number of hidden trues, each one's value
//   with a row scope of one record (differing null, withheld saying why).
// - The report stopped by its time limit: each pair is a join of two resources in the store, and the
//   report went on comparing pair after pair after the limit had answered (it read through the store the
//   request started with, not one that stops once the request is cancelled, as auditLog and usage do).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { aroundMethod } from './helpers/store-around.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/shanxi/${name}`, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const POLICE = '140000-GAT-90001';
const VETERANS = '140000-TYJ-90001';
const SUPERVISOR = { dept: '140000-SJJ', roles: ['supervisor' as const], purpose: 'veteran-care' };
const TIMEOUT_MS = 1000;
const JOIN_MS = 250;

/** The store's joins, counted; each takes JOIN_MS once `slow` is set. */
const joins = { count: 0, slow: false };

const id = (n: number) => `14010219800101${String(n).padStart(4, '0')}`;
const masked = (idNumber: string) => `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('police.yaml'), fixture('veterans.yaml')],
    limits: { timeoutMs: TIMEOUT_MS },
    wrapStore: (inner: Store) =>
      aroundMethod(inner, 'compareJoined', async (_args, call) => {
        joins.count++;
        if (joins.slow) await sleep(JOIN_MS);
        return call();
      }),
  });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const of = (code: string) => collectionOf(resources.find((r) => r.code === code)!);
  // The competent department's grant for the veterans department's residents, every item, masks kept.
  const catalogues = await publishedCatalogues(gw.store);
  await addGrant(gw.store, { platform: gw.platform, catalogues }, {
    requester: '140000-SJJ', resource: VETERANS, purposes: ['veteran-care'], createdBy: 'test',
    items: resources.find((r) => r.code === VETERANS)!.items.map((i) => i.name),
  });
  // Six residents: the police say none is a veteran; the veterans department, that the even ones are.
  const ranks = ['none', 'private', 'officer'] as const;
  await gw.store.insert(of(POLICE), [1, 2, 3, 4, 5, 6].map((n) => ({ idNumber: id(n), fullName: `王${n}`, veteran: false, rank: 'none' })));
  await gw.store.insert(of(VETERANS), [1, 2, 3, 4, 5, 6].map((n) => ({
    idNumber: id(n), fullName: n === 3 ? '王叁' : `王${n}`, veteran: n % 2 === 0, rank: ranks[n % 3],
  })));
}, 60_000);
afterAll(() => gw?.close());

const REPORT = (element: string) => `{ consistencyReport(element: "${element}") { element left right compared differing sampleKeys } }`;

describe('a masked boolean or enum compared', () => {
  it('gives no sample key and no count of differing records: each would tell hidden values', async () => {
    // The supervisor's department reads the police's flags in clear and the veterans department's masked.
    const list = await gw.query(`{ sxPolice { sxResidents { nodes { idNumber veteran rank } } } }`, SUPERVISOR);
    expect(list.errors).toBeUndefined();
    expect(list.data!.sxPolice.sxResidents.nodes[0]).toEqual({ idNumber: masked(id(1)), veteran: false, rank: 'NONE' });
    const theirs = await gw.query(`{ sxVeterans { sxVeteranResidents { nodes { idNumber veteran } } } }`, SUPERVISOR);
    expect(theirs.data!.sxVeterans.sxVeteranResidents.nodes[0]).toEqual({ idNumber: masked(id(1)), veteran: '*****' });

    for (const element of ['SX-VETERAN', 'SX-RANK']) {
      const r = await gw.query(REPORT(element), SUPERVISOR);
      expect(r.errors).toBeUndefined();
      // Before: the even residents' keys, masked as the list shows them: every hidden flag told; then
      // differing 3 and 4, the count of the hidden values that are not the police's.
      expect(r.data!.consistencyReport).toEqual([{ element, left: POLICE, right: VETERANS, compared: 6, differing: null, sampleKeys: [] }]);
    }
  });

  it('still gives the keys of an item the department reads in clear on both sides', async () => {
    const r = await gw.query(REPORT('SX-NAME'), SUPERVISOR);
    expect(r.errors).toBeUndefined();
    expect(r.data!.consistencyReport).toEqual([{ element: 'SX-NAME', left: POLICE, right: VETERANS, compared: 6, differing: 1, sampleKeys: [masked(id(3))] }]);
  });
});

describe('a boolean a grant unmasks', () => {
  it('gives the keys again: the department reads both values in clear, the key says nothing hidden', async () => {
    await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
      requester: '140000-SJJ', resource: VETERANS, items: ['idNumber', 'veteran'], unmasked: ['veteran'], purposes: ['veteran-care'], createdBy: 'test',
    });
    const veteran = await gw.query(REPORT('SX-VETERAN'), SUPERVISOR);
    expect(veteran.errors).toBeUndefined();
    expect(veteran.data!.consistencyReport).toEqual([expect.objectContaining({ differing: 3, sampleKeys: [2, 4, 6].map((n) => masked(id(n))) })]);
    // The rank stays masked for it: still no key, no count.
    const rank = await gw.query(REPORT('SX-RANK'), SUPERVISOR);
    expect(rank.data!.consistencyReport).toEqual([expect.objectContaining({ differing: null, sampleKeys: [] })]);
  });
});

describe('the audit entry of a report', () => {
  it('names both resources and the items compared and joined, never a count of records or a key', async () => {
    const r = await gw.query(REPORT('SX-NAME'), SUPERVISOR);
    expect(r.errors).toBeUndefined();
    const LOG = `{ auditLog(first: 100) { nodes { action outcome detail resources { resource provider items } } } }`;
    const log = await gw.query(LOG, { dept: '140000-SJJ', roles: ['supervisor'] });
    const entries = log.data!.auditLog.nodes.filter((e: { detail: string | null }) => e.detail === 'consistency report for SX-NAME: 1 pair of resources compared');
    expect(entries.at(-1)).toEqual({
      action: 'consistencyReport', outcome: expect.stringMatching(/^ok$/i), detail: 'consistency report for SX-NAME: 1 pair of resources compared',
      resources: [
        { resource: POLICE, provider: '140000-GAT', items: ['fullName', 'idNumber'] },
        { resource: VETERANS, provider: '140000-TYJ', items: ['fullName', 'idNumber'] },
      ],
    });
    // Each provider finds the entry among those about its resources, with its own part.
    const provider = await gw.query(LOG, { dept: '140000-TYJ' });
    expect(provider.data!.auditLog.nodes[0]).toMatchObject({ action: 'consistencyReport', resources: [{ resource: VETERANS, items: ['fullName', 'idNumber'] }] });
  });
});

describe('the element asked for', () => {
  it('is refused when no published resource carries it, as the command refuses it, not answered with no pair', async () => {
    // A typing slip answered [], which reads as "nothing to compare".
    const r = await gw.query(REPORT('SX-VETRAN'), SUPERVISOR);
    expect(r.data).toBeNull();
    expect(r.errors?.[0]).toMatchObject({
      message: 'consistencyReport is refused: no published resource has an item of data element SX-VETRAN.',
      extensions: { code: 'BAD_USER_INPUT', problems: [{ path: 'element', message: "SX-VETRAN is no published resource's data element" }] },
    });
    // Audited as refused, naming no resource.
    const log = await gw.query(`{ auditLog(first: 100) { nodes { action outcome detail resources { resource } } } }`, { dept: '140000-SJJ', roles: ['supervisor'] });
    expect(log.errors).toBeUndefined();
    const refused = log.data!.auditLog.nodes.filter((e: { detail: string | null }) => e.detail?.includes('SX-VETRAN'));
    expect(refused).toEqual([{ action: 'consistencyReport', outcome: expect.stringMatching(/^refused$/i), detail: expect.stringContaining('BAD_USER_INPUT'), resources: [] }]);
  });

  it('answers no pair for an element only one provider carries, and takes one in another case with spaces', async () => {
    const one = await gw.query(REPORT('SX-ADDRESS'), SUPERVISOR);
    expect(one.errors).toBeUndefined();
    expect(one.data!.consistencyReport).toEqual([]);
    const loose = await gw.query(REPORT(' sx-name '), SUPERVISOR);
    expect(loose.errors).toBeUndefined();
    expect(loose.data!.consistencyReport).toEqual([expect.objectContaining({ element: 'SX-NAME', compared: 6, differing: 1 })]);
  });
});

describe('a report stopped by its time limit', () => {
  it('compares no pair once the limit has answered', async () => {
    joins.slow = true;
    joins.count = 0;
    try {
      // Every element the two resources share: 15 pairs, 3.75 s of joins, over a limit of 1 s.
      const r = await gw.query(`{ consistencyReport { element } }`, SUPERVISOR);
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
      await sleep(JOIN_MS * 2); // a join under way when the limit answered may end
      const settled = joins.count;
      await sleep(JOIN_MS * 8);
      expect(joins.count).toBe(settled);
      expect(settled).toBeLessThan(15);
      // Nothing was answered, but both resources' records were read: their providers see the entry, as a
      // stopped data read's names its resources (it wrote none: no workflow entry, no read entry).
      const LOG = `{ auditLog(first: 100) { nodes { action outcome detail resources { resource items } } } }`;
      for (const [dept, parts] of [['140000-SJJ', [POLICE, VETERANS]], ['140000-TYJ', [VETERANS]]] as const) {
        const log = await gw.query(LOG, dept === '140000-SJJ' ? { dept, roles: ['supervisor'] } : { dept });
        const stopped = log.data!.auditLog.nodes.filter((e: { action: string | null; outcome: string }) => e.action === 'consistencyReport' && /^error$/i.test(e.outcome));
        expect(stopped).toEqual([expect.objectContaining({
          resources: parts.map((resource) => ({ resource, items: expect.arrayContaining(['idNumber', 'fullName', 'note12']) })),
        })]);
        if (dept === '140000-SJJ') expect(stopped[0].detail).toMatch(/^stopped before it answered: REQUEST_CANCELLED: The request was cancelled: the time limit answered/);
      }
    } finally {
      joins.slow = false;
    }
  }, 30_000);
});
