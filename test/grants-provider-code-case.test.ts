// Grants stored before grant add kept a code as published (9078f57) hold the code as it was typed, so one
// resource's old grants may spell its code two ways. Each is its resource's provider's to see, whatever
// the spelling: given its provider when the store's grants are next touched, and told apart as read while
// the store cannot be written (another process's long import). On a Jiangxi platform of the test's own.
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

const C1 = `${JX.civil}-00001`;
/** The same resource's code as published, and as an operator once typed it. */
const SPELLINGS = { asPublished: C1, typed: C1.toLowerCase().replace('mzt', 'Mzt') };

let dir: string;
let gw: TestGateway;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-grants-code-case-'));
  const files = jiangxiCatalogues(1).map((c, i) => {
    const file = join(dir, `catalogue-${i}.yaml`);
    writeFileSync(file, stringify(c));
    return file;
  });
  gw = await startTestGateway({ platformFile: writeJiangxiPlatform(dir), catalogueFiles: files, lockWaitMs: 300 });
  await gw.store.insert(GRANTS, Object.entries(SPELLINGS).map(([how, resource], i) => ({
    id: `old-${how}`, requester: JX.commerce, resource, items: '["head"]', purposes: '["household-checks"]', unmasked: '[]',
    rows: null, from: '2026-01-01T00:00:00.000Z', until: null, revokedAt: null, revokedBy: null, createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
    createdBy: 'operator', requestId: null,
  })));
});
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const QUERY = '{ grants { id provider } }';
const BOTH = [{ id: 'old-asPublished', provider: JX.civil }, { id: 'old-typed', provider: JX.civil }];

it('the provider sees both spellings while the store cannot be written, and both are given their provider after', async () => {
  const lock = await holdLock(join(gw.dataDir, SQLITE_FILE));
  try {
    const r = await gw.query(QUERY, { dept: JX.civil });
    expect(r.errors).toBeUndefined();
    expect(r.data!.grants).toEqual(BOTH);
    expect((await gw.query(QUERY, { dept: JX.police })).data!.grants).toEqual([]);
  } finally {
    await lock.release();
  }
  expect((await gw.query(QUERY, { dept: JX.civil })).data!.grants).toEqual(BOTH);
  expect((await gw.query(QUERY, { dept: JX.commerce })).data!.grants).toEqual(BOTH);
  expect((await gw.query(QUERY, { dept: JX.police })).data!.grants).toEqual([]);
  // Each row keeps it: no list reads them again as grants of an unknown provider.
  const rows = await gw.store.find(GRANTS, { sort: [{ field: 'id', direction: 'asc' }] });
  expect(rows.map((g) => [g.id, g.provider])).toEqual([['old-asPublished', JX.civil], ['old-typed', JX.civil]]);
});
