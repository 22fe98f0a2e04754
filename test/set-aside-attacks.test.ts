// Attacks on the grants set aside by a catalogue revision (src/access/item-since.ts), on a platform of its
// own (Qinghai, 630000): clocks of the processes that make grants, a catalogue submitted again unchanged,
// a withdrawal, and the views.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantsInForce, ItemHistory } from '../src/access/item-since.ts';
import type { Grant } from '../src/access/grant-model.ts';
import { addVersion, CATALOGUE_VERSIONS, markPublished, publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { decideSharingRequest, requestSharing } from '../src/workflow/sharing.ts';
import { publishCatalogue, reviewCatalogue, submitCatalogue, withdrawCatalogue } from '../src/workflow/catalogues.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { eq, and } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = `platform:
  region: "630000"
  level: province
  name: Qinghai test platform
  competentDepartment: "630000-DSJ"
  holidays: []
purposes:
  - { code: aid, name: Aid }
departments:
  - { code: "630000-DSJ", name: Data Bureau, graphqlName: qhData, level: province, region: "630000" }
  - { code: "630000-GA", name: Police, graphqlName: qhPolice, level: province, region: "630000" }
  - { code: "630100-MZ", name: Xining Civil Affairs, graphqlName: xnCivil, level: city, region: "630100" }
connected: []
`;
const REMARK = '      - { name: remark, title: Remark, type: string }\n';
const doc = (remark: string) => `id: QH-GA
kind: departmental
title: Qinghai police catalogue
compiler: "630000-GA"
resources:
  - code: "630000-GA-00001"
    name: Persons
    provider: "630000-GA"
    graphql: { type: QhPerson, list: persons, byKey: person }
    key: pid
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [aid] } }
    items:
      - { name: pid, title: ID, type: string, required: true }
      - { name: age, title: Age, type: int }
