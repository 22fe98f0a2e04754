// A read's audit entry says what its client got (SPEC §10): every error that is neither an access denial
// (in the entry's parts, outcome partial or denied) nor a refusal already recorded makes the outcome
// `error`, named `CODE at path` in the detail, no value and no other text of the client's. A CONFLICT on
// stored values that no longer fit a retyped item, and a resolver's bug (INTERNAL_SERVER_ERROR), were
// written `allowed` (or `partial`) for a request that got an error and null for the field (found by the
// audit walk's note; on a Hainan platform of this test's own).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { aroundMethod } from './helpers/store-around.ts';

const PLATFORM = `platform: { region: "460000", level: province, name: Hainan Sharing Platform, competentDepartment: "460000-DSJ" }
purposes:
  - { code: clinic-review, name: Clinic review }
departments:
  - { code: "460000-DSJ", name: Hainan Big Data Bureau, graphqlName: hnData, level: province, region: "460000" }
  - { code: "460000-WJW", name: Hainan Health Commission, graphqlName: hnHealth, level: province, region: "460000" }
  - { code: "460100-MZJ", name: Haikou Civil Affairs, graphqlName: hkCivil, level: city, region: "460100" }
connected: []
`;
const catalogue = (gradeType: string) => `id: HN-WJW
kind: departmental
title: Hainan clinics
compiler: "460000-WJW"
resources:
  - code: "460000-WJW-00007"
    name: Clinics
    provider: "460000-WJW"
    graphql: { type: HnClinic, list: clinics, byKey: clinic }
    key: licenceNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: licenceNo, title: Licence number, type: string, required: true }
      - { name: grade, title: Grade, type: ${gradeType} }
      - { name: inspector, title: Inspector, type: string, share: { type: none, basis: Inspection secrecy } }
`;
const CLINICS = '460000-WJW-00007';
const READER = { dept: '460100-MZJ', purpose: 'clinic-review' };
const SUPERVISOR = '460000-DSJ';

let gw: TestGateway;
let dir: string;
/** While set, reads of the records fail as a bug would (a plain Error, not the store's StoreUnavailableError). */
let buggy = false;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-hainan-'));
  writeFileSync(join(dir, 'platform.yaml'), PLATFORM);
  writeFileSync(join(dir, 'v1.yaml'), catalogue('string'));
  gw = await startTestGateway({
    platformFile: join(dir, 'platform.yaml'), catalogueFiles: [join(dir, 'v1.yaml')],
    wrapStore: (s) => aroundMethod(s, 'find', (args, call) => (buggy && String(args[0]).startsWith('r_') ? Promise.reject(new TypeError('x is not a function')) : call())),
  });
  const [clinics] = (await publishedCatalogues(gw.store))[0].resources;
  writeFileSync(join(dir, 'clinics.csv'), 'licenceNo,grade,inspector\nHN-001,second-class-SECRET,Fu Lei\nHN-002,3,Wu Min\n');
  expect((await importRecords(gw.store, clinics, join(dir, 'clinics.csv'))).problems).toEqual([]);
  // The second version retypes grade to int: HN-001's stored value no longer fits (SPEC §14).
  writeFileSync(join(dir, 'v2.yaml'), catalogue('int').replace('title: Hainan clinics', 'title: Hainan clinics v2'));
  await importCatalogueFiles(gw.store, gw.platform, [join(dir, 'v2.yaml')], { publish: true });
  await gw.gateway.holder.refresh();
}, 30_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function entryOf(requestId: string) {
  const r = await gw.query(`query($id: String!) { auditLog(filter: { requestId: $id }, first: 5) { nodes { outcome detail resources { resource items records denied { item code } } } } }`, {
    token: await gw.token(SUPERVISOR, ['supervisor']), variables: { id: requestId },
  });
  expect(r.errors).toBeUndefined();
  const nodes = r.data!.auditLog.nodes as { outcome: string; detail: string | null; resources: { resource: string; items: string[]; records: number; denied: unknown[] }[] }[];
  expect(nodes).toHaveLength(1);
  return nodes[0];
}

