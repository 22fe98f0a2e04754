// A personal boolean or enum item masked in full (SPEC §4) on a platform written here (Ningxia, 640000):
// one '*' per character told `true` (****) from `false` (*****), and one enum value from another, by
// length alone. Every value of such an item is now masked as long as its longest value, in a data read
// and in the platform's views that show a value (seenValue: an objection's proposed value).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { seenValue } from '../src/access/seen-value.ts';
import { itemMask } from '../src/formats/masks.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const platformYaml = `
platform:
  region: "640000"
  level: province
  name: Ningxia test exchange
  competentDepartment: "640000-DSJ"
purposes:
  - { code: relief-review, name: Relief review }
departments:
  - { code: "640000-DSJ", name: Ningxia Data Bureau, graphqlName: nxData, level: province, region: "640000" }
  - { code: "640000-CLJ", name: Ningxia Disabled Persons Federation, graphqlName: nxDisabled, level: province, region: "640000" }
  - { code: "640100-MZJ", name: Yinchuan Civil Affairs, graphqlName: ycCivil, level: city, region: "640100" }
connected: []
`;

const catalogueYaml = `
id: NX-CLJ
kind: departmental
title: Ningxia disability register
compiler: "640000-CLJ"
resources:
  - code: "640000-CLJ-0001"
    name: Registered persons
    provider: "640000-CLJ"
    graphql: { type: NxPerson, list: persons, byKey: person }
    key: cardNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: cardNo, title: Card number, type: string, required: true }
      - { name: severe, title: Severe disability, type: boolean, sensitivity: personal }
      - { name: marital, title: Marital status, type: enum, values: [single, married, divorced, widowed], sensitivity: personal }
      - { name: works, title: Employed, type: boolean, sensitivity: personal, mask: partial }
`;

let dir: string;
let gw: TestGateway;
const reader = { dept: '640100-MZJ', purpose: 'relief-review' };
const MARITAL = ['single', 'married', 'divorced', 'widowed'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-ningxia-'));
  writeFileSync(join(dir, 'platform.yaml'), platformYaml);
  writeFileSync(join(dir, 'register.yaml'), catalogueYaml);
  const persons = Array.from({ length: 8 }, (_, i) => ({ cardNo: `NX${1000 + i}`, severe: i % 2 === 0, marital: MARITAL[i % 4], works: i % 3 === 0 }));
  writeFileSync(join(dir, 'persons.jsonl'), persons.map((r) => JSON.stringify(r)).join('\n') + '\n');
  gw = await startTestGateway({ platformFile: join(dir, 'platform.yaml'), catalogueFiles: [join(dir, 'register.yaml')] });
  const [resource] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await importRecords(gw.store, resource!, join(dir, 'persons.jsonl'));
});

afterAll(async () => {
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a boolean or enum masked in full', () => {
  it('shows every value as long as the longest, so true and false, or two enum values, look alike', async () => {
    const r = await gw.query('{ nxDisabled { persons(first: 8) { nodes { cardNo severe marital works } } } }', reader);
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.nxDisabled.persons.nodes as { severe: string; marital: string; works: string }[];
    expect(nodes).toHaveLength(8);
    expect(new Set(nodes.map((n) => n.severe))).toEqual(new Set(['*****']));
    expect(new Set(nodes.map((n) => n.marital))).toEqual(new Set(['********']));
    // A mask that keeps characters (partial) tells the value anyway; it keeps the value's length (SPEC §4).
    expect(new Set(nodes.map((n) => n.works))).toEqual(new Set(['t**e', 'f***e']));
  });

  it('reads in clear for the provider', async () => {
    const r = await gw.query('{ nxDisabled { persons(first: 2) { nodes { severe marital } } } }', { dept: '640000-CLJ', purpose: 'relief-review' });
    expect(r.data!.nxDisabled.persons.nodes).toEqual([{ severe: 'true', marital: 'single' }, { severe: 'false', marital: 'married' }]);
  });

  it('masks a value shown outside a read the same way', () => {
    const boolean = { type: 'boolean' };
    const masked = { allowed: true, mask: 'full' } as Parameters<typeof seenValue>[0];
    expect(seenValue(masked, 'true', boolean)).toBe(seenValue(masked, 'false', boolean));
    expect(itemMask('full', { type: 'enum', values: MARITAL })('single')).toBe('********');
    expect(itemMask('full', { type: 'string' })('single')).toBe('******');
  });
});
