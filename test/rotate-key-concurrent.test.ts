// `govgraph platform rotate-key` run by several processes at once on one data folder (Guizhou's platform):
// each rotation is a compare-and-set on the stored keys, so every process that said its key is current
// had it current for a moment, and none of those keys is lost: all are in the store, one current, the
// others retired (published for the grace, verifying the tokens they signed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { storedKeys } from '../src/identity/platform-keys.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { guizhouFixture } from './helpers/guizhou.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-rotate-key-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('six rotations at once: each new key kept, exactly one current', async () => {
  const platformFile = guizhouFixture('platform.yaml');
  await withSqliteStore(data, (store) => importCatalogueFiles(store, loadPlatform(platformFile), [guizhouFixture('police.yaml')], { publish: true }));
  const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile });
  const runs = await Promise.all(Array.from({ length: 6 }, () => runGovgraph(['platform', 'rotate-key'], { cwd: dir, env })));
  expect(runs.map((r) => r.code)).toEqual(Array(6).fill(0));
  const said = runs.map((r) => /signing key (\S+) is current/.exec(r.stdout)?.[1]);
  const keys = await withSqliteStore(data, (store) => storedKeys(store));
  expect(keys.filter((k) => k.retiredAt === null)).toHaveLength(1);
  expect(new Set(said).size).toBe(6);
  for (const kid of said) expect(keys.map((k) => k.kid)).toContain(kid);
}, 60_000);
