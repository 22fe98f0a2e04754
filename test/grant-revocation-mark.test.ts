// A gateway keeps each department's grants (src/access/grant-cache.ts) and must still refuse a grant
// revoked by another process at once (SPEC §9). It used to count, per request, the department's grants
// still unrevoked; a revocation now writes the revocation mark in its own transaction, and a request that
// would use grants reads that one row. Two handles on one data folder stand for two processes (a gateway
// and `grant revoke`); codes of a Guangxi platform of the test's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GrantCache } from '../src/access/grant-cache.ts';
import { storeGrant } from '../src/access/grants/adding.ts';
import { revokeGrant } from '../src/access/grants/revoking.ts';
import { GRANT_REVOCATIONS, GRANTS } from '../src/access/grants/rows.ts';
import type { Grant } from '../src/access/grant-model.ts';
import { eq, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const NANNING = '450100-MZJ';
const LIUZHOU = '450200-MZJ';
const GUILIN = '450300-MZJ';
const now = new Date('2026-12-06T10:00:00Z');
const grant = (id: string, requester = NANNING): Grant => ({
  id, requester, resource: '450000-GAT-00003', items: ['householdNo'], purposes: ['relief-review'], unmasked: [], rows: null,
  from: '2026-12-01T00:00:00Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2026-12-01T00:00:00Z', createdBy: 'op',
  requestId: null, provider: '450000-GAT',
});

let dir: string;
let revoker: Store; // another process: `grant revoke`, or another gateway's revokeGrant
let served: Store; // the gateway's
const asked: string[] = [];
let cache: GrantCache;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-revocation-mark-'));
  revoker = await openSqliteStore(dir);
  served = await openSqliteStore(dir);
  // The gateway's store, noting what each request asks of it.
  const noted = new Proxy(served, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || !['find', 'count', 'findByValues'].includes(String(prop))) return typeof value === 'function' ? value.bind(target) : value;
      return (collection: string, ...rest: unknown[]) => {
        asked.push(`${String(prop)} ${collection}`);
        return value.call(target, collection, ...rest);
      };
    },
  });
  cache = new GrantCache(noted);
});

afterAll(async () => {
  cache.stop();
  await served.close();
  await revoker.close();
  rmSync(dir, { recursive: true, force: true });
});

it("a grant revoked by another process is refused at the next request, each request reading one row, counting nothing", async () => {
  for (const id of ['g1', 'g2']) await storeGrant(revoker, grant(id));
  expect((await cache.activeFor(NANNING, now)).map((g) => g.id).sort()).toEqual(['g1', 'g2']);
  asked.length = 0;
  for (let i = 0; i < 5; i++) expect(await cache.activeFor(NANNING, now)).toHaveLength(2);
  expect(asked).toEqual(Array(5).fill(`find ${GRANT_REVOCATIONS}`));

  await revokeGrant(revoker, 'g1', 'lin.fang', now);
  expect((await cache.activeFor(NANNING, now)).map((g) => g.id)).toEqual(['g2']);
  await revokeGrant(revoker, 'g2', 'lin.fang', now);
  expect(await cache.activeFor(NANNING, now)).toEqual([]);
  // A department holding no grant active reads nothing per request.
  asked.length = 0;
  expect(await cache.activeFor(NANNING, now)).toEqual([]);
  expect(asked).toEqual([]);
});

it('requests at once after a revocation all see it, whichever read of the grants they joined', async () => {
  await storeGrant(revoker, grant('g3', LIUZHOU));
  await cache.poll(); // added elsewhere: counts from the next poll
  expect(await cache.activeFor(LIUZHOU, now)).toHaveLength(1);
  const revoked = revokeGrant(revoker, 'g3', 'lin.fang', now);
  const during = Array.from({ length: 10 }, () => cache.activeFor(LIUZHOU, now));
  await revoked;
  const after = await Promise.all(Array.from({ length: 10 }, () => cache.activeFor(LIUZHOU, now)));
  await Promise.all(during);
  expect(after).toEqual(Array(10).fill([]));
});

it('a revocation written without its mark (a release before it) counts from the next poll', async () => {
  await storeGrant(revoker, grant('g4', GUILIN));
  await cache.poll();
  expect(await cache.activeFor(GUILIN, now)).toHaveLength(1);
  await revoker.update(GRANTS, eq('id', 'g4'), { revokedAt: now.toISOString(), revokedBy: 'older' });
  expect(await cache.activeFor(GUILIN, now)).toHaveLength(1);
  await cache.poll();
  expect(await cache.activeFor(GUILIN, now)).toEqual([]);
});
