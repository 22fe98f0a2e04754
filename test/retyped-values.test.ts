// A published version that retypes items or drops an enum value (SPEC §14) leaves the stored records with
// values that do not fit the catalogue in effect until the provider imports them again. Reads answer null
// for such a value with one CONFLICT error per item and path pattern, naming the resource and the item and
// never the value; the rest of the response answers as usual, under graphql-jit and under the graphql-js
// fallback alike. Importing the records again with the new types makes the reads clean.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue, Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/retyped/${name}`, import.meta.url));
const PROVIDER = { dept: '360000-MZ' };
const AUDIT = { dept: '360000-SJ', purpose: 'benefit-audit' };
const CODE = '360000-MZ-00001';
const PAYMENTS = '360000-MZ-00002';

// As first imported, under the first version.
const V1_RECORDS = [
  { caseNo: 'C01', applicant: 'Li Na', income: '1200.50', householdSize: 'three', status: 'suspended', caseNote: 'visit-on-friday', officer: 'Wang Qiang' },
  { caseNo: 'C02', applicant: 'Zhou Bo', income: '980', householdSize: '4', status: 'open', caseNote: 'ok', officer: 'Chen Jie' },
  { caseNo: 'C03', applicant: 'Xu Lan', income: '0.75', householdSize: 'two', status: 'closed', officer: 'Liu Fang' },
  { caseNo: 'C04', applicant: 'He Min', status: 'suspended' },
];
// The same records in the second version's types.
const V2_RECORDS = [
  { caseNo: 'C01', applicant: 'Li Na', income: 1200, householdSize: 3, status: 'closed', caseNote: 7, officer: 11 },
  { caseNo: 'C02', applicant: 'Zhou Bo', income: 980, householdSize: 4, status: 'open', caseNote: 8, officer: 12 },
  { caseNo: 'C03', applicant: 'Xu Lan', income: 1, householdSize: 2, status: 'closed', officer: 13 },
  { caseNo: 'C04', applicant: 'He Min', status: 'open' },
];
// Values stored under the first version that must never appear in an error message.
const STORED = ['1200.50', '0.75', 'three', 'two', 'suspended', 'visit-on-friday', 'Wang Qiang', 'Chen Jie', 'Liu Fang'];

const MESSAGE = (item: string, type: string) =>
  `Stored values of item ${item} of ${CODE} do not fit its type in the catalogue in effect (${type}); the provider 360000-MZ must import the records of ${CODE} again.`;
const unfit = (item: string, type: string, path: string) => ({ path, message: MESSAGE(item, type), extensions: { code: 'CONFLICT', resource: CODE, item } });

