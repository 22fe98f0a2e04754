// Chooses the store adapter (SPEC §11): MongoDB when a URI is given, otherwise the embedded SQLite
// store in the data folder (default `./data`).

import type { Store } from './port.ts';

export const DEFAULT_DATA_DIR = './data';

/**
 * `existing`: the store must be there already: the embedded store's file holds one (openDatabase in
 * sqlite/database.ts), the MongoDB database is not empty (mongo-foreign.ts).
 */
export async function openStore(opts: { dataDir?: string; mongodbUri?: string; existing?: boolean }): Promise<Store> {
  if (opts.mongodbUri) {
    const { openMongoStore } = await import('./mongo/store.ts');
    return openMongoStore(opts.mongodbUri, undefined, { existing: opts.existing });
  }
  const { openSqliteStore } = await import('./sqlite/store.ts');
  return openSqliteStore(opts.dataDir ?? DEFAULT_DATA_DIR, { existing: opts.existing });
}
