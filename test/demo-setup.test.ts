// The demo's first run: cut short, it leaves nothing published, and the next run loads it whole.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

it('publishes nothing when the record load is cut short, and loads the demo whole on the next run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-demo-'));
  const platform = loadPlatform(DEMO_PLATFORM_FILE);
  const store = await openSqliteStore(dir);
  try {
    const interrupted: Store = Object.create(store);
    let batches = 0;
    interrupted.upsert = async (c, k, rows) => {
      if (++batches > 2) throw new Error('interrupted');
      return store.upsert(c, k, rows);
    };
    await expect(ensureDemo(interrupted, platform)).rejects.toThrow('interrupted');
    expect(await publishedCatalogues(store)).toEqual([]);
    expect(await ensureDemo(store, platform)).toBe(true);
    expect((await publishedCatalogues(store)).length).toBe(demoCatalogueFiles().length);
    expect(await store.count('r_430000_ga_00001')).toBe(10_000);
    expect(await ensureDemo(store, platform)).toBe(false);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
