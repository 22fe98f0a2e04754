// A document beyond the bounds is refused before the work that grows with it (SPEC §4, §13): a YAML
// catalogue's resources and items are counted in its syntax tree before the document is built, a parsed
// one's before the walks and the JSON Schema; a mapping of thousands of keys (building it was quadratic)
// and thousands of aliases (resolving them was quadratic) are refused as such. On a Yunnan platform's codes.
import { Alias } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_CATALOGUE_RESOURCES, MAX_RESOURCE_ITEMS } from '../src/catalogue/limits.ts';
import { DocumentInvalidError, type Problem } from '../src/catalogue/problems.ts';
import { MAX_ALIASES, MAX_MAPPING_KEYS, parseDocuments } from '../src/catalogue/read.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';

function refusal(text: string, file: string): Problem[] {
  try {
    parseDocuments(text, file);
  } catch (err) {
    if (err instanceof DocumentInvalidError) return err.problems;
    throw err;
  }
  return [];
}

/**
 * How many aliases the yaml library resolves while `work` runs: each resolve walks the document up to its
 * alias to find the anchor, so resolving n of them is quadratic. Counted, not timed: a busy machine
 * stretches the time, not the count.
 */
function aliasResolves(work: () => void): number {
  const resolve = Alias.prototype.resolve;
  let resolves = 0;
  Alias.prototype.resolve = function (this: Alias, ...args: Parameters<Alias['resolve']>) {
    resolves++;
    return resolve.apply(this, args);
  };
  try {
    work();
  } finally {
    Alias.prototype.resolve = resolve;
  }
  return resolves;
}

const resource = (i: number, items = 2) =>
  [`  - code: "530000-LY-${10000 + i}"`, `    name: Scenic spot ${i}`, '    items:', ...Array.from({ length: items }, (_, j) => `      - { name: f${j}, type: string }`)].join('\n');
const catalogue = (resources: string[]) => ['id: YN-LY', 'compiler: "530000-LY"', 'resources:', ...resources].join('\n') + '\n';

describe('sizes refused while a YAML document is read', () => {
  it('a catalogue of more resources than the bound, block or flow, at its path', () => {
    const n = MAX_CATALOGUE_RESOURCES * 4;
    expect(refusal(catalogue(Array.from({ length: n }, (_, i) => resource(i))), 'yn.yaml')).toEqual([
      { path: 'yn.yaml: resources', message: `lists ${n} entries; at most ${MAX_CATALOGUE_RESOURCES} allowed` },
    ]);
    const flow = `id: YN-LY\nresources: [${Array.from({ length: n }, (_, i) => `{ code: "530000-LY-${i}" }`).join(', ')}]\n`;
    expect(refusal(`---\nid: YN-A\n---\n${flow}`, 'two.yaml')).toEqual([
      { path: 'two.yaml (document 2): resources', message: `lists ${n} entries; at most ${MAX_CATALOGUE_RESOURCES} allowed` },
    ]);
  });

  it("a resource of more items than the bound, at its path; a catalogue at the bounds' edge reads", () => {
    const items = MAX_RESOURCE_ITEMS + 1;
    expect(refusal(catalogue([resource(0), resource(1, items)]), 'yn.yaml')).toEqual([
      { path: 'yn.yaml: resources[1].items', message: `lists ${items} entries; at most ${MAX_RESOURCE_ITEMS} allowed` },
    ]);
    const edge = parseDocuments(catalogue([...Array.from({ length: MAX_CATALOGUE_RESOURCES - 1 }, (_, i) => resource(i)), resource(999, MAX_RESOURCE_ITEMS)]), 'yn.yaml');
    expect((edge[0] as { resources: unknown[] }).resources).toHaveLength(MAX_CATALOGUE_RESOURCES);
  });

  it('a mapping of more keys than the bound, anywhere, at its path', () => {
    const keys = (n: number, indent: string) => Array.from({ length: n }, (_, i) => `${indent}k${i}: 1`).join('\n');
    expect(refusal(`${keys(MAX_MAPPING_KEYS + 1, '')}\n`, 'keys.yaml')).toEqual([
      { path: 'keys.yaml: (the document)', message: `a mapping of ${MAX_MAPPING_KEYS + 1} keys; at most ${MAX_MAPPING_KEYS} allowed` },
    ]);
    expect(refusal(`id: YN-LY\nrevision:\n  note:\n${keys(MAX_MAPPING_KEYS * 3, '    ')}\n`, 'deep.yaml')).toEqual([
      { path: 'deep.yaml: revision.note', message: `a mapping of ${MAX_MAPPING_KEYS * 3} keys; at most ${MAX_MAPPING_KEYS} allowed` },
    ]);
  });

  it('more aliases than the bound, though each anchor is used once (each resolve walked the document)', () => {
    const n = MAX_ALIASES + 1;
    const text = `anchors: [${Array.from({ length: n }, (_, i) => `&a${i} ${i}`).join(', ')}]\nuses: [${Array.from({ length: n }, (_, i) => `*a${i}`).join(', ')}]\n`;
    let problems: Problem[] = [];
    // Refused on their count, none of them resolved (a walk of the document each).
    expect(aliasResolves(() => (problems = refusal(text, 'aliases.yaml')))).toBe(0);
    expect(problems).toEqual([
      { path: 'aliases.yaml', message: `YAML aliases: the document uses ${n}; at most ${MAX_ALIASES} allowed (write the values out, or use fewer anchors)` },
    ]);
    // Within the bound, every alias is still resolved (the count sees them), and one inside its own node still refused.
    const within = `a: [${Array.from({ length: 50 }, (_, i) => `&a${i} ${i}`).join(', ')}]\nb: [${Array.from({ length: 50 }, (_, i) => `*a${i}`).join(', ')}]\n`;
    let read: unknown[] = [];
    expect(aliasResolves(() => (read = parseDocuments(within, 'ok.yaml')))).toBeGreaterThanOrEqual(50);
    expect((read[0] as { b: number[] }).b).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(refusal('a: &a [1, *a]\n', 'self.yaml')[0].message).toContain('stands inside the node it names');
  });
});

describe('sizes counted before the checks of a parsed document', () => {
  it('a submitted catalogue of too many resources gets that problem alone, before the walks and the schema', () => {
    const platform = loadPlatform(DEMO_PLATFORM_FILE);
    const n = MAX_CATALOGUE_RESOURCES * 20;
    // The last resource carries a refused key and a wrong field: the walks would have said so.
    const resources = Array.from({ length: n }, (_, i) => ({ code: `530000-LY-${10000 + i}`, name: `Spot ${i}`, items: [] as unknown[] }));
    resources[n - 1] = JSON.parse(`{"code": "530000-LY-x", "__proto__": {}, "items": []}`);
    expect(validateCatalogue({ id: 'YN-LY', resources }, platform, []).problems).toEqual([
      { path: 'resources', message: `lists ${n} entries; at most ${MAX_CATALOGUE_RESOURCES} allowed` },
    ]);
  });
});
