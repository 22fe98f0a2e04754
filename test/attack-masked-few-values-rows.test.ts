// Masked items and row scope (SPEC §6) on a platform of the test's own (Hubei, test/fixtures/rows16): the
// province's medical insurance bureau provides the insured under row scope by division, with a masked
// item of every kind, and Wuhan's and Yichang's civil affairs bureaus read them.
// - The leftover mended here: `eq` on a masked boolean (or enum) told each record's hidden value, one
//   `eq: true` telling them all; such an item is now not filtered at all by a reader who sees it masked.
// - Every item and operator is compared with the oracle of the table (test/helpers/oracle.ts), with
//   values of records inside and outside the reader's rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, listGrants, revokeGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import type { Resource } from '../src/model/catalogue.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';
import { answerUse, loadOracle, operatorsOf, rowVisible, shanghaiDate, type Asker } from './helpers/oracle.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/rows16/${p}`, import.meta.url));
const PROVIDER = '420000-YBJ';
const YICHANG = '420500-MZJ';
const PURPOSE = 'medical-aid';
type Person = Record<string, string | number | boolean | null>;
// Divisions: Wuhan (420102, 420100), Yichang (420502, 420503), Hunan (430102), none.
const insured: Person[] = [
  { cardNo: 'C1', division: '420102', idNumber: '420102199001011234', income: 3000, premium: '120.50', birthDate: '1990-01-01', chronic: true, tier: 'critical' },
  { cardNo: 'C2', division: '420502', idNumber: '420502198502023456', income: 5000, premium: '99.00', birthDate: '1985-02-02', chronic: false, tier: 'basic' },
  { cardNo: 'C3', division: '420503', idNumber: '420503197003035678', income: 8000, premium: '300.10', birthDate: '1970-03-03', chronic: true, tier: 'serious' },
  { cardNo: 'C4', division: '430102', idNumber: '430102196004047890', income: 5000, premium: '10', birthDate: '1960-04-04', chronic: false, tier: 'basic' },
  { cardNo: 'C5', division: null, idNumber: '420102195005051111', income: 2000, premium: '20', birthDate: '1950-05-05', chronic: true, tier: 'critical' },
  { cardNo: 'C6', division: '420100', idNumber: '420100194006062222', income: 8000, premium: '99', birthDate: '1940-06-06', chronic: false, tier: 'serious' },
];
// Claims in one division for a person of another: K1 (Yichang) of C1 (Wuhan), K2 (Wuhan) of C2 (Yichang).
const claims = [
  { claimNo: 'K1', division: '420502', cardNo: 'C1' },
  { claimNo: 'K2', division: '420102', cardNo: 'C2' },
  { claimNo: 'K3', division: '420503', cardNo: 'C3' },
  { claimNo: 'K4', division: '420503', cardNo: 'C4' },
];
const aidCases: Person[] = [
  { caseNo: 'A1', division: '420502', severe: true, cardNo: 'C2' },
  { caseNo: 'A2', division: '420503', severe: false, cardNo: 'C3' },
  { caseNo: 'A3', division: '420102', severe: true, cardNo: 'C1' },
  { caseNo: 'A4', division: '420106', severe: false, cardNo: 'C6' },
  { caseNo: 'A5', division: '430102', severe: true, cardNo: 'C4' },
];

let gw: TestGateway;
let resources: Resource[];
const asYichang = (document: string, variables?: Record<string, unknown>) => gw.query(document, { dept: YICHANG, purpose: PURPOSE, variables });
const codes = (r: GraphQLResponse) => r.errors?.map((e) => [e.extensions?.code, e.extensions?.item]);

const INSURED = `query($f: HbInsuredFilter, $o: [HbInsuredOrder!]) { hbInsurance { insured(filter: $f, orderBy: $o) {
  nodes { cardNo chronic tier } totalCount pageInfo { endCursor } } } }`;
const AID = `query($f: HbAidCaseFilter) { hbInsurance { aidCases(filter: $f) { nodes { caseNo severe } totalCount } } }`;

