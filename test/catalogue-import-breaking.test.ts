// `catalogue import` of a version that breaks what the version in effect offered: through the lifecycle it
// carries BREAKING_CHANGE warnings for compiler and auditor, but the operator's import, which bypasses
// that review, said only `YN-WLT version 2 published` while a client reading the removed item began to get
// GRAPHQL_VALIDATION_FAILED (found by h225 on a Yunnan platform). It now prints the warnings, naming the
// departments whose reads used what goes, before publishing (stored only) and when it publishes.
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway } from './helpers/gateway.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-import-breaking-'));
const platform = join(dir, 'platform.yaml');
let data = '';
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (data) rmSync(data, { recursive: true, force: true });
});

const guides = (items: string) => `id: YN-WLT
kind: departmental
title: Yunnan Culture and Tourism resource catalogue
compiler: "530000-WLT"
resources:
  - code: "530000-WLT-00001"
    name: Licensed tour guides
    provider: "530000-WLT"
    graphql: { type: YnGuide, list: guides, byKey: guide }
    key: licenceNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: licenceNo, title: Licence number, type: string, required: true }
      - { name: guideName, title: Name, type: string }
${items}`;

beforeAll(async () => {
  copyFileSync(fileURLToPath(new URL('./fixtures/yunnan-tourism/platform.yaml', import.meta.url)), platform);
  writeFileSync(join(dir, 'v1.yaml'), guides('      - { name: rating, title: Rating, type: int }\n      - { name: language, title: Language, type: string }\n'));
  writeFileSync(join(dir, 'v2.yaml'), guides('      - { name: language, title: Language, type: string }\n'));
  // Kunming reads the rating (an audited read) through a gateway on the store, which then stops.
  const t = await startTestGateway({ platformFile: platform, catalogueFiles: [join(dir, 'v1.yaml')] });
  data = t.dataDir;
  const read = await t.query('{ ynTourism { guides(first: 1) { nodes { licenceNo rating } } } }', { dept: '530100-MZJ', purpose: 'tourism-licensing' });
  expect(read.errors).toBeUndefined();
  await t.gateway.close();
  await t.store.close();
}, 60_000);

it('catalogue import says what a new version breaks and who read it, stored and then published', async () => {
  const env = cliEnv({ GOVGRAPH_PLATFORM: platform, GOVGRAPH_DATA_DIR: data });
  const warning = '  warning BREAKING_CHANGE resources[0].items: Item rating of 530000-WLT-00001 is removed; read in the last 90 days by 530100-MZJ';
  const stored = await runGovgraph(['catalogue', 'import', join(dir, 'v2.yaml')], { env, timeout: 30_000 });
  expect(stored.code, stored.stderr).toBe(0);
  expect(stored.stdout.split('\n')).toEqual([
    `${join(dir, 'v2.yaml')}: YN-WLT version 2 approved (1 resource)`,
    '  would break, once published, what the version in effect offers: tell the departments named before you publish it',
    warning,
    '',
  ]);
  const published = await runGovgraph(['catalogue', 'import', join(dir, 'v2.yaml'), '--publish'], { env, timeout: 30_000 });
  expect(published.code, published.stderr).toBe(0);
  expect(published.stdout).toContain('YN-WLT version 2 published (1 resource; unchanged, no new version)');
  expect(published.stdout).toContain("breaks what the version in effect before offered: a client's operation reading what goes is refused from now on (GRAPHQL_VALIDATION_FAILED)");
  expect(published.stdout).toContain(warning);
  // The same file again: nothing changes, nothing is said.
  const again = await runGovgraph(['catalogue', 'import', join(dir, 'v2.yaml'), '--publish'], { env, timeout: 30_000 });
  expect(again.stdout).toBe(`${join(dir, 'v2.yaml')}: YN-WLT version 2 published (1 resource; unchanged, no new version)\n`);
}, 90_000);
