// A gateway swapped schemas when the published catalogues changed without a word in its log: clients'
// requests turned GRAPHQL_VALIDATION_FAILED and the operator found nothing to tie them to (h225, a
// Yunnan platform whose tourism catalogue was republished without an item while Kunming read it). The
// swap now logs one line naming each catalogue whose version changed; the first load logs none.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { catalogueChanges } from '../src/server/schema-change-log.ts';
import { startTestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-schema-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const catalogue = (id: string, dept: string, code: string, type: string, items: string) => `id: ${id}
kind: departmental
title: ${id} catalogue
compiler: "${dept}"
resources:
  - code: "${code}"
    name: ${type} register
    provider: "${dept}"
    graphql: { type: ${type}, list: ${type.toLowerCase()}s, byKey: ${type.toLowerCase()} }
    key: licenceNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: licenceNo, title: Licence number, type: string, required: true }
${items}`;

it('logs each change of the published catalogues it serves, not the first load', async () => {
  const platform = join(dir, 'platform.yaml');
  copyFileSync(fileURLToPath(new URL('./fixtures/yunnan-tourism/platform.yaml', import.meta.url)), platform);
  const v1 = join(dir, 'v1.yaml');
  const v2 = join(dir, 'v2.yaml');
  const hotels = join(dir, 'hotels.yaml');
  writeFileSync(v1, catalogue('YN-WLT', '530000-WLT', '530000-WLT-00001', 'Guide', '      - { name: rating, title: Rating, type: int }\n'));
  writeFileSync(v2, catalogue('YN-WLT', '530000-WLT', '530000-WLT-00001', 'Guide', ''));
  writeFileSync(hotels, catalogue('KM-MZJ', '530100-MZJ', '530100-MZJ-00001', 'Shelter', ''));
  const lines: Array<Record<string, unknown>> = [];
  const t = await startTestGateway({ platformFile: platform, catalogueFiles: [v1], gateway: { logger: createLogger(lineSink((l) => lines.push(JSON.parse(l))), 'info') } });
  try {
    const schemaLines = () => lines.filter((l) => l.event === 'schema');
    await t.gateway.holder.refresh();
    expect(schemaLines()).toEqual([]); // the start's load, and a poll that finds nothing new
    const reads = await t.query('{ ynTourism { guides(first: 1) { nodes { rating } } } }', { dept: '530100-MZJ', purpose: 'tourism-licensing' });
    expect(reads.errors).toBeUndefined();

    await importCatalogueFiles(t.store, t.platform, [v2, hotels], { publish: true });
    await t.gateway.holder.refresh();
    expect(schemaLines()).toEqual([expect.objectContaining({
      level: 30,
      changed: ['KM-MZJ v1 (new)', 'YN-WLT v1 -> v2'],
      catalogues: 'KM-MZJ@1,YN-WLT@2',
      msg: 'published catalogues changed: serving KM-MZJ v1 (new), YN-WLT v1 -> v2; an operation using what a new version removed or renamed is refused from now on (GRAPHQL_VALIDATION_FAILED): govgraph catalogue list shows the versions',
    })]);
    const refused = await t.query('{ ynTourism { guides(first: 1) { nodes { rating } } } }', { dept: '530100-MZJ', purpose: 'tourism-licensing' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  } finally {
    await t.close();
  }
}, 60_000);

it('names a withdrawn catalogue too', () => {
  expect(catalogueChanges('A@1,B@3', 'A@2')).toEqual(['A v1 -> v2', 'B v3 withdrawn']);
});
