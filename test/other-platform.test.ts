// A platform unlike the demo (test/fixtures/sichuan): another province, its own departments, purposes,
// resource codes, keys that are not strings, and names a JavaScript object already has. Each case
// states what a catalogue compiler or a department developer gets there.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import type { Catalogue } from '../src/model/catalogue.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan', name);
const platform = loadPlatform(fixture('platform.yaml'));
const vehicles = readDocument(fixture('vehicles.yaml')) as Catalogue;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function problemsOf(mutate: (doc: Doc) => void) {
  const doc = structuredClone(vehicles) as Doc;
  mutate(doc);
  return validateCatalogue(doc, platform, []).problems;
}

describe('catalogue validation on another platform', () => {
  it('accepts the fixture catalogue', () => {
    expect(problemsOf(() => {})).toEqual([]);
  });

  it('refuses, with a path and a message, item names the store or every record object already has', () => {
    // `_id` is the stores' own record id (the embedded store refused it with a stack trace at import);
    // `constructor`, `toString`... are on every JavaScript object: records and the schema's field maps are
    // objects keyed by item name, so such an item broke the record import and the gateway's start.
    const problems = problemsOf((d) => {
      d.resources[0].items.push(
        { name: '_id', type: 'string' },
        { name: 'constructor', type: 'string' },
        { name: 'toString', type: 'string' },
        { name: 'valueOf', type: 'int' },
        { name: 'owner', type: 'string', link: { resource: '510000-GA-V01', item: 'plate', field: 'hasOwnProperty' } },
      );
    });
    expect(problems).toEqual(expect.arrayContaining([
      { path: 'resources[0].items[7].name', message: '"_id" is the store\'s own identifier of a record; choose another item name' },
      { path: 'resources[0].items[8].name', message: '"constructor" is a property every JavaScript object has, and records are such objects; choose another item name' },
      { path: 'resources[0].items[9].name', message: '"toString" is a property every JavaScript object has, and records are such objects; choose another item name' },
      { path: 'resources[0].items[10].name', message: '"valueOf" is a property every JavaScript object has, and records are such objects; choose another item name' },
      { path: 'resources[0].items[11].link.field', message: '"hasOwnProperty" is a property every JavaScript object has, and records are such objects; choose another link field name' },
    ]));
    expect(problems).toHaveLength(5);
  });
});
