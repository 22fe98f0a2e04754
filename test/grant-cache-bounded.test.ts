// The grant cache kept every department code it was asked about until the grants next changed: a
// forwarded request's department is any code its connected platform names (SPEC §12), so a platform
// naming a new code per request grew it without end (found by the soak walk, §13/§15).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GRANT_CACHE_DEPARTMENTS, GrantCache } from '../src/access/grant-cache.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const work = mkdtempSync(join(tmpdir(), 'govgraph-grant-cache-bounded-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the grant cache', () => {
  it(`keeps the grants of at most ${GRANT_CACHE_DEPARTMENTS} departments`, async () => {
    const store = await openSqliteStore(work);
    const cache = new GrantCache(store);
    try {
      const now = new Date('2026-12-05T10:00:00Z');
      const codes = Array.from({ length: GRANT_CACHE_DEPARTMENTS + 300 }, (_, i) => `450102-F${i}`);
      for (const code of codes) expect(await cache.activeFor(code, now)).toEqual([]);
      expect(cache.kept).toBe(GRANT_CACHE_DEPARTMENTS);
      // One forgotten is read again, and kept again.
      expect(await cache.activeFor(codes[0], now)).toEqual([]);
      expect(cache.kept).toBe(GRANT_CACHE_DEPARTMENTS);
    } finally {
      cache.stop();
      await store.close();
    }
  });
});