${remark}`;
const CODE = '630000-GA-00001';
const READ = '{ qhPolice { persons { nodes { pid remark } } } }';

let work: string;
let gw: TestGateway;
const dept = (code: string) => gw.platform.departments.find((d) => d.code === code)!;
const actor = (code: string, roles: Actor['roles']): Actor => ({ dept: dept(code), user: 'u', roles, purpose: null, requestId: `r-${Math.random()}` });

/** Submits, approves and publishes a catalogue as a process whose clock reads `now`. */
async function publishAs(text: string, id: string, now: Date) {
  const env = { store: gw.store, platform: gw.platform, now };
  const s = await submitCatalogue(env, actor('630000-GA', ['compiler']), text);
  await reviewCatalogue(env, actor('630000-DSJ', ['auditor']), { id, version: s.version.version, decision: 'approve', comment: 'ok' });
  await publishCatalogue(env, actor('630000-GA', ['compiler']), { id, version: s.version.version }, gw.gateway.holder);
}

async function publish(text: string): Promise<string> {
  const s = await gw.query('mutation($d: String!) { submitCatalogue(document: $d) { version { version } } }', { dept: '630000-GA', roles: ['compiler'], variables: { d: text } });
  expect(s.errors).toBeUndefined();
  const version = s.data!.submitCatalogue.version.version as number;
  expect((await gw.query(`mutation { reviewCatalogue(id: "QH-GA", version: ${version}, decision: APPROVE, comment: "ok") { status } }`, { dept: '630000-DSJ', roles: ['auditor'] })).errors).toBeUndefined();
  expect((await gw.query(`mutation { publishCatalogue(id: "QH-GA", version: ${version}) { status } }`, { dept: '630000-GA', roles: ['compiler'] })).errors).toBeUndefined();
  const [row] = await gw.store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', 'QH-GA'), eq('version', version)), projection: ['publishedAt'] });
  return String(row.publishedAt);
}

/** A grant approved through the workflow by a process whose clock reads `now`. */
async function approved(items: string[], now: Date): Promise<string> {
  const env = { store: gw.store, platform: gw.platform, now };
  const r = await requestSharing(env, actor('630100-MZ', ['applicant']), { resource: CODE, items, purposes: ['aid'], justification: 'aid cases' });
  return (await decideSharingRequest(env, actor('630000-GA', ['approver']), { id: r.id, decision: 'approve' })).grantId!;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-set-aside-'));
  writeFileSync(join(work, 'platform.yaml'), PLATFORM);
  writeFileSync(join(work, 'v1.yaml'), doc(REMARK));
  gw = await startTestGateway({ platformFile: join(work, 'platform.yaml'), catalogueFiles: [join(work, 'v1.yaml')] });
  await gw.store.upsert('r_630000_ga_00001', 'pid', [{ pid: 'Q1', age: 30, remark: 'r1' }]);
}, 30_000);
afterAll(async () => {
  await gw?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a grant approved right after an item came back', () => {
  it('covers it, though the approving process clock is a little behind the publishing one', async () => {
    await approved(['pid', 'remark'], new Date());
    await publish(doc(''));
    const back = await publish(doc(REMARK));
    // The old grant no longer covers remark.
    const old = await gw.query(READ, { dept: '630100-MZ', purpose: 'aid' });
    expect(old.errors?.[0].extensions?.code).toBe('GRANT_REQUIRED');
    // An approval on the catalogue in effect (remark as published again), by a process 20 s behind.
    await approved(['pid', 'remark'], new Date(Date.parse(back) - 20_000));
    const r = await gw.query(READ, { dept: '630100-MZ', purpose: 'aid' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.qhPolice.persons.nodes).toEqual([{ pid: 'Q1', remark: 'r1' }]);
  }, 30_000);

  it('keeps covering it when the catalogue is submitted again unchanged, its id in another case', async () => {
    await publish(doc(REMARK).replace('id: QH-GA', 'id: qh-ga'));
    const r = await gw.query(READ, { dept: '630100-MZ', purpose: 'aid' });
    expect(r.errors).toBeUndefined();
  }, 30_000);
});

describe('a version published by a process whose clock is behind', () => {
  it('does not bring the item back to grants given before a version dropped it', async () => {
    // A grant for remark as published now (the platform's clocks in step).
    const before = await approved(['pid', 'remark'], new Date());
    await publish(doc(''));
    // The version publishing remark again comes from a process whose clock is an hour behind.
    const env = { store: gw.store, platform: gw.platform, now: new Date(Date.now() - 3_600_000) };
    const s = await submitCatalogue(env, actor('630000-GA', ['compiler']), doc(REMARK));
    await reviewCatalogue(env, actor('630000-DSJ', ['auditor']), { id: 'QH-GA', version: s.version.version, decision: 'approve', comment: 'ok' });
    await publishCatalogue(env, actor('630000-GA', ['compiler']), { id: 'QH-GA', version: s.version.version }, gw.gateway.holder);
    const r = await gw.query(READ, { dept: '630100-MZ', purpose: 'aid' });
    expect(r.data!.qhPolice.persons.nodes).toEqual([{ pid: 'Q1', remark: null }]);
    expect(r.errors?.[0].extensions?.code).toBe('GRANT_REQUIRED');
    const listed = await gw.query(`{ grants { id setAside } }`, { dept: '630100-MZ' });
    expect(listed.data!.grants.find((g: { id: string }) => g.id === before).setAside).toEqual(['remark']);
  }, 30_000);
});

describe('a version dropping an item published by a process whose clock is ahead', () => {
  it('does not set aside a grant given on the item published again after it', async () => {
    const env = { store: gw.store, platform: gw.platform, now: new Date(Date.now() + 3_600_000) };
    const s = await submitCatalogue(env, actor('630000-GA', ['compiler']), doc(''));
    await reviewCatalogue(env, actor('630000-DSJ', ['auditor']), { id: 'QH-GA', version: s.version.version, decision: 'approve', comment: 'ok' });
    await publishCatalogue(env, actor('630000-GA', ['compiler']), { id: 'QH-GA', version: s.version.version }, gw.gateway.holder);
    await publish(doc(REMARK));
    // Approved on remark as published now, by a process whose clock is right.
    await approved(['pid', 'remark'], new Date());
    const r = await gw.query(READ, { dept: '630100-MZ', purpose: 'aid' });
    expect(r.errors).toBeUndefined();
  }, 30_000);
});

describe('an item a version dropped and no version published again', () => {
  it('is named set aside as no longer published, whatever another item of the resource did', async () => {
    const id = await approved(['pid', 'age'], new Date());
    const noAge = (remark: string) => doc(remark).replace('      - { name: age, title: Age, type: int }\n', '');
    await publish(noAge(''));
    await publish(noAge(REMARK));
    // age is simply no longer published (BREAKS_GRANT warned of it): set aside for that reason, not as
    // "dropped and published again", and with nothing to request again; the grant still gives pid.
    const listed = await gw.query('{ grants { id items setAside setAsideNote active } }', { dept: '630100-MZ' });
    const g = listed.data!.grants.find((x: { id: string }) => x.id === id);
    expect(g).toEqual({ id, items: ['pid'], setAside: ['age'], active: true,
      setAsideNote: 'Set aside: age; its resource no longer publishes them (a version of the catalogue dropped them and none published them again), so it gives nothing of them now.' });
    const r = await gw.query('{ qhPolice { persons { nodes { pid } } } }', { dept: '630100-MZ', purpose: 'aid' });
    expect(r.errors).toBeUndefined();
  }, 30_000);
});

describe('a resource moved to another catalogue by a process whose clock is behind', () => {
  const moved = (id: string, withResource: boolean) => `id: ${id}
