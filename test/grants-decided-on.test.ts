// A grant covers the items of the catalogue version it was decided on (src/access/item-since.ts): whether
// an item came back after a version dropped it is told by counting publications, not by the clocks of the
// processes that publish and approve. On a platform of its own (Tibet, 540000); each case has its own
// catalogue and resource.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANTS, listGrants, newGrant, storeGrant } from '../src/access/grants.ts';
import { grantsInForce } from '../src/access/item-since.ts';
import { CATALOGUE_VERSIONS, publishedCatalogues } from '../src/catalogue/repository.ts';
import { and, eq } from '../src/store/port.ts';
import { decideSharingRequest, requestSharing } from '../src/workflow/sharing.ts';
import { publishCatalogue, reviewCatalogue, submitCatalogue, withdrawCatalogue } from '../src/workflow/catalogues.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = `platform:
  region: "540000"
  level: province
  name: Tibet test platform
  competentDepartment: "540000-DSJ"
  holidays: []
purposes:
  - { code: aid, name: Aid }
departments:
  - { code: "540000-DSJ", name: Data Bureau, graphqlName: xzData, level: province, region: "540000" }
  - { code: "540000-GA", name: Police, graphqlName: xzPolice, level: province, region: "540000" }
  - { code: "540100-MZ", name: Lhasa Civil Affairs, graphqlName: lsCivil, level: city, region: "540100" }
connected: []
`;
const NOTES = '      - { name: notes, title: Notes, type: string, sensitivity: personal, mask: name }\n';
/** Catalogue XZ-n with one conditional resource 540000-GA-0000n (pid, notes when given). */
const doc = (n: number, notes: string) => `id: XZ-${n}
kind: departmental
title: Tibet police catalogue ${n}
compiler: "540000-GA"
resources:
  - code: "540000-GA-0000${n}"
    name: Persons ${n}
    provider: "540000-GA"
    graphql: { type: XzPerson${n}, list: persons${n}, byKey: person${n} }
    key: pid
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [aid] } }
    items:
      - { name: pid, title: ID, type: string, required: true }
