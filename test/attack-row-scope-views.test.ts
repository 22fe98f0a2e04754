// Row scope (SPEC §6) outside the ordinary reads, tried by a supervisor of the competent department whose
// department sees only some records: a grant narrows its residents to Liuzhou (450200), and a resident
// without a division is its provider's alone. Nothing of a record outside those rows may come through
// the platform's views: an objection's key and proposed value (SPEC §14), the consistency report's
// figures and sample keys, or the audit log's detail of a report (SPEC §10). test/fixtures/rowsup: a
// province (450000) with Nanning (450100) and Liuzhou (450200); residents (conditional) and allowance
// recipients (unconditional) share ID numbers and names, both under row scope by `division`.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, revokeGrant, type Grant } from '../src/access/grants.ts';
import { decideFigureRows } from '../src/access/row-scope.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { operatorConsistencyReport } from '../src/workflow/consistency.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/rowsup/${name}`, import.meta.url));
const RESIDENTS = '450000-GAT-001';
const RECIPIENTS = '450000-MZT-001';
const SUPERVISOR = { dept: '450000-DSJ', roles: ['supervisor' as const] };
const NANNING = '450102199001011234'; // a Nanning resident, misspelt among the recipients
const LIUZHOU = '450202197703034567'; // a Liuzhou resident, misspelt among the recipients
const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }`;
const OBJECTIONS = `{ objections { id key item proposedValue raisedBy } }`;
const REPORT = `{ consistencyReport(element: "RS-NAME") { left right compared differing sampleKeys } }`;

let gw: TestGateway;
let resources: Resource[];
let supervisorGrant: Grant;
const grant = async (requester: string, rows: string[] | null) =>
  addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
    requester, resource: RESIDENTS, items: ['idNumber', 'fullName', 'division'], purposes: ['benefit-check'], rows, createdBy: 'test',
  });

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('civil.yaml')] });
  resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const resource = (code: string) => resources.find((r) => r.code === code)!;
  await importRecords(gw.store, resource(RESIDENTS), fixture('residents.jsonl'));
  await importRecords(gw.store, resource(RECIPIENTS), fixture('recipients.jsonl'));
  supervisorGrant = await grant('450000-DSJ', ['450200']);
  await grant('450100-MZJ', null);
  await grant('450200-MZJ', null);
  // Each city's bureau objects to the name of one of its residents.
  for (const [dept, key] of [['450100-MZJ', NANNING], ['450200-MZJ', LIUZHOU]]) {
    const raised = await gw.query(RAISE, { dept, roles: ['applicant'], purpose: 'benefit-check', variables: { input: { resource: RESIDENTS, key, item: 'fullName', reason: 'Misspelt', proposedValue: '韦小保' } } });
    expect(raised.errors).toBeUndefined();
  }
}, 30_000);
afterAll(() => gw?.close());

describe("the supervisor's own reads (what the views must not exceed)", () => {
  it('lists the Liuzhou residents only, and finds no Nanning resident', async () => {
    const r = await gw.query(`{ police { residents { nodes { idNumber division } totalCount } resident(idNumber: "${NANNING}") { division } } }`, { ...SUPERVISOR, purpose: 'benefit-check' });
    expect(r.errors).toBeUndefined();
    // In the order the import drew (the key is masked): sorted here.
    r.data!.police.residents.nodes.sort((a: { idNumber: string }, b: { idNumber: string }) => (a.idNumber < b.idNumber ? -1 : 1));
    expect(r.data!.police).toEqual({
      residents: { nodes: [{ idNumber: '450202********4567', division: '450202' }, { idNumber: '450202********5678', division: '450202' }], totalCount: 2 },
      resident: null,
    });
  });
});

describe('objections, as the supervisor lists them', () => {
  it("show the key and proposed value of a record within its rows, and neither of one outside", async () => {
    const r = await gw.query(OBJECTIONS, { ...SUPERVISOR, purpose: 'benefit-check' });
    expect(r.errors).toBeUndefined();
    const byRaiser = Object.fromEntries(r.data!.objections.map(({ id: _id, ...o }: { id: string; raisedBy: string }) => [o.raisedBy, o]));
    expect(byRaiser).toEqual({
      '450200-MZJ': { key: '450202********4567', item: 'fullName', proposedValue: '韦**', raisedBy: '450200-MZJ' },
      // Outside its rows, as for an item it may not read: the key masked in full, no proposed value.
      '450100-MZJ': { key: '*'.repeat(18), item: 'fullName', proposedValue: null, raisedBy: '450100-MZJ' },
    });
    expect(JSON.stringify(r.data)).not.toMatch(/450102|1234/);
  });

  it('still show the raiser and the provider the key they know', async () => {
    for (const dept of ['450100-MZJ', '450000-GAT']) {
      const r = await gw.query(OBJECTIONS, { dept, purpose: 'benefit-check' });
      expect(r.data!.objections.map((o: { key: string }) => o.key)).toContain(NANNING);
    }
  });
});

