// Big catalogues (issue 9 point 3): the bounds on a catalogue's size and on the platform's resources are
// refused as problems (CATALOGUE_INVALID), and validation within them is linear.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { readDocuments } from '../src/catalogue/read.ts';
import { MAX_CATALOGUE_RESOURCES, MAX_PLATFORM_RESOURCES, MAX_RESOURCE_ITEMS } from '../src/catalogue/limits.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { MAX_NAME, MAX_TEXT } from '../src/model/input-bounds.ts';
import { guizhouFixture } from './helpers/guizhou.ts';

const platform = loadPlatform(DEMO_PLATFORM_FILE);
const template = readDocuments('demo/catalogues/civil-affairs.yaml')[0] as Catalogue;

/** A catalogue of `n` copies of the demo's marriage registration (without links), named apart. */
function catalogue(n: number, id = 'HN-BIG', from = 0): Catalogue {
  const base = template.resources[0];
  const resources = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      ...structuredClone(base),
      code: `430000-MZ-${String(10000 + i)}`,
      name: `Registration ${i}`,
      graphql: { type: `Registration${i}`, list: `registrations${i}`, byKey: `registration${i}` },
      related: [],
      items: base.items.map(({ link: _link, ...item }) => item),
    };
  });
  return { ...template, id, resources };
}

describe('bounds', () => {
  it('the JSON Schema states the same bounds as the checks', () => {
    const schema = JSON.parse(readFileSync('schema/catalogue.schema.json', 'utf8'));
    expect(schema.properties.resources.maxItems).toBe(MAX_CATALOGUE_RESOURCES);
    expect(schema.definitions.resource.properties.items.maxItems).toBe(MAX_RESOURCE_ITEMS);
  });

  it('refuses a catalogue of too many resources and a resource of too many items', () => {
    expect(validateCatalogue(catalogue(MAX_CATALOGUE_RESOURCES + 1), platform, []).problems).toContainEqual({
      path: 'resources',
      message: `lists ${MAX_CATALOGUE_RESOURCES + 1} entries; at most ${MAX_CATALOGUE_RESOURCES} allowed`,
    });
    const wide = catalogue(1);
    const item = wide.resources[0].items.at(-1)!;
    wide.resources[0].items.push(...Array.from({ length: MAX_RESOURCE_ITEMS }, (_, i) => ({ ...item, name: `extra${i}` })));
    expect(validateCatalogue(wide, platform, []).problems).toContainEqual({
      path: 'resources[0].items',
      message: `lists ${wide.resources[0].items.length} entries; at most ${MAX_RESOURCE_ITEMS} allowed`,
    });
  });

  it('refuses a catalogue that would take the platform past its bound, counting the other catalogues', () => {
    const per = MAX_CATALOGUE_RESOURCES;
    const others = Array.from({ length: MAX_PLATFORM_RESOURCES / per }, (_, k) => catalogue(per, `HN-O${k}`, 1000 + k * per));
    expect(validateCatalogue(catalogue(1), platform, others).problems).toEqual([
      {
        path: 'resources',
        message: `the platform would hold ${MAX_PLATFORM_RESOURCES + 1} resources (${MAX_PLATFORM_RESOURCES} in the other catalogues, 1 here); at most ${MAX_PLATFORM_RESOURCES} allowed`,
      },
    ]);
    // The version it replaces does not count twice.
    expect(validateCatalogue(catalogue(per, 'HN-O0', 1000), platform, others).problems).toEqual([]);
  }, 60_000);

  it('validates in time linear in the size of the platform', () => {
    /** Validates a catalogue of `n` resources beside other catalogues of `m` resources in all. */
    const time = (n: number, m: number) => {
      const doc = catalogue(n);
      const others = Array.from({ length: Math.ceil(m / MAX_CATALOGUE_RESOURCES) }, (_, k) =>
        catalogue(Math.min(MAX_CATALOGUE_RESOURCES, m - k * MAX_CATALOGUE_RESOURCES), `HN-O${k}`, 1000 + k * MAX_CATALOGUE_RESOURCES),
      );
      // CPU time of this process, not wall time: other processes on a busy machine do not count.
      let best = Infinity;
      for (let round = 0; round < 3; round++) {
        const started = process.cpuUsage();
        expect(validateCatalogue(doc, platform, others).problems).toEqual([]);
        const used = process.cpuUsage(started);
        best = Math.min(best, used.user + used.system);
      }
      return best;
    };
    time(10, 10); // compile the JSON Schema
    const small = time(50, 200);
    const large = time(400, 1600);
    // Eight times the resources: about eight times the time; a check that scans the platform's resources
    // for each resource of the catalogue grows with the product (sixty-four times), as the name checks did
    // before they were made linear. The bound between the two leaves room for a busy machine, where the
    // garbage collector's share of a larger heap grows (measured 7-13x for 4x under load 6-9).
    expect(large / small).toBeLessThan(28);
  }, 120_000);
});

