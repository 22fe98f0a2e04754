// maxCost for a list without `first` selected twice under one response key, once under a condition that
// leaves it out (found by the limits' leftovers, h139). graphql-jit hands a field's resolver every field
// node of its response key, the skipped ones too; the cost of each element read past the estimate
// (src/limits/unpaged.ts) summed them all, so `resources { code } resources @include(if: $no) { … }` was
// refused for what `$no: false` leaves out. The count follows what runs: the nodes graphql-js collects,
// no fewer (a condition true, a fragment, an alias count what they hold). Xining's platform, its
// statistics bureau's catalogue made here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNPAGED_LIST_ESTIMATE } from '../src/limits/pages.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = fileURLToPath(new URL('./fixtures/xining-limits/platform.yaml', import.meta.url));
const MAX_COST = 200;
const RESOURCES = 50;
const READER = '630102-MZ';

/** Xining's statistics bureau's catalogue: RESOURCES yearbook tables of two items each. */
const yearbook = {
  id: 'XNTJ', kind: 'departmental', title: 'Xining yearbook tables', compiler: '630100-TJ',
  resources: Array.from({ length: RESOURCES }, (_, r) => ({
    code: `630100-TJ-${300 + r}`, name: `Yearbook table ${r}`, provider: '630100-TJ',
    graphql: { type: `YearbookTable${r}`, list: `yearbookTables${r}`, byKey: `yearbookTable${r}` },
    key: 'row',
    share: { type: 'unconditional', methods: ['api'], scope: { purposes: ['pasture-subsidy'] } },
    items: [{ name: 'row', title: 'Row', type: 'int', required: true }, { name: 'figure', type: 'string' }],
  })),
};

let gw: TestGateway;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-xining-cost-'));
  const file = join(dir, 'yearbook.yaml');
  writeFileSync(file, stringify(yearbook));
  gw = await startTestGateway({ platformFile: PLATFORM, catalogueFiles: [file], limits: { maxCost: MAX_COST } });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * `$no` (false unless given) and `$yes` (true unless given), declared and sent when the selections use
 * them: sent, not left to a default, so that the query runs compiled by graphql-jit (which refuses a
 * `Boolean!` left out, and graphql-js runs it instead).
 */
function ask(resources: string, given: Record<string, boolean> = {}, fragments = '') {
  const used = Object.entries({ no: false, yes: true, ...given }).filter(([name]) => `${resources} ${fragments}`.includes(`$${name}`));
  const declared = used.length ? `(${used.map(([name]) => `$${name}: Boolean!`).join(', ')})` : '';
  return gw.query(`query${declared} { catalogue(id: "XNTJ") { published { ${resources} } } } ${fragments}`, { dept: READER, variables: Object.fromEntries(used) });
}
const codes = (n: number) => Array.from({ length: n }, (_, r) => `630100-TJ-${300 + r}`);
const refusedOver = (res: Awaited<ReturnType<typeof ask>>) => {
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(res.errors![0].extensions).toMatchObject({ limit: 'maxCost', bound: MAX_COST });
  expect(res.errors![0].message).toMatch(new RegExp(`with the ${RESOURCES} entries resources holds`));
};
// What `items { name title type }` adds to an element: items, and 20 estimated items of 3 values.
const ITEMS = 1 + UNPAGED_LIST_ESTIMATE * 3;

describe('a list without first selected twice, once left out', () => {
  it('counts the selection that runs: 3 + 50 × 1 values, under maxCost', async () => {
    // Counting the skipped selection too: 3 + 20 + 30 × (1 + 2 + ITEMS) = 1,943, over it.
    for (const condition of ['@include(if: $no)', '@skip(if: $yes)', '@include(if: false)', '@skip(if: true)']) {
      const res = await ask(`resources { code } resources ${condition} { code name provider items { name title type } }`);
      expect(res.errors, condition).toBeUndefined();
      expect(res.data?.catalogue.published.resources).toEqual(codes(RESOURCES).map((code) => ({ code })));
    }
  });

  it('left out by an inline fragment or a field above it', async () => {
    const wide = 'code name provider items { name title type }';
    const inline = await ask(`resources { code } ... @include(if: $no) { resources { ${wide} } }`);
    expect(inline.errors).toBeUndefined();
    expect(inline.data?.catalogue.published.resources).toHaveLength(RESOURCES);
    const above = await gw.query(`query($no: Boolean!) { catalogue(id: "XNTJ") { published { resources { code } } published @include(if: $no) { resources { ${wide} } } } }`,
      { dept: READER, variables: { no: false } });
    expect(above.errors).toBeUndefined();
    expect(above.data?.catalogue.published.resources).toEqual(codes(RESOURCES).map((code) => ({ code })));
  });

  it('and what the condition includes, when it runs', async () => {
    // 3 + 20 × (1 + 3 + ITEMS) = 1,303 estimated: over maxCost before anything is read.
    const res = await ask('resources { code } resources @include(if: $no) { code name provider items { name title type } }', { no: true });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });
});

describe('conditions that run count every selection: no more gets through by them', () => {
  // Each is estimated 3 + 20 × 5 = 103 (under maxCost), and holds 3 + 50 × 5 = 253 (over it): refused
  // once read, as the same selections written without conditions are. Five values an element: `code` and
  // these four, one response field each (graphql merges the two `resources` into one list).
  const wide = 'name provider summary catalogue';
  it('a duplicate under a condition that includes it', async () => {
    refusedOver(await ask(`resources { code } resources @include(if: $yes) { ${wide} }`));
    refusedOver(await ask(`resources { code } resources @skip(if: $no) { ${wide} }`));
    refusedOver(await ask(`resources { code } resources @include(if: true) { ${wide} }`));
  });

  it('a duplicate in a fragment, spread or inline, under a condition that includes it', async () => {
    refusedOver(await ask(`resources { code } ...Wide`, {}, `fragment Wide on CatalogueVersion { resources @include(if: $yes) { ${wide} } }`));
    refusedOver(await ask(`resources { code } ... @include(if: $yes) { resources { ${wide} } }`));
    refusedOver(await ask(`resources { code } resources @include(if: $yes) { ...Columns }`, {}, `fragment Columns on ResourceInfo { ${wide} }`));
  });

  it('a skipped selection beside aliases that run', async () => {
    refusedOver(await ask(`resources { code } resources @include(if: $no) { code } wide: resources { ${wide} }`));
  });
});
