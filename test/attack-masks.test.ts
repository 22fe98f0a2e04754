// Masks and denials attacked on a platform of its own (test/fixtures/masksattack), by a city department
// that reads residents with their certificate number, name, phone, income and employer's credit code
// masked, one item not shared, one under a grant it lacks and one for another purpose only:
// - the masked-probe quota (SPEC §13) is the department's, whoever of its users asks, and counts every
//   value compared, whether sent in another case, with spaces, in full-width digits, or split over aliases
//   and fragment spreads;
// - no error and no audit entry the department reads holds a hidden value or a value it compared.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { Decimal } from '../src/formats/decimal.ts';
import { probeUsage } from '../src/limits/probes.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/masksattack/${name}`, import.meta.url));
const RESIDENTS = '620000-GAT-00007';
const READER = '620100-MZJ';
const A = '620102199001015555';
const B = '620103198502023333';
const C = '620104197003031111';
const F1 = '91620100MA71234567';
const F2 = '91620100MA79876543';
const PER_HOUR = 20;
// Everything the reader may not see in clear.
const SECRETS = [A, B, C, '马晓红', '李建国', '13912345678', '13800001111', '8000', '5000', 'fraud', 'theft', 'TXA1', 'TXC3'];

let gw: TestGateway;
const asReader = (document: string, variables?: Record<string, unknown>, user = 'tester') =>
  gw.token(READER, [], user).then((token) => gw.query(document, { token, purpose: 'welfare-check', variables }));
const seen: GraphQLResponse[] = [];
const read = async (document: string, variables?: Record<string, unknown>, user?: string) => {
  const r = await asReader(document, variables, user);
  seen.push(r);
  return r;
};

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('police.yaml'), fixture('market.yaml')],
    limits: { maskedProbes: { maxIn: 5, perHour: PER_HOUR, perDay: 500 } },
  });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const collection = (code: string) => collectionOf(resources.find((r) => r.code === code)!);
  const d = (text: string) => Decimal.parse(text)!;
  await gw.store.insert(collection(RESIDENTS), [
    { certNo: B, holderName: '李建国', mobile: '13800001111', income: d('8000.00'), county: '620103', criminalNote: 'fraud 2015', taxClass: 'TXA1', welfareOnly: 'W2', employerUscc: F2 },
    { certNo: C, holderName: '王芳', mobile: '13700002222', income: d('3000.50'), county: '620104', criminalNote: null, taxClass: 'TXB2', welfareOnly: 'W3', employerUscc: null },
    { certNo: A, holderName: '马晓红', mobile: '13912345678', income: d('5000.00'), county: '620102', criminalNote: 'theft 2019', taxClass: 'TXC3', welfareOnly: 'W1', employerUscc: F1 },
  ]);
  await gw.store.insert(collection('620000-SCJ-00003'), [
    { uscc: F1, firmName: '兰州甲公司', ownerCert: A, silentPartner: B },
    { uscc: F2, firmName: '兰州乙公司', ownerCert: C, silentPartner: null },
  ]);
}, 30_000);
afterAll(() => gw?.close());

describe('the masked-probe quota', () => {
  const LOOKUP = `query($id: String!) { police { dweller(certNo: $id) { county } } }`;
  const usage = async () => (await probeUsage(gw.store, '2000-01-01', '2999-12-31')).find((u) => u.department === READER && u.resource === RESIDENTS);

  it('counts every value compared, in any form, over aliases and spreads, for every user of the department', async () => {
    const before = (await usage())?.values ?? 0;
    // Another case, surrounding spaces and full-width digits are values of their own: each counted, none a record.
    for (const id of [A.replace(/5/g, '５'), ` ${A} `, A.toLowerCase() + 'x']) {
      const r = await read(LOOKUP, { id }, 'second-user');
      expect(r.errors).toBeUndefined();
      expect(r.data!.police.dweller).toBeNull();
    }
    // Two aliases and a fragment spread twice: four lookups; an in of 5 split over two aliases of the list.
    const r = await read(`query($a: [String!]) { police { x: dweller(certNo: "${B}") { county } y: dweller(certNo: "${B}") { county } ...L ...L
      p: dwellers(filter: { certNo: { in: $a } }) { totalCount } q: dwellers(filter: { or: [{ mobile: { eq: "13912345678" } }] }) { totalCount } } }
      fragment L on PoliceResources { z: dweller(certNo: "${C}") { county } }`, { a: [A, B, C, 'x', 'y'] }, 'third-user');
    expect(r.errors).toBeUndefined();
    const used = (await usage())!.values;
    expect(used - before).toBe(3 + 4 + 5 + 1);
    // What is left of the department's hour goes to a fourth user; then every user of it is refused.
    let taken = 0;
    for (let r = await read(LOOKUP, { id: A }, 'fourth-user'); !r.errors; r = await read(LOOKUP, { id: A }, 'fourth-user')) taken++;
    expect(taken).toBe(PER_HOUR - used);
    for (const user of ['tester', 'second-user']) {
      const over = await read(LOOKUP, { id: A }, user);
      expect(over.status).toBe(429);
      expect(over.errors?.map((e) => [e.extensions?.code, e.extensions?.resource])).toEqual([['RATE_LIMITED', RESIDENTS]]);
      expect(over.data ?? null).toBeNull();
    }
  });
});

describe('what the department reads back', () => {
  it('refuses filters and orders on denied and masked items without a value in any message', async () => {
    const LIST = `query($f: DwellerFilter, $o: [DwellerOrder!]) { police { dwellers(filter: $f, orderBy: $o) { totalCount nodes { county } } } }`;
    const tries: [Record<string, unknown>, string, string][] = [
      [{ f: { or: [{ county: { eq: '620102' } }, { and: [{ criminalNote: { eq: 'theft 2019' } }] }] } }, 'NOT_SHARED', 'criminalNote'],
      [{ f: { taxClass: { in: ['TXA1', 'TXC3'] } } }, 'GRANT_REQUIRED', 'taxClass'],
      [{ o: [{ field: 'criminalNote' }] }, 'NOT_SHARED', 'criminalNote'],
      [{ f: { income: { gte: '5000' } } }, 'BAD_USER_INPUT', 'income'],
      [{ o: [{ field: 'income', direction: 'DESC' }] }, 'BAD_USER_INPUT', 'income'],
      [{ f: { holderName: { startsWith: '马' } } }, 'BAD_USER_INPUT', 'holderName'],
    ];
    for (const [variables, code, item] of tries) {
      const r = await read(LIST, variables);
      expect([variables, r.data]).toEqual([variables, { police: { dwellers: null } }]);
      expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.item])).toEqual([[code, item]]);
    }
  });

  it('holds no hidden value and no compared value in any answer shown masked, any error, or its own audit entries', async () => {
    const audit = await read(`{ auditLog(first: 100) { nodes { detail resources { resource items denied { item code } masked filtered ordered } } } }`);
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.auditLog.nodes.length).toBeGreaterThan(8);
    const errors = JSON.stringify(seen.flatMap((r) => r.errors ?? []));
    for (const secret of [...SECRETS, F1, F2]) expect([secret, errors.includes(secret)]).toEqual([secret, false]);
    const entries = JSON.stringify(audit.data);
    for (const secret of [...SECRETS, F1, F2, '620102', '５', 'W1']) expect([secret, entries.includes(secret)]).toEqual([secret, false]);
  });
});
