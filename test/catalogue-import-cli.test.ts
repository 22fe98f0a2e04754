// `govgraph catalogue import` (SPEC §11): the operator's bootstrap. A batch with one bad document is
// refused whole, every problem listed, nothing stored; a good batch is stored and published.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { DEMO_CATALOGUES_DIR, DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-catalogue-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const govgraph = (...args: string[]) => runGovgraph(['catalogue', 'import', '--data', join(dir, 'data'), ...args]);

const counts = () =>
  withSqliteStore(join(dir, 'data'), async (store) => ({
    versions: await store.count(CATALOGUE_VERSIONS),
    audit: await store.count(AUDIT_COLLECTION),
  }));

it('refuses a batch with one bad document whole, and imports a good one', async () => {
  const legal = join(DEMO_CATALOGUES_DIR, 'legal-entities.yaml');
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, readFileSync(join(DEMO_CATALOGUES_DIR, 'market-regulation.yaml'), 'utf8').replace('provider: "430000-SCJG"', 'provider: "430000-XX"'));

  const refused = await govgraph('--publish', legal, broken);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('Nothing was imported:');
  expect(refused.stderr).toContain(`${broken}: resources[0].provider: `);
  expect(await counts()).toEqual({ versions: 0, audit: 0 });

  const ok = await govgraph('--publish', legal, join(DEMO_CATALOGUES_DIR, 'market-regulation.yaml'), join(DEMO_CATALOGUES_DIR, 'population.yaml'), join(DEMO_CATALOGUES_DIR, 'electronic-licences.yaml'));
  expect(ok.stderr).toBe(`govgraph: platform ${DEMO_PLATFORM_FILE} (the demo platform: there is no ./platform.yaml here); store ${join(dir, 'data', 'govgraph.sqlite')}\n`);
  expect(ok.stdout).toContain(`${legal}: HN-LEGAL-ENTITIES version 1 published`);
  expect(await counts()).toEqual({ versions: 4, audit: 2 }); // the operator's action is in the audit log: attempted, then done
});

// The platform file given as a catalogue: one line saying so, not the schema's missing and unknown fields.
it('says so when a platform file is given as a catalogue, and stores nothing', async () => {
  const refused = await govgraph(DEMO_PLATFORM_FILE);
  expect(refused.code).toBe(1);
  expect(refused.stderr.split('\n').slice(1)).toEqual([
    'Nothing was imported:',
    `${DEMO_PLATFORM_FILE}: this is a platform file, not a catalogue (it has departments:); the platform file goes with --platform`,
    '',
  ]);
});

it('makes no new version of a catalogue imported again unchanged, and a new one when it changed', async () => {
  const legal = join(DEMO_CATALOGUES_DIR, 'legal-entities.yaml');
  const again = await govgraph('--publish', legal);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/: HN-LEGAL-ENTITIES version 1 published \(\d+ resources?; unchanged, no new version\)\n$/);
  expect((await counts()).versions).toBe(4);
  const changed = join(dir, 'legal-changed.yaml');
  const text = readFileSync(legal, 'utf8');
  const edited = text.replace(/^(\s*name:\s*)(.+)$/m, '$1$2 (revised)');
  expect(edited).not.toBe(text);
  writeFileSync(changed, edited);
  const next = await govgraph('--publish', changed);
  expect(next.stdout).toContain(`${changed}: HN-LEGAL-ENTITIES version 2 published`);
  expect((await counts()).versions).toBe(5);
});
