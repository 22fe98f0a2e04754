// SPEC §1–§4 swept sentence by sentence on a platform of its own (Hohhot, test/fixtures/hohhot-sweep): what
// the platform file and catalogue documents are refused for, each case at its path with its message, and
// the same through `govgraph catalogue validate` as an operator runs it.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { Problem } from '../src/catalogue/problems.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { validateCatalogues } from '../src/catalogue/validate.ts';

const folder = fileURLToPath(new URL('fixtures/hohhot-sweep/', import.meta.url));
const PLATFORM_FILE = join(folder, 'platform.yaml');
const platform = loadPlatform(PLATFORM_FILE);
/** The herding bureau's catalogue (a conditional resource linking to the market bureau's dairies). */
const herding = readDocument(join(folder, 'herding.yaml'));
const market = readDocument(join(folder, 'market.yaml'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

/** The herding catalogue changed by `mutate`, validated beside the market bureau's: its problems. */
function catalogueProblems(mutate: (doc: Doc) => void): Problem[] {
  const doc = structuredClone(herding) as Doc;
  mutate(doc);
  const [, result] = validateCatalogues([market, doc], platform, []);
  return result!.problems;
}

const herder = (d: Doc) => d.resources[0];

describe('SPEC §4 "every part optional; absent = no restriction of that kind": an empty part is refused, not read as "none"', () => {
  const closes = (at: string, part: string, what: string, whose: string): Problem => ({
    path: `${at}.scope.${part}`,
    message: `lists no ${what}, so no department but the provider could read ${whose}; leave ${part} out for no restriction of ${part}, or list the ones allowed (to share with no department, set share type none with its basis)`,
  });
  const cases: { name: string; mutate: (d: Doc) => void; problems: Problem[] }[] = [
    { name: "the resource's purposes: []", mutate: (d) => (herder(d).share.scope.purposes = []), problems: [closes('resources[0].share', 'purposes', 'purpose', 'the resource')] },
    { name: "the resource's departments: []", mutate: (d) => (herder(d).share.scope.departments = []), problems: [closes('resources[0].share', 'departments', 'department pattern', 'the resource')] },
    { name: "the resource's levels: []", mutate: (d) => (herder(d).share.scope.levels = []), problems: [closes('resources[0].share', 'levels', 'level', 'the resource')] },
    { name: "an item's purposes: []", mutate: (d) => (herder(d).items[2].share = { scope: { purposes: [] } }), problems: [closes('resources[0].items[2].share', 'purposes', 'purpose', 'the item')] },
    { name: "an item's levels: []", mutate: (d) => (herder(d).items[3].share = { scope: { levels: [] } }), problems: [closes('resources[0].items[3].share', 'levels', 'level', 'the item')] },
    { name: 'the parts left out (no restriction)', mutate: (d) => delete herder(d).share.scope, problems: [] },
    { name: 'the share with no department written as type none', mutate: (d) => (herder(d).share = { type: 'none', basis: '草原法', methods: ['api'] }), problems: [] },
  ];
  it.each(cases)('$name', ({ mutate, problems }) => {
    expect(catalogueProblems(mutate)).toEqual(problems);
  });
});
