// Records a release before places stored without one (`_o`, the place of a record in a masked key's list:
// src/records/import/placing.ts) were placed only by the next import of their resource, one store write a
// record: a resource never imported again listed them first, in the order they were stored in (a file
// sorted by ID number: by birth date), to a reader who sees the key masked. A gateway now places every
// resource's when it starts (src/server/record-places.ts), one write a page, /readyz saying 503
// `record-places` meanwhile (/healthz 200), and says how many in its log. On an Urumqi platform of the test's own (test/fixtures/urumqi-placing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../src/server/app.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { freePort } from './helpers/guizhou.ts';
import { lineSink } from './helpers/log-sink.ts';
import { waitReady } from './helpers/served.ts';
import { aroundMethod } from './helpers/store-around.ts';
import { StoreUnavailableError, type IndexSpec } from '../src/store/port.ts';
import { RECORD_ORDER_FIELD } from '../src/model/catalogue.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { join } from 'node:path';
import { eventually } from './helpers/eventually.ts';
import { holdLock } from './helpers/lock-holder.ts';
import {
  keyOrderedShare, placesByTag, RESIDENTS, storeUnplaced, unplacedCount, URUMQI_CATALOGUE, URUMQI_PLATFORM, URUMQI_READER, urumqiIdNumber, VEHICLES,
} from './helpers/urumqi-unplaced.ts';

const logged: Record<string, unknown>[] = [];
const logger = () => createLogger(lineSink((l) => logged.push(JSON.parse(l) as Record<string, unknown>)), 'info');
const placingLines = () => logged.filter((l) => l.event === 'record-places');
let gw: TestGateway;
const isPlaceIndex = (spec: unknown): boolean => (spec as IndexSpec).fields[0] === RECORD_ORDER_FIELD;

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: URUMQI_PLATFORM,
    catalogueFiles: [URUMQI_CATALOGUE],
    seed: (store) => storeUnplaced(store, 200, 40),
    gateway: { logger: logger() },
  });
  await waitReady(gw.gateway.url, 30_000);
}, 60_000);
afterAll(() => gw?.close());

