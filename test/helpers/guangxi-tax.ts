// The Guangxi audit fixture (test/fixtures/guangxi-audit: 450000 with a city and a county, the tax bureau's
// payments with masked and not-shared items) as a test gateway holding a few payments of the tests' own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { publishedCatalogues } from '../../src/catalogue/repository.ts';
import { importRecords } from '../../src/records/import.ts';
import type { Store } from '../../src/store/port.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/guangxi-audit/${name}`, import.meta.url));

/** The gateway, its payments imported from `rows` (CSV lines under the payments' header); `close` stops it. */
export async function startGuangxiTax(rows: readonly string[], wrapStore?: (s: Store) => Store): Promise<{ gw: TestGateway; close(): Promise<void> }> {
  const gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('tax.yaml')], wrapStore });
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-guangxi-tax-'));
  try {
    const file = join(dir, 'tax.csv');
    writeFileSync(file, ['paymentNo,payerId,phone,amount', ...rows, ''].join('\n'));
    const [payments] = (await publishedCatalogues(gw.store))[0].resources;
    expect((await importRecords(gw.store, payments, file)).problems).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { gw, close: () => gw.close() };
}