/** The errors as `{ path (indices as *), message, extensions }`, in path order. */
function errorsOf(r: GraphQLResponse) {
  return (r.errors ?? [])
    .map((e) => ({ path: (e.path ?? []).map((p) => (typeof p === 'number' ? '*' : p)).join('.'), message: e.message, extensions: e.extensions }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

let gw: TestGateway;
let dir: string;

async function importJsonl(name: string, records: object[], code = CODE) {
  const resource: Resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === code)!;
  const file = join(dir, name);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return importRecords(gw.store, resource, file);
}

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')] });
  dir = mkdtempSync(join(tmpdir(), 'govgraph-retyped-'));
  expect((await importJsonl('v1.jsonl', V1_RECORDS)).problems).toEqual([]);
  expect((await importJsonl('payments.jsonl', [{ paymentNo: 'P1', caseNo: 'C01' }, { paymentNo: 'P2', caseNo: 'C02' }, { paymentNo: 'P3', caseNo: 'C03' }], PAYMENTS)).problems).toEqual([]);
  // The second version: income decimal → int, householdSize string → int, status loses "suspended", the
  // secret caseNote and the unshared officer string → int.
  const v2 = parse(readFileSync(fixture('catalogue.yaml'), 'utf8')) as Catalogue;
  v2.resources[0].items = v2.resources[0].items.map((i) => {
    if (['income', 'householdSize', 'caseNote', 'officer'].includes(i.name)) return { ...i, type: 'int' as const };
    if (i.name === 'status') return { ...i, values: ['open', 'closed'] };
    return i;
  });
  writeFileSync(join(dir, 'v2.json'), JSON.stringify(v2));
  await importCatalogueFiles(gw.store, gw.platform, [join(dir, 'v2.json')], { publish: true });
  await gw.gateway.holder.refresh();
}, 30_000);
afterAll(async () => {
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const LIST_JIT = `{ civilAffairs { assistanceCases(first: 10, orderBy: [{ field: caseNo, direction: ASC }]) {
  nodes { caseNo monthly: income householdSize status applicant } } } }`;
// An input-object variable: run by graphql-js (src/server/executor.ts), with a fragment on the type.
const LIST_JS = `query($order: [AssistanceCaseOrder!]) { civilAffairs { assistanceCases(first: 10, orderBy: $order) {
  nodes { ...Case monthly: income } } } }
fragment Case on AssistanceCase { caseNo householdSize status applicant }`;

describe('reads of records stored before a retyping publication', () => {
  for (const [engine, document, variables] of [
    ['graphql-jit', LIST_JIT, undefined],
    ['graphql-js', LIST_JS, { order: [{ field: 'caseNo', direction: 'ASC' }] }],
  ] as const) {
    it(`answers null for values that do not fit, one error per item and path pattern, other fields as usual (${engine})`, async () => {
      const r = await gw.query(document, { ...PROVIDER, variables });
      expect(r.status).toBe(200);
      expect(r.data!.civilAffairs.assistanceCases.nodes).toEqual([
        { caseNo: 'C01', monthly: null, householdSize: null, status: null, applicant: 'Li Na' },
        { caseNo: 'C02', monthly: 980, householdSize: 4, status: 'OPEN', applicant: 'Zhou Bo' },
        { caseNo: 'C03', monthly: null, householdSize: null, status: 'CLOSED', applicant: 'Xu Lan' },
        { caseNo: 'C04', monthly: null, householdSize: null, status: null, applicant: 'He Min' },
      ]);
      expect(errorsOf(r)).toEqual([
        unfit('householdSize', 'int', 'civilAffairs.assistanceCases.nodes.*.householdSize'),
        unfit('income', 'int', 'civilAffairs.assistanceCases.nodes.*.monthly'),
        unfit('status', 'enum', 'civilAffairs.assistanceCases.nodes.*.status'),
      ]);
      // Located at the first row that failed, with the field's location in the document.
      expect(r.errors!.find((e) => e.extensions!.item === 'income')!.path).toEqual(['civilAffairs', 'assistanceCases', 'nodes', 0, 'monthly']);
      expect((r.errors![0] as { locations?: unknown[] }).locations).toHaveLength(1);
      for (const v of STORED) expect(JSON.stringify(r.errors)).not.toContain(v);
    });
  }

  it('finds the item through a link, another resource\'s field', async () => {
    const r = await gw.query(`{ civilAffairs { assistancePayments(first: 10, orderBy: [{ field: paymentNo, direction: ASC }]) {
      nodes { paymentNo assistanceCase { applicant pay: income } } } } }`, PROVIDER);
    expect(r.data!.civilAffairs.assistancePayments.nodes).toEqual([
      { paymentNo: 'P1', assistanceCase: { applicant: 'Li Na', pay: null } },
      { paymentNo: 'P2', assistanceCase: { applicant: 'Zhou Bo', pay: 980 } },
      { paymentNo: 'P3', assistanceCase: { applicant: 'Xu Lan', pay: null } },
    ]);
    expect(errorsOf(r)).toEqual([unfit('income', 'int', 'civilAffairs.assistancePayments.nodes.*.assistanceCase.pay')]);
  });

  it('answers a lookup the same way', async () => {
    const r = await gw.query(`{ civilAffairs { one: assistanceCase(caseNo: "C01") { caseNo income status applicant } } }`, PROVIDER);
    expect(r.data).toEqual({ civilAffairs: { one: { caseNo: 'C01', income: null, status: null, applicant: 'Li Na' } } });
    expect(errorsOf(r)).toEqual([unfit('income', 'int', 'civilAffairs.one.income'), unfit('status', 'enum', 'civilAffairs.one.status')]);
  });

  it('reads a retyped secret item as stored for its provider, as the publication line says: a String, no CONFLICT', async () => {
    const r = await gw.query(`{ civilAffairs { assistanceCases(first: 10, orderBy: [{ field: caseNo, direction: ASC }]) {
      nodes { caseNo caseNote } } } }`, PROVIDER);
    expect(r.errors).toBeUndefined();
    expect(r.data!.civilAffairs.assistanceCases.nodes.map((n: { caseNote: string | null }) => n.caseNote)).toEqual(['visit-on-friday', 'ok', null, null]);
  });

  it('tells another department no stored value, not of a masked item nor of a denied one', async () => {
    const r = await gw.query(`{ civilAffairs { assistanceCases(first: 10, orderBy: [{ field: caseNo, direction: ASC }]) {
      nodes { caseNo caseNote officer income } } } }`, AUDIT);
    // The secret item answers text, masked, whatever its type: its values never reach a serialiser that refuses them.
    expect(r.data!.civilAffairs.assistanceCases.nodes.map((n: { caseNote: string | null }) => n.caseNote)).toEqual(['v*************y', '**', null, null]);
    expect(r.data!.civilAffairs.assistanceCases.nodes.map((n: { officer: unknown }) => n.officer)).toEqual([null, null, null, null]);
    expect(errorsOf(r).map((e) => [e.path, e.extensions!.code, e.extensions!.item])).toEqual([
      ['civilAffairs.assistanceCases.nodes.*.income', 'CONFLICT', 'income'],
      ['civilAffairs.assistanceCases.nodes.*.officer', 'NOT_SHARED', 'officer'],
    ]);
    for (const v of STORED) expect(JSON.stringify(r)).not.toContain(v);
  });

  it('imports the records again in the new types, refusing the old ones, and then reads are clean', async () => {
    const old = await importJsonl('old.jsonl', V1_RECORDS);
    expect(old.refused).toBe(true);
    expect(old.problems.length).toBeGreaterThan(0);
    expect((await importJsonl('v2.jsonl', V2_RECORDS)).problems).toEqual([]);
    for (const document of [LIST_JIT, LIST_JS]) {
      const r = await gw.query(document, { ...PROVIDER, variables: { order: [{ field: 'caseNo', direction: 'ASC' }] } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.civilAffairs.assistanceCases.nodes).toEqual([
        { caseNo: 'C01', monthly: 1200, householdSize: 3, status: 'CLOSED', applicant: 'Li Na' },
        { caseNo: 'C02', monthly: 980, householdSize: 4, status: 'OPEN', applicant: 'Zhou Bo' },
        { caseNo: 'C03', monthly: 1, householdSize: 2, status: 'CLOSED', applicant: 'Xu Lan' },
        { caseNo: 'C04', monthly: null, householdSize: null, status: 'OPEN', applicant: 'He Min' },
      ]);
    }
  });

  it('refuses stored values retyped to date, datetime or decimal the same way (a third version)', async () => {
    // Under the second version's records: applicant string → decimal, householdSize int → date, officer
    // int → datetime. A number still reads as a decimal (its text), so applicant's names are what fail.
    const v3 = JSON.parse(readFileSync(join(dir, 'v2.json'), 'utf8')) as Catalogue;
    const to = { applicant: 'decimal', householdSize: 'date', officer: 'datetime' } as const;
    v3.resources[0].items = v3.resources[0].items.map((i) => (i.name in to ? { ...i, type: to[i.name as keyof typeof to] } : i));
    writeFileSync(join(dir, 'v3.json'), JSON.stringify(v3));
    await importCatalogueFiles(gw.store, gw.platform, [join(dir, 'v3.json')], { publish: true });
    await gw.gateway.holder.refresh();
    const r = await gw.query(`{ civilAffairs { assistanceCases(first: 10, orderBy: [{ field: caseNo, direction: ASC }]) {
      nodes { caseNo applicant householdSize officer status } } } }`, PROVIDER);
    expect(r.data!.civilAffairs.assistanceCases.nodes).toEqual([
      { caseNo: 'C01', applicant: null, householdSize: null, officer: null, status: 'CLOSED' },
      { caseNo: 'C02', applicant: null, householdSize: null, officer: null, status: 'OPEN' },
      { caseNo: 'C03', applicant: null, householdSize: null, officer: null, status: 'CLOSED' },
      { caseNo: 'C04', applicant: null, householdSize: null, officer: null, status: 'OPEN' },
    ]);
    expect(errorsOf(r)).toEqual([
      unfit('applicant', 'decimal', 'civilAffairs.assistanceCases.nodes.*.applicant'),
      unfit('householdSize', 'date', 'civilAffairs.assistanceCases.nodes.*.householdSize'),
      unfit('officer', 'datetime', 'civilAffairs.assistanceCases.nodes.*.officer'),
    ]);
    for (const v of ['Li Na', 'Zhou Bo', 'Xu Lan']) expect(JSON.stringify(r.errors)).not.toContain(v);
  });
});

describe('the operator', () => {
  const govgraph = async (...args: string[]) => {
    const r = await runGovgraph([...args, '--platform', fixture('platform.yaml'), '--data', join(dir, 'cli-data')], { cwd: dir });
    return { code: r.code, stdout: r.code === 0 ? r.stdout : r.stdout + r.stderr };
  };

  it('is told by the publication which records must be imported again, and imports them with data import', async () => {
    expect((await govgraph('catalogue', 'import', fixture('catalogue.yaml'), '--publish')).code).toBe(0);
    const published = await govgraph('catalogue', 'import', join(dir, 'v2.json'), '--publish');
    expect(published.code).toBe(0);
    const again = (item: string, what: string, until = 'a stored value that does not fit reads as null with a CONFLICT error') =>
      `  Item ${item} of ${CODE} is retyped: ${what}: its records stored before must be imported again (govgraph data import --resource ${CODE} FILE); until then ${until}`;
    expect(published.stdout.split('\n').filter((l) => l.startsWith('  '))).toEqual([
      again('income', 'decimal becomes int'),
      again('householdSize', 'string becomes int'),
      again('status', 'loses the value suspended'),
      // The secret item is a String field: its stored text reads as stored (see the provider's read below).
      again('caseNote', 'string becomes int', 'its stored values read as stored (a secret item is a String), masked for other departments'),
      again('officer', 'string becomes int'),
    ]);
    writeFileSync(join(dir, 'cli-v1.jsonl'), V1_RECORDS.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'cli-v2.jsonl'), V2_RECORDS.map((r) => JSON.stringify(r)).join('\n') + '\n');
    // It checks the records against the catalogue in effect: the old ones are refused, the new ones go in.
    const old = await govgraph('data', 'import', '--resource', CODE, join(dir, 'cli-v1.jsonl'));
    expect(old.code).toBe(1);
    expect(old.stdout).toContain('"three"');
    const imported = await govgraph('data', 'import', '--resource', CODE, join(dir, 'cli-v2.jsonl'));
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`imported 4 records into ${CODE} (4 new, 0 updated)`);
  }, 180_000);
});
