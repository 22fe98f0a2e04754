// Loads the demo platform into an empty store: its catalogues and the generated records, then publishes
// the catalogues. Publishing comes last, so that a first run cut short (Ctrl-C during the load) leaves
// nothing published and the next run loads the demo again; one cut short while it published them, one
// after another (kill -9), leaves the rest approved, which the next run publishes (publishLeftOver).
import type { Platform } from '../model/platform.ts';
import { collectionOf, RECORD_ORDER_FIELD } from '../model/catalogue.ts';
import type { Store } from '../store/port.ts';
import { importCatalogueFiles } from '../catalogue/import.ts';
import { ensureResourceIndexes } from '../catalogue/indexes.ts';
import { markPublished } from '../catalogue/repository/publication.ts';
import { listVersions, publishedCatalogues } from '../catalogue/repository/versions.ts';
import type { CatalogueVersion } from '../catalogue/repository/rows.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { demoCatalogueFiles } from './paths.ts';
import { generateDemoRecords } from './generate/records.ts';
import { createHash } from 'node:crypto';

const BATCH = 2000;

/**
 * Returns false when the store already holds published catalogues: nothing is changed then, but the demo
 * catalogues a first run left unpublished (publishLeftOver) are published.
 */
export async function ensureDemo(store: Store, platform: Platform, log: (line: string) => void = () => {}): Promise<boolean> {
  if ((await publishedCatalogues(store)).length) {
    await publishLeftOver(store, log);
    return false;
  }
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

/**
 * Publishes the demo catalogues a first run stored and did not publish. Killed while it published them
 * one after another, it left the first ones published and the others approved; the next start found
 * catalogues published and loaded nothing, so the demo went on without the others for good (their
 * resources missing from the schema, their links refused). Every record was loaded before the first
 * publication, so publishing is all that is left. Such a catalogue is a demo file's whose only version is
 * approved and never published: a load that ended leaves none (the demo's users change a catalogue by a
 * later version, and a withdrawn one is withdrawn, not approved), nor does any other catalogue count.
 */
async function publishLeftOver(store: Store, log: (line: string) => void): Promise<void> {
  const demoIds = demoCatalogueFiles().map((file) => String((parse(readFileSync(file, 'utf8')) as { id?: unknown }).id));
  const byId = new Map<string, CatalogueVersion[]>();
  for (const v of await listVersions(store)) byId.set(v.id, [...(byId.get(v.id) ?? []), v]);
  for (const id of demoIds) {
    const versions = byId.get(id) ?? [];
    const [only] = versions;
    if (versions.length !== 1 || only.status !== 'approved' || only.publishedAt !== null) continue;
    if (await markPublished(store, only.id, only.version)) log(`  ${only.id} published: the first run stopped before it published it`);
  }
}

/** A demo record's place in a masked key's list: 48 bits of the SHA-256 of its resource and key. */
function demoPlace(resource: string, key: unknown): number {
  return createHash('sha256').update(`${resource}\0${String(key)}`).digest().readUIntBE(0, 6);
}
