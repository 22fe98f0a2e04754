// The data imports a gateway says at its start (src/server/unfinished-at-start.ts), through the store port
// only: on the embedded store always, and on MongoDB when MONGODB_URI is set. An import whose store never
// finished writing (its upsertAll held for good, as a process killed there leaves it) has its `attempted`
// entry alone: said once at level 40 with the command that finishes it, counted, and no longer once a
// later import of the resource wrote its records. A log that cannot be read at the start is said so and
// read again. Baotou's platform (test/fixtures/baotou-crash).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository/versions.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';
import { watchImportsLeft } from '../src/server/unfinished-at-start.ts';
import { auditedImport } from '../src/workflow/data-import.ts';
import { unfinishedImports } from '../src/workflow/unfinished-imports.ts';
import { BAOTOU_CATALOGUE, BAOTOU_PLATFORM, EMPLOYERS, WORKERS, writeWorkers } from './helpers/baotou-crash.ts';
import { eventually } from './helpers/eventually.ts';
import { lineSink } from './helpers/log-sink.ts';
import { aroundMethod } from './helpers/store-around.ts';
import { storeHarnesses, type StoreHarness } from './helpers/store-harnesses.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-unfinished-start-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const harnesses = storeHarnesses('unfinished-start');

interface Said { level: 'info' | 'warn'; fields: Record<string, unknown>; msg: string }
/** A pino logger whose lines go to `said`, their level named. */
const logger = (said: Said[]) => pino({ level: 'info', base: null, timestamp: false }, lineSink((line) => {
  const { level, msg, ...fields } = JSON.parse(line) as { level: number; msg: string };
  said.push({ level: level === 40 ? 'warn' : 'info', fields, msg });
}));

describe.each(harnesses)('on %s', (_name, harness) => {
  let h: StoreHarness;
  let store: Store;
  let catalogues: Catalogue[];
  const resource = (code: string) => catalogues.flatMap((c) => c.resources).find((r) => r.code === code)!;
  const workers = join(dir, 'workers.jsonl');
  const employers = join(dir, 'employers.jsonl');
  beforeAll(async () => {
    h = harness();
    store = await h.open();
    await importCatalogueFiles(store, loadPlatform(BAOTOU_PLATFORM), [BAOTOU_CATALOGUE], { publish: true });
    catalogues = await publishedCatalogues(store);
    writeWorkers(workers, 300);
    writeFileSync(employers, '{"creditCode":"91150200MA0000001X","workers":12}\n');
  });
  afterAll(async () => {
    await store?.close();
    await h?.cleanup();
  });

  it('says the import left unfinished once, counts it, and lets it go once a later import wrote the resource', async () => {
    // The employers' import ended: nothing to say of it.
    expect((await auditedImport({ store }, { user: 'operator', requestId: 'bt-employers' }, resource(EMPLOYERS.code), employers)).doneRecorded).toBe(true);
    // The workers' import never gets past its store's write: its `attempted` entry stands alone.
    const held = aroundMethod(store, 'upsertAll', () => new Promise(() => undefined));
    void auditedImport({ store: held }, { user: 'night-batch', requestId: 'bt-workers-killed' }, resource(WORKERS.code), workers);
    await eventually(async () => expect(await unfinishedImports(store)).toHaveLength(1), 10_000);

    const said: Said[] = [];
    // The audit entries each read of the log gets: once said, only those written since are read.
    const reads: number[] = [];
    const counted = aroundMethod(store, 'find', async ([collection], call) => {
      const rows = (await call()) as unknown[];
      if (collection === AUDIT_COLLECTION) reads.push(rows.length);
      return rows;
    });
    const left = watchImportsLeft(counted, () => catalogues, logger(said), 100);
    try {
      await left.ready;
      expect(left.unfinished).toBe(1);
      expect(reads).toEqual([3]); // the employers' two entries and the workers' attempt
      expect(said).toEqual([{
        level: 'warn',
        fields: expect.objectContaining({ event: 'unfinished-work', work: 'data-import', resource: WORKERS.code, user: 'night-batch', next: `govgraph data import --resource ${WORKERS.code} ${workers}` }),
        msg: expect.stringContaining('nothing is half-written'),
      }]);
      expect(await store.count(WORKERS.collection)).toBe(0);
      await new Promise((r) => setTimeout(r, 400)); // read again meanwhile: nothing said twice, no entry read twice
      expect([said.length, left.unfinished]).toEqual([1, 1]);
      expect(reads.length).toBeGreaterThan(1);
      expect(reads.slice(1).every((n) => n === 0)).toBe(true);

      // The command it names, run: a later import that wrote the resource's records.
      const again = await auditedImport({ store }, { user: 'operator', requestId: 'bt-workers-again' }, resource(WORKERS.code), workers);
      expect(again.summary.inserted).toBe(300);
      await eventually(async () => expect(left.unfinished).toBe(0), 10_000);
      expect(said.at(-1)).toEqual({
        level: 'info',
        fields: expect.objectContaining({ event: 'unfinished-work', work: 'data-import', resource: WORKERS.code, finished: true }),
        msg: expect.stringMatching(/: a later import of 150200-RSJ-00011 wrote its records \(entry #\d+\)$/),
      });
    } finally {
      left.stop();
    }
  });

  it('says so when the log cannot be read at the start, and reads it again', async () => {
    // A fresh attempt standing alone (the one above was finished by the later import).
    const held = aroundMethod(store, 'upsertAll', () => new Promise(() => undefined));
    void auditedImport({ store: held }, { user: 'night-batch', requestId: 'bt-workers-killed-2' }, resource(WORKERS.code), workers);
    let locked = true;
    const locking = aroundMethod(store, 'find', async (_args, call) => {
      if (locked) throw new StoreUnavailableError('find on _audit: the store is locked by another process');
      return call();
    });
    const said: Said[] = [];
    const left = watchImportsLeft(locking, () => catalogues, logger(said), 100);
    try {
      await left.ready;
      expect([left.unfinished, said]).toEqual([0, [{
        level: 'warn',
        fields: { event: 'unfinished-work', work: 'data-import', reason: 'find on _audit: the store is locked by another process' },
        msg: expect.stringContaining('could not be read from the audit log now'),
      }]]);
      locked = false;
      await eventually(async () => expect(left.unfinished).toBe(1), 10_000);
      expect(said.map((s) => [s.level, s.fields.work, s.fields.resource])).toEqual([['warn', 'data-import', undefined], ['warn', 'data-import', WORKERS.code]]);
    } finally {
      left.stop();
    }
  });
});
