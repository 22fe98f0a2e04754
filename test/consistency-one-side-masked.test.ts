// The consistency report (SPEC §14) compares an item a supervisor's department reads masked on one side
// and in clear on the other: Hefei's residents' phones are personal (masked for it), Wuhu's in clear. A
// sample key said "Hefei's hidden phone is not Wuhu's", and, with fewer than 20 differing, every joined
// key left out of the sample said it IS Wuhu's, a phone the department reads: each hidden phone told at
// once, past the masked-probe quota an `eq` on it would count against (SPEC §13). The count alone told as
// much: `differing: 0` says every hidden phone is the one read in clear. Such a pair now gives the records
// compared, no count of differing ones, no key, and says why (`withheld`); an item read alike on both sides
// (in clear, or masked on both, where a key tells no value) keeps its keys. On an Anhui platform of the
// test's own (test/fixtures/anhui-consistency, on test/fixtures/anhui-keys/platform.yaml).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const HEFEI = '340100-MZJ-00002';
const WUHU = '340200-MZJ-00002';
const SUPERVISOR = { dept: '340000-SJJ', roles: ['supervisor' as const], purpose: 'relief' };
const id = (n: number) => `34010219850101${String(n).padStart(4, '0')}`;
const masked = (idNumber: string) => `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`;
const phone = (n: number) => `1395510${String(n).padStart(4, '0')}`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('anhui-keys/platform.yaml'),
    catalogueFiles: [fixture('anhui-consistency/hf.yaml'), fixture('anhui-consistency/wh.yaml')],
  });
  const catalogues = await publishedCatalogues(gw.store);
  const resources = catalogues.flatMap((c) => c.resources);
  for (const code of [HEFEI, WUHU]) {
    const resource = resources.find((r) => r.code === code)!;
    // The competent department's grants: every item, the masks kept.
    await addGrant(gw.store, { platform: gw.platform, catalogues }, {
      requester: '340000-SJJ', resource: code, purposes: ['relief'], createdBy: 'test', items: resource.items.map((i) => i.name),
    });
    // Five residents; resident 3's phone, name and address differ between the two cities.
    await gw.store.insert(collectionOf(resource), [1, 2, 3, 4, 5].map((n) => ({
      idNumber: id(n),
      fullName: code === HEFEI && n === 3 ? '张叁' : `张${n}`,
      phone: code === HEFEI && n === 3 ? phone(99) : phone(n),
      address: code === HEFEI && n === 3 ? '合肥市蜀山区' : `芜湖市镜湖区${n}号`,
    })));
  }
}, 60_000);
afterAll(() => gw?.close());

const report = async (element: string) => {
  const r = await gw.query(`{ consistencyReport(element: "${element}") { left right compared differing sampleKeys withheld } }`, SUPERVISOR);
  expect(r.errors).toBeUndefined();
  return r.data!.consistencyReport;
};

describe('an item read masked on one side and in clear on the other', () => {
  it('gives the records compared, no count of differing ones, no sample key, and why', async () => {
    // What the department reads: Wuhu's phones in clear, Hefei's masked.
    const lists = await gw.query('{ hfCivil { hfResidents { nodes { phone } } } whCivil { whResidents { nodes { phone } } } }', SUPERVISOR);
    expect(lists.data!.hfCivil.hfResidents.nodes[0].phone).toMatch(/\*/);
    expect(lists.data!.whCivil.whResidents.nodes[0].phone).toBe(phone(1));
    // Before: [masked(id(3))], so residents 1, 2, 4 and 5 had in Hefei the phones Wuhu shows in clear.
    // Before that, differing: 1, and with residents 1 to 5 all alike in both cities, 0.
    expect(await report('AH-PHONE')).toEqual([{
      left: HEFEI, right: WUHU, compared: 5, differing: null, sampleKeys: [],
      withheld: `${HEFEI}.phone is masked for your department, and ${WUHU}'s is not: the count of differing records would tell its values; a grant reading it in clear lifts this`,
    }]);
  });

  it('keeps the keys of an item read alike on both sides: in clear, or masked on both', async () => {
    expect(await report('AH-NAME')).toEqual([{ left: HEFEI, right: WUHU, compared: 5, differing: 1, sampleKeys: [masked(id(3))], withheld: null }]);
    expect(await report('AH-ADDRESS')).toEqual([{ left: HEFEI, right: WUHU, compared: 5, differing: 1, sampleKeys: [masked(id(3))], withheld: null }]);
  });
});
