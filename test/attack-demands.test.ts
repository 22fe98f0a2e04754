// Attacks on demands (SPEC §14) on a platform of its own (test/fixtures/quality): a demand kept by
// someone else than the department asked, or by nothing new. A promise of a code already in effect is
// refused; a promise "fulfilled" by republishing a code that was in effect before (through the workflow
// or the operator's `catalogue import`), or by another department publishing the promised code as its
// own resource, fulfils nothing. The asked department's new resource still fulfils it. Codes compare
// ignoring case: a promise of another department's code written in lower case is refused, one of the
// asked department's new code so written is kept, and named once kept as it is published.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { DEMANDS, getDemand, requestData } from '../src/workflow/demands.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { PUBLISH, REVIEW, SUBMIT } from './helpers/workflow.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const RESIDENTS = '370000-GAT-01';
const VEHICLES = '370000-GAT-02';
const MZT = { dept: '370000-MZT', roles: ['applicant' as const], purpose: 'benefit-check' };
const GAT_APPROVER = { dept: '370000-GAT', roles: ['approver' as const] };
const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')] });
}, 30_000);
afterAll(() => gw?.close());

describe('a second answer to a demand', () => {
  const FILE = `mutation($input: DemandInput!) { requestData(input: $input) { id } }`;
  const ANSWER = `mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { status } }`;

  it('names the first answer as the schema writes it (CANNOT_SHARE), not as the store keeps it', async () => {
    const demand = { title: 'Driving records', description: 'For benefit checks', items: ['licence'], purposes: ['benefit-check'], provider: '370000-GAT' };
    const id = (await gw.query(FILE, { ...MZT, variables: { input: demand } })).data!.requestData.id as string;
    const first = await gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id, decision: 'CANNOT_SHARE', basis: 'Road traffic safety law, art. 114' } } });
    expect(first.data!.answerDemand).toEqual({ status: 'CANNOT_SHARE' });
    const again = await gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: '370000-GAT-07' } } });
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(again.errors![0].message).toContain('was already answered (CANNOT_SHARE) by ');
  });
});

describe('a demand is fulfilled only by the asked department, with a resource newly published', () => {
  const FILE = `mutation($input: DemandInput!) { requestData(input: $input) { id } }`;
  const ANSWER = `mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { status resource } }`;
  const STATUS = `query($id: ID) { demands(id: $id) { status resource fulfilledBy } }`;
  const demand = { title: 'Vehicle owners', description: 'For benefit checks', items: ['plate', 'owner'], purposes: ['benefit-check'], provider: '370000-GAT' };
  const file = async () => (await gw.query(FILE, { ...MZT, variables: { input: demand } })).data!.requestData.id as string;
  const status = async (id: string) => (await gw.query(STATUS, { dept: '370000-MZT', variables: { id } })).data!.demands[0];
  const catalogue = (name: string) => parse(readFileSync(fixture(name), 'utf8')) as Catalogue;
  async function publish(c: Catalogue) {
    const compiler = { dept: c.compiler, roles: ['compiler' as const] };
    const sub = await gw.query(SUBMIT, { ...compiler, variables: { doc: JSON.stringify(c) } });
    expect(sub.errors).toBeUndefined();
    const v = sub.data!.submitCatalogue.version.version;
    expect((await gw.query(REVIEW, { dept: '370000-DSJ', roles: ['auditor'], variables: { id: c.id, v, d: 'APPROVE' } })).errors).toBeUndefined();
    expect((await gw.query(PUBLISH, { ...compiler, variables: { id: c.id, v } })).errors).toBeUndefined();
  }
  const withResource = (c: Catalogue, code: string, provider: string, type: string): Catalogue => ({
    ...c,
    resources: [...c.resources, {
      ...structuredClone(c.resources.at(-1)!), code, provider, name: `Resource ${code}`,
      graphql: { type, list: `${type[0].toLowerCase()}${type.slice(1)}s`, byKey: `${type[0].toLowerCase()}${type.slice(1)}` },
    }],
  });

  let byOther: string;
  let republished: string;
  let kept: string;

  it('refuses to promise a code already in effect, the asked department’s or another’s, and names it in the refusal', async () => {
    const id = await file();
    for (const resource of [RESIDENTS, '370000-WJW-01']) {
      const r = await gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource } } });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0].extensions!.problems).toEqual([{ path: 'resource', message: expect.stringContaining('already published') }]);
    }
    expect(await status(id)).toEqual({ status: 'OPEN', resource: null, fulfilledBy: null });
    const audit = await gw.query(`{ auditLog(filter: { resource: "${RESIDENTS}", outcome: REFUSED }, first: 10) { nodes { action } } }`, { dept: '370000-GAT' });
    expect(audit.data!.auditLog.nodes.map((n: { action: string }) => n.action)).toContain('answerDemand');
  });

  it('is not fulfilled by another department publishing the promised code as its own resource', async () => {
    // 370000-GAJ is no department of this platform (a code of a department since reorganised, say): its
    // space is nobody's, so either department may publish in it (src/catalogue/codes.ts); one in the
    // police's own space the Health Commission could not publish at all (test/resource-code-provider.test.ts).
    byOther = await file();
    expect(codes(await gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id: byOther, decision: 'WILL_CATALOGUE', resource: '370000-GAJ-09' } } }))).toBeUndefined();
    await publish(withResource(catalogue('health.yaml'), '370000-GAJ-09', '370000-WJW', 'Squatter'));
    expect(await status(byOther)).toEqual({ status: 'WILL_CATALOGUE', resource: '370000-GAJ-09', fulfilledBy: null });
  });

  it('is not fulfilled by republishing a code that was in effect before, and is by the asked department’s new resource', async () => {
    // A promise of a code in effect (made before answers were checked, or racing a publication).
    republished = await file();
    await gw.store.update(DEMANDS, eq('id', republished), { status: 'will-catalogue', resource: VEHICLES });
    kept = await file();
    expect(codes(await gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id: kept, decision: 'WILL_CATALOGUE', resource: '370000-GAT-03' } } }))).toBeUndefined();
    await publish(withResource(catalogue('police.yaml'), '370000-GAT-03', '370000-GAT', 'VehicleOwner'));
    expect(await status(republished)).toEqual({ status: 'WILL_CATALOGUE', resource: VEHICLES, fulfilledBy: null });
    expect(await status(kept)).toEqual({ status: 'FULFILLED', resource: '370000-GAT-03', fulfilledBy: 'QT-GAT@2' });
    expect(await status(byOther)).toMatchObject({ status: 'WILL_CATALOGUE' });
  });

  it('refuses a code in effect written in another case, and names it as published so that its provider sees the attempt', async () => {
    // Codes are compared in lower case (src/catalogue/codes.ts): 370000-wjw-01 is the Health Commission's
    // resource, which the police can never publish, so the promise could never be kept, and kept the
    // demand off the overdue lists for good.
    const id = await file();
    const r = await gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: '370000-wjw-01' } } });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0].extensions!.problems).toEqual([{ path: 'resource', message: expect.stringContaining('already published') }]);
    expect(await status(id)).toEqual({ status: 'OPEN', resource: null, fulfilledBy: null });
    const audit = await gw.query(`{ auditLog(filter: { resource: "370000-WJW-01", department: "370000-GAT" }, first: 10) { nodes { action outcome } } }`, { dept: '370000-WJW' });
    expect(audit.data!.auditLog.nodes).toContainEqual({ action: 'answerDemand', outcome: 'REFUSED' });
  });

  it('refuses a code another department once published, though no longer in effect', async () => {
    // The Health Commission published 370000-GAJ-09 as its own (above), then drops it: the code stays its.
    await publish(catalogue('health.yaml'));
    const id = await file();
    const r = await gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: '370000-GAJ-09' } } });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0].extensions!.problems).toEqual([{ path: 'resource', message: expect.stringContaining('370000-WJW') }]);
  });

  it('is fulfilled by the asked department\'s new resource whose code was promised in another case', async () => {
    const id = await file();
    expect(codes(await gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: '370000-gat-04' } } }))).toBeUndefined();
    await publish(withResource(withResource(catalogue('police.yaml'), '370000-GAT-03', '370000-GAT', 'VehicleOwner'), '370000-GAT-04', '370000-GAT', 'Licence'));
    // Named as published once kept, not as promised: the catalogue, the fulfilDemand entry and a supervisor
    // read 370000-GAT-04, and a code no catalogue publishes would send them looking for another resource.
    expect(await status(id)).toEqual({ status: 'FULFILLED', resource: '370000-GAT-04', fulfilledBy: 'QT-GAT@3' });
  });
});

