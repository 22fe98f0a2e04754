// What the views of grants show once a catalogue version dropped items a grant names and a later one
// published them again (src/access/item-since.ts), on a platform of its own (Ningxia, 640000): the
// `grants` query, `govgraph grant list`, the catalogue view's `granted` and the BREAKS_GRANT warning
// show the grants as they are in force, naming the items set aside rather than listing them as covered.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = `platform:
  region: "640000"
  level: province
  name: Ningxia test platform
  competentDepartment: "640000-SJJ"
  holidays: []
purposes:
  - { code: relief, name: Relief }
departments:
  - { code: "640000-SJJ", name: Data Bureau, graphqlName: nxData, level: province, region: "640000" }
  - { code: "640000-GAT", name: Police, graphqlName: nxPolice, level: province, region: "640000" }
  - { code: "640100-MZJ", name: Yinchuan Civil Affairs, graphqlName: ycCivil, level: city, region: "640100" }
connected: []
`;

const NOTES = '      - { name: notes, title: Notes, type: string, sensitivity: personal, mask: name }\n';
const RECORD_NOTES = '      - { name: notes, title: Criminal record notes, type: string, sensitivity: personal, mask: partial }\n';
const DIVISION = '      - { name: division, title: Division, type: string }\n';
const VEHICLES = `  - code: "640000-GAT-00002"
    name: Vehicles
    provider: "640000-GAT"
    graphql: { type: NxVehicle, list: vehicles, byKey: vehicle }
    key: plate
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [relief] } }
    items:
      - { name: plate, title: Plate, type: string, required: true }
      - { name: colour, title: Colour, type: string }
`;
const catalogue = (items: string, vehicles: string) => `id: NX-GAT
kind: departmental
title: Ningxia police catalogue
compiler: "640000-GAT"
resources:
  - code: "640000-GAT-00001"
    name: Residents
    provider: "640000-GAT"
    graphql: { type: NxResident, list: residents, byKey: resident }
    key: idNumber
    share: { type: conditional, conditions: Under a grant, basis: Regs, methods: [api], scope: { purposes: [relief] } }
    items:
      - { name: idNumber, title: ID, type: string, required: true }
