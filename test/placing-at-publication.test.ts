// Records stored without a place in a masked key's list (`_o`) in the collection of a resource published
// while a gateway runs were placed only at the gateway's next start, or by an import of the resource: until
// then a reader who sees the key masked got them first, in the order stored (a file sorted by ID number: by
// birth date). A gateway now places the records of the resources new to it when it installs a publication
// (src/server/record-places.ts RecordPlacing.published; app.ts): not awaited, after the start's placing,
// never a collection twice, the start's log line. On Guilin's platform (test/fixtures/guilin-placing): the
// police's residents published first, the housing bureau's property owners published while the gateway runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { platformSecret } from '../src/identity/secret.ts';
import { signToken } from '../src/identity/token.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestGateway } from './helpers/gateway.ts';
import {
  GUILIN_HOUSING, GUILIN_PLATFORM, GUILIN_POLICE, GUILIN_READER, guilinIdNumber, OWNERS, OWNERS_LIST, ownersInPlaceOrder, storeUnplacedOwners,
} from './helpers/guilin-placing.ts';
import { lineSink } from './helpers/log-sink.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';
import { aroundMethod } from './helpers/store-around.ts';

const OWNERS_STORED = 80;
const MASKED_OWNER = /^450305\*{8}\d{3}[\dX]$/;
const RESIDENTS_COLLECTION = 'r_450300_gaj_00001';

const dirs: string[] = [];
const running: ServedProcess[] = [];
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) (p.child.kill('SIGKILL'), await p.exited);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Checks that `nodes` are the owners, masked, in the order of their places in the store. */
function expectInPlaceOrder(nodes: { ownerId: string; tag: string }[], inPlaceOrder: string[] | null): void {
  expect(inPlaceOrder).not.toBeNull(); // every owner placed
  expect(nodes.map((n) => n.tag)).toEqual(inPlaceOrder);
  for (const n of nodes) expect(n.ownerId).toMatch(MASKED_OWNER);
}