describe('the operator’s catalogue import', () => {
  // The commands run dist/, brought up to date before the tests (test/setup/build.ts).
  const run = promisify(execFile);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-quality-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const data = () => join(dir, 'data');
  const importing = (...args: string[]) =>
    run('node', ['bin/govgraph.js', 'catalogue', 'import', '--platform', fixture('platform.yaml'), '--data', data(), ...args]);

  it('fulfils a promise with the asked department’s new resource only, not by importing again what was in effect', async () => {
    expect((await importing('--publish', fixture('police.yaml'))).stdout).toContain('QT-GAT version 1 published');
    const platform = loadPlatform(fixture('platform.yaml'));
    const store = await openSqliteStore(data());
    const env = { store, platform, now: new Date() };
    const mzt = { dept: platform.departments.find((d) => d.code === '370000-MZT')!, user: 'u', roles: ['applicant' as const], purpose: null, requestId: 'r' };
    const ask = () => requestData(env, mzt, { title: 'Vehicle owners', description: 'For benefit checks', items: ['owner'], purposes: ['benefit-check'], provider: '370000-GAT' });
    const [stale, fresh] = [await ask(), await ask()];
    await store.update(DEMANDS, eq('id', stale.id), { status: 'will-catalogue', resource: VEHICLES });
    await store.update(DEMANDS, eq('id', fresh.id), { status: 'will-catalogue', resource: '370000-GAT-03' });
    await store.close();

    // The same catalogue again, with and without --publish: nothing newly published.
    for (const args of [['--publish'], []]) {
      const again = await importing(...args, fixture('police.yaml'));
      expect(again.stdout).toContain('unchanged, no new version');
      expect(again.stdout).not.toContain('fulfils demand');
    }
    const c = parse(readFileSync(fixture('police.yaml'), 'utf8')) as Catalogue;
    c.resources.push({ ...structuredClone(c.resources[1]), code: '370000-GAT-03', name: 'Vehicle owners', graphql: { type: 'VehicleOwner', list: 'vehicleOwners', byKey: 'vehicleOwner' } });
    const next = join(dir, 'police-2.json');
    writeFileSync(next, JSON.stringify(c));
    const published = await importing('--publish', next);
    expect(published.stdout.match(/fulfils demand \S+/g)).toEqual([`fulfils demand ${fresh.id}`]);

    const after = await openSqliteStore(data());
    try {
      expect((await getDemand(after, stale.id))!.status).toBe('will-catalogue');
      expect((await getDemand(after, fresh.id))!.status).toBe('fulfilled');
    } finally {
      await after.close();
    }
  }, 60_000);
});