${items}${vehicles}`;

const RESIDENTS = '640000-GAT-00001';
const VEHICLE_CODE = '640000-GAT-00002';
const HOLDER = '640100-MZJ';
const SUPERVISOR = { dept: '640000-SJJ', roles: ['supervisor' as const] };

let work: string;
let gw: TestGateway;
let partly: string; // the residents grant: notes set aside, idNumber and division kept
let wholly: string; // the vehicles grant: every item set aside

async function publish(text: string): Promise<void> {
  const s = await gw.query('mutation($d: String!) { submitCatalogue(document: $d) { version { version } } }', { dept: '640000-GAT', roles: ['compiler'], variables: { d: text } });
  expect(s.errors).toBeUndefined();
  const version = s.data!.submitCatalogue.version.version as number;
  const r = await gw.query(`mutation { reviewCatalogue(id: "NX-GAT", version: ${version}, decision: APPROVE, comment: "ok") { status } }`, { dept: '640000-SJJ', roles: ['auditor'] });
  expect(r.errors).toBeUndefined();
  const p = await gw.query(`mutation { publishCatalogue(id: "NX-GAT", version: ${version}) { status } }`, { dept: '640000-GAT', roles: ['compiler'] });
  expect(p.errors).toBeUndefined();
}

async function grant(resource: string, items: string[], unmasked: string[] = []): Promise<string> {
  const g = await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
    requester: HOLDER, resource, items, purposes: ['relief'], unmasked, createdBy: 'test',
  });
  return g.id;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-grant-views-'));
  writeFileSync(join(work, 'platform.yaml'), PLATFORM);
  writeFileSync(join(work, 'v1.yaml'), catalogue(DIVISION + NOTES, VEHICLES));
  gw = await startTestGateway({ platformFile: join(work, 'platform.yaml'), catalogueFiles: [join(work, 'v1.yaml')] });
  partly = await grant(RESIDENTS, ['idNumber', 'division', 'notes'], ['notes']);
  wholly = await grant(VEHICLE_CODE, ['plate', 'colour']);
  // Version 2 drops notes and the vehicles; version 3 publishes another notes and the vehicles again.
  await publish(catalogue(DIVISION, ''));
  await publish(catalogue(DIVISION + RECORD_NOTES, VEHICLES));
}, 30_000);

afterAll(async () => {
  await gw?.close();
  rmSync(work, { recursive: true, force: true });
});

const GRANTS = (args: string) => `{ grants${args} { id items unmasked setAside setAsideNote active } }`;

describe('the grants query', () => {
  it('shows the items set aside apart from those covered, and a grant covering nothing as not active', async () => {
    for (const who of [SUPERVISOR, { dept: HOLDER }, { dept: '640000-GAT' }]) {
      const r = await gw.query(GRANTS(''), who);
      expect(r.errors).toBeUndefined();
      const byId = new Map((r.data!.grants as { id: string }[]).map((g) => [g.id, g]));
      expect(byId.get(partly)).toEqual({
        id: partly, items: ['idNumber', 'division'], unmasked: [], setAside: ['notes'], active: true,
        setAsideNote: expect.stringContaining('Set aside: notes; the grant was given before a version of the catalogue dropped them and published them again'),
      });
      expect(byId.get(wholly)).toEqual({
        id: wholly, items: [], unmasked: [], setAside: ['plate', 'colour'], active: false,
        setAsideNote: expect.stringContaining('Set aside: every item it names (plate, colour), so it covers nothing; the grant was given before'),
      });
    }
    const active = await gw.query(GRANTS('(active: true)'), SUPERVISOR);
    expect((active.data!.grants as { id: string }[]).map((g) => g.id)).toEqual([partly]);
    const inactive = await gw.query(GRANTS('(active: false)'), SUPERVISOR);
    expect((inactive.data!.grants as { id: string }[]).map((g) => g.id)).toEqual([wholly]);
  });
});

describe('govgraph grant list', () => {
  it('reads the items set aside from the publication history in the store, and says so', async () => {
    const listed = await runGovgraph(['grant', 'list', '--data', gw.dataDir], { env: cliEnv() });
    expect(listed.code).toBe(0);
    const line = (id: string) => listed.stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
    expect(line(partly)).toContain(`${partly}  active     ${HOLDER} may read idNumber, division of ${RESIDENTS} for relief, until revoked; set aside: notes (the grant was given before a version of the catalogue dropped them and published them again`);
    expect(line(wholly)).toContain(`${wholly}  set-aside  ${HOLDER} may read nothing of ${VEHICLE_CODE} for relief, until revoked; set aside: plate, colour (the grant was given before`);
    const active = await runGovgraph(['grant', 'list', '--active', '--data', gw.dataDir], { env: cliEnv() });
    expect(active.stdout).toContain(partly);
    expect(active.stdout).not.toContain(wholly);
  }, 30_000);
});

describe('the catalogue view', () => {
  it('shows a resource whose grant covers nothing any more as not granted, in resourceInfo and in the catalogue', async () => {
    const info = await gw.query(`{ v: resourceInfo(code: "${VEHICLE_CODE}") { granted } r: resourceInfo(code: "${RESIDENTS}") { granted } }`, { dept: HOLDER, purpose: 'relief' });
    expect(info.errors).toBeUndefined();
    expect(info.data).toEqual({ v: { granted: false }, r: { granted: true } });
    const listed = await gw.query('{ catalogue(id: "NX-GAT") { published { resources { code granted items { name yourAccess { allowed code message } } } } } }', { dept: HOLDER, purpose: 'relief' });
    expect(listed.errors).toBeUndefined();
    const resources = listed.data!.catalogue.published.resources as { code: string; granted: boolean; items: { name: string; yourAccess: { allowed: boolean; code: string | null; message: string | null } }[] }[];
    expect(resources.map((r) => [r.code, r.granted])).toEqual([[RESIDENTS, true], [VEHICLE_CODE, false]]);
    const access = (code: string, item: string) => resources.find((r) => r.code === code)!.items.find((i) => i.name === item)!.yourAccess;
    expect(access(RESIDENTS, 'division').allowed).toBe(true);
    // The item set aside is not open, and the view says why, as a read would.
    expect(access(RESIDENTS, 'notes')).toMatchObject({ allowed: false, code: 'GRANT_REQUIRED', message: expect.stringContaining('dropped it and published it again') });
    expect(access(VEHICLE_CODE, 'plate')).toMatchObject({ allowed: false, code: 'GRANT_REQUIRED' });
  });
});

describe('the submission warning BREAKS_GRANT', () => {
  it('names the grants that lose an item they cover, not those whose items are already set aside', async () => {
    // Version 4 would drop division (covered by the residents grant), notes (set aside from it) and the
    // vehicles (whose grant covers nothing any more).
    const s = await gw.query('mutation($d: String!) { submitCatalogue(document: $d) { version { version } warnings { kind resource item grants } } }', {
      dept: '640000-GAT', roles: ['compiler'], variables: { d: catalogue(RECORD_NOTES.replace('notes', 'remarks'), '') },
    });
    expect(s.errors).toBeUndefined();
    const breaks = (s.data!.submitCatalogue.warnings as { kind: string }[]).filter((w) => w.kind === 'BREAKS_GRANT');
    expect(breaks).toEqual([{ kind: 'BREAKS_GRANT', resource: RESIDENTS, item: 'division', grants: [partly] }]);
    // The version's own warnings, as the auditor reads them before deciding, say the same.
    const listed = await gw.query('{ catalogue(id: "NX-GAT") { versions { status warnings { kind resource item grants } } } }', SUPERVISOR);
    expect(listed.errors).toBeUndefined();
    const submitted = (listed.data!.catalogue.versions as { status: string; warnings: { kind: string }[] }[]).find((v) => v.status === 'SUBMITTED')!;
    expect(submitted.warnings.filter((w) => w.kind === 'BREAKS_GRANT')).toEqual(breaks);
  }, 30_000);
});
