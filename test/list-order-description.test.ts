// What the schema says of a list's order without orderBy (GraphiQL's docs, an editor's hover, a
// generated client's comments), on a Kunming platform of the test's own (test/fixtures/kunming-order).
// Every list said "a page of records, in key order unless orderBy says otherwise"; but a department that
// reads the key masked, or not at all, gets the records in the places drawn for them when stored
// (resolvers/data/list.ts): key order would tell the hidden keys' order. A new developer of the demo read
// "in key order" over household registrations, whose masked ID numbers came in no order at all. The
// description now says which readers get key order; the gateway's answers are held to it here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/kunming-order/${p}`, import.meta.url));
const PURPOSE = 'km-minimum-living';

function listDescriptions(): Record<string, string | null | undefined> {
  const platform = loadPlatform(fixture('platform.yaml'));
  const report = validateCatalogueFiles([fixture('catalogues.yaml')], platform, []);
  const { schema } = buildGatewaySchema(platform, report.catalogues!, { rules: false });
  const out: Record<string, string | null | undefined> = {};
  for (const type of ['KmPublicSecurityResources', 'KmHealthcareResources']) {
    const t = schema.getType(type);
    if (!isObjectType(t)) throw new Error(`no type ${type}`);
    for (const f of Object.values(t.getFields())) out[f.name] = f.description;
  }
  return out;
}

describe('the description of a list', () => {
  const said = listDescriptions();
  test('of a plain key every reader reads in clear: key order', () => {
    expect(said.payments).toBe('Insurance payments (530100-YBJ-00002): a page of records, in key order unless orderBy says otherwise.');
  });
  test('of a personal key: key order only where it is read unmasked', () => {
    expect(said.residents).toBe(
      'Resident register (530100-GAJ-00001): a page of records, unless orderBy says otherwise, in key order (idNumber) for its provider and a department whose grant unmasks idNumber; ' +
        'for a department that reads idNumber masked (personal) or not at all, in an order drawn for each record when it was stored, which tells nothing of the keys.',
    );
    // Shared unconditionally, the key is masked for every department but its provider: no grant unmasks it.
    expect(said.permits).toBe(
      'Temporary residence permits (530100-GAJ-00002): a page of records, unless orderBy says otherwise, in key order (holderId) for its provider; ' +
        'for a department that reads holderId masked (personal) or not at all, in an order drawn for each record when it was stored, which tells nothing of the keys.',
    );
  });
  test('of a plain key shared with no one: key order for its provider alone, and no grant named', () => {
    expect(said.purchases).toBe(
      'Drug purchases (530100-YBJ-00003): a page of records, unless orderBy says otherwise, in key order (purchaseNo) where you may read purchaseNo; ' +
        'where you may not, in an order drawn for each record when it was stored, which tells nothing of the keys.',
    );
  });
  test('of a plain key of a conditional resource: key order where a grant covers the key', () => {
    expect(said.settlements).toBe(
      'Hospital settlements (530100-YBJ-00001): a page of records, unless orderBy says otherwise, in key order (settlementNo) where you may read settlementNo; ' +
        'where you may not (a grant that leaves it out), in an order drawn for each record when it was stored, which tells nothing of the keys.',
    );
  });
});

// The answers the descriptions promise, read through the gateway.
describe('the order the gateway gives', () => {
  let gw: TestGateway;
  const COUNT = 40;
  // Keys whose masked form (region, last four) still tells them apart, listed in key order.
  const residentIds = Array.from({ length: COUNT }, (_, i) => `530102${String(19500101 + i * 100)}${String(1000 + i)}`);
  const settlementNos = Array.from({ length: COUNT }, (_, i) => `JS${String(i).padStart(10, '0')}`);

  async function importLines(code: string, name: string, rows: Record<string, unknown>[]) {
    const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === code)!;
    const file = join(gw.dataDir, name);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect((await importRecords(gw.store, resource, file)).refused).toBe(false);
  }

  async function grant(dept: string, resource: string, items: string[], unmasked: string[], approver: string) {
    const asked = await gw.query(`mutation($input: SharingRequestInput!) { requestSharing(input: $input) { id } }`, {
      dept, roles: ['applicant'], purpose: PURPOSE,
      variables: { input: { resource, items, purposes: [PURPOSE], justification: 'Allowance review', until: '2099-12-31' } },
    });
    expect(asked.errors).toBeUndefined();
    const decided = await gw.query(`mutation($input: SharingDecisionInput!) { decideSharingRequest(input: $input) { status } }`, {
      dept: approver, roles: ['approver'],
      variables: { input: { id: asked.data!.requestSharing.id, decision: 'APPROVE', unmasked } },
    });
    expect(decided.errors).toBeUndefined();
  }

  async function list(dept: string, field: 'residents' | 'settlements', selection: string): Promise<string[]> {
    const dept_ = field === 'residents' ? 'kmPublicSecurity' : 'kmHealthcare';
    const res = await gw.query(`{ ${dept_} { ${field}(first: ${COUNT}) { nodes { ${selection} } } } }`, { dept, purpose: PURPOSE });
    expect(res.errors).toBeUndefined();
    return res.data![dept_][field].nodes.map((n: Record<string, string>) => n[selection]);
  }

  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogues.yaml')] });
    // Files sorted by key, as a provider exports them.
    await importLines('530100-GAJ-00001', 'residents.jsonl', residentIds.map((idNumber) => ({ idNumber, division: '530102' })));
    await importLines('530100-YBJ-00001', 'settlements.jsonl', settlementNos.map((settlementNo, i) => ({ settlementNo, amount: `${100 + i}.00` })));
    await grant('530102-MZJ', '530100-GAJ-00001', ['idNumber', 'division'], [], '530100-GAJ');
    await grant('530100-YBJ', '530100-GAJ-00001', ['idNumber', 'division'], ['idNumber'], '530100-GAJ');
    await grant('530102-MZJ', '530100-YBJ-00001', ['amount'], [], '530100-YBJ');
    await grant('530100-GAJ', '530100-YBJ-00001', ['settlementNo', 'amount'], [], '530100-YBJ');
  }, 60_000);
  afterAll(() => gw?.close());

  const mask = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;

  test('a personal key: in key order for the provider and under a grant unmasking it, drawn for a reader of it masked', async () => {
    expect(await list('530100-GAJ', 'residents', 'idNumber')).toEqual(residentIds);
    expect(await list('530100-YBJ', 'residents', 'idNumber')).toEqual(residentIds);
    const masked = await list('530102-MZJ', 'residents', 'idNumber');
    expect([...masked].sort()).toEqual(residentIds.map(mask).sort());
    expect(masked).not.toEqual(residentIds.map(mask)); // 40 records in key order by chance: 1 in 40!
  });

  test('a plain key of a conditional resource: in key order under a grant covering it, drawn under one leaving it out', async () => {
    const amounts = settlementNos.map((_, i) => `${100 + i}.00`);
    expect(await list('530100-GAJ', 'settlements', 'amount')).toEqual(amounts);
    const withoutKey = await list('530102-MZJ', 'settlements', 'amount');
    expect([...withoutKey].sort()).toEqual([...amounts].sort());
    expect(withoutKey).not.toEqual(amounts);
  });
});