kind: departmental
title: Qinghai police ${id}
compiler: "630000-GA"
resources:
  - code: "630000-GA-0000${id === 'QH-M1' ? 6 : 7}"
    name: Filler ${id}
    provider: "630000-GA"
    graphql: { type: QhFiller${id === 'QH-M1' ? 'One' : 'Two'}, list: fillers${id === 'QH-M1' ? 'One' : 'Two'}, byKey: filler${id === 'QH-M1' ? 'One' : 'Two'} }
    key: fid
    share: { type: unconditional, methods: [api] }
    items:
      - { name: fid, title: ID, type: string, required: true }
${withResource ? `  - code: "630000-GA-00005"
    name: Moved
    provider: "630000-GA"
    graphql: { type: QhMoved, list: movedOnes, byKey: movedOne }
    key: mid
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [aid] } }
    items:
      - { name: mid, title: ID, type: string, required: true }
` : ''}`;
  it('sets aside the grants given before it left its first catalogue', async () => {
    await publishAs(moved('QH-M1', true), 'QH-M1', new Date());
    await gw.store.upsert('r_630000_ga_00005', 'mid', [{ mid: 'M1' }]);
    const env = { store: gw.store, platform: gw.platform, now: new Date() };
    const r = await requestSharing(env, actor('630100-MZ', ['applicant']), { resource: '630000-GA-00005', items: ['mid'], purposes: ['aid'], justification: 'aid cases' });
    await decideSharingRequest(env, actor('630000-GA', ['approver']), { id: r.id, decision: 'approve' });
    const read = '{ qhPolice { movedOnes { nodes { mid } } } }';
    expect((await gw.query(read, { dept: '630100-MZ', purpose: 'aid' })).errors).toBeUndefined();
    await publishAs(moved('QH-M1', false), 'QH-M1', new Date());
    // Published again in another catalogue of its provider, by a process an hour behind.
    await publishAs(moved('QH-M2', true), 'QH-M2', new Date(Date.now() - 3_600_000));
    const after = await gw.query(read, { dept: '630100-MZ', purpose: 'aid' });
    expect(after.errors?.[0].extensions?.code).toBe('GRANT_REQUIRED');
  }, 30_000);
});

describe('a resource published in another catalogue after its catalogue was withdrawn', () => {
  const cat = (id: string, n: number, withResource: boolean) => `id: ${id}
