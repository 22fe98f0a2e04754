// A catalogue submission refused for taking another department's resource code wrote an audit entry
// naming no resource: the department the code belongs to never read the attempt on its resource among
// its entries, as it reads another department's refused decision on its requests or a promise of its
// code (SPEC §10: refused actions are logged, and a provider reads the entries about its resources). The
// refusal now names the resources the document wrote as the departments they are for good. On a
// Sichuan platform of the tests' own (test/fixtures/sichuan-grants), not the demo.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/sichuan-grants/${name}`, import.meta.url));
const HEALTH = '510000-WJW';
const CHENGDU = '510100-MZJ';
const SUBMIT = `mutation($doc: String!) { submitCatalogue(document: $doc) { version { id } } }`;
const LOG = `{ auditLog(filter: { action: "submitCatalogue" }, first: 20) { nodes { department outcome detail resources { resource } } } }`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('health.yaml')] });
});
afterAll(() => gw?.close());

/** Chengdu's departmental catalogue of one resource per code, each provided by Chengdu. */
const chengduCatalogue = (id: string, codes: string[]) => JSON.stringify({
  id, kind: 'departmental', title: 'Chengdu civil affairs', compiler: CHENGDU,
  resources: codes.map((code, i) => ({
    code, name: `Allowances ${i}`, provider: CHENGDU, key: 'caseNo',
    graphql: { type: `CdAllowance${'ABC'[i]}`, list: `cdAllowances${'ABC'[i]}`, byKey: `cdAllowance${'ABC'[i]}` },
    share: { type: 'unconditional', methods: ['api'], scope: { purposes: ['welfare-review'] } },
    items: [{ name: 'caseNo', type: 'string', required: true }],
  })),
});

const submit = (id: string, codes: string[]) => gw.query(SUBMIT, { dept: CHENGDU, roles: ['compiler'], variables: { doc: chengduCatalogue(id, codes) } });
const entries = async (dept: string) => (await gw.query(LOG, { dept })).data!.auditLog.nodes as { department: string; outcome: string; detail: string | null; resources: { resource: string }[] }[];

it('names the resource whose code the document tried to take, so that its provider reads the attempt', async () => {
  const r = await submit('CD-TAKE', ['510000-wjw-00001']);
  expect(r.errors![0].extensions!.code).toBe('CATALOGUE_INVALID');
  // The Health Commission reads the refusal, under its code as published; the document was about its resource alone.
  expect(await entries(HEALTH)).toEqual([{ department: CHENGDU, outcome: 'REFUSED', detail: expect.stringContaining('CATALOGUE_INVALID'), resources: [{ resource: '510000-WJW-00001' }] }]);
});

it('shows another department no problem of a document that also carries the submitter\'s own resources', async () => {
  const r = await submit('CD-MIXED', ['510100-MZJ-00001', '510000-WJW-00001']);
  expect(r.errors![0].extensions!.code).toBe('CATALOGUE_INVALID');
  const seen = (await entries(HEALTH)).filter((e) => e.detail === null);
  expect(seen).toEqual([{ department: CHENGDU, outcome: 'REFUSED', detail: null, resources: [{ resource: '510000-WJW-00001' }] }]);
  // Chengdu reads its own entry whole.
  const own = (await entries(CHENGDU)).find((e) => e.detail?.includes('510000-WJW-00001') && e.resources.length === 2);
  expect(own?.resources).toEqual([{ resource: '510100-MZJ-00001' }, { resource: '510000-WJW-00001' }]);
});

it('hides the problems from the code\'s provider when the document carries a code in nobody\'s space too, and tells a third department nothing', async () => {
  const r = await submit('CD-NOBODY', ['520000-XX-00001', '510000-WJW-00001']);
  expect(r.errors![0].extensions!.code).toBe('CATALOGUE_INVALID');
  // The code in no department's space is named as the submitter's: its problems are not the Health Commission's to read.
  expect((await entries(CHENGDU)).filter((e) => e.resources.some((x) => x.resource === '520000-XX-00001')).map((e) => e.resources))
    .toEqual([[{ resource: '520000-XX-00001' }, { resource: '510000-WJW-00001' }]]);
  expect((await entries(HEALTH)).filter((e) => e.detail !== null)).toHaveLength(1); // the first test's, about its resource alone
  expect(await entries('510300-MZJ')).toEqual([]);
});
