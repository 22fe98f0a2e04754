// Records stored without a place in a masked key's list (`_o`) are placed when a gateway starts
// (src/server/record-places.ts; /readyz says ready once done): here by real `govgraph serve` processes on one embedded store of an Urumqi
// platform (test/fixtures/urumqi-placing). Two starting at once place each record once (neither writes
// over a place the other wrote, their log lines add up to the records placed); one killed with SIGKILL in
// the middle leaves whole pages placed and the rest without a place (a store that opens, nothing half
// written), and the next start places the rest, keeping the places written before the kill.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { cliEnv, GOVGRAPH_BIN, withSqliteStore } from './helpers/cli.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';
import { RESIDENTS, placesByTag, storeUnplaced, unplacedCount, URUMQI_CATALOGUE, URUMQI_PLATFORM, VEHICLES } from './helpers/urumqi-unplaced.ts';

let dir: string;
const running: ServedProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-placing-'));
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) (p.child.kill('SIGKILL'), await p.exited);
  rmSync(dir, { recursive: true, force: true });
});

/** A data folder of the Urumqi platform whose records of both resources were stored without places. */
async function storeOfOldRelease(name: string, residents: number, vehicles: number): Promise<string> {
  const data = join(dir, name);
  await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, loadPlatform(URUMQI_PLATFORM), [URUMQI_CATALOGUE], { publish: true });
    await storeUnplaced(store, residents, vehicles);
  });
  return data;
}

// A port of its own choosing (spawnServe reads it from the address printed): a fixed one was refused when
// another run of the suite on the machine held it, and the gateway exited before it placed anything.
const serve = async (data: string) => {
  const served = await spawnServe([], cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: URUMQI_PLATFORM, GOVGRAPH_LOG_LEVEL: 'info' }));
  running.push(served);
  await waitReady(`http://127.0.0.1:${served.port}`, 120_000); // /readyz says `record-places` while it places
  return served;
};

/** The record-places lines a process logged. */
const placingLines = (p: ServedProcess): Record<string, any>[] =>
  p.output().split('\n').filter((l) => l.includes('"event":"record-places"')).map((l) => JSON.parse(l) as Record<string, any>);

async function stop(p: ServedProcess): Promise<void> {
  p.child.kill('SIGTERM');
  await p.exited;
}

describe('records stored without a place, placed by gateway processes as they start', () => {
  it('by two starting at once on one store: each record once, the two counts adding up to the records placed', async () => {
    const data = await storeOfOldRelease('two', 150_000, 300);
    const [a, b] = await Promise.all([serve(data), serve(data)]);
    const counts = [a, b].map((p) => placingLines(p).reduce((sum, l) => sum + (l.placed as number), 0));
    expect(counts[0] + counts[1]).toBe(150_300);
    for (const p of [a, b]) for (const l of placingLines(p)) expect(l.unfinished).toBeUndefined();
    await Promise.all([stop(a), stop(b)]);
    await withSqliteStore(data, async (store) => {
      expect(await unplacedCount(store, RESIDENTS.collection)).toBe(0);
      expect(await unplacedCount(store, VEHICLES.collection)).toBe(0);
      // Places drawn among 2^48: all different unless one was written twice over (each process's own).
      expect(new Set((await placesByTag(store, RESIDENTS.collection)).values()).size).toBe(150_000);
    });
  }, 180_000);

  it('by one killed with SIGKILL while placing: whole pages placed, the rest by the next start, the first places kept', async () => {
    const total = 120_000;
    const data = await storeOfOldRelease('killed', total, 0);
    const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: URUMQI_PLATFORM, GOVGRAPH_LOG_LEVEL: 'info' });
    // Not spawnServe: the test watches the store from the start, not from the address printed.
    const child = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise<unknown>((resolve) => child.once('exit', resolve));
    const placedBeforeKill = await withSqliteStore(data, async (store) => {
      // Asked every 10 ms: each page of 10,000 is one transaction of 0.1 s or more.
      const until = Date.now() + 90_000;
      for (let unplaced = total; unplaced === total; await new Promise((r) => setTimeout(r, 10))) {
        unplaced = await unplacedCount(store, RESIDENTS.collection);
        if (child.exitCode !== null) throw new Error('serve exited before it was killed');
        if (Date.now() > until) (child.kill('SIGKILL'), expect.fail('the gateway placed nothing within 90 s of its start'));
      }
      child.kill('SIGKILL');
      await exited;
      return placesByTag(store, RESIDENTS.collection);
    });
    const placed = [...placedBeforeKill.values()].filter((p) => typeof p === 'number').length;
    // Killed midway: some pages placed whole, the others not begun (the store holds no page in part).
    expect(placed).toBeGreaterThan(0);
    expect(placed).toBeLessThan(total);
    expect(placed % 10_000).toBe(0);

    const next = await serve(data);
    expect(placingLines(next)).toEqual([expect.objectContaining({ placed: total - placed, resources: { [RESIDENTS.code]: total - placed } })]);
    await stop(next);
    await withSqliteStore(data, async (store) => {
      expect(await unplacedCount(store, RESIDENTS.collection)).toBe(0);
      const after = await placesByTag(store, RESIDENTS.collection);
      for (const [tag, place] of placedBeforeKill) if (place !== null) expect(after.get(tag)).toBe(place);
    });
  }, 180_000);
});
