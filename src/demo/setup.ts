// Loads the demo platform into an empty store: its catalogues and the generated records, then publishes
// the catalogues. Publishing comes last, so that a first run cut short (Ctrl-C during the load) leaves
// nothing published and the next run loads the demo again.
import type { Platform } from '../model/platform.ts';
import { collectionOf, RECORD_ORDER_FIELD } from '../model/catalogue.ts';
import type { Store } from '../store/port.ts';
import { importCatalogueFiles } from '../catalogue/import.ts';
import { ensureResourceIndexes } from '../catalogue/indexes.ts';
import { markPublished } from '../catalogue/repository/publication.ts';
import { publishedCatalogues } from '../catalogue/repository/versions.ts';
import { demoCatalogueFiles } from './paths.ts';
import { generateDemoRecords } from './generate/records.ts';
import { createHash } from 'node:crypto';

const BATCH = 2000;

/** Returns false when the store already holds published catalogues (nothing is changed then). */
export async function ensureDemo(store: Store, platform: Platform, log: (line: string) => void = () => {}): Promise<boolean> {
  if ((await publishedCatalogues(store)).length) return false;
  log('First run: loading the demo platform into the store...');
  const imported = await importCatalogueFiles(store, platform, demoCatalogueFiles(), { publish: false, by: 'operator' });
  const records = generateDemoRecords();
  for (const { version } of imported) {
    for (const resource of version.catalogue.resources) {
      await ensureResourceIndexes(store, resource);
      // Each record placed in a masked key's list as a data import places it (records/import/placing.ts),
      // but drawn from its key, not at random: the demo is public data, and the README shows its first
      // records, which a new user must see too.
      const rows = (records.get(resource.code) ?? []).map((row) => ({ ...row, [RECORD_ORDER_FIELD]: demoPlace(resource.code, row[resource.key]) }));
      for (let i = 0; i < rows.length; i += BATCH) {
        await store.upsert(collectionOf(resource), resource.key, rows.slice(i, i + BATCH));
      }
      log(`  ${resource.code} ${resource.name}: ${rows.length} records`);
    }
  }
  for (const { version } of imported) await markPublished(store, version.id, version.version);
  return true;
}

/** A demo record's place in a masked key's list: 48 bits of the SHA-256 of its resource and key. */
function demoPlace(resource: string, key: unknown): number {
  return createHash('sha256').update(`${resource}\0${String(key)}`).digest().readUIntBE(0, 6);
}
