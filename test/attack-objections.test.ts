// Attacks on objections (SPEC §14) on a platform of its own (test/fixtures/quality):
// - objections as an existence oracle: a department denied the key item, or seeing it masked, asks
//   raiseObjection whether a key value exists (NOT_FOUND against OPEN or CONFLICT). Denied: refused with
//   the key item's access code before anything is looked up, the same answer for a record that exists and
//   one that does not. Masked: counted as a masked probe under the same quota as a lookup by that key.
// - the audit log storing what the caller typed: no key value in any entry (SPEC §10: variables are not
//   stored), and a refused objection still names its resource, so its provider sees it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { importCorrecting, OBJECTIONS } from '../src/workflow/objections.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const RESIDENTS = '370000-GAT-01';
const VEHICLES = '370000-GAT-02';
// Residents: one that exists, and ID numbers of the right shape that no record has.
const RESIDENT = '370102199001011234';
const NOBODY = ['370102199001019999', '370102199001018888', '370102199001017777'];
const PLATE = 'LU-A12345';
const NO_PLATE = 'LU-Z99999';

const MZT = { dept: '370000-MZT', roles: ['applicant' as const], purpose: 'benefit-check' };
const GAT_APPROVER = { dept: '370000-GAT', roles: ['approver' as const] };
const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id status } }`;
const raise = (input: Record<string, unknown>, who: Record<string, unknown> = MZT) =>
  gw.query(RAISE, { ...who, variables: { input: { reason: 'Looks wrong', ...input } } });
const LOOKUP = `query($idNo: String!) { police { resident(idNo: $idNo) { district } } }`;

let gw: TestGateway;
let counting: CountingStore;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')],
    limits: { maskedProbes: { maxIn: 20, perHour: 3, perDay: 500 } },
    wrapStore: (s) => (counting = countingStore(s)),
  });
  const [residents, vehicles] = (await publishedCatalogues(gw.store)).find((c) => c.id === 'QT-GAT')!.resources;
  await gw.store.insert(collectionOf(residents), [{ idNo: RESIDENT, name: '王小明', district: '370102' }]);
  await gw.store.insert(collectionOf(vehicles), [{ plateNo: PLATE, colour: 'red' }]);
}, 30_000);
afterAll(() => gw?.close());

describe('raising an objection does not tell whether a key exists', () => {
  it('a department denied the key item is refused before the lookup, alike for a record that exists and one that does not', async () => {
    counting.reset();
    const there = await raise({ resource: VEHICLES, key: PLATE, item: 'colour' });
    const missing = await raise({ resource: VEHICLES, key: NO_PLATE, item: 'colour' });
    expect(codes(there)).toEqual(['PURPOSE_OUT_OF_SCOPE']);
    expect(there.errors![0].message).toBe(missing.errors![0].message);
    expect(there.errors![0].message).toContain('`plateNo`');
    expect(codes(missing)).toEqual(['PURPOSE_OUT_OF_SCOPE']);
    const vehicles = collectionOf((await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === VEHICLES)!);
    expect(counting.calls.filter((c) => c === `find ${vehicles}`)).toEqual([]);
    expect(await gw.store.count(OBJECTIONS)).toBe(0);
  });

  it('a masked key is a masked probe, counted with lookups by it, and refused past the quota before the lookup', async () => {
    // One lookup by the masked key and two objections by it: the hour's quota of 3.
    expect(codes(await gw.query(LOOKUP, { ...MZT, variables: { idNo: NOBODY[0] } }))).toBeUndefined();
    expect(codes(await raise({ resource: RESIDENTS, key: NOBODY[1], item: 'district' }))).toEqual(['NOT_FOUND']);
    expect(codes(await raise({ resource: RESIDENTS, key: NOBODY[2], item: 'district' }))).toEqual(['NOT_FOUND']);
    // The fourth probe is refused, whether the record exists or not, and a lookup shares the quota.
    const over = await raise({ resource: RESIDENTS, key: RESIDENT, item: 'district' });
    expect(codes(over)).toEqual(['RATE_LIMITED']);
    expect(over.errors![0].extensions).toMatchObject({ resource: RESIDENTS, quota: 'perHour', retryAfter: expect.any(Number) });
    expect(codes(await gw.query(LOOKUP, { ...MZT, variables: { idNo: RESIDENT } }))).toEqual(['RATE_LIMITED']);
    expect(await gw.store.count(OBJECTIONS)).toBe(0);
  });

  it('a key the department may read unmasked is no probe: the record is found and the objection raised', async () => {
    const ok = await raise({ resource: VEHICLES, key: PLATE, item: 'colour' }, { ...MZT, purpose: 'licence-review' });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.raiseObjection.status).toBe('OPEN');
  });
});

describe('objections on a record whose key the reader sees masked', () => {
  it('are listed with the record: found by the key as stored, not as shown', async () => {
    // Another department raises one (its own probe quota); the reader lists the records, keys masked.
    const DSJ = { dept: '370000-DSJ', roles: ['applicant' as const], purpose: 'benefit-check' };
    const raised = await raise({ resource: RESIDENTS, key: RESIDENT, item: 'name' }, DSJ);
    expect(raised.errors).toBeUndefined();
    const r = await gw.query(`{ police { residents(first: 5) { nodes { idNo _objections { item status } } } } }`, MZT);
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.police.residents.nodes as { idNo: string; _objections: unknown[] }[];
    expect(nodes.map((n) => n.idNo)).toEqual([`${RESIDENT.slice(0, 6)}********${RESIDENT.slice(-4)}`]);
    expect(nodes[0]._objections).toEqual([{ item: 'name', status: 'OPEN' }]);
  });
});

describe('the audit log of objections', () => {
  it('stores no key value typed or stored, not in details, refusals or the correction entry', async () => {
    const [o] = await gw.store.find(OBJECTIONS, { filter: eq('resource', VEHICLES) });
    const answer = await gw.query(`mutation($input: ObjectionAnswerInput!) { answerObjection(input: $input) { status } }`,
      { ...GAT_APPROVER, variables: { input: { id: o.id, decision: 'CONFIRM', reason: `${PLATE} is blue` } } });
    expect(answer.data!.answerObjection.status).toBe('CONFIRMED');
    const vehicles = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === VEHICLES)!;
    const file = join(gw.dataDir, 'vehicles.jsonl');
    writeFileSync(file, JSON.stringify({ plateNo: PLATE, colour: 'blue' }) + '\n');
    const fixed = await importCorrecting({ store: gw.store, now: new Date() }, { user: 'operator', requestId: 'import' }, vehicles, file);
    expect(fixed.corrected.map((c) => c.id)).toEqual([o.id]);

    const entries = await gw.store.find(AUDIT_COLLECTION, {});
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['raiseObjection', 'answerObjection', 'correctObjection']));
    const text = JSON.stringify(entries);
    for (const key of [RESIDENT, ...NOBODY, PLATE, NO_PLATE]) expect(text).not.toContain(key);
  });

  it('names the resource of a refused objection, so that its provider sees the attempt', async () => {
    const r = await gw.query(`{ auditLog(filter: { outcome: REFUSED, kind: WORKFLOW }, first: 50) { nodes { action detail resources { resource denied { item code } } } } }`,
      { dept: '370000-GAT' });
    expect(r.errors).toBeUndefined();
    const refused = r.data!.auditLog.nodes.filter((n: { action: string }) => n.action === 'raiseObjection');
    // Oldest last: the two denied keys, two missing records, the quota.
    expect(refused.map((n: { detail: string; resources: unknown[] }) => [n.detail.split(':')[0], n.resources]).reverse()).toEqual([
      ['PURPOSE_OUT_OF_SCOPE', [{ resource: VEHICLES, denied: [{ item: 'plateNo', code: 'PURPOSE_OUT_OF_SCOPE' }] }]],
      ['PURPOSE_OUT_OF_SCOPE', [{ resource: VEHICLES, denied: [{ item: 'plateNo', code: 'PURPOSE_OUT_OF_SCOPE' }] }]],
      ['NOT_FOUND', [{ resource: RESIDENTS, denied: [] }]],
      ['NOT_FOUND', [{ resource: RESIDENTS, denied: [] }]],
      ['RATE_LIMITED', [{ resource: RESIDENTS, denied: [] }]],
    ]);
  });
});

describe('a refused answer to an objection', () => {
  it('names the objection’s resource (no item), so that its provider sees another department’s attempt', async () => {
    const [o] = await gw.store.find(OBJECTIONS, { filter: eq('resource', VEHICLES) });
    const other = await gw.query(`mutation($input: ObjectionAnswerInput!) { answerObjection(input: $input) { status } }`,
      { dept: '370000-MZT', roles: ['approver'], variables: { input: { id: o.id, decision: 'REJECT', reason: 'not ours' } } });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    const r = await gw.query(`{ auditLog(filter: { outcome: REFUSED, kind: WORKFLOW }, first: 50) { nodes { department action resources { resource items } } } }`,
      { dept: '370000-GAT' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.auditLog.nodes.filter((n: { action: string }) => n.action === 'answerObjection'))
      .toEqual([{ department: '370000-MZT', action: 'answerObjection', resources: [{ resource: VEHICLES, items: [] }] }]);
  });
});

describe('a resource code written in another case', () => {
  it('is the resource (codes ignore case): the same refusal, and its provider sees the attempt under the code', async () => {
    const r = await raise({ resource: ` ${VEHICLES.toLowerCase()}`, key: PLATE, item: 'colour' });
    expect(codes(r)).toEqual(['PURPOSE_OUT_OF_SCOPE']);
    const log = await gw.query(`{ auditLog(filter: { outcome: REFUSED, kind: WORKFLOW }, first: 1) { nodes { action resources { resource } } } }`, { dept: '370000-GAT' });
    expect(log.data!.auditLog.nodes).toEqual([{ action: 'raiseObjection', resources: [{ resource: VEHICLES }] }]);
  });

  it('asks for a grant of the resource: found, and answered under the code as published', async () => {
    const r = await gw.query(`mutation($input: SharingRequestInput!) { requestSharing(input: $input) { resource status } }`, {
      ...MZT, variables: { input: { resource: RESIDENTS.toLowerCase(), items: ['name'], purposes: ['benefit-check'], justification: 'casework' } },
    });
    // The residents are shared unconditionally: refused for that, not as an unknown resource.
    expect(r.errors?.[0]?.extensions?.problems).toEqual([{ path: 'resource', message: `${RESIDENTS} (Residents) is shared unconditionally: no request is needed, read it within its scope of use.` }]);
  });
});