describe('a gateway starting on records stored without a place', () => {
  it("places every resource's before it says ready, and says how many in one log line", async () => {
    expect(await unplacedCount(gw.store, RESIDENTS.collection)).toBe(0);
    expect(await unplacedCount(gw.store, VEHICLES.collection)).toBe(0);
    expect(placingLines()).toEqual([
      expect.objectContaining({
        level: 30, event: 'record-places', placed: 240, resources: { [RESIDENTS.code]: 200, [VEHICLES.code]: 40 },
        msg: "records stored without a place in a masked key's list (by a release before places): 240 placed, in 2 resources; ready",
      }),
    ]);
    expect(new Set((await placesByTag(gw.store, RESIDENTS.collection)).values()).size).toBe(200);
  });

  it('lists them to a reader who sees the key masked in no key order, though the resource was never imported again', async () => {
    const res = await gw.query('{ wlmqPolice { residents(first: 500) { nodes { idNumber tag } } } }', URUMQI_READER);
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.wlmqPolice.residents.nodes as { idNumber: string; tag: string }[];
    expect(nodes).toHaveLength(200);
    for (const n of nodes) expect(n.idNumber).toMatch(/^650102\*{8}\d{3}[\dX]$/);
    // In the order stored, every neighbour is in key order (1); drawn at random about half.
    const share = keyOrderedShare(nodes.map((n) => n.tag));
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.75);
  });

  it('finds nothing to place at the next start: says nothing, and every record keeps its place', async () => {
    const before = await placesByTag(gw.store, RESIDENTS.collection);
    logged.splice(0);
    const again = await startGateway({ platform: gw.platform, store: gw.store, port: 0, pollMs: 0, logger: logger() });
    try {
      expect((await fetch(`${again.url}/readyz`)).status).toBe(200); // nothing to place: ready at once
      expect(placingLines()).toEqual([]);
      expect(await placesByTag(gw.store, RESIDENTS.collection)).toEqual(before);
    } finally {
      await again.close();
    }
  });

  it('starts and serves when the store cannot place them now, saying which resources are left for the next start', async () => {
    await gw.store.insert(RESIDENTS.collection, [{ idNumber: urumqiIdNumber(5000), tag: 'r5000' }]);
    logged.splice(0);
    const locked = aroundMethod(gw.store, 'fillNulls', async ([collection]) => {
      throw new StoreUnavailableError(`fillNulls on ${String(collection)}: the store is locked by another process`);
    });
    const again = await startGateway({ platform: gw.platform, store: locked, port: 0, pollMs: 0, logger: logger() });
    try {
      await waitReady(again.url, 30_000); // ready all the same
      expect(placingLines()).toEqual([
        expect.objectContaining({
          level: 40,
          // The vehicles were all placed: only the resource with a record to place tried.
          unfinished: { [RESIDENTS.code]: 'fillNulls on r_650100_gaj_00001: the store is locked by another process' },
        }),
      ]);
      expect(await unplacedCount(gw.store, RESIDENTS.collection)).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('places records stored meanwhile by an older release (a rolling upgrade) at the next start, and only those, not ready until then', async () => {
    const before = await placesByTag(gw.store, VEHICLES.collection);
    const catalogues = await publishedCatalogues(gw.store);
    expect(catalogues.flatMap((c) => c.resources.map((r) => r.code))).toEqual([RESIDENTS.code, VEHICLES.code]);
    await gw.store.insert(VEHICLES.collection, [{ ownerPhone: '13990000900', tag: 'v900' }, { ownerPhone: '13990000901', tag: 'v901' }]);
    logged.splice(0);
    // Each resource's placing held until the test lets it go: the gateway meanwhile.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = aroundMethod(gw.store, 'fillNulls', async (_args, call) => (await held, call()));
    const again = await startGateway({ platform: gw.platform, store: holding, port: 0, pollMs: 0, logger: logger() });
    try {
      const readyz = await fetch(`${again.url}/readyz`);
      expect([readyz.status, await readyz.json()]).toEqual([503, { status: 'record-places' }]);
      expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
      expect(placingLines()).toEqual([]);
      release();
      await waitReady(again.url, 30_000);
      // The resident the start before could not place too.
      expect(placingLines()).toEqual([expect.objectContaining({ placed: 3, resources: { [RESIDENTS.code]: 1, [VEHICLES.code]: 2 } })]);
      const after = await placesByTag(gw.store, VEHICLES.collection);
      for (const [tag, place] of before) expect(after.get(tag)).toBe(place);
      expect(after.get('v900')).toEqual(expect.any(Number));
    } finally {
      await again.close();
    }
  });
  it('answers /healthz while it makes the index on the place a release before places lacks, saying record-places until placed', async () => {
    await gw.store.insert(RESIDENTS.collection, [{ idNumber: urumqiIdNumber(6000), tag: 'r6000' }]);
    logged.splice(0);
    // The store as a release before places left it: no index on the place (none listed), its making (over a
    // million records, or waiting for another process's lock) held by the test.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const unlisted = aroundMethod(gw.store, 'listIndexes', async (_args, call) => ((await call()) as IndexSpec[]).filter((i) => !isPlaceIndex(i)));
    const older = aroundMethod(unlisted, 'ensureIndex', async ([, spec], call) => (isPlaceIndex(spec) && (await held), call()));
    // Its address is asked before startGateway settles (which gives the port it chose): a port free now
    // (freePort), not a fixed one (6960) another run on the machine may hold.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const starting = startGateway({ platform: gw.platform, store: older, port, pollMs: 0, logger: logger() });
    try {
      // Before: the start made the index before it said it had started, and /healthz said 503 `starting` meanwhile.
      // Asked until 200: the first answer may come while the start is still under way (503 `starting`).
      await eventually(async () => expect((await fetch(`${url}/healthz`)).status).toBe(200), 30_000);
      const readyz = await fetch(`${url}/readyz`);
      expect([readyz.status, await readyz.json()]).toEqual([503, { status: 'record-places' }]);
      release();
      await waitReady(url, 30_000);
      expect(placingLines()).toEqual([expect.objectContaining({ placed: 1, resources: { [RESIDENTS.code]: 1 } })]);
      expect(await unplacedCount(gw.store, RESIDENTS.collection)).toBe(0);
    } finally {
      release();
      await (await starting).close();
    }
  });

  it("leaves every resource for the next start once the store's lock held by another process stopped one, and says ready", async () => {
    await gw.store.insert(RESIDENTS.collection, [{ idNumber: urumqiIdNumber(7000), tag: 'r7000' }]);
    await gw.store.insert(VEHICLES.collection, [{ ownerPhone: '13990000950', tag: 'v950' }]);
    logged.splice(0);
    const tried: unknown[] = [];
    const counted = aroundMethod(gw.store, 'fillNulls', async ([collection], call) => (tried.push(collection), call()));
    const lock = await holdLock(join(gw.dataDir, SQLITE_FILE));
    try {
      const again = await startGateway({ platform: gw.platform, store: counted, port: 0, pollMs: 0, logger: logger() });
      try {
        await waitReady(again.url, 60_000);
        // Before: each resource waited for the lock as long as the store waits (5 s by default), one after another.
        expect(tried).toEqual([RESIDENTS.collection]);
        const [line] = placingLines();
        expect(line).toEqual(expect.objectContaining({ level: 40 }));
        expect(Object.keys(line.unfinished as object)).toEqual([RESIDENTS.code, VEHICLES.code]);
      } finally {
        await again.close();
      }
    } finally {
      await lock.release();
    }
    expect(await unplacedCount(gw.store, VEHICLES.collection)).toBe(1);
  }, 60_000);
});
