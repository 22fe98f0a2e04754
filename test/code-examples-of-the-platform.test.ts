// A code written in the wrong form is refused with an example (SPEC §4: every problem as path and message).
// The example was the JSON Schema's, the demo's `430000-GA-00001` and `430000-GA`, on every platform: on
// Gansu's, a resource code of 620000-RST refused "like 430000-GA-00001" named a code of another province's
// police. The example is now written from the document where it says what the code should be: a resource's
// code from its provider, a platform file's department code from the department's region.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPlatform, validatePlatform } from '../src/catalogue/platform.ts';
import { validateCatalogues } from '../src/catalogue/validate.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'gansu-views', name);
const read = (name: string) => parse(readFileSync(fixture(name), 'utf8')) as Record<string, any>;

describe('the example a refused code is given', () => {
  it("is the resource's provider's code with a number, for a resource code", () => {
    const doc = read('catalogue.yaml');
    doc.resources[0].code = 'RST-PENSIONS';
    doc.resources[1].code = 6200001; // not even a string
    const [result] = validateCatalogues([doc], loadPlatform(fixture('province.yaml')), []);
    expect(result.problems).toEqual([
      { path: 'resources[0].code', message: '"RST-PENSIONS" is not a valid resource code (department code, a dash and a number) like "620000-RST-00001"' },
      { path: 'resources[1].code', message: 'expected a string, got 6200001 (a resource code (department code, a dash and a number) like "620000-MZT-00001")' },
    ]);
  });

  it("is the department's region and letters, for a platform file's department code", () => {
    const doc = read('province.yaml');
    doc.departments[1].code = '62000-RST'; // a digit short
    doc.departments[2].code = 'MZT';
    const { problems } = validatePlatform(doc);
    expect(problems.filter((p) => p.path.endsWith('.code'))).toEqual([
      { path: 'departments[1].code', message: '"62000-RST" is not a valid department code like "620000-RST"' },
      { path: 'departments[2].code', message: '"MZT" is not a valid department code like "620000-MZT"' },
    ]);
  });

  it("stays the schema's own where the document says nothing of the code", () => {
    const doc = read('catalogue.yaml');
    doc.resources[0].provider = 'RST';
    doc.resources[0].code = 'RST-1';
    const [result] = validateCatalogues([doc], loadPlatform(fixture('province.yaml')), []);
    expect(result.problems).toContainEqual({ path: 'resources[0].code', message: '"RST-1" is not a valid resource code (department code, a dash and a number) like "430000-GA-00001"' });
  });
});
