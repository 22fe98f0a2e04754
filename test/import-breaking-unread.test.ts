// `catalogue import` prints what a new version breaks with the departments that read it (the audit log of
// 90 days, src/cli/import-breaking.ts), after the import has stored or published the version. A failed read
// of the log there (the store locked by another process) made the whole command exit 1 with `govgraph: ...`
// though the version was published, and skipped the demands it fulfils. The lines now go without the
// readers and say why. Sichuan (test/fixtures/sichuan-rows), a version dropping `remark`.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importBreakingLines } from '../src/cli/import-breaking.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/sichuan-rows/${path}`, import.meta.url));
let gw: TestGateway;
let before: Catalogue;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('residents.yaml')] });
  before = (await publishedCatalogues(gw.store))[0]!;
}, 30_000);
afterAll(() => gw?.close());

const withoutRemark = (c: Catalogue): Catalogue => ({ ...c, resources: c.resources.map((r) => ({ ...r, items: r.items.filter((i) => i.name !== 'remark') })) });

/** The gateway's store, every operation of which fails as a store held by another process does. */
const lockedStore = (store: Store): Store => new Proxy(store, {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver);
    if (typeof value !== 'function') return value;
    return () => Promise.reject(new StoreUnavailableError('find in _audit: the database stayed locked by another process for 5000 ms'));
  },
});

it('prints the breaking change and why no reader is named, instead of failing after the publication', async () => {
  const lines = await importBreakingLines(lockedStore(gw.store), before, withoutRemark(before), true);
  expect(lines[1]).toMatch(/^ {2}warning BREAKING_CHANGE .*Item remark of 510000-GA-00001 is removed/);
  expect(lines.at(-1)).toBe('  (who read it in the last 90 days could not be read from the audit log: find in _audit: the database stayed locked by another process for 5000 ms; govgraph usage shows it)');
});

it('names no such note when the log is read', async () => {
  const lines = await importBreakingLines(gw.store, before, withoutRemark(before), true);
  expect(lines.some((l) => l.includes('could not be read'))).toBe(false);
  expect(lines.length).toBe(2);
});