const schema = JSON.parse(readFileSync('schema/catalogue.schema.json', 'utf8')) as object;
const guizhou = loadPlatform(guizhouFixture('platform.yaml'));
const police = readDocuments(guizhouFixture('police.yaml'))[0] as Catalogue;

// Issue: the text of a catalogue had no length bounds but on a few fields. An item named with 300,000
// letters, a type name or a resource code as long, validated `ok` and went into the generated schema,
// GraphiQL and every introspection. Every string of the catalogue schema now has a maxLength: names,
// codes and identifiers MAX_NAME (128), a pattern MAX_TEXT (2,000), the text fields their own tighter
// lengths (a resource's name 50, a summary 256, conditions 500, ...).
describe('lengths of the catalogue text', () => {

  /** Every string of the schema that takes free values (no enum, no format), by its JSON Pointer. */
  function freeStrings(node: unknown, at = ''): [string, Record<string, unknown>][] {
    if (Array.isArray(node)) return node.flatMap((n, i) => freeStrings(n, `${at}/${i}`));
    if (node === null || typeof node !== 'object') return [];
    const n = node as Record<string, unknown>;
    const own: [string, Record<string, unknown>][] = n.type === 'string' && !n.enum && !n.format ? [[at, n]] : [];
    return [...own, ...Object.entries(n).flatMap(([k, v]) => freeStrings(v, `${at}/${k}`))];
  }

  it('bounds every string of the JSON Schema, names at MAX_NAME and nothing past MAX_TEXT', () => {
    const strings = freeStrings(schema);
    expect(strings.length).toBeGreaterThan(20);
    expect(strings.filter(([, s]) => typeof s.maxLength !== 'number').map(([at]) => at)).toEqual([]);
    expect(strings.filter(([, s]) => (s.maxLength as number) > MAX_TEXT).map(([at]) => at)).toEqual([]);
    const names = ['departmentCode', 'resourceCode', 'purposeCode', 'graphqlTypeName', 'graphqlFieldName'];
    expect(names.map((d) => (schema as { definitions: Record<string, { maxLength?: number }> }).definitions[d].maxLength)).toEqual(names.map(() => MAX_NAME));
  });

  it('refuses names, codes and text over their bounds as `path: has N characters; at most M`, counting characters', () => {
    const long = structuredClone(police);
    const r = long.resources[0];
    r.code = `${r.provider}-${'9'.repeat(MAX_NAME)}`;
    r.graphql.type = 'R'.repeat(300_000);
    r.items[1].name = 'x'.repeat(MAX_NAME + 1);
    r.items[1].title = '姓'.repeat(101); // 101 characters, however many bytes
    r.items[0].element = 'E'.repeat(MAX_NAME + 1);
    r.share.conditions = '条'.repeat(501);
    r.share.scope!.departments = ['5'.repeat(MAX_NAME + 1)];
    r.items[2].pattern = '.'.repeat(MAX_TEXT + 1);
    expect(validateCatalogue(long, guizhou, []).problems).toEqual([
      { path: 'resources[0].code', message: `has ${r.provider.length + 1 + MAX_NAME} characters; at most ${MAX_NAME}` },
      { path: 'resources[0].graphql.type', message: `has 300000 characters; at most ${MAX_NAME}` },
      { path: 'resources[0].share.conditions', message: 'has 501 characters; at most 500' },
      { path: 'resources[0].share.scope.departments[0]', message: `has ${MAX_NAME + 1} characters; at most ${MAX_NAME}` },
      { path: 'resources[0].items[0].element', message: `has ${MAX_NAME + 1} characters; at most ${MAX_NAME}` },
      { path: 'resources[0].items[1].name', message: `has ${MAX_NAME + 1} characters; at most ${MAX_NAME}` },
      { path: 'resources[0].items[1].title', message: 'has 101 characters; at most 100' },
      { path: 'resources[0].items[2].pattern', message: `has ${MAX_TEXT + 1} characters; at most ${MAX_TEXT}` },
    ]);
  });

  it('takes text at its bounds, a character outside the BMP counting one', () => {
    const full = structuredClone(police);
    const r = full.resources[0];
    r.name = '𠀀'.repeat(50); // 50 characters, 100 UTF-16 code units
    r.items[1].title = '姓'.repeat(100);
    r.share.conditions = '条'.repeat(500);
    expect(validateCatalogue(full, guizhou, []).problems).toEqual([]);
  });
});

