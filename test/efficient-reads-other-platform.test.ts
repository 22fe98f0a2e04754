// Issue 2, point 5, on a platform that is not the demo (Guangxi, 450000, written here): a page of 100
// records with a link costs 2 store reads, not 101; totalCount is counted only when selected; only the
// selected items are read; `first` above the platform's own maximum is refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const platformYaml = `
platform:
  region: "450000"
  level: province
  name: Guangxi test exchange
  competentDepartment: "450000-DSJ"
  maxPageSize: 120
purposes:
  - { code: fishery-subsidy, name: Fishery fuel subsidy }
departments:
  - { code: "450000-DSJ", name: Guangxi Big Data Bureau, graphqlName: gxData, level: province, region: "450000" }
  - { code: "450000-HSJ", name: Guangxi Maritime Office, graphqlName: gxMaritime, level: province, region: "450000" }
  - { code: "450500-YYJ", name: Beihai Fishery Bureau, graphqlName: beihaiFishery, level: city, region: "450500" }
connected: []
`;

const catalogueYaml = `
id: GX-HSJ
kind: departmental
title: Guangxi maritime catalogue
compiler: "450000-HSJ"
resources:
  - code: "450000-HSJ-0101"
    name: Boat owners
    provider: "450000-HSJ"
    graphql: { type: GxBoatOwner, list: boatOwners, byKey: boatOwner }
    key: ownerNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: ownerNo, title: Owner number, type: string, required: true }
      - { name: ownerName, title: Owner name, type: string, required: true }
      - { name: port, title: Home port, type: string }
  - code: "450000-HSJ-0102"
    name: Fishing boats
    provider: "450000-HSJ"
    graphql: { type: GxBoat, list: boats, byKey: boat }
    key: hullNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: hullNo, title: Hull number, type: string, required: true }
      - { name: tonnage, title: Gross tonnage, type: decimal }
      - { name: builtOn, title: Built on, type: date }
      - { name: ownerNo, title: Owner number, type: string,
          link: { resource: "450000-HSJ-0101", item: ownerNo, field: owner } }
`;

let dir: string;
let gw: TestGateway;
let counted: CountingStore;
const reader = { dept: '450500-YYJ', purpose: 'fishery-subsidy' };
const recordReads = () => counted.calls.filter((c) => /^(find|findByValues|count) r_/.test(c));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-guangxi-'));
  writeFileSync(join(dir, 'platform.yaml'), platformYaml);
  writeFileSync(join(dir, 'maritime.yaml'), catalogueYaml);
  const owners = Array.from({ length: 40 }, (_, i) => ({ ownerNo: `BH-${String(i).padStart(4, '0')}`, ownerName: `船主${i}`, port: i % 2 ? '北海' : '防城港' }));
  const boats = Array.from({ length: 150 }, (_, i) => ({ hullNo: `GBY${String(60000 + i)}`, tonnage: `${12 + i}.5`, builtOn: `20${String(10 + (i % 15))}-05-01`, ownerNo: owners[i % owners.length]!.ownerNo }));
  writeFileSync(join(dir, 'owners.jsonl'), owners.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dir, 'boats.jsonl'), boats.map((r) => JSON.stringify(r)).join('\n') + '\n');
  gw = await startTestGateway({
    platformFile: join(dir, 'platform.yaml'),
    catalogueFiles: [join(dir, 'maritime.yaml')],
    wrapStore: (s) => (counted = countingStore(s)),
  });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await importRecords(gw.store, resources.find((r) => r.code === '450000-HSJ-0101')!, join(dir, 'owners.jsonl'));
  await importRecords(gw.store, resources.find((r) => r.code === '450000-HSJ-0102')!, join(dir, 'boats.jsonl'));
});

afterAll(async () => {
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('efficient reads on another platform', () => {
  it('a page of 100 records with a link costs 2 store reads, and a count only when totalCount is selected', async () => {
    counted.reset();
    const r = await gw.query('{ gxMaritime { boats(first: 100) { nodes { hullNo ownerNo owner { ownerNo ownerName } } } } }', reader);
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.gxMaritime.boats.nodes as { ownerNo: string; owner: { ownerNo: string; ownerName: string } }[];
    expect(nodes).toHaveLength(100);
    for (const n of nodes) expect(n.owner.ownerNo).toBe(n.ownerNo);
    expect(recordReads()).toEqual(['find r_450000_hsj_0102', 'findByValues r_450000_hsj_0101']);

    counted.reset();
    const counted150 = await gw.query('{ gxMaritime { boats(first: 3) { totalCount } } }', reader);
    expect(counted150.data!.gxMaritime.boats.totalCount).toBe(150);
    expect(recordReads()).toEqual(['count r_450000_hsj_0102']);
  });

  it('reads only the selected items', async () => {
    const seen: unknown[] = [];
    const original = counted.find.bind(counted);
    counted.find = (async (c: string, q: { projection?: string[] }) => {
      if (c.startsWith('r_')) seen.push(q.projection);
      return original(c, q);
    }) as typeof counted.find;
    try {
      const r = await gw.query('{ gxMaritime { boats(first: 5) { nodes { tonnage } } } }', reader);
      expect(r.errors).toBeUndefined();
    } finally {
      counted.find = original;
    }
    expect(seen).toHaveLength(1);
    const projection = seen[0] as string[];
    expect(projection).toContain('tonnage');
    expect(projection).not.toContain('builtOn');
    expect(projection).not.toContain('ownerNo');
  });

  it('refuses a first above the platform maximum, naming it, without reading records', async () => {
    counted.reset();
    const r = await gw.query('{ gxMaritime { boats(first: 121) { nodes { hullNo } } } }', reader);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain('at most 120');
    expect(recordReads()).toEqual([]);
    const atMax = await gw.query('{ gxMaritime { boats(first: 120) { nodes { hullNo } } } }', reader);
    expect(atMax.data!.gxMaritime.boats.nodes).toHaveLength(120);
  });
});
