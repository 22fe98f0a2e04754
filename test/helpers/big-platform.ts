// A platform at the bounds of src/catalogue/limits.ts, generated from the demo's catalogues: `total`
// resources in catalogues of MAX_CATALOGUE_RESOURCES, copies of the demo's marriage registration (its
// links dropped, names and codes apart), each under the Department of Civil Affairs.
import { readDocuments } from '../../src/catalogue/read.ts';
import { MAX_CATALOGUE_RESOURCES } from '../../src/catalogue/limits.ts';
import type { Catalogue } from '../../src/model/catalogue.ts';

const template = readDocuments('demo/catalogues/civil-affairs.yaml')[0] as Catalogue;

/** Catalogues `HN-BIG0`, `HN-BIG1`, ... holding `total` resources; `items` per resource (default the template's). */
export function bigPlatformCatalogues(total: number, opts: { items?: number; prefix?: string } = {}): Catalogue[] {
  const base = template.resources[0];
  const plain = base.items.map(({ link: _link, ...item }) => item);
  const items = opts.items && opts.items > plain.length
    ? [...plain, ...Array.from({ length: opts.items - plain.length }, (_, i) => ({ name: `extra${i}`, title: `Extra item ${i}`, type: 'string' as const }))]
    : plain;
  const prefix = opts.prefix ?? 'HN-BIG';
  const out: Catalogue[] = [];
  for (let from = 0, k = 0; from < total; from += MAX_CATALOGUE_RESOURCES, k++) {
    const n = Math.min(MAX_CATALOGUE_RESOURCES, total - from);
    const resources = Array.from({ length: n }, (_, j) => {
      const i = from + j;
      return {
        ...structuredClone(base),
        code: `430000-MZ-${String(10000 + i)}`,
        name: `Registration ${i}`,
        graphql: { type: `Registration${i}`, list: `registrations${i}`, byKey: `registration${i}` },
        source: { collection: `big_${i}` },
        related: [],
        items: structuredClone(items),
      };
    });
    out.push({ ...template, id: `${prefix}${k}`, title: `Generated catalogue ${k}`, resources });
  }
  return out;
}
