// The departments a breaking change concerns (SPEC §14: "the departments whose audited reads of the last
// 90 days used it"), on a platform of its own (test/fixtures/quality). A department that filters or
// orders by an item without selecting it uses it: its query breaks when the item goes (the filter's and
// the order's fields are the item's) or is shared more tightly (filtering and ordering need read access,
// SPEC §6). One that only counts a resource's records uses the resource: removing it breaks the count.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')] });
}, 30_000);
afterAll(() => gw?.close());

const SUBMIT = `mutation($doc: String!) { submitCatalogue(document: $doc) { warnings { kind resource item change usedBy } } }`;

interface Warning { kind: string; resource: string; item: string | null; change: string; usedBy: string[] }

describe('a version that drops what departments filter, order or count by', () => {
  it('names those departments among the users, beside the ones that selected it', async () => {
    const reads: [string, string][] = [
      ['370000-MZT', `{ police { residents(filter: { district: { eq: "Lixia" } }) { nodes { idNo } } } }`], // filters by district
      ['370000-WJW', `{ police { residents(orderBy: [{ field: district, direction: ASC }]) { nodes { idNo } } } }`], // orders by it
      ['370000-DSJ', `{ police { residents { nodes { district } } vehicles { totalCount } } }`], // selects it; counts vehicles
    ];
    for (const [dept, query] of reads) {
      const r = await gw.query(query, { dept, purpose: 'benefit-check' });
      expect(r.errors, dept).toBeUndefined();
    }
    const next = parse(readFileSync(fixture('police.yaml'), 'utf8')) as Catalogue;
    next.resources = next.resources.filter((r) => r.code !== '370000-GAT-02');
    next.resources[0].items = next.resources[0].items.filter((i) => i.name !== 'district');
    const sub = await gw.query(SUBMIT, { dept: '370000-GAT', roles: ['compiler'], variables: { doc: JSON.stringify(next) } });
    expect(sub.errors).toBeUndefined();
    const breaking = (sub.data!.submitCatalogue.warnings as Warning[]).filter((w) => w.kind === 'BREAKING_CHANGE');
    expect(breaking.map((w) => [w.resource, w.item, w.change, w.usedBy])).toEqual([
      ['370000-GAT-01', 'district', 'REMOVED', ['370000-DSJ', '370000-MZT', '370000-WJW']],
      ['370000-GAT-02', null, 'REMOVED', ['370000-DSJ']],
    ]);
  });
});