/** The masked probes of the insured on record today, as their provider reads them in usage. */
async function probes() {
  const today = shanghaiDate(new Date());
  const res = await gw.query(`{ usage(from: "${today}", to: "${today}") { maskedProbes { department resource values } } }`, { dept: PROVIDER });
  return res.data!.usage.maskedProbes
    .filter((p: { resource: string }) => p.resource === '420000-YBJ-00001')
    .map((p: { department: string; values: number }) => ({ department: p.department, values: p.values }));
}

async function grant(items: string[], unmasked: string[], rows: string[] | null) {
  const ctx = { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) };
  return addGrant(gw.store, ctx, { requester: YICHANG, resource: '420000-YBJ-00003', items, purposes: [PURPOSE], unmasked, rows, createdBy: 'test' });
}

beforeAll(async () => {
  // The oracle comparison sends a few hundred probes of masked items; the quota is test/masked-probes.test.ts's.
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('insurance.yaml')],
    limits: { maskedProbes: { maxIn: 20, perHour: 100_000, perDay: 100_000 } },
  });
  resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const load = async (code: string, rows: object[]) => {
    const file = join(gw.dataDir, `${code}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await importRecords(gw.store, resources.find((r) => r.code === code)!, file);
  };
  await load('420000-YBJ-00001', insured);
  await load('420000-YBJ-00002', claims);
  await load('420000-YBJ-00003', aidCases);
}, 60_000);
afterAll(() => gw?.close());

describe('a masked boolean or enum', () => {
  const refused = (item: string) => ({
    errors: [expect.objectContaining({
      message: expect.stringMatching(new RegExp(`^${item} of 420000-YBJ-00001 is masked for you, and its values are a few known words`)),
      path: ['hbInsurance', 'insured'],
      extensions: { code: 'BAD_USER_INPUT', resource: '420000-YBJ-00001', item },
    })],
    data: { hbInsurance: { insured: null } },
  });

  it('is not filtered by eq or in, alone, in and/or, or written in the document: no record, count or cursor', async () => {
    for (const [item, f] of [
      ['chronic', { chronic: { eq: true } }],
      ['chronic', { chronic: { eq: false } }],
      ['chronic', { or: [{ cardNo: { eq: 'C2' } }, { and: [{ chronic: { eq: true } }] }] }],
      ['tier', { tier: { eq: 'critical' } }],
      ['tier', { tier: { in: ['serious', 'critical'] } }],
    ] as const) {
      expect(await asYichang(INSURED, { f }), JSON.stringify(f)).toMatchObject(refused(item));
    }
    const written = await asYichang('{ hbInsurance { insured(filter: { chronic: { eq: true } }) { totalCount } } }');
    expect(written).toMatchObject(refused('chronic'));
    // ne on an enum and orderBy were refused before, as probing: still refused.
    expect(codes(await asYichang(INSURED, { f: { tier: { ne: 'basic' } } }))).toEqual([['BAD_USER_INPUT', 'tier']]);
    expect(codes(await asYichang(INSURED, { o: [{ field: 'chronic' }] }))).toEqual([['BAD_USER_INPUT', 'chronic']]);
    // Refused before anything is read, they took nothing of the masked-probe quota; an eq on the masked
    // ID number does.
    expect(await probes()).toEqual([]);
    expect((await asYichang(INSURED, { f: { idNumber: { eq: insured[1].idNumber } } })).data!.hbInsurance.insured.totalCount).toBe(1);
    expect(await probes()).toEqual([{ department: YICHANG, values: 1 }]);
  });

  it('says so in the schema: no filter, where other masked items take eq and in (shared unconditionally, no grant unmasks them)', async () => {
    const res = await asYichang('{ __type(name: "HbInsuredFilter") { inputFields { name description } } }');
    const said = Object.fromEntries(res.data!.__type.inputFields.map((f: { name: string; description: string }) => [f.name, f.description]));
    expect([said.chronic, said.tier, said.income]).toEqual([
      'chronic · personal: no filter',
      'tier · personal: no filter',
      'income · personal: only eq and in',
    ]);
  });

  it('is still read masked, listed and looked up, and filtered in clear by its provider', async () => {
    const list = await asYichang(INSURED);
    expect(list.errors).toBeUndefined();
    expect(list.data!.hbInsurance.insured.nodes).toEqual([
      { cardNo: 'C2', chronic: '*****', tier: '********' },
      { cardNo: 'C3', chronic: '*****', tier: '********' },
    ]);
    const own = await gw.query(INSURED, { dept: PROVIDER, variables: { f: { chronic: { eq: true } } } });
    expect(own.data!.hbInsurance.insured.nodes.map((n: { cardNo: string }) => n.cardNo)).toEqual(['C1', 'C3', 'C5']);
  });

  it('under a grant that leaves it masked is refused; a grant unmasking it lets it be filtered, within the rows', async () => {
    const masked = await grant(['caseNo', 'division', 'severe'], [], ['420502']);
    expect(codes(await asYichang(AID, { f: { severe: { eq: true } } }))).toEqual([['BAD_USER_INPUT', 'severe']]);
    const read = await asYichang(AID);
    expect(read.data!.hbInsurance.aidCases).toEqual({ nodes: [{ caseNo: 'A1', severe: '*****' }], totalCount: 1 });
    await revokeGrant(gw.store, masked.id, 'test');
    await grant(['caseNo', 'division', 'severe'], ['severe'], null);
    await new Promise((r) => setTimeout(r, 50));
    const clear = await asYichang(AID, { f: { severe: { eq: true } } });
    expect(clear.errors).toBeUndefined();
    // A secret item is typed String whatever it holds (SPEC §4), so its masked form fits.
    expect(clear.data!.hbInsurance.aidCases).toEqual({ nodes: [{ caseNo: 'A1', severe: 'true' }], totalCount: 1 });
  });
});

describe('every item and operator, as the oracle of the table reads them', () => {
  const oracle = loadOracle(fixture('platform.yaml'), [fixture('insurance.yaml')]);
  const r = oracle.resource('420000-YBJ-00001');
  const toValue = (item: string, v: unknown) => (item === 'premium' ? Number(v) : v);
  function matches(row: Person, item: string, op: string, value: unknown): boolean {
    const v = row[item];
    if (op === 'ne') return v === null || toValue(item, v) !== toValue(item, value);
    if (v === null) return false;
    const [a, b] = [toValue(item, v), toValue(item, value)] as [never, never];
    switch (op) {
      case 'eq': return a === b;
      case 'in': return (value as unknown[]).some((x) => toValue(item, x) === a);
      case 'gt': return a > b;
      case 'gte': return a >= b;
      case 'lt': return a < b;
      case 'lte': return a <= b;
      case 'startsWith': return String(v).startsWith(String(value));
      case 'contains': return String(v).includes(String(value));
    }
    throw new Error(`no operator ${op}`);
  }
  const probe = (rows: Person[], item: string, op: string, v: Person[string]) =>
    op === 'in' ? [v, rows[0][item]] : op === 'startsWith' || op === 'contains' ? String(v).slice(0, 4) : v;

  /**
   * Every item and operator of `code` (its list `list`, records `rows` keyed by `key`) for `asker`,
   * against the oracle: the refusal it names, or exactly the records within the rows that match. With
   * one value of every record, the other city's and Hunan's included (a value outside the rows must
   * find nothing), one alias each. Returns the number of filters compared.
   */
  async function compare(asker: Asker, code: string, list: string, rows: Person[], key: string): Promise<number> {
    const res0 = oracle.resource(code);
    let cases = 0;
    for (const item of res0.items) {
      for (const op of operatorsOf(item)) {
        const values = rows.map((p) => p[item.name]).filter((v) => v !== null).map((v) => probe(rows, item.name, op, v));
        const document = `query(${values.map((_, i) => `$f${i}: ${res0.type}Filter`).join(', ')}) { hbInsurance { ${values
          .map((_, i) => `v${i}: ${list}(filter: $f${i}) { nodes { ${key} } totalCount }`).join(' ')} } }`;
        const variables = Object.fromEntries(values.map((v, i) => [`f${i}`, { [item.name]: { [op]: v } }]));
        const res = await gw.query(document, { dept: asker.dept.code, purpose: PURPOSE, variables });
        const use = answerUse(asker, res0, item.name, op);
        const at = `${asker.dept.code} ${item.name} ${op}`;
        if (!use.ok) {
          expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.item]), at).toEqual(values.map(() => [use.code, use.item]));
          expect(Object.values(res.data!.hbInsurance), at).toEqual(values.map(() => null));
          cases += values.length;
          continue;
        }
        expect(res.errors, at).toBeUndefined();
        values.forEach((v, i) => {
          const want = rows.filter((p) => rowVisible(asker, res0, p.division) && matches(p, item.name, op, v)).map((p) => p[key]);
          const got = res.data!.hbInsurance[`v${i}`];
          expect([got.nodes.map((n: Person) => n[key]), got.totalCount], `${at} ${JSON.stringify(v)}`).toEqual([want, want.length]);
          cases++;
        });
      }
    }
    return cases;
  }

  it('refuses what it refuses, and finds exactly the records within the rows that match, for four departments', async () => {
    let cases = 0;
    for (const dept of ['420100-MZJ', YICHANG, '420000-SJJ', PROVIDER]) {
      const asker: Asker = { dept: oracle.department(dept), purpose: PURPOSE, grants: [], now: new Date() };
      cases += await compare(asker, '420000-YBJ-00001', 'insured', insured, 'cardNo');
    }
    expect(cases).toBeGreaterThan(600);
  }, 60_000);

  it("follows Wuhan's grants with rows: an item listed by a narrower grant only, masked, then unmasked", async () => {
    const WUHAN = '420100-MZJ';
    const withGrants = async (): Promise<Asker> => ({
      dept: oracle.department(WUHAN), purpose: PURPOSE, now: new Date(),
      grants: (await listGrants(gw.store)).filter((g) => g.requester === WUHAN),
    });
    const ctx = async () => ({ platform: gw.platform, catalogues: await publishedCatalogues(gw.store) });
    const give = async (items: string[], unmasked: string[], rows: string[] | null) =>
      addGrant(gw.store, await ctx(), { requester: WUHAN, resource: '420000-YBJ-00003', items, purposes: [PURPOSE], unmasked, rows, createdBy: 'test' });
    const run = async () => {
      await new Promise((r) => setTimeout(r, 50)); // the gateway's next request sees the grants
      return compare(await withGrants(), '420000-YBJ-00003', 'aidCases', aidCases, 'caseNo');
    };
    // The whole city (a grant without rows), severe only on Jiang'an's (420102): severe GRANT_REQUIRED.
    await give(['caseNo', 'division', 'severe'], [], ['420102']);
    const city = await give(['caseNo', 'division', 'cardNo'], [], null);
    let cases = await run();
    // Jiang'an's alone: severe read masked, so not filtered.
    await revokeGrant(gw.store, city.id, 'test');
    cases += await run();
    // Unmasked by a grant over the same rows: filtered as any item.
    await give(['caseNo', 'severe'], ['severe'], ['420102']);
    cases += await run();
    expect(cases).toBeGreaterThan(40);
  }, 60_000);

  it('looks up and links to the records within the rows only, one outside answered as one missing', async () => {
    const claimsOf = oracle.resource('420000-YBJ-00002');
    const lookups = [...insured.map((p) => p.cardNo), 'C9'].map((k, i) => `l${i}: insuredPerson(cardNo: "${k}") { cardNo idNumber }`).join(' ');
    for (const dept of ['420100-MZJ', YICHANG, '420000-SJJ', PROVIDER]) {
      const asker: Asker = { dept: oracle.department(dept), purpose: PURPOSE, grants: [], now: new Date() };
      const seen = (p: Person | undefined) => p !== undefined && rowVisible(asker, r, p.division);
      const res = await gw.query(`{ hbInsurance { ${lookups} claims { nodes { claimNo person { cardNo } } } } }`, { dept, purpose: PURPOSE });
      expect(res.errors, dept).toBeUndefined();
      const found = [...insured.map((p) => p.cardNo), 'C9'].map((_, i) => res.data!.hbInsurance[`l${i}`]?.cardNo ?? null);
      expect(found, dept).toEqual([...insured.map((p) => (seen(p) ? p.cardNo : null)), null]);
      expect(res.data!.hbInsurance.claims.nodes, dept).toEqual(claims.filter((c) => rowVisible(asker, claimsOf, c.division)).map((c) => {
        const person = insured.find((p) => p.cardNo === c.cardNo);
        return { claimNo: c.claimNo, person: seen(person) ? { cardNo: c.cardNo } : null };
      }));
    }
  });
});
