// A refusal about an item masked for the reader says what would lift it: a grant that unmasks it when the
// item is shared on conditions (request sharing from its provider), nothing when it is shared
// unconditionally (masked for every department but its provider, SPEC §9). A Beijing developer
// (110100-MZJ, test/fixtures/beijing-masks) ordering by a masked ID number, filtering a masked boolean or
// spending the masked-probe quota met "masked for you" with no next step, and the quota's refusal told them
// to get a grant for an item no grant unmasks. The schema's order values say a masked item orders nothing.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants/adding.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/beijing-masks/${name}`, import.meta.url));
const reader = { dept: '110100-MZJ', purpose: 'housing-security' };
const A = '110101194503120019';
const B = '110102195007200029';
const CONDITIONAL = (item: string) => `A grant that unmasks ${item} lifts this: request sharing from its provider 110000-GAJ.`;
const UNCONDITIONAL = (item: string) => `No grant lifts this: shared unconditionally, ${item} is masked for every department but its provider 110000-ZJW.`;

/** A Beijing gateway with its records, and a grant of every resident item to 110100-MZJ, none unmasked. */
async function beijing(maskedProbes?: { maxIn: number; perHour: number; perDay: number }): Promise<TestGateway> {
  const gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('residents.yaml'), fixture('housing.yaml')],
    ...(maskedProbes ? { limits: { maskedProbes } } : {}),
  });
  const catalogues = await publishedCatalogues(gw.store);
  const resource = (code: string) => catalogues.flatMap((c) => c.resources).find((r) => r.code === code)!;
  await importRecords(gw.store, resource('110000-GAJ-00001'), fixture('residents.jsonl'));
  await importRecords(gw.store, resource('110000-ZJW-00001'), fixture('contracts.jsonl'));
  await addGrant(gw.store, { platform: gw.platform, catalogues }, {
    requester: reader.dept, resource: '110000-GAJ-00001', items: ['idNumber', 'fullName', 'hukouType'], purposes: [reader.purpose],
    unmasked: [], until: '2099-12-31', createdBy: 'operator',
  });
  return gw;
}

const residents = (args: string) => `{ bjPolice { residents(${args}) { nodes { fullName } } } }`;
const contracts = (args: string) => `{ bjHousing { rentalContracts(${args}) { nodes { contractNo } } } }`;

describe('masked-item refusals say what lifts them (Beijing, 110100-MZJ)', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await beijing(); });
  afterAll(() => gw?.close());

  it('an order or a range on a masked item: a grant that unmasks it, or no grant at all', async () => {
    const cases: [string, string, string][] = [
      [residents('orderBy: [{ field: idNumber }]'), 'idNumber of 110000-GAJ-00001 is masked for you: you may filter it only with eq or in, and not order by it. ', CONDITIONAL('idNumber')],
      [contracts('orderBy: [{ field: tenantId, direction: DESC }]'), 'tenantId of 110000-ZJW-00001 is masked for you: you may filter it only with eq or in, and not order by it. ', UNCONDITIONAL('tenantId')],
      [contracts('filter: { tenantId: { startsWith: "1101" } }'), 'tenantId of 110000-ZJW-00001 is masked for you: you may filter it only with eq or in, and not order by it. ', UNCONDITIONAL('tenantId')],
      [residents('filter: { hukouType: { eq: "urban" } }'), 'so you may neither filter nor order by it. ', CONDITIONAL('hukouType')],
      [contracts('filter: { subsidised: { eq: true } }'), 'so you may neither filter nor order by it. ', UNCONDITIONAL('subsidised')],
    ];
    for (const [query, refusal, lifting] of cases) {
      const r = await gw.query(query, reader);
      expect(r.errors?.map((e) => e.extensions?.code), query).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.message, query).toContain(refusal + lifting);
      expect(r.errors![0]!.message.endsWith(lifting), query).toBe(true);
    }
  });

  it("the schema's order values say a masked item orders nothing, and whether a grant changes that", async () => {
    const r = await gw.query('{ c: __type(name: "BjRentalContractOrderField") { enumValues { name description } } r: __type(name: "BjResidentOrderField") { enumValues { name description } } }', reader);
    const described = (t: 'c' | 'r') => Object.fromEntries((r.data![t].enumValues as { name: string; description: string }[]).map((v) => [v.name, v.description]));
    expect(described('c')).toEqual({
      contractNo: 'Contract number',
      tenantId: 'Tenant ID number · personal: no order',
      subsidised: 'Rent subsidised · personal: no order',
      monthlyRent: 'Monthly rent (yuan)',
    });
    expect(described('r').idNumber).toBe('ID number · personal: no order, unless a grant unmasks it');
  });
});

describe('the masked-probe quota says whether a grant lifts it (Beijing, 110100-MZJ)', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await beijing({ maxIn: 20, perHour: 2, perDay: 500 }); });
  afterAll(() => gw?.close());

  it('of an item shared on conditions: a grant that unmasks it', async () => {
    expect((await gw.query(residents(`filter: { idNumber: { in: ["${A}", "${B}"] } }`), reader)).errors).toBeUndefined();
    const r = await gw.query(residents(`filter: { idNumber: { eq: "${A}" } }`), reader);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(r.errors![0]!.message).toMatch(/\(limits\.maskedProbes\)\. A grant that unmasks the item lifts it\. Try again after /);
  });

  it('of an item shared unconditionally: no grant does', async () => {
    expect((await gw.query(contracts(`filter: { tenantId: { in: ["${A}", "${B}"] } }`), reader)).errors).toBeUndefined();
    const r = await gw.query(contracts(`filter: { tenantId: { eq: "${A}" } }`), reader);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(r.errors![0]!.message).toMatch(/\(limits\.maskedProbes\)\. No grant lifts it: the items compared are shared unconditionally, masked for every department but their provider\. Try again after /);
    expect(r.errors![0]!.message).not.toContain('A grant');
  });
});