const read = (requestId: string, document: string) => gw.query(document, { ...READER, headers: { 'x-request-id': requestId } });

it('writes a CONFLICT on a value that no longer fits as an error, code and path, never the value', async () => {
  const r = await read('hn-conflict', '{ hnHealth { c: clinics(first: 5) { nodes { licenceNo grade } } } }');
  expect(r.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['CONFLICT', 'hnHealth.c.nodes.0.grade']]);
  expect(r.data!.hnHealth.c.nodes).toEqual([{ licenceNo: 'HN-001', grade: null }, { licenceNo: 'HN-002', grade: 3 }]);
  const entry = await entryOf('hn-conflict');
  expect(entry.outcome).toBe('ERROR');
  expect(entry.detail).toBe('CONFLICT at hnHealth.c.nodes.0.grade');
  expect(entry.resources).toEqual([{ resource: CLINICS, items: ['grade', 'licenceNo'], records: 2, denied: [] }]);
  expect(JSON.stringify(entry)).not.toContain('SECRET');
});

it('keeps a denied item partial beside a CONFLICT, and names the CONFLICT', async () => {
  const r = await read('hn-conflict-denied', '{ hnHealth { clinics(first: 5) { nodes { licenceNo grade inspector } } } }');
  expect(r.errors?.map((e) => e.extensions?.code).sort()).toEqual(['CONFLICT', 'NOT_SHARED']);
  const entry = await entryOf('hn-conflict-denied');
  expect(entry.outcome).toBe('ERROR');
  expect(entry.detail).toBe('CONFLICT at hnHealth.clinics.nodes.0.grade');
  expect(entry.resources[0].denied).toEqual([{ item: 'inspector', code: 'NOT_SHARED' }]);
});

it('writes a denied item alone as partial with no detail, as before', async () => {
  const r = await read('hn-denied', '{ hnHealth { clinics(first: 5) { nodes { licenceNo inspector } } } }');
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_SHARED']);
  const entry = await entryOf('hn-denied');
  expect([entry.outcome, entry.detail]).toEqual(['PARTIAL', null]);
});

it('writes a resolver bug as an error, the code the client got and its path, not the bug\'s message', async () => {
  buggy = true;
  const r = await read('hn-bug', '{ hnHealth { mine: clinics(first: 5) { nodes { licenceNo } } } }').finally(() => (buggy = false));
  expect(r.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['INTERNAL_SERVER_ERROR', 'Internal server error.']]);
  expect(r.data?.hnHealth?.mine ?? null).toBeNull();
  const entry = await entryOf('hn-bug');
  expect(entry.outcome).toBe('ERROR');
  expect(entry.detail).toBe('INTERNAL_SERVER_ERROR at hnHealth.mine');
});

it('writes a clean read allowed with no detail', async () => {
  const r = await read('hn-clean', '{ hnHealth { clinic(licenceNo: "HN-002") { licenceNo grade } } }');
  expect(r.errors).toBeUndefined();
  expect([(await entryOf('hn-clean')).outcome, (await entryOf('hn-clean')).detail]).toEqual(['ALLOWED', null]);
});

it('keeps a refusal beside a read as the refusal recorded, not an error: the client\'s message names the figure, the entry does not', async () => {
  const r = await read('hn-refused-beside', '{ hnHealth { a: clinics(first: 1) { nodes { licenceNo } } b: clinics(first: 5000) { nodes { licenceNo } } } }');
  expect(r.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['BAD_USER_INPUT', 'hnHealth.b']]);
  expect(r.errors![0].message).toContain('got 5000');
  const entry = await entryOf('hn-refused-beside');
  expect(entry.outcome).toBe('ALLOWED');
  expect(entry.detail).toMatch(/^BAD_USER_INPUT: first may be at most \d+ on this platform \(maxPageSize\)\.$/);
});