kind: departmental
title: Qinghai police ${id}
compiler: "630000-GA"
resources:
  - code: "630000-GA-0001${n}"
    name: Filler ${id}
    provider: "630000-GA"
    graphql: { type: QhFill${n}, list: fills${n}, byKey: fill${n} }
    key: fid
    share: { type: unconditional, methods: [api] }
    items:
      - { name: fid, title: ID, type: string, required: true }
${withResource ? `  - code: "630000-GA-00020"
    name: Kept
    provider: "630000-GA"
    graphql: { type: QhKept, list: keptOnes, byKey: keptOne }
    key: kid
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [aid] } }
    items:
      - { name: kid, title: ID, type: string, required: true }
` : ''}`;
  it('sets aside the grants given before the withdrawal, whatever the clock of the next publisher', async () => {
    await publishAs(cat('QH-W1', 1, true), 'QH-W1', new Date());
    await gw.store.upsert('r_630000_ga_00020', 'kid', [{ kid: 'K1' }]);
    const env = { store: gw.store, platform: gw.platform, now: new Date() };
    const r = await requestSharing(env, actor('630100-MZ', ['applicant']), { resource: '630000-GA-00020', items: ['kid'], purposes: ['aid'], justification: 'aid cases' });
    await decideSharingRequest(env, actor('630000-GA', ['approver']), { id: r.id, decision: 'approve' });
    const read = '{ qhPolice { keptOnes { nodes { kid } } } }';
    expect((await gw.query(read, { dept: '630100-MZ', purpose: 'aid' })).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await withdrawCatalogue({ ...env, now: new Date() }, actor('630000-GA', ['compiler']), { id: 'QH-W1', reason: 'reorganised' }, gw.gateway.holder);
    // Published again in another catalogue of its provider, by a process whose clock is a minute behind.
    await publishAs(cat('QH-W2', 2, true), 'QH-W2', new Date(Date.now() - 60_000));
    const after = await gw.query(read, { dept: '630100-MZ', purpose: 'aid' });
    expect(after.errors?.[0].extensions?.code).toBe('GRANT_REQUIRED');
  }, 30_000);
});

describe('a store written before catalogue ids were compared ignoring case', () => {
  it('times each catalogue on its own versions, not on those of an id equal to it in another case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-set-aside-legacy-'));
    const store = await openSqliteStore(dir);
    try {
      const resource = (code: string) => ({ code, name: code, provider: '630000-GA', key: 'pid', items: [{ name: 'pid' }, { name: 'age' }] });
      const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
      // Two catalogues of one department, stored before ids were compared ignoring case.
      const lower = { id: 'qh-x', compiler: '630000-GA', resources: [resource('630000-GA-00002')] } as unknown as Catalogue;
      const upper = { id: 'QH-X', compiler: '630000-GA', resources: [resource('630000-GA-00003')] } as unknown as Catalogue;
      await addVersion(store, lower, 'old', 'approved', at(1));
      await markPublished(store, 'qh-x', 1, at(1));
      for (const s of [20, 30, 40]) {
        const v = await addVersion(store, upper, 'old', 'approved', at(s));
        await markPublished(store, 'QH-X', v.version, at(s));
      }
      const catalogues = await publishedCatalogues(store);
      expect(catalogues.map((c) => c.id).sort()).toEqual(['QH-X', 'qh-x']);
      await new ItemHistory(store).mark(catalogues);
      const grant: Grant = {
        id: 'g', requester: '630100-MZ', resource: '630000-GA-00002', items: ['pid', 'age'], purposes: ['aid'], unmasked: [], rows: null,
        from: at(10).toISOString(), until: null, revokedAt: null, revokedBy: null, createdAt: at(10).toISOString(), createdBy: 'old', requestId: null,
      };
      // qh-x has had one version, in effect since before the grant: nothing of it is set aside.
      const r = catalogues.find((c) => c.id === 'qh-x')!.resources[0];
      expect(grantsInForce(r, [grant])).toEqual([grant]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