${notes}`;
const code = (n: number) => `540000-GA-0000${n}`;
const read = (n: number) => gw.query(`{ xzPolice { persons${n} { nodes { pid notes } } } }`, { dept: '540100-MZ', purpose: 'aid' });
const readPid = (n: number) => gw.query(`{ xzPolice { persons${n} { nodes { pid } } } }`, { dept: '540100-MZ', purpose: 'aid' });
const HOUR = 3_600_000;

let work: string;
let gw: TestGateway;
const dept = (c: string) => gw.platform.departments.find((d) => d.code === c)!;
const actor = (c: string, roles: Actor['roles']): Actor => ({ dept: dept(c), user: 'u', roles, purpose: null, requestId: `r-${Math.random()}` });
const envAt = (now: Date) => ({ store: gw.store, platform: gw.platform, now });

/** Submits, approves and publishes catalogue XZ-n as a process whose clock reads `now`; its first version also gets a record. */
async function publishAs(n: number, notes: string, now = new Date()) {
  const env = envAt(now);
  const s = await submitCatalogue(env, actor('540000-GA', ['compiler']), doc(n, notes));
  await reviewCatalogue(env, actor('540000-DSJ', ['auditor']), { id: `XZ-${n}`, version: s.version.version, decision: 'approve', comment: 'ok' });
  await publishCatalogue(env, actor('540000-GA', ['compiler']), { id: `XZ-${n}`, version: s.version.version }, gw.gateway.holder);
  if (s.version.version === 1) await gw.store.upsert(`r_540000_ga_0000${n}`, 'pid', [{ pid: 'P1', notes: 'remark' }]);
  return s.version.version;
}

/** A grant of pid and notes (unmasked) approved through the workflow by a process whose clock reads `now`. */
async function approved(n: number, now = new Date(), items = ['pid', 'notes'], unmasked = ['notes']): Promise<string> {
  const env = envAt(now);
  const r = await requestSharing(env, actor('540100-MZ', ['applicant']), { resource: code(n), items, purposes: ['aid'], justification: 'aid cases' });
  return (await decideSharingRequest(env, actor('540000-GA', ['approver']), { id: r.id, decision: 'approve', unmasked })).grantId!;
}

const refused = (r: Awaited<ReturnType<typeof read>>) => {
  expect(r.data!.xzPolice[Object.keys(r.data!.xzPolice)[0]].nodes).toEqual([{ pid: 'P1', notes: null }]);
  expect(r.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRANT_REQUIRED', item: 'notes' }) })]);
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-decided-on-'));
  writeFileSync(join(work, 'platform.yaml'), PLATFORM);
  gw = await startTestGateway({ platformFile: join(work, 'platform.yaml'), catalogueFiles: [] });
}, 30_000);
afterAll(async () => {
  await gw?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a grant decided on a version before an item was dropped and published again', () => {
  it('does not cover what came back, though the approving process clock was an hour ahead', async () => {
    await publishAs(1, NOTES);
    // Recorded at +1h on version 1 (in force from then: read as the holder sees it once that hour has passed).
    const id = await approved(1, new Date(Date.now() + HOUR));
    const inForce = async () => {
      const resource = gw.gateway.holder.catalogues.flatMap((c) => c.resources).find((r) => r.code === code(1))!;
      return grantsInForce(resource, await listGrants(gw.store, { resource: code(1) }));
    };
    expect((await inForce()).map((g) => [g.id, g.items, g.unmasked])).toEqual([[id, ['pid', 'notes'], ['notes']]]);
    // Version 2 drops notes and version 3 publishes another notes, by processes whose clocks are right, within the hour.
    await publishAs(1, '');
    await publishAs(1, NOTES);
    expect((await inForce()).map((g) => [g.id, g.items, g.unmasked])).toEqual([[id, ['pid'], []]]);
    const listed = await gw.query('{ grants { id setAside } }', { dept: '540100-MZ' });
    expect(listed.data!.grants.find((g: { id: string }) => g.id === id).setAside).toEqual(['notes']);
  }, 30_000);

  it('does not cover it when versions 2 and 3 were published between the decision on version 1 and storing the grant', async () => {
    await publishAs(2, NOTES);
    // The decision checked version 1 (the catalogues it read); the grant is stored after versions 2 and 3.
    const decided = newGrant({ platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
      requester: '540100-MZ', resource: code(2), items: ['pid', 'notes'], purposes: ['aid'], unmasked: ['notes'], createdBy: 'test',
    });
    expect([decided.decidedOnCatalogue, decided.decidedOnVersion]).toEqual(['XZ-2', 1]);
    await publishAs(2, '');
    await publishAs(2, NOTES);
    await storeGrant(gw.store, decided);
    refused(await read(2));
  }, 30_000);

  it('sets aside what came back after the catalogue was withdrawn and published again', async () => {
    await publishAs(3, NOTES);
    await approved(3);
    await withdrawCatalogue(envAt(new Date()), actor('540000-GA', ['compiler']), { id: 'XZ-3', reason: 'reorganised' }, gw.gateway.holder);
    // Published again unchanged, by a process whose clock is an hour behind.
    await publishAs(3, NOTES, new Date(Date.now() - HOUR));
    // Every item it names came back: the grant is not held for the resource.
    const r = await read(3);
    expect(r.data!.xzPolice.persons3).toBeNull();
    expect(r.errors?.[0].extensions?.code).toBe('GRANT_REQUIRED');
  }, 30_000);
});

describe('a grant decided on the versions an item was carried through', () => {
  it('keeps covering an item every version carried, whatever the clocks', async () => {
    await publishAs(4, NOTES);
    // Approved by a process an hour behind: its record is older than the publication.
    await approved(4, new Date(Date.now() - HOUR), ['pid'], []);
    await publishAs(4, '', new Date(Date.now() + HOUR));
    await publishAs(4, NOTES, new Date(Date.now() - 2 * HOUR));
    const r = await readPid(4);
    expect(r.errors).toBeUndefined();
    expect(r.data!.xzPolice.persons4.nodes).toEqual([{ pid: 'P1' }]);
  }, 30_000);

  it('covers an item published again when decided on the version that published it, by a process an hour behind', async () => {
    await publishAs(5, NOTES);
    await publishAs(5, '');
    await publishAs(5, NOTES, new Date(Date.now() + HOUR));
    const id = await approved(5, new Date(Date.now() - HOUR));
    const r = await read(5);
    expect(r.errors).toBeUndefined();
    expect(r.data!.xzPolice.persons5.nodes).toEqual([{ pid: 'P1', notes: 'remark' }]);
    // The grant records what it was decided on; the views show it.
    const [row] = await gw.store.find(GRANTS, { filter: eq('id', id) });
    expect([row.decidedOnCatalogue, row.decidedOnVersion]).toEqual(['XZ-5', 3]);
    const listed = await gw.query('{ grants { id items setAside } }', { dept: '540100-MZ' });
    expect(listed.data!.grants.find((g: { id: string }) => g.id === id)).toEqual({ id, items: ['pid', 'notes'], setAside: [] });
  }, 30_000);
});

describe('a grant stored before grants recorded their version', () => {
  it('is taken as decided on the version in effect when it was made', async () => {
    await publishAs(6, NOTES);
    const stamp = async (version: number) => {
      const [row] = await gw.store.find(CATALOGUE_VERSIONS, { filter: and(eq('id', 'XZ-6'), eq('version', version)), projection: ['publishedAt'] });
      return Date.parse(String(row.publishedAt));
    };
    const legacy = (id: string, at: number) => {
      const made = new Date(at).toISOString();
      // A row as stored before: no decidedOnCatalogue, no decidedOnVersion.
      return gw.store.insert(GRANTS, [{
        id, requester: '540100-MZ', resource: code(6), items: JSON.stringify(['pid', 'notes']), purposes: JSON.stringify(['aid']),
        unmasked: JSON.stringify(['notes']), rows: null, from: made, until: null, revokedAt: null, revokedBy: null, createdAt: made, createdBy: 'old', requestId: null,
      }]);
    };
    await legacy('old-on-v1', (await stamp(1)) + 1);
    expect((await read(6)).data!.xzPolice.persons6.nodes).toEqual([{ pid: 'P1', notes: 'remark' }]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await publishAs(6, '');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await publishAs(6, NOTES);
    refused(await read(6));
    const shown = await gw.query('{ grants { id setAside } }', { dept: '540100-MZ' });
    expect(shown.data!.grants.find((g: { id: string }) => g.id === 'old-on-v1').setAside).toEqual(['notes']);
    // One made after version 3 was published covers what it publishes.
    await legacy('old-on-v3', (await stamp(3)) + 1);
    const r = await read(6);
    expect(r.errors).toBeUndefined();
    expect(r.data!.xzPolice.persons6.nodes).toEqual([{ pid: 'P1', notes: 'remark' }]);
    expect((await listGrants(gw.store, { resource: code(6) })).map((g) => [g.id, g.decidedOnVersion])).toEqual([['old-on-v1', null], ['old-on-v3', null]]);
  }, 30_000);
});
