// The recorder of the differential walks (test/helpers/jit-differential.ts) takes what a request reads,
// and only that, however long a walk runs on a loaded machine: a walk of 1000 documents under load runs
// past a minute, into the audit log's next checkpoint, and now and then across a clock hour.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../src/audit/checkpoint.ts';
import { auditKey } from '../src/audit/key.ts';
import { takeProbes } from '../src/limits/probes.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { recordingStore } from './helpers/jit-differential.ts';

const QUOTA = { maxIn: 20, perHour: 1000, perDay: 1000 };
const LIUZHOU = '450200-MZJ';
const RESIDENTS = '450000-GAT-00201';

let dir: string;
let raw: Store;
let store: Store & { calls: string[] };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-jitdiff-recorder-'));
  raw = await openSqliteStore(dir);
  store = recordingStore(raw);
  // The meter collection's index, made on its first step: not a step of the runs compared below.
  await takeProbes(store, QUOTA, '450200-ZJJ', new Map([[RESIDENTS, 1]]), new Set());
  store.calls.splice(0);
});
afterAll(async () => {
  await raw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const probes = async (values: number, dept: string, now: number) => {
  await takeProbes(store, QUOTA, dept, new Map([[RESIDENTS, values]]), new Set(), now);
  return store.calls.splice(0);
};

describe('the differential walks\' recorder', () => {
  it('reads the masked-probe counts of a document run either side of an hour, and of a platform day, alike', async () => {
    const before = Date.parse('2026-12-07T15:59:59.950Z'); // 23:59:59.950 on the platform's calendar (UTC+08:00)
    const first = await probes(2, LIUZHOU, before);
    expect(first).toHaveLength(2); // the hour's counter, then the day's
    expect(await probes(2, LIUZHOU, before + 100)).toEqual(first);
    // What a request compares still tells: another number of values, or another department, reads otherwise.
    expect(await probes(3, LIUZHOU, before + 100)).not.toEqual(first);
    expect(await probes(2, '450300-MZJ', before + 100)).not.toEqual(first);
  });

  it('leaves out the audit log\'s checkpoints, which the gateway writes on its own timer', async () => {
    await auditKey(store); // read once, as the gateway does before it serves
    store.calls.splice(0);
    await writeCheckpoint(store, null);
    expect(store.calls).toEqual([]);
  });
});