describe('the consistency report, as the supervisor reads it', () => {
  // Of the five residents, three names differ from the recipients': Nanning's, Liuzhou's and the one
  // without a division (its provider's alone). The operator's report counts them all.
  it('counts, and gives keys of, only the records within its rows', async () => {
    const r = await gw.query(REPORT, { ...SUPERVISOR, purpose: 'benefit-check' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.consistencyReport).toEqual([{ left: RESIDENTS, right: RECIPIENTS, compared: 2, differing: 1, sampleKeys: ['450202********4567'] }]);
    const operator = await operatorConsistencyReport({ store: gw.store, platform: gw.platform, now: new Date() }, 'RS-NAME');
    expect(operator).toEqual([expect.objectContaining({ compared: 5, differing: 3 })]);
  });

  it('counts no more without a purpose, or with one its grant does not cover', async () => {
    for (const purpose of [undefined, 'licence-review']) {
      const r = await gw.query(REPORT, { ...SUPERVISOR, purpose });
      expect(r.data!.consistencyReport).toEqual([{ left: RESIDENTS, right: RECIPIENTS, compared: 2, differing: 1, sampleKeys: [] }]);
    }
  });

  it("keeps the operator's figures out of the audit log that supervisors read", async () => {
    // The operator's report counts every record; its entry must not tell the supervisor so.
    await operatorConsistencyReport({ store: gw.store, platform: gw.platform, now: new Date() }, 'RS-NAME');
    const r = await gw.query(`{ auditLog(filter: { kind: OPERATOR }) { nodes { action detail } } }`, SUPERVISOR);
    const entries = r.data!.auditLog.nodes.filter((n: { action: string }) => n.action === 'consistencyReport');
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry).toEqual({ action: 'consistencyReport', detail: 'consistency report for RS-NAME: 1 pair of resources compared' });
  });

  it('counts the region without a grant: the resident without a division stays out', async () => {
    await revokeGrant(gw.store, supervisorGrant.id, 'test');
    try {
      const r = await gw.query(REPORT, SUPERVISOR);
      expect(r.data!.consistencyReport).toEqual([{ left: RESIDENTS, right: RECIPIENTS, compared: 4, differing: 2, sampleKeys: [] }]);
    } finally {
      supervisorGrant = await grant('450000-DSJ', ['450200']);
    }
  });
});

describe('the rows of figures given whatever the department may read (decideFigureRows, pure)', () => {
  const now = new Date();
  const dept = (code: string) => gw.platform.departments.find((d) => d.code === code)!;
  const residents = () => resources.find((r) => r.code === RESIDENTS)!;
  const held = (rows: string[] | null, purposes = ['benefit-check'], revokedAt: string | null = null): Grant => ({
    id: `g${Math.random()}`, requester: '450000-DSJ', resource: RESIDENTS, items: ['idNumber'], purposes, unmasked: [], rows,
    from: '2020-01-01T00:00:00Z', until: null, revokedAt, revokedBy: null, createdAt: '2020-01-01T00:00:00Z', createdBy: 'test', requestId: null,
  });
  const ask = (purpose: string | null, grants: Grant[], requester = '450000-DSJ') =>
    decideFigureRows({ requester: dept(requester), purpose, resource: residents(), grants, now })?.prefixes ?? null;

  it('are the rows read with a covered purpose, and what all active grants reach without one', () => {
    const grants = [held(['450200']), held(['450102'], ['licence-review']), held(null, ['benefit-check'], '2021-01-01T00:00:00Z')];
    expect(ask('benefit-check', grants)).toEqual(['4502']);
    expect(ask(null, grants)).toEqual(['450102', '4502']);
    expect(ask('licence-review', grants.slice(0, 1))).toEqual(['4502']);
  });
  it('are the region without any active grant, and every row for the provider', () => {
    expect(ask(null, [])).toEqual(['45']);
    expect(ask('benefit-check', [held(null, ['benefit-check'], '2021-01-01T00:00:00Z')])).toEqual(['45']);
    expect(ask(null, [], '450000-GAT')).toBeNull();
  });
});
