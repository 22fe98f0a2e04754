// Attacks through the catalogue documents themselves (issue 8, point 5): required fields passed inside
// "__proto__" (validation saw them inherited, the stored document lacked them and the catalogues query
// then failed for everyone), `share` only there (the validator crashed), and the same through YAML and
// through the workflow's document text. Each is a CATALOGUE_INVALID-style problem with its place; nothing
// is stored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DocumentInvalidError } from '../src/catalogue/problems.ts';
import { parseDocuments } from '../src/catalogue/read.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { parseCatalogueText } from '../src/workflow/catalogues.ts';
import { demoCatalogue } from './helpers/workflow.ts';

const platform = loadPlatform(DEMO_PLATFORM_FILE);
const legal = demoCatalogue('legal-entities.yaml');

/** The legal-entities catalogue as JSON text with `fields` of its first resource moved into "__proto__". */
function protoJson(fields: string[], key = '__proto__'): string {
  const r = { ...legal.resources[0] } as Record<string, unknown>;
  const moved: Record<string, unknown> = {};
  for (const f of fields) {
    moved[f] = r[f];
    delete r[f];
  }
  const text = JSON.stringify({ ...legal, resources: [r] }, null, 2);
  return text.replace('"code":', `${JSON.stringify(key)}: ${JSON.stringify(moved)},\n      "code":`);
}

const problemsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DocumentInvalidError) return err.problems;
    throw err;
  }
  return [];
};

describe('property names that JavaScript gives a meaning are refused where they stand', () => {
  it.each([
    ['required fields inside __proto__', protoJson(['share', 'key'])],
    ['share only inside __proto__', protoJson(['share'])],
    ['a constructor key', protoJson(['summary'], 'constructor')],
  ])('JSON: %s', (_what, text) => {
    const problems = problemsOf(() => parseDocuments(text, 'cat.json'));
    expect(problems).toEqual([{ path: expect.stringMatching(/^cat\.json:\d+:\d+$/), message: expect.stringMatching(/^JSON syntax error: the property name "(__proto__|constructor)" is refused/) }]);
  });

  it('YAML: names the path of the key', () => {
    const text = stringify(legal).replace('  - code:', '  - __proto__: { share: { type: unconditional } }\n    code:');
    expect(problemsOf(() => parseDocuments(text, 'cat.yaml'))).toEqual([
      { path: 'cat.yaml: resources[0].__proto__', message: expect.stringContaining('"__proto__" is refused') },
    ]);
  });

  it('the workflow (document text of submitCatalogue) refuses it as CATALOGUE_INVALID', () => {
    let code: unknown;
    try {
      parseCatalogueText(protoJson(['share']));
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).toBe('CATALOGUE_INVALID');
  });
});

describe('a YAML alias inside the node it names (a value that would contain itself) is refused at its place', () => {
  it.each([
    ['a sequence holding itself', '&a [*a]', 'cat.yaml:1:5'],
    ['a mapping holding itself', 'id: X\nresources: &r\n  - code: A\n    more: *r\n', 'cat.yaml:4:11'],
  ])('%s', (_what, text, path) => {
    expect(problemsOf(() => parseDocuments(text, 'cat.yaml'))).toEqual([
      { path, message: 'YAML alias *' + (text.startsWith('&a') ? 'a' : 'r') + ' stands inside the node it names, so the value would contain itself; write the value out instead' },
    ]);
  });

  it('an alias used beside its node, not inside it, is read', () => {
    expect(parseDocuments('a: &x [1, 2]\nb: *x\n', 'cat.yaml')).toEqual([{ a: [1, 2], b: [1, 2] }]);
  });

  it('the workflow (document text of submitCatalogue) refuses it as CATALOGUE_INVALID', () => {
    let code: unknown;
    try {
      parseCatalogueText('id: &a { x: *a }');
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).toBe('CATALOGUE_INVALID');
  });
});

describe('required fields are checked on the object as it will be stored', () => {
  it('a field only a prototype carries is missing, as it would be in the store', () => {
    const r = { ...legal.resources[0] } as Record<string, unknown>;
    const inherited = { share: r.share, key: r.key };
    delete r.share;
    delete r.key;
    const doc = { ...legal, resources: [Object.assign(Object.create(inherited) as object, r)] };
    const result = validateCatalogue(doc, platform, []);
    expect(result.catalogue).toBeUndefined();
    expect(result.problems.map((p) => p.path)).toEqual(['resources[0].key', 'resources[0].share']);
  });
});

describe('catalogue import stores nothing', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-documents-'));
    store = await openSqliteStore(join(dir, 'data'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the file whole, with the place of the key', async () => {
    const file = join(dir, 'proto.json');
    writeFileSync(file, protoJson(['share', 'key']));
    await expect(importCatalogueFiles(store, platform, [file], { publish: true })).rejects.toThrow(/proto\.json:\d+:\d+: JSON syntax error: the property name "__proto__" is refused/);
    expect(await store.count(CATALOGUE_VERSIONS)).toBe(0);
  });
});
