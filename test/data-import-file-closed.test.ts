// A data import closes its file however it ends. The batches step through the file's reader by hand (the
// rest of a refused file is read after the store has given its lock back), so no for-await closes it for
// them: an import interrupted midway (the CLI's SIGINT or SIGTERM aborts it), or whose store failed
// midway, left the file open for the life of the process. Xinjiang records of a resource of its own.
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Resource } from '../src/model/catalogue.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { importRecords } from '../src/records/import.ts';
import { eventually } from './helpers/eventually.ts';

const resource: Resource = {
  code: '650000-MZ-00031',
  name: 'Herders\' winter relief',
  provider: '650000-MZ',
  graphql: { type: 'WinterRelief', list: 'winterReliefs', byKey: 'winterRelief' },
  key: 'reliefNo',
  share: { type: 'unconditional', methods: ['api'] },
  items: [{ name: 'reliefNo', type: 'string', required: true }, { name: 'remarks', type: 'text' }],
};

let dir: string;
let store: Store;
let file: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-import-closed-'));
  store = await openSqliteStore(join(dir, 'data'));
  file = join(dir, 'relief.jsonl');
  // Many runs of records, so that the import is still reading when it ends.
  const line = (i: number) => JSON.stringify({ reliefNo: `XJ-${i}`, remarks: 'Altay prefecture, winter pasture '.repeat(4) });
  writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => line(i)).join('\n') + '\n');
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** This process's descriptors open on `path` (Linux's /proc). */
const openOn = (path: string) =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // closed meanwhile
    }
  }).length;

it.skipIf(!existsSync('/proc/self/fd'))('closes the file when the import is interrupted midway', async () => {
  const interrupt = new AbortController();
  const onProgress = (p: { records: number }) => p.records >= 1000 && interrupt.abort(new Error('SIGTERM'));
  await expect(importRecords(store, resource, file, { signal: interrupt.signal, onProgress })).rejects.toThrow('SIGTERM');
  await eventually(async () => expect(openOn(file)).toBe(0), 5_000);
});

it.skipIf(!existsSync('/proc/self/fd'))('closes the file when the store fails midway', async () => {
  const failing: Store = {
    ...store,
    async upsertAll(_collection, _key, batches) {
      for await (const _batch of batches) throw new Error('database or disk is full');
      return { inserted: 0, updated: 0 };
    },
  };
  await expect(importRecords(failing, resource, file, { batchSize: 100 })).rejects.toThrow('disk is full');
  await eventually(async () => expect(openOn(file)).toBe(0), 5_000);
});
