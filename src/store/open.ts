// Chooses the store adapter (SPEC §11): MongoDB when a URI is given, otherwise the embedded SQLite
// store in the data folder (default `./data`).

import { checkStoreFormat } from './format.ts';
import type { Store } from './port.ts';

export const DEFAULT_DATA_DIR = './data';

/**
 * `existing`: the store must be there already: the embedded store's file holds one (openDatabase in
 * sqlite/database.ts), the MongoDB database is not empty (mongo-foreign.ts).
 * A store of a newer format than this release's is refused (closed, nothing written: format.ts), naming
 * both; one of an older format, or none recorded, records this release's.
 */
export async function openStore(opts: { dataDir?: string; mongodbUri?: string; existing?: boolean }): Promise<Store> {
  let store: Store;
  let where: string;
  if (opts.mongodbUri) {
    const { openMongoStore } = await import('./mongo/store.ts');
    store = await openMongoStore(opts.mongodbUri, undefined, { existing: opts.existing });
    where = 'the MongoDB database';
  } else {
    const { openSqliteStore } = await import('./sqlite/store.ts');
    const sqlite = await openSqliteStore(opts.dataDir ?? DEFAULT_DATA_DIR, { existing: opts.existing });
    store = sqlite;
    where = sqlite.file;
  }
  try {
    await checkStoreFormat(store, where);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
