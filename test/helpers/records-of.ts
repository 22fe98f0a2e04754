// Imports records given as objects into a published resource (a JSON Lines file in a temporary folder), as
// its provider would with `govgraph records import`: for tests that need a few records of their own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { publishedCatalogues } from '../../src/catalogue/repository.ts';
import { importRecords, type ImportSummary } from '../../src/records/import.ts';
import type { Store } from '../../src/store/port.ts';

/** Imports `records` into the published resource `code` (its version in effect); fails the test on any problem. */
export async function importRecordsOf(store: Store, code: string, records: readonly object[]): Promise<void> {
  expect((await importSummaryOf(store, code, records)).problems).toEqual([]);
}

/** Imports `records` into the published resource `code` as importRecordsOf does; the import's summary, problems or not. */
export async function importSummaryOf(store: Store, code: string, records: readonly object[]): Promise<ImportSummary> {
  const resource = (await publishedCatalogues(store)).flatMap((c) => c.resources).find((r) => r.code === code);
  if (!resource) throw new Error(`no published resource ${code}`);
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-records-of-'));
  try {
    const file = join(dir, `${code}.jsonl`);
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return await importRecords(store, resource, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
