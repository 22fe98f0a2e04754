// The grants list while another process holds the embedded store's write lock (a long `data import`): a
// department's first list of a process makes the grants' indexes and gives old grants their provider, which
// needs the lock; it is left for a later list, and this one reads the grants as they are, answering the same.
// The sharing requests, objections and demands lists likewise. On a Jiangxi platform of the test's own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { JX, jiangxiCatalogues, writeJiangxiPlatform } from './helpers/jiangxi.ts';
import { holdLock } from './helpers/lock-holder.ts';

let dir: string;
let gw: TestGateway;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-grants-locked-'));
  const files = jiangxiCatalogues(1).map((c, i) => {
    const file = join(dir, `catalogue-${i}.yaml`);
    writeFileSync(file, stringify(c));
    return file;
  });
  gw = await startTestGateway({ platformFile: writeJiangxiPlatform(dir), catalogueFiles: files, lockWaitMs: 300 });
  // Grants stored before grants kept their provider (no index of providers yet either).
  await gw.store.insert(GRANTS, [JX.city, JX.commerce].map((requester) => ({
    id: `old-${requester}`, requester, resource: `${JX.police}-00001`, items: '["head"]', purposes: '["household-checks"]', unmasked: '[]',
    rows: null, from: '2026-01-01T00:00:00.000Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'operator', requestId: null,
  })));
});
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('answers from the grants as they are, and gives them their provider once the store can be written', async () => {
  const QUERY = '{ grants { id provider } }';
  const lock = await holdLock(join(gw.dataDir, SQLITE_FILE));
  try {
    const r = await gw.query(QUERY, { dept: JX.police });
    expect(r.errors).toBeUndefined();
    expect(r.data!.grants).toEqual([{ id: `old-${JX.commerce}`, provider: JX.police }, { id: `old-${JX.city}`, provider: JX.police }]);
    expect((await gw.query(QUERY, { dept: JX.city })).data!.grants).toEqual([{ id: `old-${JX.city}`, provider: JX.police }]);
    expect((await gw.query(QUERY, { dept: JX.civil })).data!.grants).toEqual([]);
  } finally {
    await lock.release();
  }
  expect((await gw.query(QUERY, { dept: JX.civil })).data!.grants).toEqual([]);
  expect((await gw.store.find(GRANTS, {})).map((g) => g.provider)).toEqual([JX.police, JX.police]);
});

it("the other workflow lists read their entries too while the lock is held, their indexes left for later", async () => {
  const lock = await holdLock(join(gw.dataDir, SQLITE_FILE));
  try {
    for (const dept of [JX.police, JX.city]) {
      const r = await gw.query('{ sharingRequests { id } objections { id } demands { id } }', { dept });
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ sharingRequests: [], objections: [], demands: [] });
    }
  } finally {
    await lock.release();
  }
});
