// A request cancelled while its reads wait for a turn of the event loop (src/store/sqlite/locks.ts): they
// are dropped, rejecting with the request's REQUEST_CANCELLED (the signal's reason, as a read waiting for a
// reader thread is dropped), not run later. They were run, every one: a department's query of many aliases
// whose time limit had answered, or whose client had left, still read all its waiting pages and links,
// each taking its turn from the other departments' reads.
//
// Counted, not timed: how many of the cancelled department's reads still waiting at the cancel run after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cancellation, REQUEST_CANCELLED } from '../src/limits/cancel.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';

// Below the reader threads' bound (5,000 rows): every read runs on the event loop.
const ENTERPRISES = 'r_510000_scj_00002';
const ROWS = 4_000;
const creditCode = (i: number) => `91510100MA${String(i).padStart(7, '0')}X`;
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-turns-cancel-'));
  store = await openSqliteStore(dir);
  await store.ensureIndex(ENTERPRISES, { fields: ['creditCode'], unique: true });
  await store.insert(ENTERPRISES, Array.from({ length: ROWS }, (_, i) => ({ creditCode: creditCode(i), name: `成都企业${i}有限公司`, district: `区${i % 12}` })));
}, 60_000);
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const codes = (from: number, n: number) => Array.from({ length: n }, (_, i) => creditCode((from + i * 3) % ROWS));

it('drops a cancelled request’s reads waiting for a turn of the event loop: none runs after the cancel', async () => {
  const cancel = new Cancellation();
  cancel.arm(); // a query's execution
  const options = { signal: cancel.signal, owner: '510100-SCJ' };

  // The request's reads, all at once (a query of many aliases and their links): the first run until they
  // have held the loop 10 ms, the others wait for turns.
  let cancelled = false;
  let ranBefore = 0;
  let ranAfter = 0;
  const refusals: unknown[] = [];
  const reads = Array.from({ length: 120 }, (_, n) =>
    store.findByValues(ENTERPRISES, 'creditCode', codes(n * 7, 800), ['creditCode', 'name'], options).then(
      (rows) => {
        expect(rows).toHaveLength(800);
        if (cancelled) ranAfter++;
        else ranBefore++;
      },
      (error: unknown) => void refusals.push(error),
    ));
  // Another department's reads, waiting beside them: not cancelled, so answered.
  const other = Array.from({ length: 5 }, (_, n) => store.findByValues(ENTERPRISES, 'creditCode', [creditCode(n * 101)], ['creditCode', 'district'], { owner: '510100-GA' }));

  await new Promise((resolve) => setTimeout(resolve, 0));
  const waitingAtCancel = reads.length - ranBefore - refusals.length;
  cancelled = true;
  cancel.cancel('time-limit');
  await Promise.all(reads);

  const seen = `ran before the cancel ${ranBefore}, waiting at the cancel ${waitingAtCancel}, ran after it ${ranAfter}`;
  expect(waitingAtCancel, seen).toBeGreaterThanOrEqual(20); // the test means something
  expect(ranAfter, seen).toBe(0);
  expect(refusals, seen).toHaveLength(waitingAtCancel);
  for (const error of refusals) expect(error).toMatchObject({ extensions: { code: REQUEST_CANCELLED, reason: 'time-limit' } });
  expect((await Promise.all(other)).map(([row]) => row)).toEqual([0, 1, 2, 3, 4].map((n) => ({ creditCode: creditCode(n * 101), district: `区${(n * 101) % 12}` })));

  // A read of the cancelled request asked after the cancel is refused before it waits.
  await expect(store.findByValues(ENTERPRISES, 'creditCode', codes(0, 10), undefined, options)).rejects.toMatchObject({ extensions: { code: REQUEST_CANCELLED } });
}, 60_000);