describe('records stored without a place in the collection of a resource published while a gateway runs', () => {
  it('are placed by the running `govgraph serve` once it serves the publication (`catalogue import --publish`), and listed masked in place order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-placing-publication-'));
    dirs.push(dir);
    const data = join(dir, 'data');
    const secret = await withSqliteStore(data, async (store) => {
      await importCatalogueFiles(store, loadPlatform(GUILIN_PLATFORM), [GUILIN_POLICE], { publish: true });
      return platformSecret(store);
    });
    const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: GUILIN_PLATFORM, GOVGRAPH_LOG_LEVEL: 'info' });
    const served = await spawnServe([], env); // a port of its own choosing: none another test run may hold
    running.push(served);
    const url = `http://127.0.0.1:${served.port}`;
    await waitReady(url, 60_000);
    // As an older release stored them: straight into the collection, in key order, without places.
    await withSqliteStore(data, (store) => storeUnplacedOwners(store, OWNERS_STORED));
    const published = await runGovgraph(['catalogue', 'import', GUILIN_HOUSING, '--publish'], { env });
    expect(published.code, published.stderr).toBe(0);

    const token = await signToken(secret, { dept: GUILIN_READER.dept, user: 'clerk', roles: [], ttl: '1h' });
    // The gateway serves the publication within its poll (2 s), then places the owners: asked until both.
    // Before: the list answered them in the order stored (key order) until the gateway's next start.
    await eventually(async () => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-purpose': GUILIN_READER.purpose, 'content-type': 'application/json' },
        body: JSON.stringify({ query: OWNERS_LIST }),
      });
      const body = (await res.json()) as { data?: { glHousing: { owners: { nodes: { ownerId: string; tag: string }[] } } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      const nodes = body.data!.glHousing.owners.nodes;
      expect(nodes).toHaveLength(OWNERS_STORED);
      expectInPlaceOrder(nodes, await withSqliteStore(data, ownersInPlaceOrder));
    }, 60_000);
    const lines = served.output().split('\n').filter((l) => l.includes('"event":"record-places"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30, event: 'record-places', placed: OWNERS_STORED, resources: { [OWNERS.code]: OWNERS_STORED },
        msg: `records stored without a place in a masked key's list (by a release before places): ${OWNERS_STORED} placed, in 1 resource; ready`,
      }),
    ]);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  }, 120_000);

  it("waits for the start's placing, never places a collection twice, and keeps the gateway ready while it places", async () => {
    const logged: Record<string, unknown>[] = [];
    const tried: string[] = [];
    // Each collection's placing held until the test lets it go (the start's: a million records, say).
    const holds = new Map<string, { held: Promise<void>; release: () => void }>();
    const holdOf = (collection: string) => {
      if (!holds.has(collection)) {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        holds.set(collection, { held, release });
      }
      return holds.get(collection)!;
    };
    const gw = await startTestGateway({
      platformFile: GUILIN_PLATFORM,
      catalogueFiles: [GUILIN_POLICE],
      seed: async (store) => {
        await store.insert(RESIDENTS_COLLECTION, [0, 1, 2].map((n) => ({ idNumber: guilinIdNumber(1000 + n), tag: `r${n}` })));
        await storeUnplacedOwners(store, OWNERS_STORED);
      },
      wrapStore: (store) => aroundMethod(store, 'fillNulls', async ([collection], call) => (tried.push(String(collection)), await holdOf(String(collection)).held, call())),
      gateway: { logger: createLogger(lineSink((l) => logged.push(JSON.parse(l) as Record<string, unknown>)), 'info') },
    });
    try {
      const readyz = await fetch(`${gw.gateway.url}/readyz`);
      expect([readyz.status, await readyz.json()]).toEqual([503, { status: 'record-places' }]);
      await importCatalogueFiles(gw.store, gw.platform, [GUILIN_HOUSING], { publish: true });
      expect(await gw.gateway.holder.refresh()).toBe(true);
      // The residents' placing under way: the owners' waits for it (one writer of places at a time). A
      // check of absence: a loaded machine can only make it weaker, never fail it wrongly.
      await new Promise((r) => setTimeout(r, 200));
      expect(tried).toEqual([RESIDENTS_COLLECTION]);
      holdOf(RESIDENTS_COLLECTION).release();
      // The owners' placing begun and held: the gateway ready all the same (the publication's never says 503).
      await eventually(async () => expect(tried).toEqual([RESIDENTS_COLLECTION, OWNERS.collection]));
      await waitReady(gw.gateway.url, 30_000);
      expect(await ownersInPlaceOrder(gw.store)).toBeNull();
      holdOf(OWNERS.collection).release();
      await eventually(async () => expect(await ownersInPlaceOrder(gw.store)).not.toBeNull());
      // The residents once (the start's), though the publication's catalogues name them too.
      expect(tried).toEqual([RESIDENTS_COLLECTION, OWNERS.collection]);
      await eventually(async () => expect(logged.filter((l) => l.event === 'record-places').map((l) => l.resources)).toEqual([
        { '450300-GAJ-00001': 3 }, { [OWNERS.code]: OWNERS_STORED },
      ]));
      const res = await gw.query(OWNERS_LIST, { dept: GUILIN_READER.dept, purpose: GUILIN_READER.purpose });
      expect(res.errors).toBeUndefined();
      expectInPlaceOrder(res.data!.glHousing.owners.nodes, await ownersInPlaceOrder(gw.store));
    } finally {
      for (const { release } of holds.values()) release();
      await gw.close();
    }
  }, 60_000);

  // The drain stops the placing and the store is closed under it (serve closes the store after the drain):
  // the read or write it was in fails, said nowhere (the next start or import places the rest), and no
  // promise is left rejected. Held in the reads (listIndexes) and in the placing's write (fillNulls).
  it.each(['listIndexes', 'fillNulls'] as const)('is given up quietly when the gateway drains and the store closes during its %s', async (method) => {
    const logged: Record<string, unknown>[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached = false;
    const gw = await startTestGateway({
      platformFile: GUILIN_PLATFORM,
      catalogueFiles: [GUILIN_POLICE],
      seed: (store) => storeUnplacedOwners(store, OWNERS_STORED),
      wrapStore: (store) => aroundMethod(store, method, async ([collection], call) => {
        if (collection === OWNERS.collection) (reached = true, await held);
        return call();
      }),
      gateway: { logger: createLogger(lineSink((l) => logged.push(JSON.parse(l) as Record<string, unknown>)), 'info') },
    });
    try {
      await importCatalogueFiles(gw.store, gw.platform, [GUILIN_HOUSING], { publish: true });
      expect(await gw.gateway.holder.refresh()).toBe(true);
      await eventually(async () => expect(reached).toBe(true));
    } finally {
      await gw.close(); // drains, then closes the store
      release();
    }
    // The held call now fails on the closed store; a turn of the timers for its rejection to be handled or not.
    await new Promise((r) => setTimeout(r, 300));
    expect(logged.filter((l) => l.event === 'record-places' || (l.level as number) >= 40)).toEqual([]);
  }, 60_000);
});
