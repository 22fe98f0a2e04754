// Row scope (SPEC §6) and the figures of submission warnings: a version that takes an enum value away
// (BREAKING_CHANGE, retyped) or requires an item the stored records may lack (RECORDS_LACK_ITEM) says how
// many stored records hold the value or lack the item. The competent department's auditors and supervisors
// read these warnings whole (which departments read the resource, grants it breaks), but its department
// sees only some of the records: its region, or what its grants reach. Found: the counts took in every
// record, so the Shandong big data bureau, granted Lixia's recipients only, was told how many recipients
// of Qingdao, of another province and without a county held the tier taken away or lacked the name made
// required. Now they count the records it sees, and say that the others are the provider's to tell.
// And only by an item its department reads on all of those rows (access/figure-item.ts): found, the
// bureau, holding no grant at all, was told how many records lacked the name and held the tier.
// test/fixtures/shandong-rows: a province, two cities (Jinan, Qingdao), a county of Jinan (Lixia).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import type { Role } from '../src/identity/roles.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { BUREAU, COMPILER, FIXTURE, narrowedVersion, RECIPIENTS, recipientWarnings } from './helpers/shandong-rows.ts';
import { submitVersion, type VersionRef, type VersionWarning as Warning } from './helpers/version-warnings.ts';


// Lixia (370102): C1, C6; Jinan elsewhere: C2; Qingdao: C3; no county: C4; another province: C5.
const recipients = [
  { caseNo: 'C1', county: '370102', fullName: '张三', amount: 100, tier: 'low' },
  { caseNo: 'C2', county: '370105', fullName: '李四', amount: 200, tier: 'high' },
  { caseNo: 'C3', county: '370202', fullName: null, amount: 300, tier: 'high' },
  { caseNo: 'C4', county: null, fullName: null, amount: 400, tier: 'high' },
  { caseNo: 'C5', county: '320102', fullName: null, amount: 500, tier: 'high' },
  { caseNo: 'C6', county: '370102', fullName: null, amount: 600, tier: 'high' },
];

let gw: TestGateway;
let version: VersionRef;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: `${FIXTURE}/platform.yaml`, catalogueFiles: [`${FIXTURE}/catalogue.yaml`] });
  const [resource] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await gw.store.insert(collectionOf(resource), recipients);
  version = await submitVersion(gw, narrowedVersion(), COMPILER);
}, 60_000);
afterAll(() => gw?.close());

const warningsAs = (dept: string, roles: Role[]) => recipientWarnings(gw, version, dept, roles);
const figures = (ws: Warning[]) => ws.map((w) => [w.kind, w.item, w.records]);

describe('the counts of submission warnings under row scope', () => {
  it('are the whole store for the provider, who sees every record', async () => {
    const ws = await warningsAs(COMPILER.dept, COMPILER.roles);
    expect(figures(ws)).toEqual([['RECORDS_LACK_ITEM', 'fullName', 4], ['BREAKING_CHANGE', 'tier', 5]]);
    expect(ws[0].message).toContain('4 of its 6 stored records lack it');
    expect(ws[1].message).toBe(`Item tier of ${RECIPIENTS} is retyped: loses the value high (5 stored records hold it)`);
  });

  it("give the competent department's auditor and supervisor no count of items its department reads on none of those rows", async () => {
    // The recipients are shared on conditions and the bureau holds no grant: its reads refuse every item,
    // so how many records lack the name, or hold the tier taken away, are figures about values it may not
    // read. Found: it was told both, over the province's records (2 and 3).
    const read = await gw.query(`{ civilAffairs { recipients { totalCount } } }`, { dept: BUREAU, purpose: 'tax-audit' });
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
    for (const roles of [['auditor'], ['supervisor']] as Role[][]) {
      const ws = await warningsAs(BUREAU, roles);
      expect(figures(ws)).toEqual([['RECORDS_LACK_ITEM', 'fullName', null], ['BREAKING_CHANGE', 'tier', null]]);
      expect(ws[0].message).toContain('records its provider 370000-MZ stored before may lack it');
      expect(ws[0].message).toContain('how many is for 370000-MZ to tell (your department does not read fullName on every record it sees)');
      expect(ws[1].message).toBe(`Item tier of ${RECIPIENTS} is retyped: loses the value high; how many stored records hold it is for its provider 370000-MZ to tell`);
      for (const w of ws) expect(w.message).not.toMatch(/\d+ (of its|stored record)/);
    }
  });

  it('are what its grants reach once it holds grants with rows, whatever their purpose, for the items they read', async () => {
    const catalogues = await publishedCatalogues(gw.store);
    const grant = (items: string[], purposes: string[], rows: string[]) =>
      addGrant(gw.store, { platform: gw.platform, catalogues }, { requester: BUREAU, resource: RECIPIENTS, items, purposes, rows, createdBy: 'test' });
    await grant(['caseNo', 'county', 'tier'], ['tax-audit'], ['370102']);
    // What its reads show: Lixia's two recipients.
    const read = await gw.query(`{ civilAffairs { recipients { nodes { caseNo } totalCount } } }`, { dept: BUREAU, purpose: 'tax-audit' });
    expect(read.data!.civilAffairs.recipients).toEqual({ nodes: [{ caseNo: 'C1' }, { caseNo: 'C6' }], totalCount: 2 });
    // The tier is read there in clear: counted. The name is not granted: not counted.
    let ws = await warningsAs(BUREAU, ['auditor']);
    expect(figures(ws)).toEqual([['RECORDS_LACK_ITEM', 'fullName', null], ['BREAKING_CHANGE', 'tier', 1]]);
    // A grant reading the name (masked: personal, no grant unmasks it) on those rows: a mask hides a
    // value, not that there is none (its reads show C6's null), so the records lacking it are counted.
    await grant(['fullName'], ['tax-audit'], ['370102']);
    ws = await warningsAs(BUREAU, ['auditor']);
    expect(figures(ws)).toEqual([['RECORDS_LACK_ITEM', 'fullName', 1], ['BREAKING_CHANGE', 'tier', 1]]);
    expect(ws[0].message).toContain('1 of its 2 stored records your department sees lacks it');
  });

  it('are not given once its figures count rows on which no purpose reads the item', async () => {
    // A grant for another purpose reaching Jinan, without the tier or the name: the figures count Jinan's
    // records (what all its grants reach), of which it reads the tier and the name on Lixia's only.
    const catalogues = await publishedCatalogues(gw.store);
    await addGrant(gw.store, { platform: gw.platform, catalogues }, {
      requester: BUREAU, resource: RECIPIENTS, items: ['caseNo', 'county'], purposes: ['welfare-check'], rows: ['370100'], createdBy: 'test',
    });
    const ws = await warningsAs(BUREAU, ['auditor']);
    expect(figures(ws)).toEqual([['RECORDS_LACK_ITEM', 'fullName', null], ['BREAKING_CHANGE', 'tier', null]]);
    expect(ws[1].message).toContain('how many stored records hold it is for its provider 370000-MZ to tell');
  });
});
