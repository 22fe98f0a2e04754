// A grant whose resource no catalogue in effect publishes (a version dropped it, and none published it
// again) gives nothing: the views of grants (the `grants` query, `govgraph grant list`) show it as not in
// force, saying why, rather than as active with its items (src/access/item-since.ts, grantShownAmong).
// Published again later, the resource follows the set-aside rule: the grant does not come back. On a
// platform of its own (Qinghai, 630000).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = `platform:
  region: "630000"
  level: province
  name: Qinghai test platform
  competentDepartment: "630000-SJJ"
  holidays: []
purposes:
  - { code: relief, name: Relief }
departments:
  - { code: "630000-SJJ", name: Data Bureau, graphqlName: qhData, level: province, region: "630000" }
  - { code: "630000-GAT", name: Police, graphqlName: qhPolice, level: province, region: "630000" }
  - { code: "630100-MZJ", name: Xining Civil Affairs, graphqlName: xnCivil, level: city, region: "630100" }
connected: []
`;
const VEHICLES = `  - code: "630000-GAT-00002"
    name: Vehicles
    provider: "630000-GAT"
    graphql: { type: QhVehicle, list: vehicles, byKey: vehicle }
    key: plate
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [relief] } }
    items:
      - { name: plate, title: Plate, type: string, required: true }
      - { name: colour, title: Colour, type: string }
`;
const catalogue = (vehicles: string) => `id: QH-GAT
kind: departmental
title: Qinghai police catalogue
compiler: "630000-GAT"
resources:
  - code: "630000-GAT-00001"
    name: Residents
    provider: "630000-GAT"
    graphql: { type: QhResident, list: residents, byKey: resident }
    key: idNumber
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [relief] } }
    items:
      - { name: idNumber, title: ID, type: string, required: true }
${vehicles}`;

const RESIDENTS = '630000-GAT-00001';
const VEHICLE_CODE = '630000-GAT-00002';
const HOLDER = '630100-MZJ';
const SUPERVISOR = { dept: '630000-SJJ', roles: ['supervisor' as const] };

let work: string;
let gw: TestGateway;
let residents: string; // a grant of a resource every version publishes
let vehicles: string; // a grant of the resource version 2 drops

async function publish(text: string): Promise<void> {
  const s = await gw.query('mutation($d: String!) { submitCatalogue(document: $d) { version { version } } }', { dept: '630000-GAT', roles: ['compiler'], variables: { d: text } });
  expect(s.errors).toBeUndefined();
  const version = s.data!.submitCatalogue.version.version as number;
  const r = await gw.query(`mutation { reviewCatalogue(id: "QH-GAT", version: ${version}, decision: APPROVE, comment: "ok") { status } }`, { dept: '630000-SJJ', roles: ['auditor'] });
  expect(r.errors).toBeUndefined();
  const p = await gw.query(`mutation { publishCatalogue(id: "QH-GAT", version: ${version}) { status } }`, { dept: '630000-GAT', roles: ['compiler'] });
  expect(p.errors).toBeUndefined();
}

async function grant(resource: string, items: string[]): Promise<string> {
  const g = await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
    requester: HOLDER, resource, items, purposes: ['relief'], createdBy: 'test',
  });
  return g.id;
}

const GRANTS = (args: string) => `{ grants${args} { id items unmasked setAside setAsideNote active } }`;
const grantsById = async (args: string) => {
  const r = await gw.query(GRANTS(args), SUPERVISOR);
  expect(r.errors).toBeUndefined();
  return new Map((r.data!.grants as { id: string }[]).map((g) => [g.id, g]));
};
const listed = async (...args: string[]) => {
  const r = await runGovgraph(['grant', 'list', ...args, '--data', gw.dataDir], { env: cliEnv() });
  expect(r.code).toBe(0);
  return r.stdout;
};
const line = (out: string, id: string) => out.split('\n').find((l) => l.startsWith(id)) ?? '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-grant-not-published-'));
  writeFileSync(join(work, 'platform.yaml'), PLATFORM);
  writeFileSync(join(work, 'v1.yaml'), catalogue(VEHICLES));
  gw = await startTestGateway({ platformFile: join(work, 'platform.yaml'), catalogueFiles: [join(work, 'v1.yaml')] });
  residents = await grant(RESIDENTS, ['idNumber']);
  vehicles = await grant(VEHICLE_CODE, ['plate', 'colour']);
  // Version 2 drops the vehicles.
  await publish(catalogue(''));
}, 30_000);

afterAll(async () => {
  await gw?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a grant of a resource dropped and not published again', () => {
  it('is not active in the grants query, with every item set aside and a note saying why', async () => {
    const all = await grantsById('');
    expect(all.get(residents)).toEqual({ id: residents, items: ['idNumber'], unmasked: [], setAside: [], setAsideNote: null, active: true });
    expect(all.get(vehicles)).toEqual({
      id: vehicles, items: [], unmasked: [], setAside: ['plate', 'colour'], active: false,
      setAsideNote: expect.stringContaining('its resource is published by no catalogue in effect'),
    });
    expect([...(await grantsById('(active: true)')).keys()]).toEqual([residents]);
    expect([...(await grantsById('(active: false)')).keys()]).toEqual([vehicles]);
  });

  it('is listed by grant list as not-published, reading nothing, and left out with --active', async () => {
    const out = await listed();
    expect(line(out, residents)).toContain(`${residents}  active         ${HOLDER} may read idNumber of ${RESIDENTS}`); // the status column as wide as not-published
    expect(line(out, vehicles)).toContain(`${vehicles}  not-published  ${HOLDER} may read nothing of ${VEHICLE_CODE} for relief, until revoked; set aside: plate, colour (its resource is published by no catalogue in effect`);
    const active = await listed('--active');
    expect(active).toContain(residents);
    expect(active).not.toContain(vehicles);
  }, 30_000);

  it('does not come back when the resource is published again: set aside, as decided before the resource left', async () => {
    await publish(catalogue(VEHICLES));
    const shown = (await grantsById('')).get(vehicles);
    expect(shown).toEqual({
      id: vehicles, items: [], unmasked: [], setAside: ['plate', 'colour'], active: false,
      setAsideNote: expect.stringContaining('the grant was given before a version of the catalogue dropped them and published them again'),
    });
    expect(line(await listed(), vehicles)).toContain(`${vehicles}  set-aside  ${HOLDER} may read nothing of ${VEHICLE_CODE}`);
    // A grant decided on the version that published it again covers it.
    const again = await grant(VEHICLE_CODE, ['plate']);
    expect((await grantsById('(active: true)')).get(again)).toMatchObject({ items: ['plate'], setAside: [], active: true });
  }, 30_000);
});
