// REPEATED_COLLECTION (SPEC §2, Art. 11.3; §9 submission warnings) is about collecting a data element
// again. Once a city department published an element that the provincial Public Security Department had
// published first, Public Security's every next version was told that the city department "already provides
// ... request it from there instead of collecting it again": the original source sent to the copy. The
// warning is given for an item whose resource newly carries the element, or where another department
// provided it first; the versions' `warnings` (the auditor's and supervisors' view of them) tell the same.
// On a Gansu platform of the test's own (test/fixtures/gansu-repeated).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Catalogue } from '../src/model/catalogue.ts';
import { repeatedCollection } from '../src/workflow/warnings.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { PUBLISH, REVIEW, SUBMIT } from './helpers/workflow.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/gansu-repeated/${name}`, import.meta.url));
const document = (name: string) => parse(readFileSync(fixture(name), 'utf8')) as Catalogue;
const POLICE = '620000-GAT';
const CITY = '620100-MZJ';
const AUDITOR = { dept: '620000-SJJ', roles: ['auditor' as const] };

let gw: TestGateway;
beforeAll(async () => {
  // Public Security's register is published first (the bootstrap), the city's later through the workflow.
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml')] });
}, 30_000);
afterAll(() => gw?.close());

async function ok(query: string, who: { dept: string; roles: never[] }, variables?: Record<string, unknown>) {
  const r = await gw.query(query, { ...who, variables });
  expect(r.errors, query).toBeUndefined();
  return r.data!;
}

type Warning = { kind: string; path: string; message: string; element: string | null; useInstead: { resource: string; provider: string; item: string } | null };
const repeated = (warnings: Warning[]) =>
  warnings.filter((w) => w.kind === 'REPEATED_COLLECTION').map((w) => [w.path, w.element, w.useInstead && `${w.useInstead.provider} ${w.useInstead.resource}.${w.useInstead.item}`]);

async function submit(doc: Catalogue): Promise<{ version: number; warnings: Warning[] }> {
  const data = await ok(SUBMIT, { dept: doc.compiler, roles: ['compiler'] as never[] }, { doc: JSON.stringify(doc) });
  return { version: data.submitCatalogue.version.version, warnings: data.submitCatalogue.warnings };
}

async function publish(id: string, version: number, compiler: string) {
  await ok(REVIEW, AUDITOR as never, { id, v: version, d: 'APPROVE', c: 'Checked.' });
  await ok(PUBLISH, { dept: compiler, roles: ['compiler'] as never[] }, { id, v: version });
}

/** Every version of catalogue `id` with its REPEATED_COLLECTION warnings, as the competent department's auditor lists them. */
async function listed(id: string) {
  const data = await ok(`query($id: ID!) { catalogue(id: $id) { versions { version status warnings { kind path message element useInstead { resource provider item } } } } }`, AUDITOR as never, { id });
  return data.catalogue.versions.map((v: { version: number; status: string; warnings: Warning[] }) => [v.version, v.status, repeated(v.warnings)]);
}

describe('repeated collection once a later department carries the element', () => {
  it('warns the department that collects it again, never the original source', async () => {
    // The city collects the citizen ID number again: warned, sent to Public Security.
    const city = await submit(document('lanzhou.yaml'));
    expect(repeated(city.warnings)).toEqual([['resources[0].items[1]', 'GS-DE-0101', `${POLICE} 620000-GAT-00001.citizenId`]]);
    await publish('LZ-MZJ', city.version, CITY);

    // Public Security submits its next version, the citizen ID number carried as before: not warned.
    const next = document('police.yaml');
    next.resources[0].items.push({ name: 'birthPlace', title: 'Place of birth', type: 'string' });
    const police = await submit(next);
    expect(police.version).toBe(2);
    expect(repeated(police.warnings)).toEqual([]);

    // The city's next version is still warned, as long as it carries the element.
    const cityNext = document('lanzhou.yaml');
    cityNext.title = 'Lanzhou relief recipients (2027)';
    expect(repeated((await submit(cityNext)).warnings)).toEqual([['resources[0].items[1]', 'GS-DE-0101', `${POLICE} 620000-GAT-00001.citizenId`]]);

    // Public Security, the original source of one element, newly carrying one the city provided first: warned for that one only.
    const withHousehold = document('police.yaml');
    withHousehold.resources[0].items.push({ name: 'householdNo', title: 'Household number', type: 'string', element: 'GS-DE-0202' });
    expect(repeated((await submit(withHousehold)).warnings)).toEqual([['resources[0].items[2]', 'GS-DE-0202', `${CITY} 620100-MZJ-00001.householdNo`]]);

    // The versions' warnings as the auditor reviews them (a version's, before publication) tell the same story.
    expect(await listed('GS-GAT')).toEqual([
      [1, 'PUBLISHED', []],
      [2, 'SUBMITTED', []],
      [3, 'SUBMITTED', [['resources[0].items[2]', 'GS-DE-0202', `${CITY} 620100-MZJ-00001.householdNo`]]],
    ]);
    expect(await listed('LZ-MZJ')).toEqual([
      [1, 'PUBLISHED', []],
      [2, 'SUBMITTED', [['resources[0].items[1]', 'GS-DE-0101', `${POLICE} 620000-GAT-00001.citizenId`]]],
    ]);
  });
});

describe('repeatedCollection, given since when each published resource provides an element', () => {
  const resource = (code: string, provider: string, element?: string) =>
    ({ code, name: code, provider, items: [{ name: 'id', type: 'string' }, { name: 'value', type: 'string', ...(element ? { element } : {}) }] }) as unknown as Catalogue['resources'][number];
  const catalogue = (id: string, ...resources: Catalogue['resources']) => ({ id, compiler: resources[0].provider, resources }) as unknown as Catalogue;
  // Listed latest first: the earliest holder comes last, after two of another provider.
  const published = [
    catalogue('C', resource('620100-C-00001', '620100-C', 'DE-9')),
    catalogue('B', resource('620000-B-00001', '620000-B', 'DE-9')),
    catalogue('A', resource('620000-A-00001', '620000-A', 'DE-9')),
  ];
  const since = new Map([['620000-A-00001', 1], ['620000-B-00001', 2], ['620100-C-00001', 3]]);
  const providedSince = (r: { code: string }) => since.get(r.code);
  const warned = (c: Catalogue) => repeatedCollection(c, published, providedSince).map((w) => 'useInstead' in w && w.useInstead?.resource);

  it('names the earliest provider, and spares the resource that provided the element before any other', () => {
    expect(warned(catalogue('A', resource('620000-A-00001', '620000-A', 'DE-9')))).toEqual([]);
    expect(warned(catalogue('B', resource('620000-B-00001', '620000-B', 'DE-9')))).toEqual(['620000-A-00001']);
    expect(warned(catalogue('C', resource('620100-C-00001', '620100-C', 'DE-9')))).toEqual(['620000-A-00001']);
    // A resource of its own newly carrying it, or another one of the same provider: not carried before, warned.
    expect(warned(catalogue('A', resource('620000-A-00002', '620000-A', 'DE-9')))).toEqual(['620000-B-00001']);
    expect(warned(catalogue('D', resource('620000-D-00001', '620000-D', 'DE-9')))).toEqual(['620000-A-00001']);
    // Without history (no times known), every item of an element another provider holds is warned, as before.
    expect(repeatedCollection(catalogue('A', resource('620000-A-00001', '620000-A', 'DE-9')), published).length).toBe(1);
  });
});