// The lists of a catalogue had no bound but the resources' and the items': an enum item of a million
// values, or a million related codes or scope patterns, validated and (the values) went into the
// schema as one GraphQL enum. Every list now has a bound or is a set of a fixed vocabulary.
describe('lengths of the catalogue lists', () => {

  /** Every array of the schema whose entries are not a set of a fixed vocabulary (enum items, unique), by its JSON Pointer. */
  function openLists(node: unknown, at = ''): [string, Record<string, unknown>][] {
    if (Array.isArray(node)) return node.flatMap((n, i) => openLists(n, `${at}/${i}`));
    if (node === null || typeof node !== 'object') return [];
    const n = node as Record<string, unknown>;
    const fixed = n.uniqueItems === true && Array.isArray((n.items as { enum?: unknown } | undefined)?.enum);
    const own: [string, Record<string, unknown>][] = n.type === 'array' && !fixed ? [[at, n]] : [];
    return [...own, ...Object.entries(n).flatMap(([k, v]) => openLists(v, `${at}/${k}`))];
  }

  it('bounds every list of the JSON Schema', () => {
    const lists = openLists(schema);
    expect(lists.length).toBeGreaterThan(5);
    expect(lists.filter(([, l]) => typeof l.maxItems !== 'number').map(([at]) => at)).toEqual([]);
  });

  it('refuses enum values, related codes and scope entries over their bounds', () => {
    const long = structuredClone(police);
    const r = long.resources[0];
    r.related = Array.from({ length: 201 }, (_, i) => `${r.provider}-${String(90000 + i)}`);
    r.share.scope = { ...r.share.scope, departments: Array.from({ length: 201 }, (_, i) => `${String(520000 + i)}-*`) };
    const item = r.items.find((i) => i.type === 'string')!;
    Object.assign(item, { type: 'enum', values: Array.from({ length: 1001 }, (_, i) => `V${i}`) });
    const problems = validateCatalogue(long, guizhou, []).problems;
    expect(problems).toContainEqual({ path: 'resources[0].related', message: 'lists 201 entries; at most 200 allowed' });
    expect(problems).toContainEqual({ path: 'resources[0].share.scope.departments', message: 'lists 201 entries; at most 200 allowed' });
    expect(problems).toContainEqual({ path: `resources[0].items[${r.items.indexOf(item)}].values`, message: 'lists 1001 entries; at most 1000 allowed' });
  });
});
