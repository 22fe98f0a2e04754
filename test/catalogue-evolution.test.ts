// Catalogue revisions and what was built on the old version (SPEC §5, §6, §9), on a platform of its own
// (Gansu, 620000): a grant given for an item is not a grant for another item that a later version
// publishes under the same name after a version dropped it, nor for a resource brought back after a
// version dropped it; items kept across versions stay granted. Two gateways on one store decide alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { signToken } from '../src/identity/token.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';

const PLATFORM = `platform:
  region: "620000"
  level: province
  name: Gansu test platform
  competentDepartment: "620000-SJJ"
  holidays: []
purposes:
  - { code: relief, name: Relief }
departments:
  - { code: "620000-SJJ", name: Data Bureau, graphqlName: gsData, level: province, region: "620000" }
  - { code: "620000-GAT", name: Police, graphqlName: gsPolice, level: province, region: "620000" }
  - { code: "620100-MZJ", name: Lanzhou Civil Affairs, graphqlName: lzCivil, level: city, region: "620100" }
connected: []
`;

const NOTES = '      - { name: notes, title: Notes, type: string, sensitivity: personal, mask: name }\n';
const RECORD_NOTES = '      - { name: notes, title: Criminal record notes, type: string, sensitivity: personal, mask: partial }\n';
const VEHICLES = `  - code: "620000-GAT-00002"
    name: Vehicles
    provider: "620000-GAT"
    graphql: { type: GsVehicle, list: vehicles, byKey: vehicle }
    key: plate
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [relief] } }
    items:
      - { name: plate, title: Plate, type: string, required: true }
      - { name: colour, title: Colour, type: string }
`;
const catalogue = (notes: string, vehicles: string) => `id: GS-GAT
kind: departmental
title: Gansu police catalogue
compiler: "620000-GAT"
resources:
  - code: "620000-GAT-00001"
    name: Residents
    provider: "620000-GAT"
    graphql: { type: GsResident, list: residents, byKey: resident }
    key: idNumber
    share:
      type: conditional
      conditions: Under a grant
      basis: Regs
      methods: [api]
      scope: { purposes: [relief], rows: { item: division } }
    items:
      - { name: idNumber, title: ID, type: string, required: true }
      - { name: division, title: Division, type: string }
${notes}${vehicles}`;

const LINKING = (link: boolean) => `id: GS-LZ-MZJ
kind: departmental
title: Lanzhou civil affairs catalogue
compiler: "620100-MZJ"
resources:
  - code: "620100-MZJ-00001"
    name: Allowances
    provider: "620100-MZJ"
    graphql: { type: LzAllowance, list: allowances, byKey: allowance }
    key: caseNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: caseNo, title: Case, type: string, required: true }
      - { name: holderId, title: Holder, type: string${link ? ', link: { resource: "620000-GAT-00001", item: idNumber, field: holder }' : ''} }
`;

const RESIDENTS = '620000-GAT-00001';
const VEHICLE_CODE = '620000-GAT-00002';
const READ = '{ gsPolice { residents { nodes { idNumber notes } } } }';
const READ_VEHICLES = '{ gsPolice { vehicles { nodes { plate colour } } } }';

let work: string;
let gw: TestGateway;
let second: { store: Store; gateway: Gateway };

async function publish(text: string, id = 'GS-GAT', compiler = '620000-GAT'): Promise<void> {
  const as = (dept: string, roles: ('compiler' | 'auditor')[]) => ({ dept, roles });
  const s = await gw.query('mutation($d: String!) { submitCatalogue(document: $d) { version { version } } }', { ...as(compiler, ['compiler']), variables: { d: text } });
  expect(s.errors).toBeUndefined();
  const version = s.data!.submitCatalogue.version.version as number;
  const r = await gw.query(`mutation { reviewCatalogue(id: "${id}", version: ${version}, decision: APPROVE, comment: "ok") { status } }`, as('620000-SJJ', ['auditor']));
  expect(r.errors).toBeUndefined();
  const p = await gw.query(`mutation { publishCatalogue(id: "${id}", version: ${version}) { status } }`, as(compiler, ['compiler']));
  expect(p.errors).toBeUndefined();
}

async function grant(resource: string, items: string[], unmasked: string[] = []) {
  return addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
    requester: '620100-MZJ', resource, items, purposes: ['relief'], unmasked, createdBy: 'test',
  });
}

/** The same read through the second gateway (its own store handle on the same folder, polling). */
async function readOnSecond(document: string) {
  const token = await signToken(second.gateway.secret, { dept: '620100-MZJ', user: 'tester', roles: [], ttl: '1h' });
  const res = await fetch(`${second.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'relief' },
    body: JSON.stringify({ query: document }),
  });
  return (await res.json()) as { data?: any; errors?: { message: string; extensions: { code: string; item?: string } }[] };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-evolution-'));
  writeFileSync(join(work, 'platform.yaml'), PLATFORM);
  writeFileSync(join(work, 'v1.yaml'), catalogue(NOTES, VEHICLES));
  writeFileSync(join(work, 'linking.yaml'), LINKING(true));
  gw = await startTestGateway({ platformFile: join(work, 'platform.yaml'), catalogueFiles: [join(work, 'v1.yaml'), join(work, 'linking.yaml')] });
  await gw.store.upsert('r_620000_gat_00001', 'idNumber', [
    { idNumber: 'P1', division: '620102', notes: 'remark one' },
    { idNumber: 'P2', division: '620103', notes: 'remark two' },
  ]);
  await gw.store.upsert('r_620000_gat_00002', 'plate', [{ plate: 'A1', colour: 'red' }]);
  const store = await openSqliteStore(gw.dataDir);
  second = { store, gateway: await startGateway({ platform: gw.platform, store, port: 0, pollMs: 100 }) };
}, 30_000);

afterAll(async () => {
  await second?.gateway.close();
  await second?.store.close();
  await gw?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a grant and the versions after it', () => {
  it('does not open an item published again under a name a version dropped, nor a resource brought back', async () => {
    await grant(RESIDENTS, ['idNumber', 'division', 'notes'], ['notes']);
    await grant(VEHICLE_CODE, ['plate', 'colour']);
    const before = await gw.query(READ, { dept: '620100-MZJ', purpose: 'relief' });
    expect(before.errors).toBeUndefined();
    expect(before.data!.gsPolice.residents.nodes[0]).toEqual({ idNumber: 'P1', notes: 'remark one' });
    expect((await gw.query(READ_VEHICLES, { dept: '620100-MZJ', purpose: 'relief' })).data!.gsPolice.vehicles.nodes).toEqual([{ plate: 'A1', colour: 'red' }]);

    // Version 2 drops the item notes and the vehicles: the grants' holders lose them (BREAKS_GRANT says so).
    await publish(catalogue('', ''));
    // Version 3 publishes another item under the name notes (criminal-record notes, personal) and the vehicles again.
    await publish(catalogue(RECORD_NOTES, VEHICLES));

    for (const read of [(d: string) => gw.query(d, { dept: '620100-MZJ', purpose: 'relief' }), readOnSecond]) {
      await eventually(async () => {
        const after = await read(READ);
        // The item kept (idNumber) is read as before; the new notes is not the granted one: not read, masked or not.
        expect(after.data!.gsPolice.residents.nodes[0]).toEqual({ idNumber: 'P1', notes: null });
        expect(after.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRANT_REQUIRED', item: 'notes' }) })]);
        // The holder is told why the grant that `grant list` shows does not open it.
        expect(after.errors![0].message).toContain('were given before a version of the catalogue dropped it and published it again');
        const vehicles = await read(READ_VEHICLES);
        expect(vehicles.data!.gsPolice.vehicles).toBeNull();
        expect(vehicles.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRANT_REQUIRED' }) })]);
      }, 8000);
    }

    // Nor may its holder object to the new item's values: one objects only to what one may read.
    const objection = await gw.query('mutation { raiseObjection(input: { resource: "620000-GAT-00001", key: "P1", item: "notes", reason: "wrong" }) { id } }',
      { dept: '620100-MZJ', purpose: 'relief', roles: ['applicant'] });
    expect(objection.errors?.[0].extensions?.code).toBe('GRANT_REQUIRED');

    // A grant made for the item as published now covers it (masked: this one does not unmask it).
    await grant(RESIDENTS, ['idNumber', 'notes']);
    const granted = await gw.query(READ, { dept: '620100-MZJ', purpose: 'relief' });
    expect(granted.errors).toBeUndefined();
    expect(granted.data!.gsPolice.residents.nodes[0]).toEqual({ idNumber: 'P1', notes: 'r********e' });
    await grant(VEHICLE_CODE, ['plate']);
    const vehicles = await gw.query(READ_VEHICLES, { dept: '620100-MZJ', purpose: 'relief' });
    expect(vehicles.data!.gsPolice.vehicles.nodes).toEqual([{ plate: 'A1', colour: null }]);
  }, 30_000);

  it('sets no grant aside for an item published for the first time, whatever the clocks of the processes', async () => {
    // Version 4 adds alias, never published before. A grant decided on it by a process whose clock is a
    // minute behind has a creation time before the publication: it was decided on version 4, and covers it.
    await publish(catalogue(RECORD_NOTES + '      - { name: alias, title: Alias, type: string }\n', VEHICLES));
    await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
      requester: '620100-MZJ', resource: RESIDENTS, items: ['idNumber', 'alias'], purposes: ['relief'], createdBy: 'test',
    }, new Date(Date.now() - 60_000));
    const r = await gw.query('{ gsPolice { residents { nodes { idNumber alias } } } }', { dept: '620100-MZJ', purpose: 'relief' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.gsPolice.residents.nodes[0]).toEqual({ idNumber: 'P1', alias: null });
  }, 30_000);
});

describe('withdrawing a catalogue another catalogue in effect links into', () => {
  const WITHDRAW = 'mutation { withdrawCatalogue(id: "GS-GAT", reason: "revision") { status } }';
  const HOLDER = '{ lzCivil { allowances { nodes { caseNo holder { idNumber } } } } }';
  it('is refused, as a version dropping the linked resource is, until the linking catalogue drops the link', async () => {
    const refused = await gw.query(WITHDRAW, { dept: '620000-GAT', roles: ['compiler'] });
    expect(refused.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0].message).toContain('resource 620000-GAT-00001 is linked from catalogue "GS-LZ-MZJ" (resources[0].items[1].link, resource 620100-MZJ-00001)');
    // Nothing changed: the linking department's field is still in the schema, and the catalogue in effect.
    const read = await gw.query(HOLDER, { dept: '620100-MZJ', purpose: 'relief' });
    expect(read.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')).toBeFalsy();
    const list = await gw.query('{ catalogue(id: "GS-GAT") { published { version } } }', { dept: '620000-GAT' });
    expect(list.data!.catalogue.published).not.toBeNull();

    await publish(LINKING(false), 'GS-LZ-MZJ', '620100-MZJ');
    const done = await gw.query(WITHDRAW, { dept: '620000-GAT', roles: ['compiler'] });
    expect(done.errors).toBeUndefined();
    expect(done.data!.withdrawCatalogue.status).toBe('WITHDRAWN');
  }, 30_000);
});

describe('a request that started before a publication', () => {
  it('is held to the limits of the schema it runs on, not to the schema published meanwhile', async () => {
    const masked = VEHICLES.replace('{ name: colour, title: Colour, type: string }', '{ name: colour, title: Colour, type: string, sensitivity: personal, mask: partial }');
    writeFileSync(join(work, 'masked.yaml'), catalogue(NOTES, masked));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const own = await startTestGateway({
      platformFile: join(work, 'platform.yaml'),
      catalogueFiles: [join(work, 'masked.yaml')],
      gateway: { plugins: [{ async requestDidStart(rc) { if (rc.request.http?.headers.get('x-hold')) { held(); await gate; } } }] },
    });
    try {
      await addGrant(own.store, { platform: own.platform, catalogues: await publishedCatalogues(own.store) }, {
        requester: '620100-MZJ', resource: VEHICLE_CODE, items: ['plate', 'colour'], purposes: ['relief'], createdBy: 'test',
      });
      const values = Array.from({ length: 21 }, (_, i) => `c${i}`);
      const probe = `{ gsPolice { vehicles(filter: { colour: { in: ${JSON.stringify(values)} } }) { nodes { plate } } } }`;
      // colour is masked for the reader: an in of 21 values is over the bound of 20.
      const plain = await own.query(probe, { dept: '620100-MZJ', purpose: 'relief' });
      expect(plain.errors?.[0].message).toContain('takes at most 20 values');
      // The same request, held after it started, while a version taking the mask away is published.
      const pending = own.query(probe, { dept: '620100-MZJ', purpose: 'relief', headers: { 'x-hold': '1' } });
      await holding;
      const as = (dept: string, roles: ('compiler' | 'auditor')[]) => ({ dept, roles });
      const s = await own.query('mutation($d: String!) { submitCatalogue(document: $d) { version { version } } }', { ...as('620000-GAT', ['compiler']), variables: { d: catalogue(NOTES, VEHICLES) } });
      const version = s.data!.submitCatalogue.version.version as number;
      await own.query(`mutation { reviewCatalogue(id: "GS-GAT", version: ${version}, decision: APPROVE, comment: "ok") { status } }`, as('620000-SJJ', ['auditor']));
      const p = await own.query(`mutation { publishCatalogue(id: "GS-GAT", version: ${version}) { status } }`, as('620000-GAT', ['compiler']));
      expect(p.errors).toBeUndefined();
      release();
      // It runs on the schema it started with, where colour is masked: the bound of that schema holds.
      const answer = await pending;
      expect(answer.errors?.[0].message).toContain('takes at most 20 values');
      // A request started after the publication reads colour unmasked, with no bound.
      expect((await own.query(probe, { dept: '620100-MZJ', purpose: 'relief' })).errors).toBeUndefined();
    } finally {
      release();
      await own.close();
    }
  }, 30_000);
});
